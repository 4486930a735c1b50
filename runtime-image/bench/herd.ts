/**
 * `npm run bench:herd`: a rollout's herd. N fetchers (the image's bundle and flags, separate processes,
 * BENCH_HERD_N, default 200) start together against each store's double, which enforces the store's
 * documented request rate and throttles as the service does (see each double's `rateLimit(s)`):
 *   Secrets Manager  BatchGetSecretValue 100/s, GetSecretValue 10,000/s (per account and region)
 *   SSM              GetParameters 40/s (the default throughput; shared with GetParameter(s)ByPath)
 *   Key Vault        4,000 secret GETs per 10 s per vault
 *   Secret Manager   90,000 access requests per minute per project
 * Each pod reads 3 secrets (one row reads 1, the GetSecretValue path), with the product's default
 * retry knobs and deadline (60 s). Per store: p50/p99 time to files (spawn -> exit 0, every file
 * written), calls the store saw, throttled answers, and a histogram of when requests arrived (first
 * attempts vs retries: a request from a client the store had refused at least 100 ms before), to see whether
 * retries come in synchronized waves.
 * The processes start in waves of BENCH_HERD_WAVE (default 25; the next wave when the last has exited):
 * 200 Node processes started at once on this 2-core machine (shared with other work) starve for CPU
 * past the 60 s deadline before their first request, which says nothing about the stores. BENCH_HERD_SCALE (default
 * 1) divides every limit: on this 2-core machine the herd's arrival rate is bounded by how fast Node
 * processes start, so a divided limit stands in for a bigger herd arriving faster (say which in results).
 * BENCH_HERD_STORES narrows the rows (e.g. "ssm,sm-batch"). Not a test: nothing is asserted; a
 * fetch that fails (non-zero exit or a file missing) is counted in the table with its logged cause.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsDouble } from "../../tests/runtime/doubles/aws";
import { AzureDoubles } from "../../tests/runtime/doubles/azure";
import { GcpDoubles } from "../../tests/runtime/doubles/gcp";
import { RateLimit } from "../../tests/runtime/doubles/rate-limit";
import { makeTestPki } from "../../tests/runtime/doubles/tls";
import { IMAGE_FLAGS } from "./variants";

const N = Number(process.env.BENCH_HERD_N ?? 200);
const WAVE = Number(process.env.BENCH_HERD_WAVE ?? 25);
/** Limits divided by: one number for every store, or per store ("ssm=10,keyvault=30"). */
const SCALES = (process.env.BENCH_HERD_SCALE ?? "1").split(",").map((x) => x.split("="));
const scaleOf = (key: string) =>
  Number(SCALES.find((x) => x.length === 2 && x[0] === key)?.[1] ?? SCALES.find((x) => x.length === 1)?.[0] ?? 1);
/** Histogram rows (BENCH_HERD_BUCKET_MS, default 1 s). */
const BUCKET_MS = Number(process.env.BENCH_HERD_BUCKET_MS ?? 1000);
const DEADLINE_S = 60;
const BUNDLE = path.resolve(__dirname, "..", "dist", "fetch.js");

interface Store {
  key: string;
  name: string;
  limitText: string;
  /** The enforced limits (more than one when two operations are metered). */
  limits: RateLimit[];
  /** Files of pod `i` and the env its fetcher gets. */
  pod(i: number, dir: string): { files: unknown[]; env: NodeJS.ProcessEnv };
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))];
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

