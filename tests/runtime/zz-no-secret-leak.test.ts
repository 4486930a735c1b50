/**
 * Runs last (mocha loads spec files in path order): no secret value served by any double during the
 * whole suite may appear in anything the fetcher printed.
 */
import * as assert from "node:assert/strict";
import { capturedOutputs, SECRET_MARKER } from "./harness";

describe("runtime: no secret value in any output", () => {
  it(`no captured stdout, stderr or log line contains the marker "${SECRET_MARKER}"`, () => {
    assert.ok(
      capturedOutputs.length > 0,
      "no fetch output was captured: run this file with the runtime suite (npm test)",
    );
    const leaks = capturedOutputs.filter((o) => o.text.includes(SECRET_MARKER)).map((o) => o.label);
    assert.deepEqual(leaks, [], `marker found in: ${leaks.join(", ")}`);
  });
});
