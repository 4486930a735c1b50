import * as assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { parseLogLines, recordOutput, SECRET_MARKER, specEnv, startFetch, tempDir, type LogLine } from "./harness";

/**
 * Refresh mode tells a real app process, one notification per completed swap. Each app below is a
 * child process that reloads: it reads the set when told and prints which generation it now holds
 * (a number, never the value). Every swap changes two files, so a notification per file would show.
 */
const generation = (n: number) => JSON.stringify({ a: `${SECRET_MARKER}-gen-${n}`, b: `${SECRET_MARKER}-gen-${n}` });

/** The app's reload: read both files through the visible paths, print the generation they hold. */
const RELOAD = `
const fs = require("fs"), path = require("path");
const dir = process.argv[2];
function reload(how, extra) {
  const a = fs.readFileSync(path.join(dir, "pair/a"), "utf8").match(/gen-(\\d+)$/)[1];
  const b = fs.readFileSync(path.join(dir, "pair/b"), "utf8").match(/gen-(\\d+)$/)[1];
  console.log(JSON.stringify({ event: "reloaded", how, a: Number(a), b: Number(b), ...extra }));
}
`;
const APPS = {
  http: `${RELOAD}
let refuse = 1;  // the first notification finds the app not ready: the fetcher retries
require("http").createServer((req, res) => {
  if (refuse-- > 0) { console.log(JSON.stringify({ event: "refused" })); return res.writeHead(503).end(); }
  reload("http", { method: req.method, url: req.url });
  res.writeHead(204).end();
}).listen(0, "127.0.0.1", function () { console.log(JSON.stringify({ event: "ready", port: this.address().port })); });`,
  signal: `${RELOAD}
process.on("SIGHUP", () => reload("SIGHUP"));
setInterval(() => {}, 1000);
console.log(JSON.stringify({ event: "ready" }));`,
  // The documented pattern: watch the mount directory; a new set is the moment "..data" is renamed in.
  generationFile: `${RELOAD}
let last = 0;
fs.watch(dir, (event, name) => {
  if (name !== "..data") return;
  const g = JSON.parse(fs.readFileSync(path.join(dir, "secret-mount.generation"), "utf8")).generation;
  if (g === last) return;
  last = g;
  reload("..data", { generation: g });
});
console.log(JSON.stringify({ event: "ready" }));`,
};

/** Every app started, killed after each test whatever happened. */
const apps: ChildProcess[] = [];

