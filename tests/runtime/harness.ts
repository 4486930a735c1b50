/**
 * Test harness for the fetch runtime: runs the bundled program exactly as the container does
 * (`node runtime-image/dist/fetch.js`, a child process, env vars, a temp dir as the volume).
 *
 * API (for every runtime test, whatever the cloud):
 *   - `SECRET_MARKER`: put it inside every secret value a double serves. The last test of the suite
 *     (zz-no-secret-leak.test.ts) fails if it appears in any captured output.
 *   - `tempDir(prefix)`: a fresh temp directory, removed when the mocha process exits.
 *   - `isolatedEnv(extra)`: a minimal child env (PATH, an empty HOME, no AWS/Azure/GCP config or
 *     metadata endpoints from the host) merged with `extra`.
 *   - `runFetch({ env, args?, timeoutMs?, uid?, gid? })`: runs the bundle to completion and returns
 *     `{ code, signal, stdout, stderr, logs }` where `logs` are the parsed JSON lines of both streams.
 *   - `startFetch(...)`: the same, but returns at once with `{ child, logs, done, waitForLog, stop }`
 *     for long-running (refresh mode) runs.
 *   - `recordOutput(label, text)`: add any other text a test produced (e.g. a double's own log) to
 *     the leak check.
 *   - `specEnv(spec, extra)`: `isolatedEnv` plus `SECRET_MOUNT_SPEC` = JSON of `spec`.
 * Every stdout/stderr captured by runFetch/startFetch is recorded automatically.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const SECRET_MARKER = "sm-canary-7f3a";

/** The bundle under test; `npm test` builds it first (pretest). */
export const BUNDLE = path.resolve(__dirname, "../../runtime-image/dist/fetch.js");

export interface LogLine {
  level?: string;
  event?: string;
  [key: string]: unknown;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed JSON lines from stdout and stderr, in arrival order per stream (stdout first). */
  logs: LogLine[];
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  args?: string[];
  /** Kill the child after this long (default 20 s); the result then has signal SIGKILL. */
  timeoutMs?: number;
  /** Run the child as this user/group (only possible when the tests run as root). */
  uid?: number;
  gid?: number;
}

/** Every captured output of the whole suite, checked for SECRET_MARKER by the last test. */
export const capturedOutputs: { label: string; text: string }[] = [];

export function recordOutput(label: string, text: string): void {
  capturedOutputs.push({ label, text });
}

const tempDirs: string[] = [];
process.on("exit", () => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = "sm-test-"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

/** A child env with nothing from the host that an SDK could pick up. */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = tempDir("sm-home-");
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, "aws-config-absent"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "aws-credentials-absent"),
    AWS_EC2_METADATA_DISABLED: "true",
    // Keep retries and backoff small so fault tests stay fast; the runtime documents these knobs.
    SECRET_MOUNT_RETRY_BASE_MS: "20",
    SECRET_MOUNT_RETRY_CAP_MS: "100",
    ...extra,
  };
}

export function specEnv(spec: unknown, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return isolatedEnv({ SECRET_MOUNT_SPEC: JSON.stringify(spec), ...extra });
}

export function parseLogLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line);
      if (v && typeof v === "object" && !Array.isArray(v)) out.push(v as LogLine);
    } catch {
      // Not a JSON line: kept in stdout/stderr (and in the leak check), not in logs.
    }
  }
  return out;
}

export interface RunningFetch {
  child: ChildProcess;
  /** JSON lines seen so far (both streams). */
  logs: LogLine[];
  done: Promise<RunResult>;
  /** Resolves with the first log line matching `pred` (rejects after timeoutMs or on exit). */
  waitForLog(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM, then the result. */
  stop(): Promise<RunResult>;
}

export function startFetch(opts: RunOptions): RunningFetch {
  const child = spawn(process.execPath, [BUNDLE, ...(opts.args ?? [])], {
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
    uid: opts.uid,
    gid: opts.gid,
  });
  let stdout = "";
  let stderr = "";
  const logs: LogLine[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  const onLines = (chunkBuf: { rest: string }, data: string) => {
    chunkBuf.rest += data;
    const parts = chunkBuf.rest.split("\n");
    chunkBuf.rest = parts.pop() ?? "";
    for (const l of parseLogLines(parts.join("\n"))) {
      logs.push(l);
      for (const w of [...waiters]) {
        if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    }
  };
  const outBuf = { rest: "" };
  const errBuf = { rest: "" };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    onLines(outBuf, d);
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    onLines(errBuf, d);
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      recordOutput(`stdout of fetch ${opts.args?.join(" ") ?? ""}`, stdout);
      recordOutput(`stderr of fetch ${opts.args?.join(" ") ?? ""}`, stderr);
      resolve({ code, signal, stdout, stderr, logs: [...parseLogLines(stdout), ...parseLogLines(stderr)] });
    });
  });
  return {
    child,
    logs,
    done,
    waitForLog(pred, timeoutMs = 10_000) {
      const seen = logs.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogLine>((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no matching log line within ${timeoutMs} ms; logs: ${JSON.stringify(logs)}`)),
          timeoutMs,
        );
        waiters.push({ pred, resolve: (l) => (clearTimeout(t), resolve(l)) });
        done.then(() => {
          clearTimeout(t);
          reject(new Error(`fetch exited before a matching log line; logs: ${JSON.stringify(logs)}`));
        }, reject);
      });
    },
    stop() {
      child.kill("SIGTERM");
      return done;
    },
  };
}

export function runFetch(opts: RunOptions): Promise<RunResult> {
  return startFetch(opts).done;
}

/** Lists everything under `dir` (names, recursively), for "nothing became visible" assertions. */
export function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}
