/** The two modes: init (fetch, write, exit) and refresh (first write, then re-fetch and swap on change). */
import {
  readCurrentSet,
  sameContent,
  writeAtomically,
  writeFileAtomically,
  WRITE_STOPPED,
  WriteError,
  type WriteResult,
} from "./atomic-writer";
import { jitteredIntervalMs, sleep } from "./backoff";
import type { RunConfig } from "./config";
import { EXIT } from "./exit-codes";
import { fetchSet, type FetchSetResult } from "./fetch-set";
import { log } from "./log";
import { generationFile, notifyApp } from "./notify";
import { DEFAULT_FILE_MODE, parseFileMode } from "../../spec/fetch-spec";
import type { ProviderLoader } from "./fetch-sources";
import { DEFAULT_RESTART_MIN_INTERVAL_SECONDS, type FetchSpec } from "../../spec/fetch-spec";
import { readRestartState, recordRestart, restartDueAt } from "./restart-pod";

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Fetches and writes once; the exit code of an init run (and of a refresh run's first write).
 * `stop` (SIGTERM/SIGINT) aborts the fetch's in-flight requests; a stop before the set is complete
 * writes nothing and returns OK (the pod or task is going away; see the README, "Signals").
 */
export async function runOnce(
  config: RunConfig,
  env: NodeJS.ProcessEnv,
  loadProvider: ProviderLoader,
  stop?: AbortSignal,
): Promise<ExitCode> {
  const started = Date.now();
  const result = await fetchSet(config.spec, config.knobs, env, loadProvider, stop);
  if (stop?.aborted) {
    log.info("stopped", {
      msg: "stop signal before the set was complete; requests aborted, nothing was written",
      ms: Date.now() - started,
    });
    return EXIT.OK;
  }
  if (!result.ok) {
    reportFailures(result, "error");
    log.error("fetch-failed", {
      msg: `${result.failures.length} of ${config.spec.files.length + (config.spec.envFile ? 1 : 0) + (config.spec.kubeletEnvFile ? 1 : 0)} files failed; nothing was written`,
      failed: result.failures.length,
      ms: Date.now() - started,
      calls: result.calls,
    });
    return EXIT.FETCH_FAILED;
  }
  let written: WriteResult | undefined;
  try {
    if (config.legacyFile) {
      const f = result.files[0];
      writeFileAtomically(config.legacyFile.path, f.bytes, config.legacyFile.mode);
    } else {
      const generation = generationFile(config.spec, defaultMode(config));
      written = await writeAtomically(config.spec.dir, generation ? [...result.files, generation] : result.files, stop);
    }
  } catch (e) {
    const err = e as WriteError;
    if (err.code === WRITE_STOPPED) {
      log.info("stopped", { msg: `stop signal while writing; ${err.message}`, ms: Date.now() - started });
      return EXIT.OK;
    }
    log.error("write-failed", {
      msg: err.message,
      code: err.code,
      dir: config.legacyFile?.path ?? config.spec.dir,
      visible: err.visible === true,
    });
    return err.visible ? EXIT.WRITE_INCOMPLETE : EXIT.WRITE_FAILED;
  }
  reportCleanup(written);
  for (const r of result.reports) log.info("file-written", { ...r, outcome: "written" });
  log.info("set-written", {
    dir: config.legacyFile?.path ?? config.spec.dir,
    files: result.files.length,
    ms: Date.now() - started,
    calls: result.calls,
  });
  return EXIT.OK;
}

/** Whether two sets read from the volume hold the same files with the same bytes. */
function sameSet(a: Map<string, Buffer> | undefined, b: Map<string, Buffer> | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.size === b.size &&
    [...a].every(([p, bytes]) => b.get(p)?.equals(bytes) === true)
  );
}

/** The set in the volume before this run's first write, when the spec restarts the pod (see refreshLoop). */
export function setBeforeFirstWrite(spec: FetchSpec): Map<string, Buffer> | undefined {
  return spec.mode === "refresh" && spec.notify?.restartPod ? readCurrentSet(spec.dir, setPaths(spec)) : undefined;
}

/** The paths of every file a set holds (the generation file aside). */
function setPaths(spec: FetchSpec): string[] {
  return [
    ...spec.files.map((f) => f.path),
    ...(spec.envFile ? [spec.envFile.path] : []),
    ...(spec.kubeletEnvFile ? [spec.kubeletEnvFile.path] : []),
  ];
}

/**
 * Refresh mode after a successful first write: runs until `stop` ("stopped"), or, with
 * `notify.restartPod`, until the pod should restart in place ("restart": exit RESTART_POD). A failed
 * refresh keeps the last good set.
 */
