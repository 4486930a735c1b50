/**
 * `npm run bench`: measures the bundle as the container runs it, against the loopback AWS double.
 *   1. cold start: spawn -> the first request the double sees, vs spawn -> exit of `node -e 0`;
 *   2. 50 Secrets Manager secrets + 50 SSM parameters with 20 ms added to every request: wall time
 *      (spawn -> exit 0) and API calls;
 *   3. peak RSS of that run (process.resourceUsage().maxRSS, recorded at exit by a preloaded hook).
 * The bundle runs as the image runs it: with the Node flags of the Dockerfile's ENTRYPOINT.
 * Prints a Markdown table (copied into runtime-image/README.md). Not a test: nothing is asserted.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsDouble, REGION } from "../../tests/runtime/doubles/aws";

const DIST = path.resolve(__dirname, "../dist");
/** The Node flags between the node binary and /app/fetch.js in the Dockerfile's ENTRYPOINT. */
const IMAGE_FLAGS: string[] = (() => {
  const m = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(fs.readFileSync(path.resolve(__dirname, "../Dockerfile"), "utf8"));
  const argv: string[] = m ? JSON.parse(m[1]) : [];
  return argv.slice(1, -1);
})();
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const LATENCY_MS = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function env(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "sm-bench-home-"));
  return { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: path.join(home, "none"), AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none"), AWS_EC2_METADATA_DISABLED: "true", ...extra };
}

function run(args: string[], childEnv: NodeJS.ProcessEnv, onSpawn?: (t0: bigint) => void): Promise<{ code: number | null; ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    onSpawn?.(t0);
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout }));
  });
}

