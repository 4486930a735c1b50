// Image build step (Dockerfile, stage `compile-cache`): fills <app>/compile-cache with Node's compile
// cache (V8 code cache) of the bundle, made by the runtime image's own Node, because Node keys the
// cache by its version, the CPU architecture, the V8 flags and the uid (the subdirectory is
// v<version>-<arch>-<flags hash>-<uid>): run it as the image's user, with the ENTRYPOINT's flags.
// The image sets NODE_COMPILE_CACHE=/app/compile-cache; Node then reads the entries (keyed by each
// file's path, checked against its content) and cannot write (the directory is root's, read-only).
// Without a matching directory (no cache baked, another uid or flags) Node runs as without a cache.
//   node --max-semi-space-size=1 compile-cache-warmup.mjs /app /tmp/compile-cache
// (the second argument, default <app>/compile-cache, is where it is written: the entries are keyed by
// the bundle's paths, not by where the cache lives, so the image builds it in /tmp and copies it.)
// 1. fetch.js and the chunks it imports statically: run the program itself with this Node's flags,
//    as the startup probe (`--probe` with a spec naming an empty directory: it compiles, answers
//    "not ready" and exits; nothing is fetched); Node persists the cache at exit.
// 2. every chunk (providers, SDK parts loaded later): imported here. Importing a chunk only defines
//    its modules (a provider's code runs when a spec names it); one that fails to import is skipped
//    and is then compiled at run time, as without a cache.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync } from "node:fs";
import { constants, enableCompileCache, flushCompileCache } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const app = process.argv[2] ?? "/app";
const cacheDir = process.argv[3] ?? join(app, "compile-cache");
mkdirSync(cacheDir, { recursive: true });

const spec = {
  version: 1,
  dir: join(cacheDir, "no-such-volume"),
  mode: "init",
  files: [{ path: "x", source: { type: "aws-secretsmanager", secretId: "x", region: "us-east-1" } }],
};
const probe = spawnSync(process.execPath, [...process.execArgv, join(app, "fetch.js"), "--probe"], {
  env: { NODE_COMPILE_CACHE: cacheDir, SECRET_MOUNT_SPEC: JSON.stringify(spec) },
  stdio: ["ignore", "ignore", "pipe"],
  encoding: "utf8",
});
if (probe.status !== 1 || !probe.stderr.includes('"probe-not-ready"')) {
  console.error(`the probe run did not answer "not ready" (exit ${probe.status}): ${probe.stderr.slice(0, 300)}`);
  process.exit(1);
}

const { status, directory, message } = enableCompileCache(cacheDir);
if (status !== constants.compileCacheStatus.ENABLED && status !== constants.compileCacheStatus.ALREADY_ENABLED) {
  console.error(`compile cache not enabled (status ${status}): ${message ?? ""}`);
  process.exit(1);
}
let cached = 0;
for (const f of readdirSync(join(app, "chunks"))
  .filter((n) => n.endsWith(".js"))
  .sort()) {
  try {
    await import(pathToFileURL(join(app, "chunks", f)).href);
    cached++;
  } catch (e) {
    console.log(`skipped ${f}: ${e?.name ?? "error"}`);
  }
}
flushCompileCache();
// Node writes the entries 0600 for the user it runs as; the image copies them owned by root, so
// make them readable (not writable) by everyone.
for (const e of readdirSync(cacheDir, { recursive: true, withFileTypes: true }))
  chmodSync(join(e.parentPath, e.name), e.isDirectory() ? 0o755 : 0o644);
console.log(`compile cache: fetch.js and ${cached} chunks in ${directory}`);
process.exit(0);
