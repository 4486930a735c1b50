/**
 * JSON-line logging. Every line is one object with `time`, `level` and `event`; info goes to stdout,
 * warnings and errors to stderr. Callers pass references and metadata only, never a value: nothing
 * here can tell a secret from a name, so the rule is kept at every call site.
 */
export type Level = "info" | "warn" | "error";

export type LogFields = Record<string, unknown>;

type Writer = (level: Level, line: string) => void;

const toStdio: Writer = (level, line) => (level === "info" ? process.stdout : process.stderr).write(`${line}\n`);
let writer: Writer = toStdio;

/** Redirects log lines (in-process tests); `undefined` restores stdout/stderr. */
export function setLogWriter(w: Writer | undefined): void {
  writer = w ?? toStdio;
}

let context: LogFields = {};

/** Fields every later line carries (the pod and namespace, for the audit trail). */
export function setLogContext(fields: LogFields): void {
  context = { ...fields };
}

export function logLine(level: Level, event: string, fields: LogFields = {}): void {
  writer(level, JSON.stringify({ time: new Date().toISOString(), level, event, ...context, ...fields }));
}

export const log = {
  info: (event: string, fields?: LogFields) => logLine("info", event, fields),
  warn: (event: string, fields?: LogFields) => logLine("warn", event, fields),
  error: (event: string, fields?: LogFields) => logLine("error", event, fields),
};

/**
 * Resolves once every line written so far to stdout and stderr has been handed to the OS. On a pipe
 * Node queues what the pipe cannot take at once, and `process.exit` drops that queue: a run of
 * hundreds of files lost a third of its lines, `set-written` among them. Capped, so a reader that
 * never reads cannot keep the process alive.
 */
export function flushLogs(capMs = 5_000): Promise<void> {
  const drained = (s: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (s.writableLength === 0 || s.destroyed) return resolve();
      // Writes complete in order: the callback of an empty write runs after everything queued before it.
      s.write("", () => resolve());
    });
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, capMs);
    timer.unref();
  });
  return Promise.race([
    Promise.all([drained(process.stdout), drained(process.stderr)]).then(() => undefined),
    cap,
  ]).finally(() => clearTimeout(timer));
}