export async function refreshLoop(
  config: RunConfig,
  env: NodeJS.ProcessEnv,
  loadProvider: ProviderLoader,
  stop: AbortSignal,
  before?: Map<string, Buffer>,
): Promise<"stopped" | "restart"> {
  const { spec, knobs } = config;
  const restart = spec.notify?.restartPod;
  const minIntervalMs = (restart?.minIntervalSeconds ?? DEFAULT_RESTART_MIN_INTERVAL_SECONDS) * 1000;
  // What the app started with: it starts after this sidecar's first write (startup probe).
  const baseline = restart ? readCurrentSet(spec.dir, setPaths(spec)) : undefined;
  let restartState = restart ? readRestartState(spec.dir) : { requests: 0 };
  // After a restart in place the volume still held the previous set, which the startup probe
  // accepts: if this sidecar's first write changed it, the app may have read either, so restart
  // once more (debounced) rather than leave it on an old value.
  let pending = restart !== undefined && before !== undefined && !sameSet(before, baseline);
  if (pending)
    log.info("restart-deferred", {
      msg: "the set changed while the pod restarted; the app may have started with the previous one",
      inMs: Math.max(0, restartDueAt(restartState, minIntervalMs) - Date.now()),
      restartsRequested: restartState.requests,
      swaps: 0,
    });
  let swaps = 0;
  log.info("refresh-started", {
    intervalMs: knobs.refreshMs,
    ...(restart
      ? { restartPod: { minIntervalSeconds: minIntervalMs / 1000, restartsRequested: restartState.requests } }
      : {}),
  });
  const restartNow = (): "restart" => {
    const now = Date.now();
    const sinceLastMs = restartState.lastAtMs === undefined ? undefined : now - restartState.lastAtMs;
    try {
      restartState = recordRestart(spec.dir, now, restartState);
    } catch (e) {
      log.warn("restart-state-failed", {
        msg: `cannot record the restart in ${spec.dir} (${(e as NodeJS.ErrnoException).code ?? "error"}); the next one is not held back by it`,
      });
      restartState = { requests: restartState.requests + 1, lastAtMs: now };
    }
    log.info("restart-pod", {
      msg: `exit ${EXIT.RESTART_POD}: the pod's restart rule restarts all its containers in place`,
      exitCode: EXIT.RESTART_POD,
      restartsRequested: restartState.requests,
      swaps,
      sinceLastMs,
      minIntervalSeconds: minIntervalMs / 1000,
    });
    return "restart";
  };
  while (!stop.aborted) {
    let wait = jitteredIntervalMs(knobs.refreshMs);
    if (pending) wait = Math.min(wait, Math.max(0, restartDueAt(restartState, minIntervalMs) - Date.now()));
    if (!(await sleep(wait, stop))) return "stopped";
    if (pending && Date.now() >= restartDueAt(restartState, minIntervalMs)) return restartNow();
    const started = Date.now();
    const result = await fetchSet(spec, knobs, env, loadProvider, stop);
    if (stop.aborted) return "stopped"; // requests aborted; the last good set stays
    if (!result.ok) {
      reportFailures(result, "warn");
      log.warn("refresh-failed", {
        msg: "keeping the last good set",
        failed: result.failures.length,
        ms: Date.now() - started,
      });
      continue;
    }
    if (
      sameContent(
        readCurrentSet(
          spec.dir,
          result.files.map((f) => f.path),
        ),
        result.files,
      )
    ) {
      log.info("refresh-unchanged", { files: result.files.length, ms: Date.now() - started, calls: result.calls });
      continue;
    }
    let written: WriteResult;
    const generation = generationFile(spec, defaultMode(config));
    try {
      written = await writeAtomically(spec.dir, generation ? [...result.files, generation] : result.files, stop);
    } catch (e) {
      const err = e as WriteError;
      if (err.code === WRITE_STOPPED) return "stopped"; // the last good set stays
      const kept = err.visible
        ? "the new set was swapped in, but not every name may link to it"
        : "keeping the last good set";
      log.error("refresh-write-failed", {
        msg: `${err.message}; ${kept}`,
        code: err.code,
        visible: err.visible === true,
      });
      continue;
    }
    reportCleanup(written);
    for (const r of result.reports) log.info("file-written", { ...r, outcome: "written" });
    swaps++;
    log.info("set-swapped", {
      dir: spec.dir,
      files: result.files.length,
      ms: Date.now() - started,
      calls: result.calls,
      ...(restart ? { restartsRequested: restartState.requests } : {}),
    });
    if (restart) {
      if (sameContent(baseline, result.files)) {
        // Back to what the app started with (a store that flapped): nothing to restart for.
        if (pending)
          log.info("restart-cancelled", {
            msg: "the set is back to what the app started with",
            swaps,
            restartsRequested: restartState.requests,
          });
        pending = false;
        continue;
      }
      pending = true;
      const dueAt = restartDueAt(restartState, minIntervalMs);
      if (Date.now() >= dueAt) return restartNow();
      log.info("restart-deferred", {
        msg: `the last restart in place was less than ${minIntervalMs / 1000} s ago; the new set is in place, the pod restarts when the interval is over`,
        inMs: dueAt - Date.now(),
        restartsRequested: restartState.requests,
        swaps,
      });
      continue;
    }
    // One notification per completed swap, after every file of the set is in place.
    await notifyApp(spec.notify, stop, generation);
  }
  return "stopped";
}

function defaultMode(config: RunConfig): number {
  return parseFileMode(config.spec.fileMode ?? DEFAULT_FILE_MODE) as number;
}

function reportCleanup(written: WriteResult | undefined): void {
  for (const problem of written?.cleanupProblems ?? [])
    log.warn("cleanup-failed", { msg: `${problem}; the new set is complete and visible, the next write retries` });
}

function reportFailures(result: Extract<FetchSetResult, { ok: false }>, level: "error" | "warn"): void {
  for (const f of result.failures) {
    log[level]("file-failed", { msg: `${f.file} <- ${f.source}: ${f.cause}: ${f.message}`, ...f, outcome: "failed" });
  }
}
