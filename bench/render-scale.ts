/**
 * `npm run bench:render`: what `npm run render` costs as a program grows. Generates EKS programs of
 * 1, 10 and 100 workloads (3 generated Secrets Manager secrets each) under out/bench-render/ (git-
 * ignored, rewritten every run), renders each as a user would (`tsx components/render/cli.ts`, a
 * fresh process), and prints one table: wall time spawn -> exit, CPU user+sys, peak RSS (GNU time's
 * %M), resources registered. BENCH_RENDER_RUNS (default 3) renders per size; medians shown.
 * BENCH_RENDER_SIZES (e.g. "1,10") narrows the sizes. Not a test: nothing is asserted.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const WORK = path.join(ROOT, "out", "bench-render");
const RUNS = Number(process.env.BENCH_RENDER_RUNS ?? 3);
const SIZES = (process.env.BENCH_RENDER_SIZES ?? "1,10,100").split(",").map(Number);
const TIME = "/usr/bin/time";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

/** One program directory with `n` workloads of 3 secrets each, like examples/eks. */
function writeProgram(n: number): string {
  const dir = path.join(WORK, `program-${n}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: bench-${n}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
  );
  fs.writeFileSync(
    path.join(dir, "Pulumi.example.yaml"),
    [
      "config:",
      "  aws:region: eu-west-1",
      `  bench-${n}:oidcProviderArn: arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E`,
      `  bench-${n}:oidcIssuerUrl: https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E`,
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "secret-mount";

const config = new pulumi.Config();
const eks = { oidcProviderArn: config.require("oidcProviderArn"), oidcIssuerUrl: config.require("oidcIssuerUrl") };
export const roles: pulumi.Output<string>[] = [];
for (let i = 0; i < ${n}; i++) {
  const w = new SecretMountedWorkload(\`svc-\${i}\`, {
    namespace: \`team-\${i}\`,
    createNamespace: true,
    eks,
    secrets: [
      { name: "db-password", generate: { type: "password", length: 32 } },
      { name: "api-token", generate: { type: "password", length: 40, special: false } },
      { name: "signing-key", generate: { type: "ecdsa", ecdsaCurve: "P256" } },
    ],
    containers: [{ name: "app", image: "public.ecr.aws/docker/library/busybox@sha256:${"1".repeat(64)}", command: ["sleep", "86400"], runAsUser: 10001 }],
    fetch: { image: "registry.example.com/secret-mount-fetch@sha256:${"0".repeat(64)}" },
  });
  roles.push(w.roleArn);
}
`,
  );
  return dir;
}

function renderOnce(
  program: string,
  out: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; cpuMs: number; rssMiB: number; resources: number }> {
  return new Promise((resolve, reject) => {
    const stats = path.join(WORK, "time.txt");
    const tsx = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
    const t0 = process.hrtime.bigint();
    const child = spawn(
      TIME,
      ["-f", "%M %U %S", "-o", stats, process.execPath, tsx, "components/render/cli.ts", program, "--out", out],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`render of ${program} exited ${code}: ${stderr.slice(0, 800)}`));
      const [kib, user, sys] = fs.readFileSync(stats, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      // Every resource the review lists starts its header line with the type token.
      const resources = stdout.split("\n").filter((l) => /^[a-z-]+:[\w/.:-]+ {2}\S/i.test(l)).length;
      resolve({ ms, cpuMs: (user + sys) * 1000, rssMiB: kib / 1024, resources });
    });
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed for CPU and peak RSS`);
  fs.mkdirSync(WORK, { recursive: true });
  const programs = SIZES.map((n) => ({ n, dir: writeProgram(n) }));
  const env = { ...process.env };
  const rows: string[] = [];
  const loadBefore = load();
  const started = Date.now();
  for (const { n, dir } of programs) {
    const s: { ms: number; cpuMs: number; rssMiB: number; resources: number }[] = [];
    for (let r = 0; r < RUNS; r++) s.push(await renderOnce(dir, path.join(WORK, `review-${n}`), env));
    rows.push(
      `| ${n} | ${n * 3} | ${s[0].resources} | ${(median(s.map((x) => x.ms)) / 1000).toFixed(1)} s | ` +
        `${(median(s.map((x) => x.cpuMs)) / 1000).toFixed(1)} s | ${median(s.map((x) => x.rssMiB)).toFixed(0)} MiB |`,
    );
  }
  console.log(
    `\n${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, Linux ${os.release()}, Node ${process.version}`,
  );
  console.log(
    `${RUNS} renders per size in ${((Date.now() - started) / 1000).toFixed(0)} s; load average (1/5/15 min) before ${loadBefore}, after ${load()}`,
  );
  console.log("\n| workloads | secrets | resources | wall (median) | CPU user+sys (median) | peak RSS (median) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
