import type { SecretSource, SourceType } from "../../../spec/fetch-spec";

/**
 * Why one secret could not be fetched. Every failure the runtime reports is one of these, so the
 * error line a user reads says which kind of problem to fix.
 */
export type FailureClass =
  | "not-found"
  | "access-denied"
  | "throttled"
  | "timed-out"
  | "malformed"
  | "identity-not-ready"
  | "unavailable"
  | "invalid";

/** A failure of one source. `message` must never contain a secret value. */
export class SourceError extends Error {
  constructor(
    readonly failure: FailureClass,
    message: string,
    /** Worth trying again within the deadline (throttling, 5xx, resets, identity not ready yet). */
    readonly retryable = false,
    /**
     * Retry until the overall deadline rather than for SECRET_MOUNT_MAX_ATTEMPTS attempts: for
     * answers that change on their own within minutes (a new IAM grant still propagating).
     * Throttling always is (see retriesUntilDeadline).
     */
    readonly untilDeadline = false,
    /** How long the service asked the client to wait (its Retry-After), in ms; the next retry waits at least this. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "SourceError";
  }
}

/**
 * Whether a failure is retried until the overall deadline. Throttling is, for every store: a quota
 * refills with time, and a herd of pods that gave up after a fixed number of attempts would be
 * restarted together by the kubelet instead of spreading out (fetch-sources.ts, backoff.ts).
 */
export function retriesUntilDeadline(e: SourceError): boolean {
  return e.retryable && (e.untilDeadline || e.failure === "throttled");
}

/** What a provider returns for one source: the raw bytes and, when the service says, a version. */
export interface FetchedValue {
  bytes: Buffer;
  /** The service's version id / number, for logs. */
  version?: string;
  /** True when the service returned binary (SecretBinary); text-only transforms then refuse it. */
  binary?: boolean;
}

export type SourceResult =
  | { ok: true; value: FetchedValue; attempts: number; ms: number }
  | { ok: false; error: SourceError; attempts: number; ms: number };

export interface ProviderContext {
  /** Aborted when the overall deadline passes; pass it to every SDK call. */
  signal: AbortSignal;
  /** Epoch ms of the overall deadline. */
  deadline: number;
  env: NodeJS.ProcessEnv;
  /** Structured log line (never values). */
  log(event: Record<string, unknown>): void;
  /** Counts one API request (for the benchmark's call count). */
  countCall(service: string): void;
}

/**
 * A provider fetches every source of its type that the spec declares, batching and running
 * concurrently as its service allows. The result array is parallel to `sources` (already
 * de-duplicated by the caller). A provider never throws for a per-source problem: it returns
 * `{ ok: false }` for that source.
 */
export interface Provider<S extends SecretSource = SecretSource> {
  readonly type: SourceType;
  fetchAll(sources: S[], ctx: ProviderContext): Promise<SourceResult[]>;
}
