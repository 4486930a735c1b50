/**
 * The fetch program: `node fetch.js` (init or refresh, per the spec) or `node fetch.js --probe`
 * (the refresh sidecar's startup probe). Exit codes: see exit-codes.ts and the README.
 */
import * as fs from "node:fs";
import { hasCompleteSet } from "./atomic-writer";
import { ConfigError, loadRunConfig, type RunConfig } from "./config";
import { EXIT } from "./exit-codes";
import { errorName } from "./fetch-sources";
import { log } from "./log";
import { loadProvider } from "./providers/index";
import { refreshLoop, runOnce } from "./run";

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const probe = argv.includes("--probe");
  const unknown = argv.filter((a) => a !== "--probe");
  if (unknown.length > 0) {
    log.error("invalid-config", { msg: `unknown argument ${JSON.stringify(unknown[0])}; the only argument is --probe` });
    return EXIT.INVALID_CONFIG;
  }
  let config: RunConfig;
  try {
    config = loadRunConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error("invalid-config", { msg: e.message, field: e.field });
    return EXIT.INVALID_CONFIG;
  }
  if (probe) return probeExit(config);

  log.info("start", { mode: config.legacyFile ? "legacy" : config.spec.mode, dir: config.legacyFile?.path ?? config.spec.dir, files: config.spec.files.length, timeoutMs: config.knobs.timeoutMs });
  const first = await runOnce(config, env, loadProvider);
  if (first !== EXIT.OK || config.legacyFile || config.spec.mode === "init") return first;

  const stop = new AbortController();
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.once(sig, () => stop.abort());
  log.info("refresh-started", { intervalMs: config.knobs.refreshMs });
  await refreshLoop(config, env, loadProvider, stop.signal);
  log.info("stopped", {});
  return EXIT.OK;
}

/** Startup probe: 0 once the first complete set is in place. Quiet on success. */
function probeExit(config: RunConfig): number {
  const ready = config.legacyFile ? fs.statSync(config.legacyFile.path, { throwIfNoEntry: false })?.isFile() === true : hasCompleteSet(config.spec.dir);
  if (!ready) log.warn("probe-not-ready", { msg: "the first complete write has not happened yet", dir: config.legacyFile?.path ?? config.spec.dir });
  return ready ? EXIT.OK : EXIT.FETCH_FAILED;
}

function internalError(e: unknown): void {
  // The class name only: messages and stacks of SDK errors can quote response content.
  log.error("internal-error", { msg: `unexpected ${errorName(e)}`, errorClass: errorName(e) });
  process.exit(EXIT.INTERNAL);
}

process.on("uncaughtException", internalError);
process.on("unhandledRejection", internalError);

main(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
  // In-flight sockets (e.g. requests abandoned at the deadline) must not keep the process alive.
  setImmediate(() => process.exit(code));
}, internalError);
