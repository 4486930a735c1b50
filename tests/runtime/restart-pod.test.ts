/**
 * Restart in place (notify.restartPod): after a completed swap the sidecar exits with the
 * dedicated code (the pod's RestartAllContainers rule matches it), at most once per minimum
 * interval (kept in the volume, so it holds across the restart), never for a change that is undone
 * before the interval is over, and each request is counted in the log lines.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RESTART_POD_EXIT_CODE } from "../../spec/fetch-spec";
import { EXIT } from "../../runtime-image/src/exit-codes";
import { AwsDouble, REGION } from "./doubles/aws";
import { SECRET_MARKER, specEnv, startFetch, tempDir } from "./harness";

describe("runtime: restart in place after a swap (notify.restartPod)", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  function start(vol: string, secretId: string, minIntervalSeconds?: number) {
    const spec = {
      version: 1,
      dir: vol,
      mode: "refresh",
      timeoutSeconds: 2,
      files: [{ path: "db/password", source: { type: "aws-secretsmanager", secretId, region: REGION } }],
      kubeletEnvFile: { path: "kube.env", vars: { DB_PASSWORD: "db/password" } },
      notify: { restartPod: minIntervalSeconds === undefined ? {} : { minIntervalSeconds } },
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

  it("exits with the dedicated code after the swap, the new env file in place, the request counted and kept in the volume", async () => {
    assert.equal(EXIT.RESTART_POD, RESTART_POD_EXIT_CODE);
    assert.ok(
      !Object.entries(EXIT).some(([k, v]) => k !== "RESTART_POD" && v === RESTART_POD_EXIT_CODE),
      "the code means nothing else",
    );
    aws.putSecret("restart/a", `${SECRET_MARKER}-one`);
    const vol = path.join(tempDir(), "vol");
    const first = start(vol, "restart/a");
    await first.waitForLog((l) => l.event === "refresh-unchanged");
    assert.equal(first.child.exitCode, null, "no restart without a change");
    aws.putSecret("restart/a", `${SECRET_MARKER}-two`);
    const r = await first.done;
    assert.equal(r.code, RESTART_POD_EXIT_CODE);
    const line = r.logs.find((l) => l.event === "restart-pod");
    assert.ok(line, "a restart-pod line");
    assert.equal(line.restartsRequested, 1);
    assert.equal(line.exitCode, RESTART_POD_EXIT_CODE);
    assert.ok(r.logs.findIndex((l) => l.event === "set-swapped") < r.logs.indexOf(line), "after the swap");
    assert.equal(fs.readFileSync(path.join(vol, "kube.env"), "utf8"), `DB_PASSWORD='${SECRET_MARKER}-two'\n`);
    const state = JSON.parse(fs.readFileSync(path.join(vol, "..restart-pod"), "utf8"));
    assert.equal(state.requests, 1);

    // The kubelet restarts the pod in place: same volume, a new sidecar. The count goes on; the
    // next change within the interval is deferred (the new set is in place at once), then restarts.
    const second = start(vol, "restart/a", 30);
    const started = await second.waitForLog((l) => l.event === "refresh-started");
    assert.deepEqual(started.restartPod, { minIntervalSeconds: 30, restartsRequested: 1 });
    await second.waitForLog((l) => l.event === "refresh-unchanged");
    // Pretend the last restart was 26 s ago: the next one is due in about 4 s (room for a slow start).
    fs.writeFileSync(
      path.join(vol, "..restart-pod"),
      JSON.stringify({ requests: 1, lastAt: new Date(Date.now() - 26_000).toISOString() }),
    );
    await second.stop().catch(() => undefined);
    const third = start(vol, "restart/a", 30);
    await third.waitForLog((l) => l.event === "refresh-unchanged");
    aws.putSecret("restart/a", `${SECRET_MARKER}-three`);
    const deferred = await third.waitForLog((l) => l.event === "restart-deferred");
    assert.ok((deferred.inMs as number) > 0 && (deferred.inMs as number) <= 30_000);
    assert.equal(
      fs.readFileSync(path.join(vol, "kube.env"), "utf8"),
      `DB_PASSWORD='${SECRET_MARKER}-three'\n`,
      "the new set is in place while the restart waits",
    );
    const r3 = await third.done;
    assert.equal(r3.code, RESTART_POD_EXIT_CODE);
    assert.equal(r3.logs.find((l) => l.event === "restart-pod")?.restartsRequested, 2);
    assert.ok(
      (r3.logs.find((l) => l.event === "restart-pod")?.sinceLastMs as number) >= 30_000,
      "not before the interval was over",
    );
  });

  it("a store that flaps back before the interval is over restarts nothing (no loop)", async () => {
    aws.putSecret("restart/flap", `${SECRET_MARKER}-steady`);
    const vol = path.join(tempDir(), "vol");
    fs.mkdirSync(vol, { recursive: true });
    // A restart a moment ago: the next may come only in 10 minutes.
    fs.writeFileSync(
      path.join(vol, "..restart-pod"),
      JSON.stringify({ requests: 4, lastAt: new Date().toISOString() }),
    );
    const fetcher = start(vol, "restart/flap", 600);
    try {
      await fetcher.waitForLog((l) => l.event === "refresh-unchanged");
      for (let i = 0; i < 3; i++) {
        const swapped = fetcher.logs.filter((l) => l.event === "set-swapped").length;
        aws.putSecret("restart/flap", `${SECRET_MARKER}-flap-${i}`);
        await fetcher.waitForLog(
          (l) =>
            l.event === "restart-deferred" && fetcher.logs.filter((x) => x.event === "set-swapped").length > swapped,
        );
        aws.putSecret("restart/flap", `${SECRET_MARKER}-steady`);
        await fetcher.waitForLog(
          (l) =>
            l.event === "restart-cancelled" && fetcher.logs.filter((x) => x.event === "restart-cancelled").length > i,
        );
      }
      assert.equal(fetcher.child.exitCode, null, "still running: nothing to restart for");
      assert.equal(fetcher.logs.filter((l) => l.event === "restart-pod").length, 0);
      assert.ok(
        fetcher.logs.filter((l) => l.event === "set-swapped").every((l) => l.restartsRequested === 4),
        "the count is on every swap line",
      );
    } finally {
      const r = await fetcher.stop();
      assert.equal(r.code, 0);
    }
  });

  it("a set that changed while the pod restarted (the app may have read the previous one) restarts it once more", async () => {
    const vol = path.join(tempDir(), "vol");
    aws.putSecret("restart/race", `${SECRET_MARKER}-before`);
    const first = start(vol, "restart/race", 30);
    await first.waitForLog((l) => l.event === "refresh-unchanged");
    await first.stop();
    // The pod restarted in place 31 s ago; meanwhile the store moved on.
    fs.writeFileSync(
      path.join(vol, "..restart-pod"),
      JSON.stringify({ requests: 1, lastAt: new Date(Date.now() - 31_000).toISOString() }),
    );
    aws.putSecret("restart/race", `${SECRET_MARKER}-after`);
    const r = await start(vol, "restart/race", 30).done;
    assert.equal(r.code, RESTART_POD_EXIT_CODE);
    assert.match(String(r.logs.find((l) => l.event === "restart-deferred")?.msg), /changed while the pod restarted/);
    assert.equal(r.logs.find((l) => l.event === "restart-pod")?.restartsRequested, 2);
    assert.equal(fs.readFileSync(path.join(vol, "kube.env"), "utf8"), `DB_PASSWORD='${SECRET_MARKER}-after'\n`);
  });

  it("without notify.restartPod a swap never ends the sidecar", async () => {
    aws.putSecret("restart/none", `${SECRET_MARKER}-a`);
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "refresh",
      timeoutSeconds: 2,
      files: [{ path: "x", source: { type: "aws-secretsmanager", secretId: "restart/none", region: REGION } }],
    };
    const fetcher = startFetch({
      env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), SECRET_MOUNT_REFRESH_MS: "40" }),
      timeoutMs: 25_000,
    });
    try {
      await fetcher.waitForLog((l) => l.event === "refresh-unchanged");
      aws.putSecret("restart/none", `${SECRET_MARKER}-b`);
      await fetcher.waitForLog((l) => l.event === "set-swapped");
      await fetcher.waitForLog(
        (l) => l.event === "refresh-unchanged" && fetcher.logs.some((x) => x.event === "set-swapped"),
      );
      assert.equal(fetcher.child.exitCode, null);
      assert.equal(fs.existsSync(path.join(vol, "..restart-pod")), false);
    } finally {
      await fetcher.stop();
    }
  });
});
