import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { AwsDouble, REGION } from "./doubles/aws";
import { SECRET_MARKER, specEnv, startFetch, tempDir } from "./harness";

const generation = (n: number) => JSON.stringify({ a: `${SECRET_MARKER}-gen-${n}`, b: `${SECRET_MARKER}-gen-${n}` });

describe("runtime: refresh mode (native sidecar)", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  function start(vol: string) {
    const source = { type: "aws-secretsmanager", secretId: "refresh/pair", region: REGION };
    const spec = {
      version: 1,
      dir: vol,
      mode: "refresh",
      timeoutSeconds: 2,
      files: [
        { path: "pair/a", source, jsonKey: "a" },
        { path: "pair/b", source, jsonKey: "b" },
      ],
    };
    return startFetch({
      env: specEnv(spec, {
        ...aws.podIdentityEnv(tempDir()),
        SECRET_MOUNT_REFRESH_MS: "40",
        SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1",
        SECRET_MOUNT_MAX_ATTEMPTS: "1",
      }),
      timeoutMs: 25_000,
    });
  }

  it("rotated values appear; a reader never sees a torn set; unchanged values are not rewritten", async () => {
    aws.putSecret("refresh/pair", generation(0));
    const vol = path.join(tempDir(), "vol");
    const fetcher = start(vol);
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      const firstDataDir = fs.readlinkSync(path.join(vol, "..data"));
      await fetcher.waitForLog((l) => l.event === "refresh-unchanged");
      assert.equal(fs.readlinkSync(path.join(vol, "..data")), firstDataDir, "no swap without a change");

      // Reader: a snapshot is one resolution of ..data; both files of it must be the same generation.
      // Through the visible paths, each file must always be a whole value.
      let reading = true;
      const seen = new Set<string>();
      let snapshots = 0;
      const reader = (async () => {
        while (reading) {
          let real: string;
          try {
            real = fs.realpathSync(path.join(vol, "..data"));
            const a = fs.readFileSync(path.join(real, "pair/a"), "utf8");
            const b = fs.readFileSync(path.join(real, "pair/b"), "utf8");
            assert.equal(a, b, "torn set");
            seen.add(a);
            snapshots++;
          } catch (e) {
            // The previous data dir is removed right after a swap; a reader holding it retries.
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
          }
          for (const p of ["pair/a", "pair/b"]) {
            try {
              assert.match(fs.readFileSync(path.join(vol, p), "utf8"), /^sm-canary-7f3a-gen-\d+$/);
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
            }
          }
          await yieldToLoop();
        }
      })();

      const ROTATIONS = 5;
      for (let n = 1; n <= ROTATIONS; n++) {
        aws.putSecret("refresh/pair", generation(n));
        await fetcher.waitForLog(
          (l) => l.event === "set-swapped" && fetcher.logs.filter((x) => x.event === "set-swapped").length >= n,
        );
      }
      reading = false;
      await reader;
      assert.equal(fs.readFileSync(path.join(vol, "pair/a"), "utf8"), `${SECRET_MARKER}-gen-${ROTATIONS}`);
      assert.ok(seen.size >= 2, `the reader saw ${seen.size} generation(s) in ${snapshots} snapshots`);
      const dataDirs = fs.readdirSync(vol).filter((n) => /^\.\.\d{4}_/.test(n));
      assert.equal(dataDirs.length, 1, `old data dirs removed: ${dataDirs.join(",")}`);
    } finally {
      const result = await fetcher.stop();
      assert.equal(result.code, 0, "SIGTERM is a clean stop");
    }
  });

  it("a failed refresh keeps the last good set and logs it; the next good one swaps", async () => {
    aws.putSecret("refresh/pair", generation(10));
    const vol = path.join(tempDir(), "vol");
    const fetcher = start(vol);
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      aws.faults.push({ op: "secretsmanager.GetSecretValue", kind: "denied" });
      aws.putSecret("refresh/pair", generation(11));
      const failed = await fetcher.waitForLog((l) => l.event === "refresh-failed");
      assert.equal(failed.level, "warn");
      assert.ok(
        fetcher.logs.some((l) => l.event === "file-failed" && l.cause === "access-denied" && l.file === "pair/a"),
      );
      assert.equal(fs.readFileSync(path.join(vol, "pair/a"), "utf8"), `${SECRET_MARKER}-gen-10`);
      assert.equal(fetcher.child.exitCode, null, "still running");
      aws.faults.length = 0;
      await fetcher.waitForLog((l) => l.event === "set-swapped");
      assert.equal(fs.readFileSync(path.join(vol, "pair/b"), "utf8"), `${SECRET_MARKER}-gen-11`);
    } finally {
      aws.faults.length = 0;
      await fetcher.stop();
    }
  });

  it("refresh mode exits 1 when the first write cannot complete (the kubelet restarts the sidecar)", async () => {
    const vol = path.join(tempDir(), "vol");
    const source = { type: "aws-secretsmanager", secretId: "refresh/absent", region: REGION };
    const spec = { version: 1, dir: vol, mode: "refresh", files: [{ path: "x", source }] };
    const r = await startFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) }).done;
    assert.equal(r.code, 1);
    assert.equal(fs.existsSync(path.join(vol, "..data")), false);
  });
});