async function main(): Promise<void> {
  const aws = await new AwsDouble().start();
  // The volume is memory-backed in a pod (emptyDir medium: Memory); /dev/shm is the same tmpfs here.
  const work = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "sm-bench-"));
  const BUNDLE = [...IMAGE_FLAGS, path.join(DIST, "fetch.js")];
  try {
    // 1. Cold start.
    const bare: number[] = [];
    const rssHook = path.join(work, "max-rss.cjs");
    const rssOut = path.join(work, "max-rss.txt");
    // Peak RSS, and what the RSS is made of at exit: pages of the node binary (file-backed, shared
    // and reclaimable) and anonymous memory (heap, malloc).
    const hook = [
      'process.on("exit", () => {',
      '  const fs = require("node:fs");',
      '  const status = fs.readFileSync("/proc/self/status", "utf8");',
      '  const kb = (k) => Number(status.split("\\n").find((l) => l.startsWith(k + ":"))?.split(/\\s+/)[1]);',
      `  fs.writeFileSync(${JSON.stringify(rssOut)}, JSON.stringify({ max: process.resourceUsage().maxRSS, anon: kb("RssAnon"), file: kb("RssFile") }));`,
      "});",
    ];
    fs.writeFileSync(rssHook, hook.join("\n"));
    const rssOf = () => JSON.parse(fs.readFileSync(rssOut, "utf8")) as { max: number; anon: number; file: number };
    for (let i = 0; i < RUNS; i++) bare.push((await run(["-e", "0"], env({}))).ms);
    await run(["-e", "0"], env({ NODE_OPTIONS: `--require ${rssHook}` }));
    const bareRss = rssOf();
    aws.putSecret("bench/one", "bench-value");
    const toFirstRequest: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const before = aws.calls.length;
      let t0 = 0n;
      let first = 0;
      const poll = setInterval(() => {
        if (!first && aws.calls.length > before) first = Number(process.hrtime.bigint() - t0) / 1e6;
      }, 0);
      const vol = path.join(work, `cold-${i}`);
      const spec = { version: 1, dir: vol, mode: "init", files: [{ path: "one", source: { type: "aws-secretsmanager", secretId: "bench/one", region: REGION } }] };
      const r = await run(BUNDLE, env({ ...aws.podIdentityEnv(work), SECRET_MOUNT_SPEC: JSON.stringify(spec) }), (t) => (t0 = t));
      clearInterval(poll);
      if (r.code !== 0) throw new Error(`cold-start run failed with ${r.code}`);
      toFirstRequest.push(first);
    }

    // 2 + 3. 50 + 50 at 20 ms per request.
    for (let i = 0; i < 50; i++) {
      aws.putSecret(`bench/sm-${i}`, `value-${i}`);
      aws.putParameter(`/bench/ssm-${i}`, `value-${i}`);
    }
    aws.latencyMs = LATENCY_MS;
    const files = [
      ...Array.from({ length: 50 }, (_, i) => ({ path: `sm/${i}`, source: { type: "aws-secretsmanager", secretId: `bench/sm-${i}`, region: REGION } })),
      ...Array.from({ length: 50 }, (_, i) => ({ path: `ssm/${i}`, source: { type: "aws-ssm", name: `/bench/ssm-${i}`, region: REGION } })),
    ];
    const walls: number[] = [];
    const rss: number[] = [];
    const anon: number[] = [];
    const file: number[] = [];
    const firsts: number[] = [];
    let calls: Record<string, number> = {};
    for (let i = 0; i < Math.max(3, Math.floor(RUNS / 2)); i++) {
      const before = aws.calls.length;
      const vol = path.join(work, `many-${i}`);
      const spec = { version: 1, dir: vol, mode: "init", files };
      let t0 = 0n;
      let first = 0;
      const poll = setInterval(() => {
        if (!first && aws.calls.length > before) first = Number(process.hrtime.bigint() - t0) / 1e6 - LATENCY_MS;
      }, 0);
      const r = await run(BUNDLE, env({ ...aws.podIdentityEnv(work), SECRET_MOUNT_SPEC: JSON.stringify(spec), NODE_OPTIONS: `--require ${rssHook}` }), (t) => (t0 = t));
      clearInterval(poll);
      if (r.code !== 0) throw new Error(`100-secret run failed with ${r.code}`);
      walls.push(r.ms);
      firsts.push(first);
      const r2 = rssOf();
      rss.push(r2.max / 1024);
      anon.push(r2.anon / 1024);
      file.push(r2.file / 1024);
      calls = {};
      for (const c of aws.calls.slice(before)) calls[c.op] = (calls[c.op] ?? 0) + 1;
    }
    const apiCalls = Object.values(calls).reduce((a, b) => a + b, 0);
    const start = median(toFirstRequest);
    const wall = median(walls);
    const first = median(firsts);
    const rows: [string, string, string][] = [
      ["`node -e 0`: spawn to exit", `${median(bare).toFixed(0)} ms`, ""],
      ["bundle, 1 secret: spawn to its first request", `${start.toFixed(0)} ms`, `≤ 2 × bare = ${(2 * median(bare)).toFixed(0)} ms`],
      [`bundle, 50 Secrets Manager + 50 SSM at ${LATENCY_MS} ms/request: wall, spawn to exit 0`, `${wall.toFixed(0)} ms`, `≤ its start + 3 round trips = ${(first + 3 * LATENCY_MS).toFixed(0)} ms`],
      ["… of which spawn to its first request", `${first.toFixed(0)} ms`, ""],
      ["… of which first request to exit (credentials, batches, write, exit)", `${(wall - first).toFixed(0)} ms`, `≤ 3 round trips = ${3 * LATENCY_MS} ms + processing`],
      ["… API calls", `${apiCalls} (${Object.entries(calls).map(([k, v]) => `${k} ${v}`).join(", ")})`, "credentials 1 + ⌈50/20⌉ + ⌈50/10⌉ = 9"],
      ["… peak RSS: highest (median) of the runs", `${Math.max(...rss).toFixed(1)} MiB (${median(rss).toFixed(1)})`, "≤ 48 MiB"],
      ["… RSS at exit: node binary's pages (file-backed) + anonymous", `${median(file).toFixed(1)} + ${median(anon).toFixed(1)} MiB`, ""],
      ["`node -e 0`: peak RSS (the floor); at exit file-backed + anonymous", `${(bareRss.max / 1024).toFixed(1)} MiB; ${(bareRss.file / 1024).toFixed(1)} + ${(bareRss.anon / 1024).toFixed(1)} MiB`, ""],
    ];
    console.log(`\nNode ${process.version}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, median of ${RUNS} (cold start) / ${walls.length} (100 secrets) runs; node ${[...IMAGE_FLAGS, "fetch.js"].join(" ")}\n`);
    console.log("| measure | result | target |\n|---|---|---|");
    for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
  } finally {
    await aws.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