interface App {
  child: ChildProcess;
  logs: LogLine[];
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

function startApp(kind: keyof typeof APPS, dir: string, executable = process.execPath, uid?: number): App {
  const scriptDir = tempDir("sm-app-");
  fs.chmodSync(scriptDir, 0o755);
  const script = path.join(scriptDir, "app.js");
  fs.writeFileSync(script, APPS[kind], { mode: 0o644 });
  const child = spawn(executable, [script, dir], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  apps.push(child);
  const logs: LogLine[] = [];
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    const lines = out.split("\n");
    out = lines.pop()!;
    logs.push(...parseLogLines(lines.join("\n")));
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  child.on("exit", () => recordOutput(`app ${kind}`, err));
  return {
    child,
    logs,
    async waitFor(pred, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = logs.find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`app: timed out; saw ${JSON.stringify(logs)} ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

describe("runtime: refresh mode tells the app (a real child process that reloads)", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());
  afterEach(() => {
    for (const c of apps.splice(0)) if (c.exitCode === null) c.kill();
  });

  function startFetcher(vol: string, secretId: string, notify: unknown, uid?: number) {
    const source = { type: "aws-secretsmanager", secretId, region: REGION };
    const spec = {
      version: 1,
      dir: vol,
      mode: "refresh",
      timeoutSeconds: 2,
      files: [
        { path: "pair/a", source, jsonKey: "a" },
        { path: "pair/b", source, jsonKey: "b" },
      ],
      notify,
    };
    const idDir = tempDir();
    const env = specEnv(spec, {
      ...aws.podIdentityEnv(idDir),
      SECRET_MOUNT_REFRESH_MS: "40",
      SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1",
      SECRET_MOUNT_MAX_ATTEMPTS: "1",
    });
    if (uid !== undefined) {
      // Another user must reach the identity files and the home directory, as in a pod.
      for (const d of [idDir, env.HOME!]) fs.chmodSync(d, 0o755);
      for (const f of fs.readdirSync(idDir)) fs.chmodSync(path.join(idDir, f), 0o444);
    }
    return startFetch({ env, timeoutMs: 30_000, ...(uid !== undefined ? { uid, gid: uid } : {}) });
  }

  /** Three rotations; after each the app holds the new generation. Then quiet refreshes: no more notifications. */
  async function rotateThrice(secretId: string, vol: string, app: App, fetcher: ReturnType<typeof startFetcher>) {
    await fetcher.waitForLog((l) => l.event === "set-written");
    for (let n = 1; n <= 3; n++) {
      aws.putSecret(secretId, generation(n));
      await app.waitFor((l) => l.event === "reloaded" && l.a === n);
    }
    const unchanged = () => fetcher.logs.filter((l) => l.event === "refresh-unchanged").length;
    const before = unchanged();
    await fetcher.waitForLog(() => unchanged() >= before + 5);
    const reloads = app.logs.filter((l) => l.event === "reloaded");
    assert.deepEqual(
      reloads.map((l) => [l.a, l.b]),
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
      "one reload per swap, each seeing a whole set",
    );
    assert.equal(fetcher.logs.filter((l) => l.event === "set-swapped").length, 3);
    assert.equal(
      fetcher.logs.filter((l) => l.event === "app-notified").length,
      3,
      "one notification per completed swap, none per file, none when unchanged",
    );
    return reloads;
  }

  it("http: POST to the app on 127.0.0.1, retried while the app answers 503, once per swap", async () => {
    const secretId = `notify/http-${randomBytes(3).toString("hex")}`;
    aws.putSecret(secretId, generation(0));
    const vol = path.join(tempDir(), "vol");
    const app = startApp("http", vol);
    const port = (await app.waitFor((l) => l.event === "ready")).port;
    const fetcher = startFetcher(vol, secretId, { http: { port, path: "/-/reload" } });
    try {
      const reloads = await rotateThrice(secretId, vol, app, fetcher);
      assert.deepEqual(
        reloads.map((l) => [l.method, l.url]),
        Array(3).fill(["POST", "/-/reload"]),
      );
      const notified = fetcher.logs.filter((l) => l.event === "app-notified");
      assert.deepEqual(
        notified.map((l) => [l.status, l.attempt]),
        [
          [204, 2],
          [204, 1],
          [204, 1],
        ],
        "the refused first request was retried",
      );
      assert.equal(app.logs.filter((l) => l.event === "refused").length, 1);
    } finally {
      app.child.kill();
      assert.equal((await fetcher.stop()).code, 0);
    }
  });

  it("http: an app that never answers costs a warning after the brief retries; the set stays swapped and refreshing goes on", async () => {
    const secretId = `notify/http-down-${randomBytes(3).toString("hex")}`;
    aws.putSecret(secretId, generation(0));
    const vol = path.join(tempDir(), "vol");
    const fetcher = startFetcher(vol, secretId, { http: { port: 9, method: "PUT" } });
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      aws.putSecret(secretId, generation(1));
      const failed = await fetcher.waitForLog((l) => l.event === "notify-failed", 15_000);
      assert.deepEqual([failed.level, failed.mode, failed.method, failed.attempts], ["warn", "http", "PUT", 5]);
      assert.ok(Number(failed.ms) < 8_000, `gave up after ${failed.ms} ms`);
      assert.match(fs.readFileSync(path.join(vol, "pair/a"), "utf8"), /gen-1$/);
      await fetcher.waitForLog(
        (l) => l.event === "refresh-unchanged" && fetcher.logs.indexOf(l) > fetcher.logs.indexOf(failed),
      );
    } finally {
      assert.equal((await fetcher.stop()).code, 0);
    }
  });

  it("http: an app that answers 200 but never ends its response (silent, or trickling bytes) costs one warning per swap; refreshing goes on", async () => {
    // A real HTTP server on 127.0.0.1: status line and headers, then a body that never ends. While
    // `trickle` is on it writes a byte every 200 ms, so no idle timeout ever fires.
    let trickle = false;
    const requests: string[] = [];
    const open = new Set<import("node:net").Socket>();
    const server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("reloading");
      if (trickle) {
        const t = setInterval(() => res.write("."), 200);
        res.on("close", () => clearInterval(t));
      }
    });
    server.on("connection", (s) => (open.add(s), s.on("close", () => open.delete(s))));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    const secretId = `notify/http-endless-${randomBytes(3).toString("hex")}`;
    aws.putSecret(secretId, generation(0));
    const vol = path.join(tempDir(), "vol");
    const fetcher = startFetcher(vol, secretId, { http: { port, path: "/-/reload" } });
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      for (const [n, mode] of [
        [1, "silent"],
        [2, "trickling"],
      ] as const) {
        trickle = mode === "trickling";
        const before = fetcher.logs.length;
        aws.putSecret(secretId, generation(n));
        const failed = await fetcher.waitForLog(
          (l) => l.event === "notify-failed" && fetcher.logs.indexOf(l) >= before,
          20_000,
        );
        assert.deepEqual([failed.level, failed.mode, failed.status], ["warn", "http", 200], mode);
        assert.match(String(failed.msg), /answered HTTP 200 but did not finish its response within 5 s/, mode);
        assert.match(
          fs.readFileSync(path.join(vol, "pair/a"), "utf8"),
          new RegExp(`gen-${n}$`),
          `${mode}: the set is swapped all the same`,
        );
        // The loop goes on: the next refresh runs, and the fetcher hung up on the endless answer.
        await fetcher.waitForLog(
          (l) => l.event === "refresh-unchanged" && fetcher.logs.indexOf(l) > fetcher.logs.indexOf(failed),
        );
        assert.equal(open.size, 0, `${mode}: the fetcher closed its connection`);
        assert.equal(
          fetcher.logs.slice(before).filter((l) => l.event === "notify-failed" || l.event === "app-notified").length,
          1,
          `${mode}: one line per swap`,
        );
      }
      assert.deepEqual(requests, ["POST /-/reload", "POST /-/reload"], "answered with 200: never retried");
    } finally {
      assert.equal((await fetcher.stop()).code, 0);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("signal: SIGHUP to the process found by name, once per swap", async () => {
    const secretId = `notify/signal-${randomBytes(3).toString("hex")}`;
    aws.putSecret(secretId, generation(0));
    const vol = path.join(tempDir(), "vol");
    // The app's executable has a name of its own (the kernel's comm is the executed file's base name).
    const name = `sm-app-${randomBytes(3).toString("hex")}`;
    const exe = path.join(tempDir("sm-bin-"), name);
    fs.symlinkSync(process.execPath, exe);
    const app = startApp("signal", vol, exe);
    const fetcher = startFetcher(vol, secretId, { signal: { process: name } });
    try {
      await app.waitFor((l) => l.event === "ready");
      // Found by its command line's executable name (Node renames its main thread, so comm is "MainThread").
      assert.equal(path.basename(fs.readFileSync(`/proc/${app.child.pid}/cmdline`, "utf8").split("\0")[0]), name);
      await rotateThrice(secretId, vol, app, fetcher);
      const notified = fetcher.logs.filter((l) => l.event === "app-notified");
      assert.deepEqual(
        notified.map((l) => [l.signal, l.pids]),
        Array(3).fill(["SIGHUP", [app.child.pid]]),
      );
    } finally {
      app.child.kill();
      assert.equal((await fetcher.stop()).code, 0);
    }
  });

  it("signal: no process of that name is a warning naming what the pod needs", async () => {
    const secretId = `notify/signal-none-${randomBytes(3).toString("hex")}`;
    aws.putSecret(secretId, generation(0));
    const vol = path.join(tempDir(), "vol");
    const fetcher = startFetcher(vol, secretId, {
      signal: { process: `sm-none-${randomBytes(3).toString("hex")}`, signal: "SIGUSR1" },
    });
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      aws.putSecret(secretId, generation(1));
      const failed = await fetcher.waitForLog((l) => l.event === "notify-failed");
      assert.match(String(failed.msg), /shareProcessNamespace: true/);
      assert.equal(fetcher.child.exitCode, null, "still refreshing");
    } finally {
      assert.equal((await fetcher.stop()).code, 0);
    }
  });

  it("signal: Linux refuses it across UIDs (why preview requires the app at UID 65532); at the same UID it is delivered", async function () {
    if (process.getuid?.() !== 0) this.skip(); // switching users needs root
    const base = tempDir();
    fs.chmodSync(base, 0o755);
    const vol = path.join(base, "vol");
    fs.mkdirSync(vol, { mode: 0o777 });
    fs.chmodSync(vol, 0o777);
    const binDir = tempDir("sm-bin-");
    fs.chmodSync(binDir, 0o755);
    for (const [appUid, expected] of [
      [10001, "denied"],
      [65532, "signalled"],
    ] as const) {
      const secretId = `notify/uid-${appUid}-${randomBytes(3).toString("hex")}`;
      aws.putSecret(secretId, generation(0));
      const name = `sm-uid-${randomBytes(3).toString("hex")}`;
      const exe = path.join(binDir, name);
      fs.symlinkSync(process.execPath, exe);
      const app = startApp("signal", vol, exe, appUid);
      await app.waitFor((l) => l.event === "ready");
      const fetcher = startFetcher(vol, secretId, { signal: { process: name } }, 65532);
      try {
        await fetcher.waitForLog((l) => l.event === "set-written");
        aws.putSecret(secretId, generation(1));
        if (expected === "denied") {
          const failed = await fetcher.waitForLog((l) => l.event === "notify-failed");
          assert.deepEqual(
            [failed.pids, failed.msg],
            [[app.child.pid], "not permitted: the process runs as another user than the fetcher (UID 65532)"],
          );
          assert.equal(app.logs.filter((l) => l.event === "reloaded").length, 0);
        } else {
          await fetcher.waitForLog((l) => l.event === "app-notified");
          await app.waitFor((l) => l.event === "reloaded");
        }
      } finally {
        app.child.kill();
        assert.equal((await fetcher.stop()).code, 0);
      }
    }
  });

  it("generation file: the app watches ..data and reads the generation; one per swap, counting on", async () => {
    const secretId = `notify/gen-${randomBytes(3).toString("hex")}`;
    aws.putSecret(secretId, generation(0));
    const vol = path.join(tempDir(), "vol");
    const fetcher = startFetcher(vol, secretId, { generationFile: {} });
    let app: App | undefined;
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      assert.equal(JSON.parse(fs.readFileSync(path.join(vol, "secret-mount.generation"), "utf8")).generation, 1);
      // The app starts after the first set (the startup probe holds it until then), as in a pod.
      app = startApp("generationFile", vol);
      await app.waitFor((l) => l.event === "ready");
      const reloads = await rotateThrice(secretId, vol, app, fetcher);
      assert.deepEqual(
        reloads.map((l) => l.generation),
        [2, 3, 4],
      );
      assert.equal((fs.statSync(path.join(vol, "secret-mount.generation")).mode & 0o777).toString(8), "440");
    } finally {
      app?.child.kill();
      assert.equal((await fetcher.stop()).code, 0);
    }
  });
});
