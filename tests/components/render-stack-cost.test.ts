import assert from "node:assert/strict";
import * as path from "node:path";
import { cheapStacks, runProgram } from "../../components/render/offline-engine";

describe("render: stack traces are cheap while the program runs", () => {
  it("the program runs without source-mapped or captured stack frames, and the process gets both back after", async () => {
    const before = { sourceMaps: process.sourceMapsEnabled, limit: Error.stackTraceLimit };
    process.setSourceMapsEnabled(true);
    try {
      const run = await runProgram(path.join(__dirname, "fixtures/stack-cost-program"));
      assert.equal(run.outputs.sourceMapsWhileRunning, false);
      assert.equal(run.outputs.framesWhileRunning, 0);
      assert.equal(process.sourceMapsEnabled, true);
      assert.equal(Error.stackTraceLimit, before.limit);
    } finally {
      process.setSourceMapsEnabled(before.sourceMaps);
    }
  });

  it("PULUMI_DEBUG_PROMISE_LEAKS keeps the stacks Pulumi's leak report prints", () => {
    const limit = Error.stackTraceLimit;
    const restore = cheapStacks({ PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    try {
      assert.equal(Error.stackTraceLimit, limit);
      assert.ok((new Error().stack ?? "").includes(" at "));
    } finally {
      restore();
    }
    const restore2 = cheapStacks({});
    assert.equal(Error.stackTraceLimit, 0);
    restore2();
    assert.equal(Error.stackTraceLimit, limit);
  });
});
