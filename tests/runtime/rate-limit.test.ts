import assert from "node:assert/strict";
import { RateLimit } from "./doubles/rate-limit";

describe("doubles: a store's request rate", () => {
  it("admits at most `limit` requests in any window, and refused requests do not count", () => {
    const l = new RateLimit(3, 1000);
    assert.deepEqual(
      [0, 100, 200, 300, 400].map((t) => l.admit("a", t)),
      [true, true, true, false, false],
    );
    // The first admitted request (t=0) leaves the window at t=1000; the refusals at 300/400 never entered it.
    assert.equal(l.admit("b", 999), false);
    assert.equal(l.admit("b", 1000), true);
    assert.equal(l.admit("b", 1000), false);
    assert.equal(l.admit("b", 1100), true);
    assert.equal(l.log.filter((e) => !e.admitted).length, 4);
  });

  it("tells a throttled client when the window has room again, in whole seconds", () => {
    const l = new RateLimit(2, 10_000);
    l.admit("a", 0);
    l.admit("a", 4000);
    assert.equal(l.admit("a", 5000), false);
    assert.equal(l.retryAfterSeconds(5000), 5);
    assert.equal(l.retryAfterSeconds(9999), 1);
  });
});
