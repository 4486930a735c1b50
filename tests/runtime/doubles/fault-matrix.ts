import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { FailureClass } from "../../../runtime-image/src/providers/provider";
import { listTree, type LogLine, type RunResult, runFetch, startFetch } from "../harness";
import type { FaultKind } from "./faults";

/** The fault matrix every source is run through, and the cause class each must be reported as. */
export const FAULT_MATRIX: { fault: FaultKind | "missing"; cause: FailureClass }[] = [
  { fault: "throttle", cause: "throttled" },
  { fault: "server-error", cause: "unavailable" },
  { fault: "reset", cause: "unavailable" },
  { fault: "slow", cause: "timed-out" },
  { fault: "malformed", cause: "malformed" },
  { fault: "missing", cause: "not-found" },
  { fault: "denied", cause: "access-denied" },
];

/**
 * Env for fast fault runs: few attempts, tiny backoff; a short deadline only where a test waits
 * for it (a slow answer; throttling, which is retried until the deadline), so nothing else
 * depends on timing.
 */
export function fastRetries(fault?: string): NodeJS.ProcessEnv {
  return {
    SECRET_MOUNT_MAX_ATTEMPTS: "3",
    SECRET_MOUNT_SDK_MAX_ATTEMPTS: "2",
    ...(fault === "slow" || fault === "throttle" ? { SECRET_MOUNT_TIMEOUT_MS: "1500" } : {}),
  };
}

/** Runs the bundle and checks it failed for `file` with `cause`, naming the source, writing nothing. */
export async function expectFileFailure(
  env: NodeJS.ProcessEnv,
  volume: string,
  want: { file: string; sourceType: string; cause: FailureClass },
): Promise<LogLine> {
  const r = await runFetch({ env });
  const failures = r.logs.filter((l) => l.event === "file-failed");
  assert.equal(r.code, 1, `exit code; output: ${r.stdout}${r.stderr}`);
  const line = failures.find((l) => l.file === want.file);
  assert.ok(line, `a file-failed line for ${want.file}; got ${JSON.stringify(failures)}`);
  assert.equal(line.cause, want.cause, `cause class; line: ${JSON.stringify(line)}`);
  assert.ok(
    String(line.source).startsWith(`${want.sourceType}:`),
    `the line names the source: ${JSON.stringify(line)}`,
  );
  assert.ok(
    String(line.msg).includes(want.file) && String(line.msg).includes(want.cause),
    `the message names file and cause: ${line.msg}`,
  );
  assert.deepEqual(visible(volume), [], "nothing became visible in the volume");
  return line;
}

/** Runs the bundle and checks it exited 0; returns the result. */
export async function expectSuccess(env: NodeJS.ProcessEnv): Promise<RunResult> {
  const r = await runFetch({ env });
  assert.equal(r.code, 0, `exit code; output: ${r.stdout}${r.stderr}`);
  return r;
}

/** What a reader of the volume sees (the atomic-swap internals start with ".."). */
export function visible(volume: string): string[] {
  return listTree(volume).filter((p) => !p.split(path.sep).some((s) => s.startsWith("..")));
}

export function readVolumeFile(volume: string, file: string): string {
  return fs.readFileSync(path.join(volume, file), "utf8");
}

/**
 * Refresh mode: runs the bundle as a sidecar, waits for the first write, applies `rotate`, and
 * checks the rotated value is swapped in. `env` must carry a spec with mode "refresh".
 */
export async function expectRotationPickedUp(
  env: NodeJS.ProcessEnv,
  volume: string,
  file: string,
  rotate: () => void,
  expected: string,
): Promise<void> {
  const fetcher = startFetch({ env: { ...env, SECRET_MOUNT_REFRESH_MS: "50" }, timeoutMs: 15_000 });
  try {
    await fetcher.waitForLog((l) => l.event === "set-written");
    rotate();
    await fetcher.waitForLog((l) => l.event === "set-swapped");
    assert.equal(readVolumeFile(volume, file), expected);
  } finally {
    const r = await fetcher.stop();
    assert.equal(r.code, 0, `a stopped sidecar exits 0; output: ${r.stdout}${r.stderr}`);
  }
}
