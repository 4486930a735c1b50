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

export function logLine(level: Level, event: string, fields: LogFields = {}): void {
  writer(level, JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
}

export const log = {
  info: (event: string, fields?: LogFields) => logLine("info", event, fields),
  warn: (event: string, fields?: LogFields) => logLine("warn", event, fields),
  error: (event: string, fields?: LogFields) => logLine("error", event, fields),
};