async function main(): Promise<void> {
  if (!fs.existsSync(BUNDLE)) throw new Error("run `npm run build` first (runtime-image/dist/fetch.js)");
  const work = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "sm-herd-"));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "sm-herd-home-"));
  const pki = makeTestPki();
  const aws = await new AwsDouble().start();
  const awsEnv = {
    ...aws.podIdentityEnv(home),
    AWS_CONFIG_FILE: path.join(home, "none"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const tokenFile = path.join(home, "azure-identity-token");
  fs.writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.projected-sa-token.sig\n");
  const az = await new AzureDoubles({
    pki,
    tenantId: "00000000-0000-0000-0000-0000000000aa",
    clientId: "00000000-0000-0000-0000-0000000000bb",
    tokenFile,
  }).start();
  const g = await new GcpDoubles().start();
  for (let i = 0; i < N * 3; i++) {
    aws.putSecret(`herd/s-${i}`, `value-${i}`);
    aws.putParameter(`/herd/p-${i}`, `value-${i}`);
    az.secrets.set(`s-${i}`, { value: `value-${i}`, version: "v1" });
    g.versions.set(`projects/acme-prod/secrets/s-${i}/versions/latest`, { data: `value-${i}`, version: 1 });
  }
  const three = (i: number, source: (k: number) => unknown) =>
    [0, 1, 2].map((k) => ({ path: `f-${k}`, source: source(i * 3 + k) }));
  const stores: Store[] = [
    {
      key: "sm-batch",
      name: "Secrets Manager, 3 secrets (BatchGetSecretValue)",
      limitText: "100/s batch, 10,000/s get",
      limits: [new RateLimit(100, 1000), new RateLimit(10_000, 1000)],
      pod: (i) => ({ files: three(i, (k) => ({ type: "aws-secretsmanager", secretId: `herd/s-${k}` })), env: awsEnv }),
    },
    {
      key: "sm-get",
      name: "Secrets Manager, 1 secret (GetSecretValue)",
      limitText: "10,000/s",
      limits: [new RateLimit(100, 1000), new RateLimit(10_000, 1000)],
      pod: (i) => ({
        files: [{ path: "f-0", source: { type: "aws-secretsmanager", secretId: `herd/s-${i}` } }],
        env: awsEnv,
      }),
    },
    {
      key: "ssm",
      name: "SSM Parameter Store, 3 parameters (GetParameters)",
      limitText: "40/s shared",
      limits: [new RateLimit(40, 1000)],
      pod: (i) => ({ files: three(i, (k) => ({ type: "aws-ssm", name: `/herd/p-${k}` })), env: awsEnv }),
    },
    {
      key: "keyvault",
      name: "Key Vault, 3 secrets",
      limitText: "4,000 / 10 s per vault",
      limits: [new RateLimit(4_000, 10_000)],
      pod: (i) => ({
        files: three(i, (k) => ({
          type: "azure-keyvault",
          vaultUrl: az.vaultUrl,
          name: `s-${k}`,
          disableChallengeResourceVerification: true,
        })),
        env: {
          AZURE_CLIENT_ID: "00000000-0000-0000-0000-0000000000bb",
          AZURE_TENANT_ID: "00000000-0000-0000-0000-0000000000aa",
          AZURE_FEDERATED_TOKEN_FILE: tokenFile,
          AZURE_AUTHORITY_HOST: az.authorityHost,
          NODE_EXTRA_CA_CERTS: pki.caFile,
        },
      }),
    },
    {
      key: "gcp",
      name: "Secret Manager (Google), 3 secrets",
      limitText: "90,000 / min per project",
      limits: [new RateLimit(90_000, 60_000)],
      pod: (i) => ({
        files: three(i, (k) => ({
          type: "gcp-secretmanager",
          name: `projects/acme-prod/secrets/s-${k}/versions/latest`,
        })),
        env: { GCE_METADATA_HOST: g.metadataHost, CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${g.endpoint}/` },
      }),
    },
  ];
  const only = process.env.BENCH_HERD_STORES?.split(",");
  const rows: string[] = [];
  const histograms: string[] = [];
  const waitRows: string[] = [];
  const loadBefore = load();
  try {
    for (const store of stores.filter((s) => !only || only.includes(s.key))) {
      // Fresh meters per row (the two Secrets Manager rows share the account's two meters, each row starting empty).
      const scale = scaleOf(store.key);
      const limits = store.limits.map((l) => new RateLimit(Math.max(1, Math.floor(l.limit / scale)), l.windowMs));
      if (store.key.startsWith("sm")) {
        aws.rateLimits["secretsmanager.BatchGetSecretValue"] = limits[0];
        aws.rateLimits["secretsmanager.GetSecretValue"] = limits[1];
      } else if (store.key === "ssm") aws.rateLimits["ssm.GetParameters"] = limits[0];
      else if (store.key === "keyvault") az.rateLimit = limits[0];
      else g.rateLimit = limits[0];
      const t0 = Date.now();
      const times: number[] = [];
      const failures: string[] = [];
      for (let start = 0; start < N; start += WAVE) {
        const wave = Array.from({ length: Math.min(WAVE, N - start) }, (_, j) => start + j);
        for (const r of await Promise.all(wave.map((i) => runPod(store, i, work)))) {
          if (typeof r === "number") times.push(r);
          else failures.push(r);
        }
        process.stderr.write(`${store.key}: ${start + wave.length}/${N} done, ${failures.length} failed\r`);
      }
      process.stderr.write("\n");
      const causes = [...new Set(failures)].map((c) => `${failures.filter((f) => f === c).length}× ${c}`).join(", ");
      const wall = Date.now() - t0;
      const log = limits.flatMap((l) => l.log).sort((a, b) => a.t - b.t);
      // A retry: a request from a client refused at least 100 ms before (its other requests sent
      // together with the refused one are still first attempts).
      const firstRefusal = new Map<string, number>();
      const isRetry = (e: { t: number; client: string }) => e.t - (firstRefusal.get(e.client) ?? Infinity) >= 100;
      const retryTimes: number[] = [];
      const buckets = new Map<number, { first: number; retry: number; throttled: number }>();
      for (const e of log) {
        const b = Math.floor((e.t - t0) / BUCKET_MS);
        const cell = buckets.get(b) ?? { first: 0, retry: 0, throttled: 0 };
        if (isRetry(e)) {
          cell.retry++;
          retryTimes.push(e.t);
        } else cell.first++;
        if (!e.admitted) {
          cell.throttled++;
          if (!firstRefusal.has(e.client)) firstRefusal.set(e.client, e.t);
        }
        buckets.set(b, cell);
      }
      const throttledClients = new Set(firstRefusal.keys());
      const throttled = log.filter((e) => !e.admitted).length;
      // How retries come back: a refused request's wait until its client's next request (ignoring
      // the pod's other requests already in flight, < 100 ms later), and the most retries that
      // arrived within any 100 ms (a synchronized wave shows as many in one instant).
      const waits: number[] = [];
      log.forEach((e, k) => {
        if (e.admitted) return;
        const next = log.slice(k + 1).find((x) => x.client === e.client && x.t - e.t >= 100);
        if (next) waits.push(next.t - e.t);
      });
      let peak = 0;
      for (let a = 0, b = 0; b < retryTimes.length; b++) {
        while (retryTimes[b] - retryTimes[a] >= 100) a++;
        peak = Math.max(peak, b - a + 1);
      }
      if (throttled > 0) {
        waitRows.push(
          `| ${store.name} | ${waits.length} | ${percentile(waits, 0)} ms | ${percentile(waits, 10)} ms | ${percentile(waits, 50)} ms | ${percentile(waits, 90)} ms | ${Math.max(...waits)} ms | ${peak} |`,
        );
      }
      const s = (ms: number | undefined) => (ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`);
      rows.push(
        `| ${store.name} | ${store.limitText}${scale !== 1 ? ` ÷ ${scale}` : ""} | ${N} | ${failures.length ? `${failures.length} (${causes})` : "0"} | ${s(percentile(times, 50))} | ${s(percentile(times, 99))} | ${s(times.length ? Math.max(...times) : undefined)} | ${log.length} | ${throttled} | ${throttledClients.size} | ${(wall / 1000).toFixed(1)} s |`,
      );
      console.error(rows[rows.length - 1]);
      if (throttled > 0) {
        const last = Math.max(...buckets.keys());
        const lines = [
          `\n${store.name}${scale !== 1 ? ` (limit ÷ ${scale})` : ""}: requests per ${BUCKET_MS / 1000} s after the herd started (rows without requests left out)`,
          "",
          "| t | first | retries | throttled | |",
          "|---|---|---|---|---|",
        ];
        for (let b = 0; b <= last; b++) {
          const c = buckets.get(b);
          if (!c) continue;
          lines.push(
            `| ${((b * BUCKET_MS) / 1000).toFixed(BUCKET_MS % 1000 === 0 ? 1 : 2)} s | ${c.first} | ${c.retry} | ${c.throttled} | ${"#".repeat(Math.ceil(c.retry / 2))} |`,
          );
        }
        histograms.push(lines.join("\n"));
      }
    }
  } finally {
    await aws.close();
    await az.stop();
    await g.stop();
    pki.dispose();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
  console.log(
    `\n${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}`,
  );
  console.log(
    `${N} fetchers per store, waves of ${WAVE}, default retry knobs, deadline ${DEADLINE_S} s; load average (1/5/15 min) before ${loadBefore}, after ${load()}` +
      (process.env.BENCH_HERD_SCALE ? `; limits divided (BENCH_HERD_SCALE=${process.env.BENCH_HERD_SCALE})` : ""),
  );
  console.log(
    "\n| store | limit enforced | pods | failed | p50 to files | p99 to files | slowest | calls | throttled | pods throttled | herd done in |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
  if (waitRows.length > 0) {
    console.log(
      "\nAfter a throttled answer: the wait until that pod's next request, and the most retries within any 100 ms\n",
    );
    console.log("| store | waits | min | p10 | p50 | p90 | max | retries in the busiest 100 ms |");
    console.log("|---|---|---|---|---|---|---|---|");
    for (const r of waitRows) console.log(r);
  }
  for (const h of histograms) console.log(h);
}

/** One pod's fetcher: ms from spawn to exit 0 with every file written, or the failure's logged cause. */
function runPod(store: Store, i: number, work: string): Promise<number | string> {
  const dir = path.join(work, `${store.key}-${i}`);
  const { files, env } = store.pod(i, dir);
  const spec = { version: 1, dir, mode: "init", timeoutSeconds: DEADLINE_S, files };
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    // At a lower priority than this process, which plays the stores: a cloud service is not starved by
    // the pods' CPU, and on 2 cores 200 starting Node processes would otherwise starve the doubles.
    const child = spawn("nice", ["-n", "10", process.execPath, ...IMAGE_FLAGS, BUNDLE], {
      env: { PATH: process.env.PATH, HOME: path.dirname(dir), ...env, SECRET_MOUNT_SPEC: JSON.stringify(spec) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Date.now() - t0;
      const written = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith("f-")).length : 0;
      fs.rmSync(dir, { recursive: true, force: true });
      if (code === 0 && written === files.length) return resolve(ms);
      const cause = /"event":"file-failed".*?"cause":"([^"]+)"/.exec(stderr)?.[1];
      resolve(`${cause ?? `exit ${code}`}`);
    });
  });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
