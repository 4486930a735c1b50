/**
 * Small helpers shared by the Azure, Google and Vault providers. Cloud-agnostic: no SDK imports,
 * so loading it never pulls another cloud's code into a pod.
 */
import { retryKnobs } from "../config";
import { type FailureClass, type FetchedValue, type ProviderContext, SourceError, type SourceResult } from "./provider";

/** Sources of one type fetched at once. */
export const CONCURRENCY = 16;

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How hard an SDK may retry one call, from the runtime's documented knobs (see config.ts). */
export interface SdkRetryBudget {
  /** Retries after the first try (SECRET_MOUNT_SDK_MAX_ATTEMPTS - 1). */
  retries: number;
  baseMs: number;
  capMs: number;
}

/** From the one parser of the retry variables (config.ts retryKnobs), so every reader applies the same rules. */
export function sdkRetryBudget(env: NodeJS.ProcessEnv): SdkRetryBudget {
  const k = retryKnobs(env);
  return { retries: k.sdkMaxAttempts - 1, baseMs: k.retryBaseMs, capMs: k.retryCapMs };
}

/** Rejects with a timed-out SourceError when `signal` aborts first (for calls that take no signal). */
export function raceSignal<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(deadlineError(what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadlineError(what));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

export function deadlineError(what: string): SourceError {
  return new SourceError("timed-out", `no answer from ${what} before the overall deadline`, true);
}

/** Node's network error codes that mean "try again". */
const TRANSIENT_NET = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "REQUEST_SEND_ERROR",
]);

/** The network error code anywhere in an error's cause chain, if any. */
export function networkCode(e: unknown): string | undefined {
  for (
    let c: unknown = e, depth = 0;
    c && typeof c === "object" && depth < 5;
    c = (c as { cause?: unknown }).cause, depth++
  ) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_NET.has(code)) return code;
  }
  return undefined;
}

/** The failure class and retryability of an HTTP status from a secret store. */
export function classifyStatus(status: number): { failure: FailureClass; retryable: boolean } | undefined {
  if (status === 404) return { failure: "not-found", retryable: false };
  if (status === 401 || status === 403) return { failure: "access-denied", retryable: false };
  if (status === 429) return { failure: "throttled", retryable: true };
  if (status === 408 || status === 504) return { failure: "timed-out", retryable: true };
  if (status >= 500) return { failure: "unavailable", retryable: true };
  return undefined;
}

/**
 * The wait a throttled answer asks for, in ms: `retry-after-ms` / `x-ms-retry-after-ms` (Azure),
 * else `Retry-After` in seconds or as an HTTP date (RFC 9110). Undefined when absent or unreadable.
 */
export function retryAfterMs(
  header: (name: string) => string | null | undefined,
  now = Date.now(),
): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = header(name)?.trim();
    if (v && /^\d+$/.test(v)) return Number(v);
  }
  const v = header("retry-after")?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Keeps a service's error message for a user to read, cut short and on one line. Only messages
 * from error responses (status >= 400) go through here: those never carry a secret value. Bodies of
 * successful responses never do.
 */
export function serviceMessage(m: unknown): string {
  return typeof m === "string" ? m.replace(/\s+/g, " ").trim().slice(0, 240) : "";
}

export function firstLine(s: unknown): string {
  return typeof s === "string" ? (s.split("\n")[0] ?? "") : "";
}

/**
 * Runs one fetch and turns its outcome into a SourceResult; `classify` maps any other error.
 * `attempts` is 1: the runtime counts its own attempts (SDK retries inside one are not attempts).
 */
export async function settle(
  ctx: ProviderContext,
  run: () => Promise<FetchedValue>,
  classify: (e: unknown) => SourceError,
): Promise<SourceResult> {
  const started = Date.now();
  try {
    return { ok: true, value: await run(), attempts: 1, ms: Date.now() - started };
  } catch (e) {
    const error = e instanceof SourceError ? e : ctx.signal.aborted ? deadlineError("the service") : classify(e);
    return { ok: false, error, attempts: 1, ms: Date.now() - started };
  }
}
