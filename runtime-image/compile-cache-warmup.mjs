// Image build step (see Dockerfile): fills <app>/compile-cache with Node's compile cache for every
// chunk of the bundle, run by the runtime image's own Node (the cache is specific to the Node
// version and CPU architecture) at the paths the program runs from. Importing a chunk only defines
// its modules (the providers' code runs when a spec names them); the entry, fetch.js, is not
// imported (it would run the program) and is compiled at start as before. A chunk that fails to
// import is skipped: it is then compiled at run time, as without a cache.
// Node keys the cache directory by Node version, architecture, V8 flags and the *uid*, so it runs
// as the image's runtime user (65532). The entries are keyed by the chunks' paths, not by where the
// cache lives: it is written to a scratch directory and copied to <app>/compile-cache.
// Usage: node compile-cache-warmup.mjs /app /tmp/compile-cache
import { constants, enableCompileCache, flushCompileCache } from "node:module";
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const app = process.argv[2] ?? "/app";
const { status, directory, message } = enableCompileCache(process.argv[3] ?? join(app, "compile-cache"));
if (status !== constants.compileCacheStatus.ENABLED) {
  console.error(`compile cache not enabled (status ${status}): ${message ?? ""}`);
  process.exit(1);
}
let cached = 0;
for (const f of readdirSync(join(app, "chunks")).filter((n) => n.endsWith(".js")).sort()) {
  try {
    await import(pathToFileURL(join(app, "chunks", f)).href);
    cached++;
  } catch (e) {
    console.log(`skipped ${f}: ${e?.name ?? "error"}`);
  }
}
flushCompileCache();
// Node writes the entries 0600 for the user it runs as; the image copies them owned by root, so
// make them readable (not writable) by the runtime user.
for (const e of readdirSync(directory, { recursive: true, withFileTypes: true })) chmodSync(join(e.parentPath, e.name), e.isDirectory() ? 0o755 : 0o644);
console.log(`compile cache: ${cached} chunks in ${directory}`);
process.exit(0);
