import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { BUNDLE, recordOutput, SECRET_MARKER, specEnv, tempDir } from "./harness";

const RUNTIME = path.resolve(__dirname, "../../runtime-image");
const DOCKERFILE = fs.readFileSync(path.join(RUNTIME, "Dockerfile"), "utf8");
const WARMUP = path.join(RUNTIME, "compile-cache-warmup.mjs");

/** The exec-form argv of the Dockerfile's ENTRYPOINT, and of the RUN step that bakes the compile cache. */
const entrypoint: string[] = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(DOCKERFILE)?.[1] ?? "[]");
const warmupRun: string[] = JSON.parse(/^RUN\s+(\[.*compile-cache-warmup\.mjs.*\])\s*$/m.exec(DOCKERFILE)?.[1] ?? "[]");
/** The ENV the image sets for Node's compile cache. */
const cacheEnv = /^ENV\s+NODE_COMPILE_CACHE=(\S+)\s*$/m.exec(DOCKERFILE)?.[1];

/** Runs `node <ENTRYPOINT flags> <app>/fetch.js` as the image does, with Node's compile-cache debug output on stderr. */
function runAsImage(app: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const flags = entrypoint.slice(1, -1);
  const child = spawn(process.execPath, [...flags, path.join(app, "fetch.js")], {
    env: { ...env, NODE_COMPILE_CACHE: cacheEnv?.replace(/^\/app(?=\/|$)/, app), NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      recordOutput("stdout of the image-layout fetch", stdout);
      recordOutput("stderr of the image-layout fetch", stderr);
      resolve({ code, stderr });
    });
  });
}

/** What the image holds at /app: the bundle, and the compile cache when `baked` (made as the Dockerfile's step makes it). */
function imageLayout(baked: boolean): string {
  const app = path.join(tempDir("sm-image-"), "app");
  fs.cpSync(path.dirname(BUNDLE), app, { recursive: true });
  if (baked) {
    const [, ...args] = warmupRun;
    const flags = args.slice(
      0,
      args.findIndex((a) => a.endsWith("compile-cache-warmup.mjs")),
    );
    const r = spawnSync(process.execPath, [...flags, WARMUP, app], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
  return app;
}

describe("runtime: the image layout (bundle + baked compile cache)", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
    aws.putSecret("image/db", `${SECRET_MARKER}-image`);
  });
  after(() => aws.close());

  const spec = (dir: string) => ({
    version: 1,
    dir,
    mode: "init",
    files: [{ path: "db", source: { type: "aws-secretsmanager", secretId: "image/db", region: REGION } }],
  });

  it("bakes the cache with the ENTRYPOINT's Node flags (Node keys the cache by them) and points NODE_COMPILE_CACHE at it", () => {
    assert.ok(warmupRun.length > 0, "no RUN step runs compile-cache-warmup.mjs");
    assert.equal(warmupRun[0], entrypoint[0], "the cache must be made by the runtime image's own node binary");
    const warmupFlags = warmupRun.slice(
      1,
      warmupRun.findIndex((a) => a.endsWith("compile-cache-warmup.mjs")),
    );
    assert.deepEqual(warmupFlags, entrypoint.slice(1, -1));
    assert.equal(cacheEnv, "/app/compile-cache");
    assert.match(DOCKERFILE, /^COPY --from=compile-cache --chown=0:0 \S+ \/app\/compile-cache\/$/m);
  });

  it("starts with the baked cache, and Node accepts its entries for the entry file and the provider chunk", async () => {
    const app = imageLayout(true);
    const vol = path.join(tempDir(), "vol");
    const r = await runAsImage(app, specEnv(spec(vol), aws.podIdentityEnv(tempDir())));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(vol, "db"), "utf8"), `${SECRET_MARKER}-image`);
    const accepted = [...r.stderr.matchAll(/V8 code cache for ESM (\S+) was accepted/g)].map((m) =>
      path.basename(m[1]),
    );
    assert.ok(accepted.includes("fetch.js"), `accepted: ${accepted.join(", ")}`);
    assert.ok(
      accepted.some((f) => f.startsWith("aws-secretsmanager-")),
      `accepted: ${accepted.join(", ")}`,
    );
  });

  it("starts without it (no compile-cache directory): same result, nothing read from a cache", async () => {
    const app = imageLayout(false);
    const vol = path.join(tempDir(), "vol");
    const r = await runAsImage(app, specEnv(spec(vol), aws.podIdentityEnv(tempDir())));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(vol, "db"), "utf8"), `${SECRET_MARKER}-image`);
    assert.doesNotMatch(r.stderr, /was accepted/);
  });
});
