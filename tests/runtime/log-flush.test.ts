/**
 * Every log line reaches a pipe before the program exits, however slowly the reader drains it
 * (the container runtime's log pipe can lag): 500 files, the reader paused while the run finishes.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { SECRET_MARKER, specEnv, startFetch, tempDir } from "./harness";

describe("runtime: log lines are flushed before exit", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  it("500 files through a slow pipe: every line present and parseable, set-written among them", async () => {
    const N = 500;
    const obj: Record<string, string> = {};
    for (let i = 0; i < N; i++) obj[`k${i}`] = `${SECRET_MARKER}-${i}`;
    aws.putSecret("logs/many", JSON.stringify(obj));
    const source = { type: "aws-secretsmanager", secretId: "logs/many", region: REGION };
    const files = Array.from({ length: N }, (_, i) => ({
      path: `a-rather-long-directory-name-${i % 7}/and-a-rather-long-file-name-for-the-log-line-${i}`,
      source,
      jsonKey: `k${i}`,
    }));
    const vol = path.join(tempDir(), "vol");
    const fetcher = startFetch({
      env: specEnv({ version: 1, dir: vol, mode: "init", files }, aws.podIdentityEnv(tempDir())),
      timeoutMs: 30_000,
    });
    // A reader that does not keep up: the pipe (64 KiB) fills, Node queues the rest in the process.
    fetcher.child.stdout!.pause();
    let exitedWhilePaused = false;
    fetcher.child.once("exit", () => (exitedWhilePaused = true));
    setTimeout(() => fetcher.child.stdout!.resume(), 1_500);
    const r = await fetcher.done;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => l.length > 0);
    for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `not a whole JSON line: ${l.slice(0, 80)}`);
    const events = lines.map((l) => JSON.parse(l).event as string);
    assert.equal(
      events.filter((e) => e === "file-written").length,
      N,
      `file-written lines (exited while the reader was paused: ${exitedWhilePaused})`,
    );
    assert.equal(events.at(-1), "set-written");
    assert.equal(events[0], "start");
  });
});
