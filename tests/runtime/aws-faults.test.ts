/**
 * The fault matrix, per AWS source: each fault ends in exit code 1, one error line naming the file,
 * the source and the cause class, and nothing visible in the volume. Retries are bounded: with
 * SDK retries off, a fault that never clears costs exactly SECRET_MOUNT_MAX_ATTEMPTS requests;
 * but throttling, which AWS asks clients to retry with backoff until the quota refills, is retried
 * until the deadline.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as fs from "node:fs";
import { AwsDouble, type FaultKind, type Op, REGION } from "./doubles/aws";
import { listTree, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

interface Case {
  fault: FaultKind | "missing";
  cause: string;
  /** Requests expected when the fault never clears (retryable faults are retried); "more" = past MAX_ATTEMPTS, until the deadline. */
  requests: number | "more";
}

const MAX_ATTEMPTS = 3;
const CASES: Case[] = [
  { fault: "throttle", cause: "throttled", requests: "more" },
  { fault: "server-error", cause: "unavailable", requests: MAX_ATTEMPTS },
  { fault: "reset", cause: "unavailable", requests: MAX_ATTEMPTS },
  { fault: "malformed", cause: "malformed", requests: MAX_ATTEMPTS },
  { fault: "slow", cause: "timed-out", requests: 1 },
  { fault: "denied", cause: "access-denied", requests: 1 },
  { fault: "missing", cause: "not-found", requests: 1 },
];

interface SourceRow {
  name: string;
  op: Op;
  files: { path: string; source: Record<string, unknown> }[];
  /** Fault kinds this path handles differently (tested elsewhere). */
  except?: Case["fault"][];
}

const SOURCES: SourceRow[] = [
  {
    name: "aws-secretsmanager (GetSecretValue)",
    op: "secretsmanager.GetSecretValue",
    files: [{ path: "db/password", source: { type: "aws-secretsmanager", secretId: "faults/db", region: REGION } }],
  },
  {
    name: "aws-secretsmanager (BatchGetSecretValue)",
    op: "secretsmanager.BatchGetSecretValue",
    files: [
      { path: "db/password", source: { type: "aws-secretsmanager", secretId: "faults/db", region: REGION } },
      { path: "db/user", source: { type: "aws-secretsmanager", secretId: "faults/user", region: REGION } },
    ],
    // A denied batch falls back to GetSecretValue (aws-sources.test.ts).
    except: ["denied"],
  },
  {
    name: "aws-ssm (GetParameters)",
    op: "ssm.GetParameters",
    files: [{ path: "db/password", source: { type: "aws-ssm", name: "/faults/db", region: REGION } }],
  },
];

const ref = (source: Record<string, unknown>) => `${source.type}:${source.secretId ?? source.name}`;
const escape = (s: string) => s.replace(/[/.]/g, "\\$&");

