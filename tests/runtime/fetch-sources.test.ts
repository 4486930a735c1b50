/** The orchestrator in process, with fake providers: dedupe, what is retried, the deadline. */
import * as assert from "node:assert/strict";
import type { SecretSource, SourceType } from "../../spec/fetch-spec";
import { backoffDelayMs, retryDelayMs } from "../../runtime-image/src/backoff";
import type { Knobs } from "../../runtime-image/src/config";
import { fetchSources } from "../../runtime-image/src/fetch-sources";
import { setLogWriter } from "../../runtime-image/src/log";
import { type Provider, SourceError, type SourceResult } from "../../runtime-image/src/providers/provider";
import { retryAfterMs } from "../../runtime-image/src/providers/provider-support";
import { sourceKey } from "../../runtime-image/src/source-ref";
import { recordOutput } from "./harness";

const knobs: Knobs = {
  maxAttempts: 3,
  retryBaseMs: 1,
  retryCapMs: 2,
  sdkMaxAttempts: 1,
  maxValueBytes: 1000,
  timeoutMs: 2_000,
  refreshMs: 1000,
};
const ssm = (name: string): SecretSource => ({ type: "aws-ssm", name });
const ok = (text: string): SourceResult => ({ ok: true, value: { bytes: Buffer.from(text) }, attempts: 1, ms: 0 });
const fail = (error: SourceError): SourceResult => ({ ok: false, error, attempts: 1, ms: 0 });

/** A provider answering from `answer(name, call)`, recording the names of every call. */
function fake(answer: (name: string, call: number) => SourceResult | Promise<SourceResult>) {
  const calls: string[][] = [];
  const provider: Provider = {
    type: "aws-ssm",
    async fetchAll(sources) {
      calls.push(sources.map((s) => (s as { name: string }).name));
      return Promise.all(sources.map((s) => answer((s as { name: string }).name, calls.length)));
    },
  };
  return { calls, load: async (_: SourceType) => provider };
}

