/**
 * Restart in place (refresh mode, `notify.restartPod`): after a completed swap the sidecar exits
 * with RESTART_POD_EXIT_CODE and the pod's restart rule (`RestartAllContainers` on that exit code)
 * makes the kubelet restart every container of the pod on the same node.
 *
 * The debounce outlives the sidecar: the volume (an emptyDir, kept across a restart in place)
 * holds `..restart-pod`, `{"requests":<n>,"lastAt":"<ISO time>"}`, written just before each exit.
 * The next restart waits until `lastAt + minIntervalSeconds`; the new set is in place meanwhile.
 * The name starts with `..`, so it is never a visible secret name and the writer's sweep leaves it.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const RESTART_STATE_FILE = "..restart-pod";

export interface RestartState {
  /** Restarts in place this sidecar and its predecessors in the pod asked for. */
  requests: number;
  /** When the last one was asked for (ms since the epoch); undefined before the first. */
  lastAtMs?: number;
}

export function readRestartState(dir: string): RestartState {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, RESTART_STATE_FILE), "utf8")) as {
      requests?: unknown;
      lastAt?: unknown;
    };
    const requests =
      typeof raw.requests === "number" && Number.isInteger(raw.requests) && raw.requests >= 0 ? raw.requests : 0;
    const lastAtMs = typeof raw.lastAt === "string" ? Date.parse(raw.lastAt) : NaN;
    return Number.isFinite(lastAtMs) ? { requests, lastAtMs } : { requests };
  } catch {
    return { requests: 0 };
  }
}

/** When the next restart may happen: `minIntervalMs` after the last one (at once before the first). */
export function restartDueAt(state: RestartState, minIntervalMs: number): number {
  return state.lastAtMs === undefined ? 0 : state.lastAtMs + minIntervalMs;
}

/** Records a restart about to be asked for (temp file + rename: never half-written). Returns the new state. */
export function recordRestart(dir: string, now: number, previous: RestartState): RestartState {
  const next = { requests: previous.requests + 1, lastAtMs: now };
  const file = path.join(dir, RESTART_STATE_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ requests: next.requests, lastAt: new Date(now).toISOString() })}\n`, {
    mode: 0o640,
  });
  fs.renameSync(tmp, file);
  return next;
}
