/** The two modes: init (fetch, write, exit) and refresh (first write, then re-fetch and swap on change). */
import { readCurrentSet, sameContent, writeAtomically, writeFileAtomically, WriteError } from "./atomic-writer";
import { jitteredIntervalMs, sleep } from "./backoff";
import type { RunConfig } from "./config";
import { EXIT } from "./exit-codes";
import { fetchSet, type FetchSetResult } from "./fetch-set";
import { log } from "./log";
import type { ProviderLoader } from "./fetch-sources";

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Fetches and writes once; the exit code of an init run (and of a refresh run's first write). */
export async function runOnce(config: RunConfig, env: NodeJS.ProcessEnv, loadProvider: ProviderLoader): Promise<ExitCode> {
  const started = Date.now();
  const result = await fetchSet(config.spec, config.knobs, env, loadProvider);
  if (!result.ok) {
    reportFailures(result, "error");
    log.error("fetch-failed", { msg: `${result.failures.length} of ${config.spec.files.length + (config.spec.envFile ? 1 : 0)} files failed; nothing was written`, failed: result.failures.length, ms: Date.now() - started, calls: result.calls });
    return EXIT.FETCH_FAILED;
  }
  try {
    if (config.legacyFile) {
      const f = result.files[0];
      writeFileAtomically(config.legacyFile.path, f.bytes, config.legacyFile.mode);
    } else {
      writeAtomically(config.spec.dir, result.files);
    }
  } catch (e) {
    log.error("write-failed", { msg: (e as WriteError).message, code: (e as WriteError).code, dir: config.legacyFile?.path ?? config.spec.dir });
    return EXIT.WRITE_FAILED;
  }
  for (const r of result.reports) log.info("file-written", { ...r });
  log.info("set-written", { dir: config.legacyFile?.path ?? config.spec.dir, files: result.files.length, ms: Date.now() - started, calls: result.calls });
  return EXIT.OK;
}

/** Refresh mode after a successful first write: runs until SIGTERM; a failed refresh keeps the last good set. */
export async function refreshLoop(config: RunConfig, env: NodeJS.ProcessEnv, loadProvider: ProviderLoader, stop: AbortSignal): Promise<void> {
  const { spec, knobs } = config;
  while (!stop.aborted) {
    const wait = jitteredIntervalMs(knobs.refreshMs);
    if (!(await sleep(wait, stop))) return;
    const started = Date.now();
    const result = await fetchSet(spec, knobs, env, loadProvider);
    if (!result.ok) {
      reportFailures(result, "warn");
      log.warn("refresh-failed", { msg: "keeping the last good set", failed: result.failures.length, ms: Date.now() - started });
      continue;
    }
    if (sameContent(readCurrentSet(spec.dir, result.files.map((f) => f.path)), result.files)) {
      log.info("refresh-unchanged", { files: result.files.length, ms: Date.now() - started, calls: result.calls });
      continue;
    }
    try {
      writeAtomically(spec.dir, result.files);
    } catch (e) {
      log.error("refresh-write-failed", { msg: `${(e as WriteError).message}; keeping the last good set`, code: (e as WriteError).code });
      continue;
    }
    for (const r of result.reports) log.info("file-written", { ...r });
    log.info("set-swapped", { dir: spec.dir, files: result.files.length, ms: Date.now() - started, calls: result.calls });
  }
}

function reportFailures(result: Extract<FetchSetResult, { ok: false }>, level: "error" | "warn"): void {
  for (const f of result.failures) {
    log[level]("file-failed", { msg: `${f.file} <- ${f.source}: ${f.cause}: ${f.message}`, ...f });
  }
}
