/**
 * `npm run bench`: one table, every program measured side by side in one session.
 *
 * Rows: the floor (floor.cjs beside this file: raw HTTPS, no SDK, batched, writes the files), the
 * fetch bundle as the image runs it, and each variant tried (variants.ts), for 1 and for 50 Secrets
 * Manager secrets; then the refresh sidecar's steady RSS and CPU per cycle.
 * Set-up: the loopback AWS double (tests/runtime/doubles/aws.ts, every SigV4 signature verified)
 * behind a loopback TLS front (a throwaway CA the programs trust through NODE_EXTRA_CA_CERTS, as a
 * pod trusts AWS over HTTPS), 20 ms added to every request, credentials from the Pod Identity
 * container endpoint (plain HTTP, as the EKS agent serves it), the volume on tmpfs (/dev/shm, like
 * the pod's memory-backed emptyDir).
 * Runs alternate: each round runs every program once per size, in a rotated order, so load from
 * other processes falls on all of them alike; the table shows medians and the ratio to the floor's
 * median of the same session. Wall = spawn -> exit; peak RSS = the kernel's ru_maxrss of the child
 * (GNU time's %M; every program is started through it alike).
 * Not a test: nothing is asserted. BENCH_RUNS (default 7) sets the rounds.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { AwsDouble, REGION } from "../../tests/runtime/doubles/aws";
import { makeTestPki } from "../../tests/runtime/doubles/tls";
import { variants, type Variant } from "./variants";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const LATENCY_MS = 20;
const SIZES = [1, 50];
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

interface Sample {
  ms: number;
  rssMiB: number;
  cpuMs: number;
  storeCalls: number;
  credentialCalls: number;
}

function runOnce(
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; ms: number; rssMiB: number; cpuMs: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const rssFile = path.join(os.tmpdir(), `sm-bench-rss-${process.pid}`);
    const [cmd, args] = TIME
      ? [TIME, ["-f", "%M %U %S", "-o", rssFile, process.execPath, ...argv]]
      : [process.execPath, argv];
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const [kib, user, sys] = TIME
        ? fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number)
        : [NaN, NaN, NaN];
      resolve({ code, ms, rssMiB: kib / 1024, cpuMs: (user + sys) * 1000, stderr });
    });
  });
}

async function main(): Promise<void> {
  const pki = makeTestPki();
  const aws = await new AwsDouble().start();
  // TLS in front of the double: the programs speak HTTPS to Secrets Manager, as to the real one.
  const front = tls.createServer({ key: pki.key, cert: pki.cert }, (sock) => {
    const up = net.connect(aws.port, "127.0.0.1");
    sock.pipe(up).pipe(sock);
    sock.on("error", () => up.destroy());
    up.on("error", () => sock.destroy());
  });
  await new Promise<void>((r) => front.listen(0, "127.0.0.1", r));
  const httpsUrl = `https://127.0.0.1:${(front.address() as net.AddressInfo).port}`;
  const work = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "sm-bench-"));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "sm-bench-home-"));
  for (let i = 0; i < 50; i++) aws.putSecret(`bench/sm-${i}`, `value-${i}`);
  aws.latencyMs = LATENCY_MS;

  const specFor = (n: number, dir: string, mode = "init") => ({
    version: 1,
    dir,
    mode,
    files: Array.from({ length: n }, (_, i) => ({
      path: `sm-${i}`,
      source: { type: "aws-secretsmanager", secretId: `bench/sm-${i}`, region: REGION },
    })),
  });
  let runNo = 0;
  const envFor = (spec: unknown, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, "none"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none"),
    AWS_EC2_METADATA_DISABLED: "true",
    NODE_EXTRA_CA_CERTS: pki.caFile,
    ...aws.podIdentityEnv(home),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: httpsUrl,
    AWS_ENDPOINT_URL_SSM: httpsUrl,
    SECRET_MOUNT_SPEC: JSON.stringify(spec),
    ...extra,
  });

  try {
    const available: Variant[] = [];
    const skipped: string[] = [];
    for (const v of variants) {
      const why = await v.prepare?.(work);
      if (why) skipped.push(`${v.name}: ${why}`);
      else if (v.init) available.push(v);
    }
    const samples = new Map<string, Sample[]>();
    const loadBefore = load();
    const started = Date.now();
    for (let round = 0; round < RUNS; round++) {
      for (const n of SIZES) {
        const order = available.map((_, i) => available[(i + round) % available.length]);
        for (const v of order) {
          const dir = path.join(work, `vol-${runNo++}`);
          const before = aws.calls.length;
          const r = await runOnce(v.argv, envFor(specFor(n, dir), v.env));
          if (r.code !== 0) throw new Error(`${v.name}, ${n} secret(s): exit ${r.code}: ${r.stderr.slice(0, 500)}`);
          if (fs.readdirSync(dir).filter((f) => f.startsWith("sm-")).length !== n)
            throw new Error(`${v.name}: not every file was written`);
          const calls = aws.calls.slice(before);
          const credentialCalls = calls.filter((c) => c.op === "container-credentials").length;
          const key = `${v.name}|${n}`;
          samples.set(key, [
            ...(samples.get(key) ?? []),
            { ms: r.ms, rssMiB: r.rssMiB, cpuMs: r.cpuMs, storeCalls: calls.length - credentialCalls, credentialCalls },
          ]);
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    const loadAfter = load();
    const seconds = ((Date.now() - started) / 1000).toFixed(0);

    const sidecar = await measureSidecar(work, (spec, extra) => envFor(spec, extra), specFor);

    console.log(
      `\n${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}`,
    );
    console.log(
      `${RUNS} alternating rounds in ${seconds} s; load average (1/5/15 min) before ${loadBefore}, after ${loadAfter}; ${LATENCY_MS} ms added per request, HTTPS to the store`,
    );
    console.log(
      "\n| program | secrets | wall (median) | × floor | CPU user+sys (median) | API calls (store + credentials) | peak RSS (median) | × floor |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    for (const n of SIZES) {
      const floor = samples.get(`${available[0].name}|${n}`);
      const floorMs = floor ? median(floor.map((s) => s.ms)) : NaN;
      const floorRss = floor ? median(floor.map((s) => s.rssMiB)) : NaN;
      for (const v of available) {
        const s = samples.get(`${v.name}|${n}`) ?? [];
        const ms = median(s.map((x) => x.ms));
        const rss = median(s.map((x) => x.rssMiB));
        const cpu = median(s.map((x) => x.cpuMs));
        const calls = `${median(s.map((x) => x.storeCalls))} + ${median(s.map((x) => x.credentialCalls))}`;
        console.log(
          `| ${v.name} | ${n} | ${ms.toFixed(0)} ms | ${(ms / floorMs).toFixed(2)} | ${cpu.toFixed(0)} ms | ${calls} | ${rss.toFixed(1)} MiB | ${(rss / floorRss).toFixed(2)} |`,
        );
      }
    }
    console.log(
      `\nRefresh sidecar (${sidecar.what}): ${sidecar.cycles} cycles of 50 secrets every ${sidecar.intervalMs / 1000} s`,
    );
    console.log(
      "\n| sidecar | steady RSS (median; anonymous + file-backed) | highest RSS | CPU per cycle | CPU between cycles |",
    );
    console.log("|---|---|---|---|---|");
    for (const row of sidecar.rows)
      console.log(`| ${row.name} | ${row.rss} | ${row.max} | ${row.cpuPerCycle} | ${row.idle} |`);
    for (const s of skipped) console.log(`\n(not measured: ${s})`);
  } finally {
    front.close();
    await aws.close();
    pki.dispose();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Reads VmRSS / RssAnon / RssFile (KiB) and utime + stime (clock ticks) of a live process. */
