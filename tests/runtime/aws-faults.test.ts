/**
 * The fault matrix, per AWS source: each fault ends in exit code 1, one error line naming the file,
 * the source and the cause class, and nothing visible in the volume. Retries are bounded: with
 * SDK retries off, a fault that never clears costs exactly SECRET_MOUNT_MAX_ATTEMPTS requests.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as fs from "node:fs";
import { AwsDouble, type FaultKind, type Op, REGION } from "./doubles/aws";
import { listTree, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

interface Case {
  fault: FaultKind | "missing";
  cause: string;
  /** Requests expected when the fault never clears (retryable faults are retried). */
  requests: number;
}

const MAX_ATTEMPTS = 3;
const CASES: Case[] = [
  { fault: "throttle", cause: "throttled", requests: MAX_ATTEMPTS },
  { fault: "server-error", cause: "unavailable", requests: MAX_ATTEMPTS },
  { fault: "reset", cause: "unavailable", requests: MAX_ATTEMPTS },
  { fault: "malformed", cause: "malformed", requests: MAX_ATTEMPTS },
  { fault: "slow", cause: "timed-out", requests: 1 },
  { fault: "denied", cause: "access-denied", requests: 1 },
  { fault: "missing", cause: "not-found", requests: 1 },
];

const SOURCES: { name: string; op: Op; source: (aws: AwsDouble) => Record<string, unknown>; ref: string }[] = [
  {
    name: "aws-secretsmanager (GetSecretValue)",
    op: "secretsmanager.GetSecretValue",
    source: () => ({ type: "aws-secretsmanager", secretId: "faults/db", region: REGION }),
    ref: "aws-secretsmanager:faults/db",
  },
  {
    name: "aws-ssm (GetParameters)",
    op: "ssm.GetParameters",
    source: () => ({ type: "aws-ssm", name: "/faults/db", region: REGION }),
    ref: "aws-ssm:/faults/db",
  },
];

describe("runtime: AWS fault matrix", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());
  beforeEach(() => {
    aws.calls.length = 0;
    aws.faults.length = 0;
    aws.secrets.clear();
    aws.parameters.clear();
    aws.putSecret("faults/db", `${SECRET_MARKER}-fault-db`);
    aws.putParameter("/faults/db", `${SECRET_MARKER}-fault-db`);
  });

  for (const src of SOURCES) {
    for (const c of CASES) {
      it(`${src.name}: ${c.fault} -> exit 1, "${c.cause}" line, ${c.requests} request(s), nothing visible`, async () => {
        if (c.fault === "missing") {
          aws.secrets.clear();
          aws.parameters.clear();
        } else {
          aws.faults.push({ op: src.op, kind: c.fault, delayMs: 3_000 });
        }
        const vol = path.join(tempDir(), "vol");
        const spec = { version: 1, dir: vol, mode: "init", timeoutSeconds: 1, files: [{ path: "db/password", source: src.source(aws) }] };
        const r = await runFetch({
          env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1", SECRET_MOUNT_MAX_ATTEMPTS: String(MAX_ATTEMPTS) }),
        });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const failed = r.logs.filter((l) => l.event === "file-failed");
        assert.equal(failed.length, 1, JSON.stringify(r.logs));
        assert.equal(failed[0].file, "db/password");
        assert.equal(failed[0].source, src.ref);
        assert.equal(failed[0].cause, c.cause);
        assert.match(String(failed[0].msg), new RegExp(`^db/password <- ${src.ref.replace(/[/.]/g, "\\$&")}: ${c.cause}: `));
        assert.equal(aws.callsOf(src.op).length, c.requests);
        assert.deepEqual(listTree(vol), []);
      });
    }

    it(`${src.name}: a fault that clears (throttle, then reset) is retried to success`, async () => {
      aws.faults.push({ op: src.op, kind: "throttle", times: 1 }, { op: src.op, kind: "reset", times: 1 });
      const vol = path.join(tempDir(), "vol");
      const spec = { version: 1, dir: vol, mode: "init", timeoutSeconds: 10, files: [{ path: "db/password", source: src.source(aws) }] };
      const r = await runFetch({ env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1" }) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(aws.callsOf(src.op).length, 3);
      assert.equal(r.logs.find((l) => l.event === "file-written")?.attempt, 3);
      assert.equal(fs.readFileSync(path.join(vol, "db/password"), "utf8"), `${SECRET_MARKER}-fault-db`);
    });
  }

  it("the SDK's own retries absorb a single 500 within one runtime attempt", async () => {
    aws.faults.push({ op: "secretsmanager.GetSecretValue", kind: "server-error", times: 1 });
    const vol = path.join(tempDir(), "vol");
    const spec = { version: 1, dir: vol, mode: "init", timeoutSeconds: 10, files: [{ path: "p", source: { type: "aws-secretsmanager", secretId: "faults/db", region: REGION } }] };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 2);
    assert.equal(r.logs.find((l) => l.event === "file-written")?.attempt, 1);
  });

  it("a throttled batch fails every secret in it, one line each", async () => {
    aws.putSecret("faults/other", `${SECRET_MARKER}-other`);
    aws.faults.push({ op: "secretsmanager.BatchGetSecretValue", kind: "throttle" });
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      timeoutSeconds: 2,
      files: [
        { path: "a", source: { type: "aws-secretsmanager", secretId: "faults/db", region: REGION } },
        { path: "b", source: { type: "aws-secretsmanager", secretId: "faults/other", region: REGION } },
      ],
    };
    const r = await runFetch({ env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1", SECRET_MOUNT_MAX_ATTEMPTS: "2" }) });
    assert.equal(r.code, 1);
    assert.deepEqual(
      r.logs.filter((l) => l.event === "file-failed").map((l) => [l.file, l.cause]),
      [
        ["a", "throttled"],
        ["b", "throttled"],
      ],
    );
    assert.deepEqual(listTree(vol), []);
  });
});
