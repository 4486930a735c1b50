/**
 * The programs `npm run bench` compares: the floor, the image's program, and each variant tried.
 * `prepare` makes what a variant needs in the bench's scratch directory (an image-like layout, a
 * snapshot blob, another bundle) with the Node running the bench, and returns why it cannot run, if
 * it cannot.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { build } from "esbuild";

export interface Variant {
  name: string;
  /** Node's arguments (after the node binary). */
  argv: string[];
  env?: NodeJS.ProcessEnv;
  /** Measured as a fetch (init) program, 1 and 50 secrets. */
  init: boolean;
  /** Measured as the refresh sidecar. */
  sidecar?: boolean;
  prepare?(work: string): Promise<string | undefined> | string | undefined;
}

const RUNTIME = path.resolve(__dirname, "..");
const DIST = path.join(RUNTIME, "dist");
const FLOOR = path.resolve(__dirname, "floor.cjs");
const DOCKERFILE = fs.readFileSync(path.join(RUNTIME, "Dockerfile"), "utf8");

/** The Node flags between the node binary and /app/fetch.js in the Dockerfile's ENTRYPOINT. */
export const IMAGE_FLAGS: string[] = (() => {
  const m = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(DOCKERFILE);
  const argv: string[] = m ? JSON.parse(m[1]) : [];
  return argv.slice(1, -1);
})();

/** The image's layout in the scratch directory: <work>/image/app = dist + the compile cache the Dockerfile bakes (same script, same flags). */
let layout: string | undefined;
function imageLayout(work: string): string {
  if (layout) return layout;
  const app = path.join(work, "image", "app");
  fs.cpSync(DIST, app, { recursive: true });
  const r = spawnSync(process.execPath, [...IMAGE_FLAGS, path.join(RUNTIME, "compile-cache-warmup.mjs"), app], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`compile-cache-warmup failed: ${r.stderr}`);
  layout = app;
  return app;
}

/** esbuild of one CommonJS file; `lazy` built-ins are required on first use (a getter per export). */
async function cjsBundle(entry: string, outfile: string, lazy: Set<string> = new Set()): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "cjs",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    mainFields: ["module", "main"],
    plugins: [
      {
        name: "lazy-builtins",
        setup(b) {
          b.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
            if (args.namespace === "lazy-builtin") return { path: args.path, external: true };
            const name = args.path.replace(/^node:/, "");
            if (!builtinModules.includes(name) || !lazy.has(name)) return undefined;
            return { path: `node:${name}`, namespace: "lazy-builtin" };
          });
          b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => {
            const keys = Object.keys(require(args.path) as object);
            const req = JSON.stringify(args.path);
            return {
              contents: `let m;const o={};for(const k of ${JSON.stringify(keys)})Object.defineProperty(o,k,{enumerable:true,get:()=>(m??=require(${req}))[k]});module.exports=o;`,
              loader: "js",
            };
          });
        },
      },
    ],
  });
  fs.writeFileSync(path.join(path.dirname(outfile), "package.json"), '{ "type": "commonjs" }\n');
}

/**
 * The fetch bundle built the way build.mjs builds dist (ES modules, one chunk per lazy provider,
 * built-ins through require()), with some modules swapped (`swap`: source file -> replacement), in an
 * image-like folder with its compile cache baked by the Dockerfile's script and flags.
 */
async function swappedImage(work: string, name: string, swap: Record<string, string>): Promise<string> {
  const app = path.join(work, name, "app");
  await build({
    entryPoints: { fetch: path.join(RUNTIME, "src", "fetch.ts") },
    outdir: app,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    minify: true,
    legalComments: "none",
    logLevel: "warning",
    mainFields: ["module", "main"],
    banner: {
      js: 'import{createRequire as __smCreateRequire}from"node:module";const require=__smCreateRequire(import.meta.url);',
    },
    plugins: [
      {
        name: "swap-and-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.namespace === "builtin-shim") return { path: args.path, external: true };
            const name = args.path.replace(/^node:/, "");
            if (/^(node:)?[a-z_]+(\/[a-z_]+)?$/.test(args.path) && builtinModules.includes(name))
              return { path: `node:${name}`, namespace: "builtin-shim", suffix: `?${args.importer}` };
            if (args.pluginData === "swap") return undefined;
            if (swap[args.path]) return { path: swap[args.path] };
            const r = await b.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: "swap",
            });
            return swap[r.path] ? { path: swap[r.path] } : r;
          });
          b.onLoad({ filter: /.*/, namespace: "builtin-shim" }, (args) => ({
            contents: `module.exports = require(${JSON.stringify(args.path)});`,
            loader: "js",
          }));
        },
      },
    ],
  });
  fs.writeFileSync(path.join(app, "package.json"), '{ "type": "module" }\n');
  const r = spawnSync(process.execPath, [...IMAGE_FLAGS, path.join(RUNTIME, "compile-cache-warmup.mjs"), app], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`compile-cache-warmup failed: ${r.stderr}`);
  return app;
}

const PROVIDERS = path.join(RUNTIME, "src", "providers");

