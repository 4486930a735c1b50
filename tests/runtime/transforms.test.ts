import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SourceError } from "../../runtime-image/src/providers/provider";
import { transformValue } from "../../runtime-image/src/transform";
import { AwsDouble, REGION } from "./doubles/aws";
import { listTree, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

const file = (extra: Record<string, unknown> = {}) => ({
  path: "f",
  source: { type: "aws-ssm" as const, name: "/x" },
  ...extra,
});
const text = (s: string) => ({ bytes: Buffer.from(s) });
const failure = (fn: () => unknown): SourceError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SourceError, String(e));
    return e;
  }
  assert.fail("expected a SourceError");
};

describe("runtime: transforms (pure)", () => {
  it("jsonKey selects a string as is, other JSON values as JSON text", () => {
    const v = text(JSON.stringify({ password: "p@ss", port: 5432, tls: { on: true } }));
    assert.equal(transformValue(file({ jsonKey: "password" }), v, 1000).toString(), "p@ss");
    assert.equal(transformValue(file({ jsonKey: "port" }), v, 1000).toString(), "5432");
    assert.equal(transformValue(file({ jsonKey: "tls" }), v, 1000).toString(), '{"on":true}');
  });

  it("jsonKey failures name the problem without quoting the value", () => {
    const notJson = failure(() => transformValue(file({ jsonKey: "k" }), text(`{"k": "${SECRET_MARKER}`), 1000));
    assert.equal(notJson.failure, "malformed");
    const missing = failure(() =>
      transformValue(file({ jsonKey: "absent" }), text(JSON.stringify({ k: SECRET_MARKER })), 1000),
    );
    assert.equal(missing.failure, "invalid");
    const array = failure(() => transformValue(file({ jsonKey: "k" }), text(JSON.stringify([SECRET_MARKER])), 1000));
    assert.equal(array.failure, "malformed");
    const binary = failure(() =>
      transformValue(file({ jsonKey: "k" }), { bytes: Buffer.from("{}"), binary: true }, 1000),
    );
    assert.equal(binary.failure, "invalid");
    for (const e of [notJson, missing, array, binary]) assert.ok(!e.message.includes(SECRET_MARKER), e.message);
  });

  it("base64 decodes strict base64 (line breaks allowed) and refuses anything else", () => {
    const raw = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
    const wrapped = raw.toString("base64").replace(/(.{4})/g, "$1\n");
    assert.ok(transformValue(file({ decode: "base64" }), text(wrapped), 1000).equals(raw));
    assert.equal(
      failure(() => transformValue(file({ decode: "base64" }), text(`${SECRET_MARKER}!`), 1000)).failure,
      "malformed",
    );
    assert.equal(failure(() => transformValue(file({ decode: "base64" }), text("abc"), 1000)).failure, "malformed");
    const inJson = text(JSON.stringify({ cert: raw.toString("base64") }));
    assert.ok(transformValue(file({ jsonKey: "cert", decode: "base64" }), inJson, 1000).equals(raw));
  });

  it("values over the size limit are refused", () => {
    assert.equal(failure(() => transformValue(file(), text("x".repeat(11)), 10)).failure, "invalid");
    assert.equal(transformValue(file(), text("x".repeat(10)), 10).length, 10);
  });
});

