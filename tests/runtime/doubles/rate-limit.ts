/**
 * A store's documented request rate, as its double enforces it: at most `limit` admitted requests in
 * any `windowMs` (a sliding window over the admitted requests). A refused request does not count
 * against the limit (Key Vault's throttling guidance says so of its 429s; the others are treated alike).
 * Every decision is logged with its time and the client that asked (its credentials: one client per
 * fetcher process), so a benchmark can tell first attempts from retries. The double decides what a
 * refusal looks like on the wire (each service's own status, code and body).
 */
export class RateLimit {
  readonly log: { t: number; client: string; admitted: boolean }[] = [];
  private readonly admittedAt: number[] = [];
  private head = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether a request now is within the limit; an admitted one counts from now on. */
  admit(client: string, now = Date.now()): boolean {
    while (this.head < this.admittedAt.length && this.admittedAt[this.head] <= now - this.windowMs) this.head++;
    const admitted = this.admittedAt.length - this.head < this.limit;
    if (admitted) this.admittedAt.push(now);
    this.log.push({ t: now, client, admitted });
    return admitted;
  }

  /** Whole seconds until the window has room again (a Retry-After value; at least 1). */
  retryAfterSeconds(now = Date.now()): number {
    const oldest = this.admittedAt[this.head] ?? now;
    return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
  }
}