export const variants: Variant[] = [
  { name: "floor (floor.cjs)", argv: [FLOOR], init: true },
  {
    name: "image: bundle + baked compile cache",
    argv: [...IMAGE_FLAGS, "@app/fetch.js"],
    env: { NODE_COMPILE_CACHE: "@app/compile-cache" },
    init: true,
    sidecar: true,
    prepare(work) {
      const app = imageLayout(work);
      this.argv = this.argv.map((a) => a.replace("@app", app));
      this.env = { NODE_COMPILE_CACHE: path.join(app, "compile-cache") };
      return undefined;
    },
  },
  { name: "bundle, no compile cache (the fallback)", argv: [...IMAGE_FLAGS, path.join(DIST, "fetch.js")], init: true },
  {
    name: "V8 startup snapshot (AWS providers loaded)",
    argv: [],
    init: true,
    async prepare(work) {
      const dir = path.join(work, "snapshot");
      await cjsBundle(
        path.join(__dirname, "snapshot-entry.ts"),
        path.join(dir, "snapshot.cjs"),
        new Set([
          "http",
          "https",
          "http2",
          "net",
          "tls",
          "zlib",
          "child_process",
          "crypto",
          "worker_threads",
          "tty",
          "dns",
          "dgram",
        ]),
      );
      const blob = path.join(dir, "fetch.blob");
      const r = spawnSync(
        process.execPath,
        ["--snapshot-blob", blob, "--build-snapshot", path.join(dir, "snapshot.cjs")],
        { encoding: "utf8" },
      );
      if (r.status !== 0) return `the snapshot build failed: ${r.stderr.split("\n")[0]}`;
      this.argv = ["--snapshot-blob", blob, ...IMAGE_FLAGS, path.join(DIST, "fetch.js")];
      return undefined;
    },
  },
  {
    name: "one CommonJS file (no chunks), + compile cache",
    argv: [],
    init: true,
    async prepare(work) {
      const dir = path.join(work, "cjs");
      await cjsBundle(path.join(RUNTIME, "src", "fetch.ts"), path.join(dir, "fetch.js"));
      this.argv = [...IMAGE_FLAGS, path.join(dir, "fetch.js")];
      this.env = { NODE_COMPILE_CACHE: path.join(dir, "compile-cache") };
      // Fill the cache with one run of the program (exits 2 on the missing spec).
      spawnSync(process.execPath, this.argv, { env: { ...this.env }, stdio: "ignore" });
      return undefined;
    },
  },
  {
    name: "before: the SDK's whole default credential chain, + compile cache",
    argv: [],
    init: true,
    async prepare(work) {
      const app = await swappedImage(work, "default-chain", {
        [path.join(PROVIDERS, "aws-credentials.ts")]: path.join(__dirname, "default-chain-credentials.ts"),
      });
      this.argv = [...IMAGE_FLAGS, path.join(app, "fetch.js")];
      this.env = { NODE_COMPILE_CACHE: path.join(app, "compile-cache") };
      return undefined;
    },
  },
  {
    name: "Secrets Manager SDK client replaced (SDK credentials, signer, retry strategy), + compile cache",
    argv: [],
    init: true,
    sidecar: true,
    async prepare(work) {
      const app = await swappedImage(work, "thin-client", {
        "@aws-sdk/client-secrets-manager": path.join(__dirname, "thin-secrets-manager.ts"),
      });
      this.argv = [...IMAGE_FLAGS, path.join(app, "fetch.js")];
      this.env = { NODE_COMPILE_CACHE: path.join(app, "compile-cache") };
      return undefined;
    },
  },
  {
    name: "init with --jitless (a refresh sidecar's first fetch, NODE_OPTIONS=--jitless)",
    argv: [],
    init: true,
    prepare(work) {
      const app = imageLayout(work);
      this.argv = [...IMAGE_FLAGS, path.join(app, "fetch.js")];
      this.env = { NODE_COMPILE_CACHE: path.join(app, "compile-cache"), NODE_OPTIONS: "--jitless" };
      return undefined;
    },
  },
  // TLS per refresh cycle: the image keeps its connections alive between cycles; these force a new
  // connection per request, with the agent's cached TLS session (resumption) or without (full handshake).
  ...[
    ["new-connection", "a new TLS connection per request, session resumed"],
    ["full-handshake", "a new TLS connection per request, full handshake"],
  ].map(([mode, label]) => ({
    name: `sidecar: ${label}`,
    argv: [] as string[],
    init: false,
    sidecar: true,
    prepare(this: Variant, work: string) {
      const app = imageLayout(work);
      this.argv = [...IMAGE_FLAGS, "--require", path.join(__dirname, "tls-preload.cjs"), path.join(app, "fetch.js")];
      this.env = { NODE_COMPILE_CACHE: path.join(app, "compile-cache"), BENCH_TLS: mode };
      return undefined;
    },
  })),
  // The refresh sidecar with other Node flags (for a separate sidecar command; the init fetch keeps the ENTRYPOINT's).
  ...[
    ["--jitless"],
    ["--single-threaded"],
    ["--jitless", "--single-threaded"],
    ["--max-old-space-size=24"],
    ["--optimize-for-size"],
  ].map((flags) => ({
    name: `sidecar: bundle + cache, ${flags.join(" ")}`,
    argv: [],
    init: false,
    sidecar: true,
    prepare(this: Variant, work: string) {
      const app = imageLayout(work);
      this.argv = [...IMAGE_FLAGS, ...flags, path.join(app, "fetch.js")];
      return undefined;
    },
  })),
];