describe("runtime: transforms end to end through the bundle", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  it("jsonKey, base64 and a dotenv file from them, with modes", async () => {
    const cert = Buffer.concat([Buffer.from([0x30, 0x82, 0x01]), Buffer.from(SECRET_MARKER)]);
    aws.putSecret("app/db", JSON.stringify({ username: "billing", password: `${SECRET_MARKER} it's #1 @home` }));
    aws.putParameter("/app/cert", cert.toString("base64"));
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      fileMode: "0440",
      files: [
        {
          path: "db/user",
          source: { type: "aws-secretsmanager", secretId: "app/db", region: REGION },
          jsonKey: "username",
        },
        {
          path: "db/password",
          source: { type: "aws-secretsmanager", secretId: "app/db", region: REGION },
          jsonKey: "password",
          mode: "0400",
        },
        { path: "tls/cert.der", source: { type: "aws-ssm", name: "/app/cert", region: REGION }, decode: "base64" },
      ],
      envFile: { path: "app.env", vars: { DB_USER: "db/user", DB_PASSWORD: "db/password" } },
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 1, "two files of one secret: one fetch");
    assert.equal(fs.readFileSync(path.join(vol, "db/user"), "utf8"), "billing");
    assert.equal(fs.readFileSync(path.join(vol, "db/password"), "utf8"), `${SECRET_MARKER} it's #1 @home`);
    assert.ok(fs.readFileSync(path.join(vol, "tls/cert.der")).equals(cert));
    assert.equal(
      fs.readFileSync(path.join(vol, "app.env"), "utf8"),
      `DB_USER=billing\nDB_PASSWORD="${SECRET_MARKER} it's #1 @home"\n`,
    );
    assert.equal(fs.statSync(path.join(vol, "db/password")).mode & 0o777, 0o400);
    assert.equal(fs.statSync(path.join(vol, "db/user")).mode & 0o777, 0o440);
    assert.equal(fs.statSync(path.join(vol, "app.env")).mode & 0o777, 0o440);
  });

  it("a value that is not JSON fails the set (malformed), without quoting the value", async () => {
    aws.putSecret("app/not-json", `${SECRET_MARKER} {oops`);
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: [
        {
          path: "p",
          source: { type: "aws-secretsmanager", secretId: "app/not-json", region: REGION },
          jsonKey: "password",
        },
      ],
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 1);
    assert.equal(r.logs.find((l) => l.event === "file-failed")?.cause, "malformed");
    assert.deepEqual(listTree(vol), []);
  });

  it("a dotenv variable whose value holds a NUL byte fails the set, nothing written", async () => {
    aws.putSecret("app/nul", Buffer.from(`${SECRET_MARKER}\u0000tail`));
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: [{ path: "nul", source: { type: "aws-secretsmanager", secretId: "app/nul", region: REGION } }],
      envFile: { path: "app.env", vars: { NUL: "nul" } },
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 1);
    const failed = r.logs.filter((l) => l.event === "file-failed");
    assert.deepEqual(
      failed.map((l) => [l.file, l.cause]),
      [["app.env", "invalid"]],
    );
    assert.deepEqual(listTree(vol), []);
  });

  it("dotenv values no reader can read back the same fail the set, one line per variable naming it, never the value; nothing written", async () => {
    aws.putSecret(
      "app/env-mix",
      JSON.stringify({
        quoteAndHome: `${SECRET_MARKER} it's \${HOME}`,
        home: `${SECRET_MARKER}\${HOME}`,
        fine: `${SECRET_MARKER} it's fine`,
      }),
    );
    const vol = path.join(tempDir(), "vol");
    const src = { type: "aws-secretsmanager", secretId: "app/env-mix", region: REGION };
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: ["quoteAndHome", "home", "fine"].map((k) => ({ path: k, source: src, jsonKey: k })),
      envFile: { path: "app.env", vars: { QUOTE_AND_HOME: "quoteAndHome", FINE: "fine", HOME_REF: "home" } },
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 1);
    const failed = r.logs.filter((l) => l.event === "file-failed");
    assert.deepEqual(
      failed.map((l) => [l.file, l.cause, String(l.message).split(":")[0]]),
      [
        ["app.env", "invalid", "QUOTE_AND_HOME"],
        ["app.env", "invalid", "HOME_REF"],
      ],
    );
    for (const l of failed) assert.match(String(l.message), /\$\{…\}, which python-dotenv expands/);
    assert.ok(!r.stdout.includes(SECRET_MARKER) && !r.stderr.includes(SECRET_MARKER));
    assert.deepEqual(listTree(vol), []);
  });

  it("an oversize value fails the set (SECRET_MOUNT_MAX_VALUE_BYTES)", async () => {
    aws.putSecret("app/big", `${SECRET_MARKER}${"x".repeat(100)}`);
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: [{ path: "big", source: { type: "aws-secretsmanager", secretId: "app/big", region: REGION } }],
    };
    const r = await runFetch({
      env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), SECRET_MOUNT_MAX_VALUE_BYTES: "64" }),
    });
    assert.equal(r.code, 1);
    assert.equal(r.logs.find((l) => l.event === "file-failed")?.cause, "invalid");
    assert.deepEqual(listTree(vol), []);
  });
});
