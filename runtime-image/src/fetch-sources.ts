/**
 * Fetches a set of sources: de-duplicated, grouped by provider, providers run concurrently, each
 * retried (for retryable failures only) with full-jitter backoff, all under one overall deadline.
 * Retryable failures get SECRET_MOUNT_MAX_ATTEMPTS attempts; throttling (and answers that change
 * on their own, see SourceError.untilDeadline) is retried until the deadline, after at least the
 * Retry-After a service named.
 * Never throws for a source's failure; every source gets a SourceResult.
 */
import type { SecretSource, SourceType } from "../../spec/fetch-spec";
import { retryDelayMs, sleep } from "./backoff";
import type { Knobs } from "./config";
import { log } from "./log";
import {
  type Provider,
  type ProviderContext,
  retriesUntilDeadline,
  SourceError,
  type SourceResult,
} from "./providers/provider";
import { sourceKey } from "./source-ref";

export type ProviderLoader = (type: SourceType) => Promise<Provider>;

export interface FetchOutcome {
  /** By sourceKey(source). */
  results: Map<string, SourceResult>;
  /** API requests made, by "service.Operation" (reported by providers). */
  calls: Record<string, number>;
}

/**
 * `stop` (the process's SIGTERM/SIGINT) aborts the same controller as the deadline: every in-flight
 * SDK request and backoff sleep ends at once, and the sources still pending come back timed-out.
 */
export async function fetchSources(
  sources: SecretSource[],
  knobs: Knobs,
  env: NodeJS.ProcessEnv,
  loadProvider: ProviderLoader,
  stop?: AbortSignal,
): Promise<FetchOutcome> {
  const unique = new Map<string, SecretSource>();
  for (const s of sources) unique.set(sourceKey(s), s);
  const byType = new Map<SourceType, SecretSource[]>();
  for (const s of unique.values()) byType.set(s.type, [...(byType.get(s.type) ?? []), s]);

  const started = Date.now();
  const deadline = started + knobs.timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), knobs.timeoutMs);
  const onStop = () => controller.abort();
  if (stop?.aborted) controller.abort();
  else stop?.addEventListener("abort", onStop, { once: true });
  const calls: Record<string, number> = {};
  const ctx: ProviderContext = {
    signal: controller.signal,
    deadline,
    env,
    log: (event) => log.info(String(event.event ?? "provider"), event),
    countCall: (service) => {
      calls[service] = (calls[service] ?? 0) + 1;
    },
  };
  const results = new Map<string, SourceResult>();
  try {
    await Promise.all(
      [...byType].map(async ([type, group]) => {
        const groupResults = await fetchGroupWithRetries(type, group, knobs, ctx, loadProvider, started);
        group.forEach((s, i) => results.set(sourceKey(s), groupResults[i]));
      }),
    );
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener("abort", onStop);
  }
  return { results, calls };
}

async function fetchGroupWithRetries(
  type: SourceType,
  sources: SecretSource[],
  knobs: Knobs,
  ctx: ProviderContext,
  loadProvider: ProviderLoader,
  started: number,
): Promise<SourceResult[]> {
  const results: (SourceResult | undefined)[] = new Array(sources.length).fill(undefined);
  let pending = sources.map((_, i) => i);
  let provider: Provider;
  try {
    provider = await loadProvider(type);
  } catch (e) {
    const error = new SourceError("invalid", `the ${type} provider could not be loaded (${errorName(e)})`);
    return sources.map(() => ({ ok: false, error, attempts: 0, ms: Date.now() - started }));
  }
  let outOfTime = false;
  for (let attempt = 1; pending.length > 0 && !ctx.signal.aborted; attempt++) {
    const got = await untilAborted(
      safeFetchAll(
        provider,
        pending.map((i) => sources[i]),
        ctx,
      ),
      ctx.signal,
    );
    if (!got) break; // deadline passed while requests were in flight
    const retry: number[] = [];
    pending.forEach((i, j) => {
      const r = got[j] ?? {
        ok: false,
        error: new SourceError("malformed", "the provider returned no result for this source"),
        attempts: 1,
        ms: 0,
      };
      results[i] = { ...r, attempts: attempt, ms: Date.now() - started };
      if (!r.ok && r.error.retryable && (attempt < knobs.maxAttempts || retriesUntilDeadline(r.error))) retry.push(i);
    });
    if (retry.length === 0) break;
    const retryAfters = retry
      .map((i) => (results[i] as { error: SourceError }).error.retryAfterMs)
      .filter((ms): ms is number => ms !== undefined);
    const retryAfterMs = retryAfters.length > 0 ? Math.max(...retryAfters) : undefined;
    const delay = retryDelayMs(attempt, knobs.retryBaseMs, knobs.retryCapMs, retryAfterMs);
    if (Date.now() + delay >= ctx.deadline) {
      outOfTime = true;
      break;
    }
    log.warn("retrying", {
      provider: type,
      sources: retry.length,
      causes: [...new Set(retry.map((i) => (results[i] as { error: SourceError }).error.failure))],
      attempt: attempt + 1,
      delayMs: delay,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    if (!(await sleep(delay, ctx.signal))) break;
    pending = retry;
  }
  const deadlineNote = `the overall deadline of ${Math.round((ctx.deadline - started) / 1000)} s passed`;
  return results.map((r) => {
    if (!r)
      return {
        ok: false,
        error: new SourceError("timed-out", `${deadlineNote} before an answer`),
        attempts: 1,
        ms: Date.now() - started,
      };
    if (!r.ok && r.error.retryable && (ctx.signal.aborted || outOfTime)) {
      return {
        ...r,
        error: new SourceError(
          r.error.failure,
          `${r.error.message}; ${deadlineNote} while retrying (${r.attempts} attempts)`,
        ),
      };
    }
    return r;
  });
}

/** A provider that throws (a bug) fails its whole group instead of the process. */
async function safeFetchAll(
  provider: Provider,
  sources: SecretSource[],
  ctx: ProviderContext,
): Promise<SourceResult[]> {
  try {
    return await provider.fetchAll(sources, ctx);
  } catch (e) {
    if (ctx.signal.aborted)
      return sources.map(() => ({
        ok: false,
        error: new SourceError("timed-out", "the overall deadline passed"),
        attempts: 1,
        ms: 0,
      }));
    const error =
      e instanceof SourceError
        ? e
        : new SourceError("unavailable", `unexpected ${errorName(e)} in the ${provider.type} provider`);
    return sources.map(() => ({ ok: false, error, attempts: 1, ms: 0 }));
  }
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** The class name of an error, never its message (messages can echo response bodies). */
export function errorName(e: unknown): string {
  if (e && typeof e === "object" && "name" in e && typeof (e as { name: unknown }).name === "string")
    return (e as { name: string }).name;
  return typeof e;
}