function procStats(pid: number): { rss: number; anon: number; file: number; cpuTicks: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(/(\d+) kB/.exec(status.split("\n").find((l) => l.startsWith(`${k}:`)) ?? "")?.[1]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    rss: kb("VmRSS"),
    anon: kb("RssAnon"),
    file: kb("RssFile"),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
  };
}

/**
 * The refresh sidecar: the bundle in refresh mode (with each sidecar variant's flags), 50 secrets,
 * a refresh every 2 s. After 3 warm-up cycles, per cycle: RSS when the cycle's `refresh-unchanged`
 * line arrives, CPU of the cycle (from 1.5 s after the previous line to this line: the fetch), and
 * CPU between cycles (the 1.5 s after a line, when the sidecar only waits).
 */
async function measureSidecar(
  work: string,
  envFor: (spec: unknown, extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv,
  specFor: (n: number, dir: string, mode?: string) => unknown,
): Promise<{
  what: string;
  cycles: number;
  intervalMs: number;
  rows: { name: string; rss: string; max: string; cpuPerCycle: string; idle: string }[];
}> {
  const intervalMs = 2000;
  const warmup = 3;
  const cycles = Number(process.env.BENCH_SIDECAR_CYCLES ?? 10);
  const tick = 1000 / 100; // USER_HZ
  const rows = [];
  for (const v of variants.filter((x) => x.sidecar && x.argv.length > 0)) {
    const dir = path.join(work, `sidecar-${v.name.replace(/\W+/g, "-")}`);
    const child = spawn(process.execPath, v.argv, {
      env: envFor(specFor(50, dir, "refresh"), { ...v.env, SECRET_MOUNT_REFRESH_MS: String(intervalMs) }),
      stdio: ["ignore", "pipe", "ignore"],
    });
    const pid = child.pid as number;
    const rss: number[] = [];
    const anon: number[] = [];
    const file: number[] = [];
    let cycleTicks = 0;
    let idleTicks = 0;
    let idleMs = 0;
    let seen = 0;
    let afterIdle: number | undefined;
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      child.on("exit", (code) => reject(new Error(`sidecar ${v.name} exited ${code}`)));
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.includes('"refresh-unchanged"') && !line.includes('"set-swapped"')) continue;
          seen++;
          const s = procStats(pid);
          if (seen > warmup) {
            rss.push(s.rss / 1024);
            anon.push(s.anon / 1024);
            file.push(s.file / 1024);
            if (afterIdle !== undefined) cycleTicks += s.cpuTicks - afterIdle;
          }
          if (seen >= warmup + cycles) {
            child.removeAllListeners("exit");
            child.kill("SIGTERM");
            child.on("exit", () => resolve());
            return;
          }
          const t0 = Date.now();
          setTimeout(() => {
            const s2 = procStats(pid);
            if (seen > warmup) {
              idleTicks += s2.cpuTicks - s.cpuTicks;
              idleMs += Date.now() - t0;
            }
            afterIdle = s2.cpuTicks;
          }, 1500);
        }
      });
    });
    rows.push({
      name: v.name,
      rss: `${median(rss).toFixed(1)} MiB (${median(anon).toFixed(1)} + ${median(file).toFixed(1)})`,
      max: `${Math.max(...rss).toFixed(1)} MiB`,
      cpuPerCycle: `${((cycleTicks * tick) / cycles).toFixed(0)} ms`,
      idle: `${((idleTicks * tick) / (idleMs / 1000)).toFixed(1)} ms/s`,
    });
  }
  return { what: "the bundle in refresh mode", cycles, intervalMs, rows };
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
