/**
 * The fetch program: `node fetch.js` (init or refresh, per the spec) or `node fetch.js --probe`
 * (the refresh sidecar's startup probe). Exit codes: see exit-codes.ts and the README.
 */
import * as fs from "node:fs";
import { hasCompleteSet } from "./atomic-writer";
import { ConfigError, loadRunConfig, type RunConfig } from "./config";
import { EXIT } from "./exit-codes";
import { errorName } from "./fetch-sources";
import { podContext, sanitizeRoleSessionName, ROLE_SESSION_NAME_ENV } from "./audit";
import { disableImds } from "./imds";
import { flushLogs, log, setLogContext } from "./log";
import { loadProvider } from "./providers/index";
import { refreshLoop, runOnce, setBeforeFirstWrite } from "./run";

// SIGTERM (the kubelet, `docker stop`, ECS) or SIGINT, at any point: abort what is in flight, exit 0
// (the handlers are installed by startProgram, below).
const stop = new AbortController();

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Before any AWS SDK module loads (providers are imported lazily, below): never the node's role.
  const overridden = disableImds(env);
  const sessionNameGiven = sanitizeRoleSessionName(env);
  setLogContext(podContext(env));
  const probe = argv.includes("--probe");
  const unknown = argv.filter((a) => a !== "--probe");
  if (unknown.length > 0) {
    log.error("invalid-config", {
      msg: `unknown argument ${JSON.stringify(unknown[0])}; the only argument is --probe`,
    });
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

  if (overridden !== undefined) {
    log.warn("imds-disabled", {
      msg: `AWS_EC2_METADATA_DISABLED was ${JSON.stringify(overridden)}; set to "true": the fetcher reads only with the pod's or task's own identity, never the node's instance role`,
    });
  }
  if (sessionNameGiven !== undefined) {
    log.info("role-session-name", {
      msg: `${ROLE_SESSION_NAME_ENV} made a valid STS session name (2-64 of [\\w+=,.@-]; longer names keep 55 characters and a hash)`,
      given: sessionNameGiven,
      used: env[ROLE_SESSION_NAME_ENV],
    });
  }
  log.info("start", {
    mode: config.legacyFile ? "legacy" : config.spec.mode,
    dir: config.legacyFile?.path ?? config.spec.dir,
    files: config.spec.files.length,
    timeoutMs: config.knobs.timeoutMs,
    maxAttempts: config.knobs.maxAttempts,
    sdkMaxAttempts: config.knobs.sdkMaxAttempts,
  });
  const before = config.legacyFile ? undefined : setBeforeFirstWrite(config.spec);
  const first = await runOnce(config, env, loadProvider, stop.signal);
  if (first !== EXIT.OK || stop.signal.aborted || config.legacyFile || config.spec.mode === "init") return first;

  if ((await refreshLoop(config, env, loadProvider, stop.signal, before)) === "restart") return EXIT.RESTART_POD;
  log.info("stopped", {});
  return EXIT.OK;
}

/** Startup probe: 0 once the first complete set is in place. Quiet on success. */
function probeExit(config: RunConfig): number {
  const ready = config.legacyFile
    ? fs.statSync(config.legacyFile.path, { throwIfNoEntry: false })?.isFile() === true
    : hasCompleteSet(config.spec.dir);
  if (!ready)
    log.warn("probe-not-ready", {
      msg: "the first complete write has not happened yet",
      dir: config.legacyFile?.path ?? config.spec.dir,
    });
  return ready ? EXIT.OK : EXIT.FETCH_FAILED;
}

/** Every line out before the process ends; in-flight sockets (aborted requests) must not keep it alive. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  void flushLogs().then(() => process.exit(code));
}

let failed = false;
function internalError(e: unknown): void {
  if (failed) return;
  failed = true;
  // The class name only: messages and stacks of SDK errors can quote response content.
  log.error("internal-error", { msg: `unexpected ${errorName(e)}`, errorClass: errorName(e) });
  exitAfterFlush(EXIT.INTERNAL);
}

/** The program: handlers first, then main. Run at once, or by a V8 startup snapshot when it is deserialized (snapshot.ts). */
export function startProgram(): void {
  for (const sig of ["SIGTERM", "SIGINT"] as const) process.on(sig, () => stop.abort());
  process.on("uncaughtException", internalError);
  process.on("unhandledRejection", internalError);
  main(process.argv.slice(2), process.env).then(exitAfterFlush, internalError);
}
