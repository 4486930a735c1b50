// Bundles the fetch program into runtime-image/dist: fetch.js (the entry) plus one chunk per lazily
// loaded provider, as ES modules (dist/package.json says "type": "module").
import { build } from "esbuild";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
// Built beside dist and swapped in, so a test run reading dist meanwhile sees the old or the new
// build. (The scratch folder's inner "dist" keeps it under .gitignore's dist/ rule.)
const scratch = join(here, `.build-${process.pid}`);
const outdir = join(scratch, "dist");
rmSync(scratch, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const started = Date.now();
await build({
  entryPoints: { fetch: join(here, "src/main.ts") },
  outdir,
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  // Some CommonJS dependencies call require() for Node built-ins; give ESM chunks one.
  banner: { js: 'import{createRequire as __smCreateRequire}from"node:module";const require=__smCreateRequire(import.meta.url);' },
});
writeFileSync(join(outdir, "package.json"), '{ "type": "module" }\n');
rmSync(dist, { recursive: true, force: true });
renameSync(outdir, dist);
rmSync(scratch, { recursive: true, force: true });
console.log(`built ${join("runtime-image", "dist", "fetch.js")} in ${Date.now() - started} ms`);