describe("runtime: AWS fault matrix", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());
  beforeEach(() => {
    aws.reset({ data: true });
    aws.putSecret("faults/db", `${SECRET_MARKER}-fault-db`);
    aws.putSecret("faults/user", `${SECRET_MARKER}-fault-user`);
    aws.putParameter("/faults/db", `${SECRET_MARKER}-fault-db`);
  });

  for (const src of SOURCES) {
    for (const c of CASES.filter((x) => !src.except?.includes(x.fault))) {
      it(`${src.name}: ${c.fault} -> exit 1, "${c.cause}" line per file, ${c.requests === "more" ? "retried until the deadline" : `${c.requests} request(s)`}, nothing visible`, async () => {
        if (c.fault === "missing") {
          aws.secrets.clear();
          aws.parameters.clear();
        } else {
          aws.faults.push({ op: src.op, kind: c.fault, delayMs: 3_000 });
        }
        const vol = path.join(tempDir(), "vol");
        // The deadline cuts only the slow and throttle cases; under a loaded machine a 1 s deadline could cut a retry too.
        const spec = {
          version: 1,
          dir: vol,
          mode: "init",
          timeoutSeconds: c.fault === "slow" ? 1 : c.fault === "throttle" ? 2 : 10,
          files: src.files,
        };
        const fast =
          c.fault === "throttle" ? { SECRET_MOUNT_RETRY_BASE_MS: "20", SECRET_MOUNT_RETRY_CAP_MS: "100" } : {};
        const r = await runFetch({
          env: specEnv(spec, {
            ...aws.podIdentityEnv(tempDir()),
            SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1",
            SECRET_MOUNT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
            ...fast,
          }),
        });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const failed = r.logs.filter((l) => l.event === "file-failed");
        assert.deepEqual(
          failed.map((l) => [l.file, l.source, l.cause]),
          src.files.map((f) => [f.path, ref(f.source), c.cause]),
        );
        failed.forEach((l, i) =>
          assert.match(
            String(l.msg),
            new RegExp(`^${escape(src.files[i].path)} <- ${escape(ref(src.files[i].source))}: ${c.cause}: `),
          ),
        );
        if (c.requests === "more") {
          assert.ok(
            aws.callsOf(src.op).length > MAX_ATTEMPTS,
            `${aws.callsOf(src.op).length} requests: retried past SECRET_MOUNT_MAX_ATTEMPTS`,
          );
          failed.forEach((l) => assert.match(String(l.msg), /deadline of 2 s passed while retrying/));
          assert.ok(!(r.stdout + r.stderr).includes(SECRET_MARKER), "no value in the output");
        } else assert.equal(aws.callsOf(src.op).length, c.requests);
        assert.deepEqual(listTree(vol), []);
      });
    }

    it(`${src.name}: a fault that clears (throttle, then reset) is retried to success`, async () => {
      aws.faults.push({ op: src.op, kind: "throttle", times: 1 }, { op: src.op, kind: "reset", times: 1 });
      const vol = path.join(tempDir(), "vol");
      const spec = { version: 1, dir: vol, mode: "init", timeoutSeconds: 10, files: src.files };
      const r = await runFetch({
        env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1" }),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(aws.callsOf(src.op).length, 3);
      assert.equal(r.logs.find((l) => l.event === "file-written")?.attempt, 3);
      assert.equal(fs.readFileSync(path.join(vol, "db/password"), "utf8"), `${SECRET_MARKER}-fault-db`);
    });
  }

  for (const src of SOURCES) {
    it(`${src.name}: throttled for twice SECRET_MOUNT_MAX_ATTEMPTS, within the deadline -> retried with full jitter until it succeeds`, async () => {
      aws.faults.push({ op: src.op, kind: "throttle", times: 2 * MAX_ATTEMPTS });
      const vol = path.join(tempDir(), "vol");
      const spec = { version: 1, dir: vol, mode: "init", timeoutSeconds: 20, files: src.files };
      const base = 20;
      const cap = 100;
      const r = await runFetch({
        env: specEnv(spec, {
          ...aws.podIdentityEnv(tempDir()),
          SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1",
          SECRET_MOUNT_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
          SECRET_MOUNT_RETRY_BASE_MS: String(base),
          SECRET_MOUNT_RETRY_CAP_MS: String(cap),
        }),
      });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(aws.callsOf(src.op).length, 2 * MAX_ATTEMPTS + 1);
      assert.equal(r.logs.find((l) => l.event === "file-written")?.attempt, 2 * MAX_ATTEMPTS + 1);
      const retries = r.logs.filter((l) => l.event === "retrying");
      assert.equal(retries.length, 2 * MAX_ATTEMPTS);
      retries.forEach((l, k) => {
        assert.deepEqual(l.causes, ["throttled"]);
        assert.ok(
          Number(l.delayMs) >= 0 && Number(l.delayMs) < Math.min(cap, base * 2 ** k),
          `retry ${k + 1} waited ${String(l.delayMs)} ms`,
        );
      });
      assert.equal(fs.readFileSync(path.join(vol, "db/password"), "utf8"), `${SECRET_MARKER}-fault-db`);
    });
  }

  it("the SDK's own retries absorb a single 500 within one runtime attempt", async () => {
    aws.faults.push({ op: "secretsmanager.GetSecretValue", kind: "server-error", times: 1 });
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      timeoutSeconds: 10,
      files: [{ path: "p", source: { type: "aws-secretsmanager", secretId: "faults/db", region: REGION } }],
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 2);
    assert.equal(r.logs.find((l) => l.event === "file-written")?.attempt, 1);
  });
});
