import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { listTree, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

function spec(dir: string, files: unknown[], extra: Record<string, unknown> = {}) {
  return { version: 1, dir, mode: "init", timeoutSeconds: 5, files, ...extra };
}

describe("runtime: AWS sources (batching, fallbacks, versions)", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());
  beforeEach(() => aws.reset());

  const run = (s: unknown, extra: NodeJS.ProcessEnv = {}) =>
    runFetch({ env: specEnv(s, { ...aws.podIdentityEnv(tempDir()), ...extra }) });

  it("25 Secrets Manager secrets of one region take 2 BatchGetSecretValue calls (20 + 5), each file right", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => aws.putSecret(`batch/s${i}`, `${SECRET_MARKER}-batch-${i}`));
    const vol = path.join(tempDir(), "vol");
    // Half by ARN, half by name: the answer's Name/ARN must be matched back to either.
    const files = ids.map((arn, i) => ({
      path: `s${i}`,
      source: { type: "aws-secretsmanager", secretId: i % 2 ? arn : `batch/s${i}`, region: REGION },
    }));
    const r = await run(spec(vol, files));
    assert.equal(r.code, 0, r.stderr);
    const batches = aws.callsOf("secretsmanager.BatchGetSecretValue");
    assert.deepEqual(
      batches.map((c) => (c.body.SecretIdList as string[]).length).sort((a, b) => a - b),
      [5, 20],
    );
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 0);
    for (let i = 0; i < 25; i++)
      assert.equal(fs.readFileSync(path.join(vol, `s${i}`), "utf8"), `${SECRET_MARKER}-batch-${i}`);
    const written = r.logs.filter((l) => l.event === "file-written");
    assert.equal(written.length, 25);
    assert.ok(
      written.every(
        (l) =>
          typeof l.version === "string" && typeof l.bytes === "number" && typeof l.ms === "number" && l.attempt === 1,
      ),
    );
  });

  it("batches per region: secrets named by ARN go to their ARN's region, each call signed for it", async () => {
    const west = [0, 1].map((i) =>
      aws.putSecret(`regions/west-${i}`, `${SECRET_MARKER}-w${i}`, undefined, "eu-west-1"),
    );
    const east = [0, 1].map((i) =>
      aws.putSecret(`regions/east-${i}`, `${SECRET_MARKER}-e${i}`, undefined, "us-east-1"),
    );
    const vol = path.join(tempDir(), "vol");
    const files = [...west, ...east].map((arn, i) => ({
      path: `r${i}`,
      source: { type: "aws-secretsmanager", secretId: arn },
    }));
    const r = await run(spec(vol, files));
    assert.equal(r.code, 0, r.stderr);
    const batches = aws.callsOf("secretsmanager.BatchGetSecretValue");
    assert.deepEqual(batches.map((c) => [c.region, [...(c.body.SecretIdList as string[])].sort()]).sort(), [
      ["eu-west-1", [...west].sort()],
      ["us-east-1", [...east].sort()],
    ]);
    assert.equal(fs.readFileSync(path.join(vol, "r3"), "utf8"), `${SECRET_MARKER}-e1`);
  });

  // The double answers BatchGetSecretValue in reverse request order (AWS promises no order).
  for (const by of ["name", "partial ARN"] as const) {
    it(`a batch answered out of order gives each file its own secret: "db" and "db-prod" by ${by}`, async () => {
      const arns = ["db", "db-prod", "db-prod-eu"].map((n) =>
        aws.putSecret(`order-${by === "name" ? "n" : "a"}/${n}`, `${SECRET_MARKER}-${n}`),
      );
      const ids = arns.map((arn) => (by === "name" ? arn.split(":secret:")[1].slice(0, -7) : arn.slice(0, -7)));
      const vol = path.join(tempDir(), "vol");
      const r = await run(
        spec(
          vol,
          ids.map((secretId, i) => ({ path: `f${i}`, source: { type: "aws-secretsmanager", secretId } })),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        aws.callsOf("secretsmanager.BatchGetSecretValue").map((c) => c.body.SecretIdList),
        [ids],
      );
      assert.deepEqual(
        [0, 1, 2].map((i) => fs.readFileSync(path.join(vol, `f${i}`), "utf8")),
        [`${SECRET_MARKER}-db`, `${SECRET_MARKER}-db-prod`, `${SECRET_MARKER}-db-prod-eu`],
      );
      assert.equal(
        aws.callsOf("secretsmanager.GetSecretValue").length,
        0,
        "every answer matched exactly, no fallback needed",
      );
    });
  }

  it("secrets AWS services manage (rds!db-…, rds!cluster-…) are read by name, full ARN and partial ARN, in a batch and alone", async () => {
    const db = aws.putManagedSecret("rds", "db-1a96bebc-86c1-4982-9f9f-7d6a651d2464", `${SECRET_MARKER}-rds-db`);
    aws.putManagedSecret("rds", "cluster-0b7e2f7c-3c1d-4a8e-b5f6-2d9e8c7a6b5f", `${SECRET_MARKER}-rds-cluster`);
    const ids = [db, "rds!cluster-0b7e2f7c-3c1d-4a8e-b5f6-2d9e8c7a6b5f", db.slice(0, -7)];
    const vol = path.join(tempDir(), "vol");
    const batch = await run(
      spec(
        vol,
        ids.map((secretId, i) => ({ path: `f${i}`, source: { type: "aws-secretsmanager", secretId } })),
      ),
    );
    assert.equal(batch.code, 0, batch.stderr);
    assert.deepEqual(
      [0, 1, 2].map((i) => fs.readFileSync(path.join(vol, `f${i}`), "utf8")),
      [`${SECRET_MARKER}-rds-db`, `${SECRET_MARKER}-rds-cluster`, `${SECRET_MARKER}-rds-db`],
    );
    assert.ok(aws.callsOf("secretsmanager.BatchGetSecretValue").length > 0);
    assert.ok(
      batch.logs.some(
        (l) =>
          l.event === "file-written" &&
          l.source === "aws-secretsmanager:rds!cluster-0b7e2f7c-3c1d-4a8e-b5f6-2d9e8c7a6b5f",
      ),
      "the log names the reference as given",
    );
    aws.reset();
    const alone = path.join(tempDir(), "vol");
    const single = await run(
      spec(alone, [
        { path: "db", source: { type: "aws-secretsmanager", secretId: "rds!db-1a96bebc-86c1-4982-9f9f-7d6a651d2464" } },
      ]),
    );
    assert.equal(single.code, 0, single.stderr);
    assert.equal(fs.readFileSync(path.join(alone, "db"), "utf8"), `${SECRET_MARKER}-rds-db`);
    assert.deepEqual(
      aws.callsOf("secretsmanager.GetSecretValue").map((c) => c.body.SecretId),
      ["rds!db-1a96bebc-86c1-4982-9f9f-7d6a651d2464"],
    );
  });

  it('the double, as CreateSecret, refuses a "!" name: only a managing service gives one', () => {
    assert.throws(() => aws.putSecret("rds!db-mine", "x"), /CreateSecret refuses the name "rds!db-mine"/);
  });

  it("one secret asked for by name and by full ARN in one batch: the ambiguous answers are read one by one, each file right", async () => {
    const arn = aws.putSecret("twice/db", `${SECRET_MARKER}-twice`);
    aws.putSecret("twice/other", `${SECRET_MARKER}-other`);
    const vol = path.join(tempDir(), "vol");
    const ids = ["twice/db", arn, "twice/other"];
    const r = await run(
      spec(
        vol,
        ids.map((secretId, i) => ({ path: `f${i}`, source: { type: "aws-secretsmanager", secretId } })),
      ),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      [0, 1, 2].map((i) => fs.readFileSync(path.join(vol, `f${i}`), "utf8")),
      [`${SECRET_MARKER}-twice`, `${SECRET_MARKER}-twice`, `${SECRET_MARKER}-other`],
    );
  });

  it("a batch error is tied to the SecretId exactly as sent: a missing partial ARN fails, its prefix-sharing neighbour is read", async () => {
    const arn = aws.putSecret("errs/db-prod", `${SECRET_MARKER}-errs`);
    const partial = arn.slice(0, -7);
    const missing = partial.replace("errs/db-prod", "errs/db");
    const vol = path.join(tempDir(), "vol");
    const r = await run(
      spec(vol, [
        { path: "db", source: { type: "aws-secretsmanager", secretId: missing } },
        { path: "db-prod", source: { type: "aws-secretsmanager", secretId: partial } },
      ]),
    );
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.logs.filter((l) => l.event === "file-failed").map((l) => [l.file, l.cause]),
      [["db", "not-found"]],
    );
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 0);
  });

  it("falls back to one GetSecretValue per secret when BatchGetSecretValue is denied", async () => {
    aws.denyBatch = true;
    for (let i = 0; i < 3; i++) aws.putSecret(`fallback/s${i}`, `${SECRET_MARKER}-fb-${i}`);
    const vol = path.join(tempDir(), "vol");
    const r = await run(
      spec(
        vol,
        [0, 1, 2].map((i) => ({
          path: `f${i}`,
          source: { type: "aws-secretsmanager", secretId: `fallback/s${i}`, region: REGION },
        })),
      ),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.callsOf("secretsmanager.BatchGetSecretValue").length, 1);
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 3);
    assert.ok(r.logs.some((l) => l.event === "batch-denied-fallback"));
    assert.equal(fs.readFileSync(path.join(vol, "f2"), "utf8"), `${SECRET_MARKER}-fb-2`);
  });

  it("a secret missing from a batch fails as not-found, the whole set stays invisible", async () => {
    aws.putSecret("partial/present", `${SECRET_MARKER}-present`);
    const vol = path.join(tempDir(), "vol");
    const r = await run(
      spec(vol, [
        { path: "present", source: { type: "aws-secretsmanager", secretId: "partial/present", region: REGION } },
        { path: "absent", source: { type: "aws-secretsmanager", secretId: "partial/absent", region: REGION } },
      ]),
    );
    assert.equal(r.code, 1);
    const failed = r.logs.filter((l) => l.event === "file-failed");
    assert.deepEqual(
      failed.map((l) => [l.file, l.source, l.cause]),
      [["absent", "aws-secretsmanager:partial/absent", "not-found"]],
    );
    assert.deepEqual(listTree(vol), []);
  });

  it("versionStage and versionId read with GetSecretValue; the same secret twice is fetched once", async () => {
    aws.putSecret("versions/db", `${SECRET_MARKER}-v1`, "v1");
    aws.putSecret("versions/db", `${SECRET_MARKER}-v2`, "v2");
    const vol = path.join(tempDir(), "vol");
    const src = { type: "aws-secretsmanager", secretId: "versions/db", region: REGION };
    const r = await run(
      spec(vol, [
        { path: "current", source: src },
        { path: "current-again", source: { ...src } },
        { path: "previous", source: { ...src, versionStage: "AWSPREVIOUS" } },
        { path: "pinned", source: { ...src, versionId: "v1" } },
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    const read = (p: string) => fs.readFileSync(path.join(vol, p), "utf8");
    assert.deepEqual(
      [read("current"), read("current-again"), read("previous"), read("pinned")],
      [`${SECRET_MARKER}-v2`, `${SECRET_MARKER}-v2`, `${SECRET_MARKER}-v1`, `${SECRET_MARKER}-v1`],
    );
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 3);
    assert.equal(aws.callsOf("secretsmanager.BatchGetSecretValue").length, 0);
  });

  it("SecretBinary is written as the exact bytes", async () => {
    const bytes = Buffer.concat([Buffer.from([0, 255, 1, 254]), Buffer.from(SECRET_MARKER)]);
    aws.putSecret("binary/keystore", bytes);
    const vol = path.join(tempDir(), "vol");
    const r = await run(
      spec(vol, [
        { path: "keystore.p12", source: { type: "aws-secretsmanager", secretId: "binary/keystore", region: REGION } },
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.readFileSync(path.join(vol, "keystore.p12")).equals(bytes));
  });

  it("12 SSM parameters take 2 GetParameters calls (10 + 2) with decryption; InvalidParameters is not-found", async () => {
    for (let i = 0; i < 12; i++) aws.putParameter(`/app/p${i}`, `${SECRET_MARKER}-param-${i}`);
    const vol = path.join(tempDir(), "vol");
    const files = Array.from({ length: 12 }, (_, i) => ({
      path: `p${i}`,
      source: { type: "aws-ssm", name: `/app/p${i}`, region: REGION },
    }));
    const ok = await run(spec(vol, files));
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(
      aws
        .callsOf("ssm.GetParameters")
        .map((c) => (c.body.Names as string[]).length)
        .sort((a, b) => a - b),
      [2, 10],
    );
    assert.ok(aws.callsOf("ssm.GetParameters").every((c) => c.body.WithDecryption === true));
    assert.equal(fs.readFileSync(path.join(vol, "p11"), "utf8"), `${SECRET_MARKER}-param-11`);

    const vol2 = path.join(tempDir(), "vol");
    const bad = await run(
      spec(vol2, [
        ...files.slice(0, 2),
        { path: "missing", source: { type: "aws-ssm", name: "/app/missing", region: REGION } },
      ]),
    );
    assert.equal(bad.code, 1);
    assert.deepEqual(
      bad.logs.filter((l) => l.event === "file-failed").map((l) => [l.file, l.source, l.cause]),
      [["missing", "aws-ssm:/app/missing", "not-found"]],
    );
    assert.deepEqual(listTree(vol2), []);
  });

  it("an SSM parameter shared from another account is requested by its full ARN in the ARN's region, beside a same-named own parameter", async () => {
    // The double answers GetParameters in alphabetical order of Name (bare names, also when asked
    // by ARN), ties in reverse request order: only an exact Name / ARN match gets each file right.
    aws.putParameter("/shared/db", `${SECRET_MARKER}-own`);
    const sameRegion = aws.putParameter("/shared/db", `${SECRET_MARKER}-shared-eu`, { account: "444455556666" });
    const otherRegion = aws.putParameter("/shared/api", `${SECRET_MARKER}-shared-us`, {
      region: "us-east-1",
      account: "444455556666",
    });
    const vol = path.join(tempDir(), "vol");
    const r = await run(
      spec(vol, [
        { path: "own", source: { type: "aws-ssm", name: "/shared/db", region: REGION } },
        { path: "shared-eu", source: { type: "aws-ssm", name: sameRegion } },
        { path: "shared-us", source: { type: "aws-ssm", name: otherRegion } },
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    const read = (p: string) => fs.readFileSync(path.join(vol, p), "utf8");
    assert.deepEqual(
      [read("own"), read("shared-eu"), read("shared-us")],
      [`${SECRET_MARKER}-own`, `${SECRET_MARKER}-shared-eu`, `${SECRET_MARKER}-shared-us`],
    );
    const calls = aws.callsOf("ssm.GetParameters").map((c) => [c.region, c.body.Names]);
    assert.ok(
      calls.some(
        ([region, names]) => region === "us-east-1" && JSON.stringify(names) === JSON.stringify([otherRegion]),
      ),
      JSON.stringify(calls),
    );
    assert.ok(
      calls.every(([, names]) => (names as string[]).every((n) => n === "/shared/db" || n.startsWith("arn:aws:ssm:"))),
      "requested by the full ARN, never by a name cut from it",
    );
  });

  it("Secrets Manager and SSM sources run concurrently in one set (both services called, one write)", async () => {
    aws.putSecret("mixed/a", `${SECRET_MARKER}-a`);
    aws.putSecret("mixed/b", `${SECRET_MARKER}-b`);
    aws.putParameter("/mixed/c", `${SECRET_MARKER}-c`);
    const vol = path.join(tempDir(), "vol");
    const r = await run(
      spec(vol, [
        { path: "a", source: { type: "aws-secretsmanager", secretId: "mixed/a" } },
        { path: "b", source: { type: "aws-secretsmanager", secretId: "mixed/b" } },
        { path: "c", source: { type: "aws-ssm", name: "/mixed/c" } },
      ]),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.callsOf("secretsmanager.BatchGetSecretValue").length, 1);
    assert.equal(aws.callsOf("ssm.GetParameters").length, 1);
    assert.deepEqual(
      listTree(vol).filter((n) => !n.startsWith("..")),
      ["a", "b", "c"],
    );
  });
});
