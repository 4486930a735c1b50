/**
 * Refresh mode tells the app once per completed swap (never per file): an HTTP request on the pod's
 * loopback, a signal to a process found by name in the pod's shared process namespace, or a
 * generation file written inside the new set (the swap of `..data` is then the event the app
 * watches). Failures are logged and never undo the swap: the new set is what the app will read.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { DEFAULT_GENERATION_FILE, type FetchSpec, type NotifySpec } from "../../spec/fetch-spec";
import type { OutFile } from "./atomic-writer";
import { sleep } from "./backoff";
import { log } from "./log";

/**
 * HTTP: attempts, first backoff (doubled each time, capped), a request's idle timeout until the
 * answer's status line, and the deadline of the whole notification (every attempt and wait, and
 * each answer read to its end): an app that answers but never finishes its response costs at most
 * `deadlineMs`, then one warning, and the refresh loop goes on.
 */
export const HTTP_NOTIFY = { attempts: 5, baseMs: 250, capMs: 2_000, timeoutMs: 2_000, deadlineMs: 5_000 };

/** The generation file of the next set, when the spec asks for one: `{"generation":n,"writtenAt":…}`. */
export function generationFile(spec: FetchSpec, mode: number): OutFile | undefined {
  const g = spec.notify?.generationFile;
  if (!g) return undefined;
  const rel = g.path ?? DEFAULT_GENERATION_FILE;
  const generation = previousGeneration(path.join(spec.dir, rel)) + 1;
  return {
    path: rel,
    mode,
    bytes: Buffer.from(`${JSON.stringify({ generation, writtenAt: new Date().toISOString() })}\n`),
  };
}

/** The volume outlives a restarted sidecar: continue its count. */
function previousGeneration(file: string): number {
  try {
    const n = (JSON.parse(fs.readFileSync(file, "utf8")) as { generation?: unknown }).generation;
    return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Tells the app that a new set is in place. Resolves when told, given up, or stopped. */
export async function notifyApp(
  notify: NotifySpec | undefined,
  stop: AbortSignal,
  generation?: OutFile,
): Promise<void> {
  if (!notify) return;
  if (notify.generationFile) {
    log.info("app-notified", {
      mode: "generation-file",
      file: generation?.path,
      generation: generation ? JSON.parse(generation.bytes.toString()).generation : undefined,
    });
    return;
  }
  if (notify.http) return notifyHttp(notify.http, stop);
  if (notify.signal) return notifySignal(notify.signal.process, notify.signal.signal ?? "SIGHUP");
  // notify.restartPod is the refresh loop's own (run.ts): the sidecar exits, the pod restarts.
}

async function notifyHttp(h: NonNullable<NotifySpec["http"]>, stop: AbortSignal): Promise<void> {
  const method = h.method ?? "POST";
  const target = { method, port: h.port, path: h.path ?? "/" };
  const started = Date.now();
  const deadline = AbortSignal.timeout(HTTP_NOTIFY.deadlineMs);
  const signal = AbortSignal.any([stop, deadline]);
  const seconds = HTTP_NOTIFY.deadlineMs / 1000;
  let last = "";
  let status: number | undefined;
  let why = "";
  let attempt = 0;
  while (!why && attempt < HTTP_NOTIFY.attempts) {
    attempt++;
    const answer: Answer = {};
    try {
      status = await request(method, h.port, target.path, signal, answer);
      if (status >= 200 && status < 300) {
        log.info("app-notified", { mode: "http", ...target, status, attempt, ms: Date.now() - started });
        return;
      }
      last = `HTTP ${status}`;
    } catch (e) {
      if (stop.aborted) return;
      status = answer.status ?? status;
      if (deadline.aborted) {
        why =
          answer.status === undefined
            ? `the app did not accept the notification within ${seconds} s (last: ${last || "no answer"})`
            : `the app answered HTTP ${answer.status} but did not finish its response within ${seconds} s`;
        break;
      }
      last = (e as NodeJS.ErrnoException).code ?? (e as Error).name;
    }
    if (
      attempt < HTTP_NOTIFY.attempts &&
      !(await sleep(Math.min(HTTP_NOTIFY.capMs, HTTP_NOTIFY.baseMs * 2 ** (attempt - 1)), signal))
    ) {
      if (stop.aborted) return;
      why = `the app did not accept the notification within ${seconds} s (last: ${last})`;
    }
  }
  if (!why) why = `the app did not accept the notification (last: ${last})`;
  log.warn("notify-failed", {
    mode: "http",
    ...target,
    msg: `${why}; the new set is in place and the app reads it when it next opens the files`,
    status,
    attempts: attempt,
    ms: Date.now() - started,
  });
}

/** What one request learnt before it ended: the answer's status, once its headers came. */
interface Answer {
  status?: number;
}

/**
 * One request to the app on 127.0.0.1; resolves with the status once the answer's body has ended
 * (drained, never read). Until the status line, the idle timeout bounds it; from there on only
 * `signal` (the notification's deadline, or the fetcher stopping) does.
 */
function request(method: string, port: number, reqPath: string, signal: AbortSignal, answer: Answer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: reqPath,
        method,
        timeout: HTTP_NOTIFY.timeoutMs,
        signal,
        headers: { "user-agent": "secret-mount-fetch", "content-length": 0 },
      },
      (res) => {
        answer.status = res.statusCode ?? 0;
        req.setTimeout(0);
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("close", () => {
          if (!res.complete) reject(Object.assign(new Error("the response was cut off"), { code: "ECONNRESET" }));
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", reject);
    req.end();
  });
}

/** Processes whose executable's base name (argv[0]) or kernel name (`comm`) is `name`, other than this one. */
export function processesNamed(name: string, procRoot = "/proc"): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const comm = fs.readFileSync(path.join(procRoot, entry, "comm"), "utf8").replace(/\n$/, "");
      const argv0 = fs.readFileSync(path.join(procRoot, entry, "cmdline"), "utf8").split("\0")[0];
      if (comm === name || path.basename(argv0) === name) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function notifySignal(name: string, signal: NodeJS.Signals): void {
  const pids = processesNamed(name);
  if (pids.length === 0) {
    log.warn("notify-failed", {
      mode: "signal",
      process: name,
      signal,
      msg: `no process named "${name}" is visible; the pod needs shareProcessNamespace: true and the app's executable must be named "${name}"`,
    });
    return;
  }
  const signalled: number[] = [];
  const denied: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      signalled.push(pid);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPERM") denied.push(pid);
    }
  }
  if (signalled.length) log.info("app-notified", { mode: "signal", process: name, signal, pids: signalled });
  if (denied.length)
    log.warn("notify-failed", {
      mode: "signal",
      process: name,
      signal,
      pids: denied,
      msg: "not permitted: the process runs as another user than the fetcher (UID 65532)",
    });
}
