/**
 * Delay before retry number `retry` (1 = the first retry): "full jitter" exponential backoff,
 * uniformly random in [0, min(cap, base * 2^(retry-1))], so many pods restarted together do not
 * retry in lockstep.
 */
export function backoffDelayMs(
  retry: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * jitterCeilingMs(retry, baseMs, capMs));
}

function jitterCeilingMs(retry: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
}

/**
 * Delay before retry number `retry` when the service named a wait (Retry-After, in ms): never less
 * than that wait (the services require it to be honoured), plus a random share of up to one more
 * such wait, or of the full-jitter ceiling if that is larger. Services tell every client throttled
 * in the same moment the same Retry-After; waiting it exactly brings them all back in the same
 * instant, throttled again (`npm run bench:herd`, Key Vault). Without a Retry-After: backoffDelayMs.
 */
export function retryDelayMs(
  retry: number,
  baseMs: number,
  capMs: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs === undefined) return backoffDelayMs(retry, baseMs, capMs, random);
  return retryAfterMs + Math.floor(random() * Math.max(retryAfterMs, jitterCeilingMs(retry, baseMs, capMs)));
}

/** The refresh interval with ±10% jitter, so sidecars started together spread their calls. */
export function jitteredIntervalMs(intervalMs: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalMs * (0.9 + 0.2 * random())));
}

/** Resolves after `ms`, or early (with false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