describe("runtime: fetch orchestration (in process)", () => {
  const lines: string[] = [];
  before(() => setLogWriter((_, line) => lines.push(line)));
  after(() => {
    setLogWriter(undefined);
    recordOutput("in-process orchestrator logs", lines.join("\n"));
  });

  it("fetches a source named twice once", async () => {
    const p = fake((n) => ok(n));
    const { results } = await fetchSources([ssm("/a"), ssm("/b"), { type: "aws-ssm", name: "/a" }], knobs, {}, p.load);
    assert.deepEqual(p.calls, [["/a", "/b"]]);
    assert.equal(results.size, 2);
  });

  it("retries only retryable failures, only the failed sources, at most maxAttempts times", async () => {
    const p = fake((n) =>
      n === "/failing"
        ? fail(new SourceError("unavailable", "503", true))
        : n === "/missing"
          ? fail(new SourceError("not-found", "m"))
          : ok(n),
    );
    const { results } = await fetchSources([ssm("/ok"), ssm("/failing"), ssm("/missing")], knobs, {}, p.load);
    assert.deepEqual(p.calls, [["/ok", "/failing", "/missing"], ["/failing"], ["/failing"]]);
    const failing = results.get(sourceKey(ssm("/failing")))!;
    assert.equal(failing.ok, false);
    assert.equal(failing.attempts, 3);
    assert.equal(results.get(sourceKey(ssm("/missing")))!.attempts, 1);
  });

  it("retries throttling past maxAttempts until it clears, for any store's provider", async () => {
    // Throttled 6 times, twice the attempt limit: the quota refills with time, within the deadline.
    const p = fake((n, call) => (call <= 6 ? fail(new SourceError("throttled", "rate exceeded", true)) : ok(n)));
    const { results } = await fetchSources([ssm("/busy")], knobs, {}, p.load);
    const r = results.get(sourceKey(ssm("/busy")))!;
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.attempts, 7);
    assert.equal(p.calls.length, 7);
  });

  it("waits at least a throttled answer's Retry-After, plus jitter, before the next attempt", async () => {
    const times: number[] = [];
    const p = fake((n, call) => {
      times.push(Date.now());
      return call === 1 ? fail(new SourceError("throttled", "429", true, false, 300)) : ok(n);
    });
    const { results } = await fetchSources([ssm("/busy")], knobs, {}, p.load);
    assert.ok(results.get(sourceKey(ssm("/busy")))!.ok);
    assert.ok(times[1] - times[0] >= 300, `waited ${times[1] - times[0]} ms`);
  });

  it("a failure that clears on retry succeeds, reporting the attempt", async () => {
    const p = fake((n, call) => (call === 1 ? fail(new SourceError("unavailable", "reset", true)) : ok(n)));
    const { results } = await fetchSources([ssm("/a")], knobs, {}, p.load);
    const r = results.get(sourceKey(ssm("/a")))!;
    assert.ok(r.ok);
    assert.equal(r.attempts, 2);
  });

  it("a request still in flight at the deadline is timed-out, and the call returns", async () => {
    const p = fake(() => new Promise<SourceResult>(() => undefined));
    const { results } = await fetchSources([ssm("/hangs")], { ...knobs, timeoutMs: 50 }, {}, p.load);
    const r = results.get(sourceKey(ssm("/hangs")))!;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.failure, "timed-out");
  });

  it("keeps the last cause when the deadline ends the retries", async () => {
    const p = fake(() => fail(new SourceError("throttled", "rate exceeded", true)));
    const { results } = await fetchSources(
      [ssm("/a")],
      { ...knobs, maxAttempts: 100, retryBaseMs: 20, retryCapMs: 20, timeoutMs: 100 },
      {},
      p.load,
    );
    const r = results.get(sourceKey(ssm("/a")))!;
    assert.equal(!r.ok && r.error.failure, "throttled");
    assert.match(!r.ok ? r.error.message : "", /deadline/);
    assert.ok(p.calls.length < 100);
  });

  it("a provider that throws fails its sources instead of the process; one that cannot load is invalid", async () => {
    const throwing: Provider = {
      type: "aws-ssm",
      fetchAll: async () => {
        throw new TypeError("bug");
      },
    };
    const a = await fetchSources([ssm("/a")], knobs, {}, async () => throwing);
    const ra = a.results.get(sourceKey(ssm("/a")))!;
    assert.equal(!ra.ok && ra.error.failure, "unavailable");
    const b = await fetchSources([ssm("/a")], knobs, {}, async () => {
      throw new Error("no such chunk");
    });
    const rb = b.results.get(sourceKey(ssm("/a")))!;
    assert.equal(!rb.ok && rb.error.failure, "invalid");
  });

  it("backoff is full jitter under an exponential ceiling and a cap", () => {
    assert.equal(
      backoffDelayMs(1, 100, 5000, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelayMs(3, 100, 5000, () => 0.999),
      399,
    );
    assert.equal(
      backoffDelayMs(20, 100, 5000, () => 0.999),
      4995,
    );
    assert.equal(
      backoffDelayMs(3, 100, 5000, () => 0),
      0,
    );
  });

  it("reads a throttled answer's wait from retry-after-ms, x-ms-retry-after-ms, or Retry-After in seconds or as an HTTP date", () => {
    const headers = (h: Record<string, string>) => (name: string) => h[name];
    const now = Date.parse("Mon, 07 Dec 2026 18:00:00 GMT");
    assert.equal(retryAfterMs(headers({ "retry-after": "3" }), now), 3000);
    assert.equal(retryAfterMs(headers({ "retry-after-ms": "1500", "retry-after": "3" }), now), 1500);
    assert.equal(retryAfterMs(headers({ "x-ms-retry-after-ms": "250" }), now), 250);
    assert.equal(retryAfterMs(headers({ "retry-after": "Mon, 07 Dec 2026 18:00:04 GMT" }), now), 4000);
    assert.equal(
      retryAfterMs(headers({ "retry-after": "Mon, 07 Dec 2026 17:59:00 GMT" }), now),
      0,
      "a date already past: no wait",
    );
    assert.equal(retryAfterMs(headers({ "retry-after": "soon" }), now), undefined);
    assert.equal(retryAfterMs(headers({}), now), undefined);
  });

  it("after a Retry-After the delay is that wait plus a random share of up to one more (or of the jitter ceiling if larger)", () => {
    assert.equal(
      retryDelayMs(1, 100, 5000, undefined, () => 0.999),
      99,
      "no Retry-After: full jitter",
    );
    assert.equal(
      retryDelayMs(1, 100, 5000, 3000, () => 0),
      3000,
      "never less than Retry-After",
    );
    assert.equal(
      retryDelayMs(1, 100, 5000, 3000, () => 0.5),
      4500,
      "a share of one more Retry-After",
    );
    assert.equal(
      retryDelayMs(1, 100, 5000, 3000, () => 0.999),
      5997,
    );
    assert.equal(
      retryDelayMs(7, 100, 5000, 1000, () => 0.5),
      3500,
      "the jitter ceiling (min(cap, 6400)) when larger",
    );
    assert.equal(
      retryDelayMs(1, 100, 5000, 0, () => 0.5),
      50,
      "Retry-After: 0 still jitters",
    );
    // Pods throttled together, told the same Retry-After, come back spread over a window as wide as it.
    const delays = Array.from({ length: 200 }, () => retryDelayMs(1, 250, 5000, 2000));
    assert.ok(Math.min(...delays) >= 2000 && Math.max(...delays) < 4000);
    assert.ok(new Set(delays.map((d) => Math.floor(d / 250))).size >= 6, "spread over the window, not one instant");
  });
});
