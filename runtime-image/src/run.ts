/** The two modes: init (fetch, write, exit) and refresh (first write, then re-fetch and swap on change). */
import { readCurrentSet, sameContent, writeAtomically, writeFileAtomically, WRITE_STOPPED, WriteError, type WriteResult } from "./atomic-writer";
import { jitteredIntervalMs, sleep } from "./backoff";
import type { RunConfig } from "./config";
import { EXIT } from "./exit-codes";
import { fetchSet, type FetchSetResult } from "./fetch-set";
import { log } from "./log";
import { generationFile, notifyApp } from "./notify";
import { DEFAULT_FILE_MODE, parseFileMode } from "../../spec/fetch-spec";
import type { ProviderLoader } from "./fetch-sources";

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Fetches and writes once; the exit code of an init run (and of a refresh run's first write).
 * `stop` (SIGTERM/SIGINT) aborts the fetch's in-flight requests; a stop before the set is complete
 * writes nothing and returns OK (the pod or task is going away; see the README, "Signals").
 */
export async function runOnce(config: RunConfig, env: NodeJS.ProcessEnv, loadProvider: ProviderLoader, stop?: AbortSignal): Promise<ExitCode> {
  const started = Date.now();
  const result = await fetchSet(config.spec, config.knobs, env, loadProvider, stop);
  if (stop?.aborted) {
    log.info("stopped", { msg: "stop signal before the set was complete; requests aborted, nothing was written", ms: Date.now() - started });
    return EXIT.OK;
  }
  if (!result.ok) {
    reportFailures(result, "error");
    log.error("fetch-failed", { msg: `${result.failures.length} of ${config.spec.files.length + (config.spec.envFile ? 1 : 0)} files failed; nothing was written`, failed: result.failures.length, ms: Date.now() - started, calls: result.calls });
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
    log.error("write-failed", { msg: err.message, code: err.code, dir: config.legacyFile?.path ?? config.spec.dir, visible: err.visible === true });
    return err.visible ? EXIT.WRITE_INCOMPLETE : EXIT.WRITE_FAILED;
  }
  reportCleanup(written);
  for (const r of result.reports) log.info("file-written", { ...r, outcome: "written" });
  log.info("set-written", { dir: config.legacyFile?.path ?? config.spec.dir, files: result.files.length, ms: Date.now() - started, calls: result.calls });
  return EXIT.OK;
}

/** Refresh mode after a successful first write: runs until `stop`; a failed refresh keeps the last good set. */
export async function refreshLoop(config: RunConfig, env: NodeJS.ProcessEnv, loadProvider: ProviderLoader, stop: AbortSignal): Promise<void> {
  const { spec, knobs } = config;
  while (!stop.aborted) {
    const wait = jitteredIntervalMs(knobs.refreshMs);
    if (!(await sleep(wait, stop))) return;
    const started = Date.now();
    const result = await fetchSet(spec, knobs, env, loadProvider, stop);
    if (stop.aborted) return; // requests aborted; the last good set stays
    if (!result.ok) {
      reportFailures(result, "warn");
      log.warn("refresh-failed", { msg: "keeping the last good set", failed: result.failures.length, ms: Date.now() - started });
      continue;
    }
    if (sameContent(readCurrentSet(spec.dir, result.files.map((f) => f.path)), result.files)) {
      log.info("refresh-unchanged", { files: result.files.length, ms: Date.now() - started, calls: result.calls });
      continue;
    }
    let written: WriteResult;
    const generation = generationFile(spec, defaultMode(config));
    try {
      written = await writeAtomically(spec.dir, generation ? [...result.files, generation] : result.files, stop);
    } catch (e) {
      const err = e as WriteError;
      if (err.code === WRITE_STOPPED) return; // the last good set stays
      const kept = err.visible ? "the new set was swapped in, but not every name may link to it" : "keeping the last good set";
      log.error("refresh-write-failed", { msg: `${err.message}; ${kept}`, code: err.code, visible: err.visible === true });
      continue;
    }
    reportCleanup(written);
    for (const r of result.reports) log.info("file-written", { ...r, outcome: "written" });
    log.info("set-swapped", { dir: spec.dir, files: result.files.length, ms: Date.now() - started, calls: result.calls });
    // One notification per completed swap, after every file of the set is in place.
    await notifyApp(spec.notify, stop, generation);
  }
}

function defaultMode(config: RunConfig): number {
  return parseFileMode(config.spec.fileMode ?? DEFAULT_FILE_MODE) as number;
}

function reportCleanup(written: WriteResult | undefined): void {
  for (const problem of written?.cleanupProblems ?? []) log.warn("cleanup-failed", { msg: `${problem}; the new set is complete and visible, the next write retries` });
}

function reportFailures(result: Extract<FetchSetResult, { ok: false }>, level: "error" | "warn"): void {
  for (const f of result.failures) {
    log[level]("file-failed", { msg: `${f.file} <- ${f.source}: ${f.cause}: ${f.message}`, ...f, outcome: "failed" });
  }
}
