// Bundles the fetch program into runtime-image/dist: fetch.js (the entry) plus one chunk per lazily
// loaded provider, as ES modules (dist/package.json says "type": "module").
import { build } from "esbuild";
import { builtinModules } from "node:module";
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

// Node built-ins are loaded with require(), never through an ESM `import`: the ESM loader wraps a
// built-in in a facade that reads every export, and node:http's lazy getters (WebSocket, ...) then
// load undici (~10 ms of start-up) although nothing here uses it. (The SDK's http handler imports
// node:http dynamically precisely to keep it lazy.) Each importer gets its own one-line shim, so
// the shims are inlined into the importing chunk instead of becoming tiny chunks of their own.
const builtinsViaRequire = {
  name: "builtins-via-require",
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_]+(\/[a-z_]+)?$/ }, (args) => {
      if (args.namespace === "builtin-shim") return { path: args.path, external: true };
      const name = args.path.replace(/^node:/, "");
      if (!builtinModules.includes(name)) return undefined;
      return { path: `node:${name}`, namespace: "builtin-shim", suffix: `?${args.importer}` };
    });
    b.onLoad({ filter: /.*/, namespace: "builtin-shim" }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
    }));
  },
};

const started = Date.now();
await build({
  entryPoints: { fetch: join(here, "src/fetch.ts") },
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
  // The packages' ES module builds (`module`), not their CommonJS ones (`main`): the AWS SDK's CJS
  // builds are one file per package, so the bundle carried all of @smithy/core, every nested
  // client and every credential provider eagerly; the ESM builds tree-shake and keep the SDK's own
  // lazy `import()`s (SSO, INI, process, ... providers are loaded only when the chain reaches them).
  mainFields: ["module", "main"],
  plugins: [builtinsViaRequire],
  // Some CommonJS dependencies call require() for Node built-ins; give ESM chunks one.
  banner: {
    js: 'import{createRequire as __smCreateRequire}from"node:module";const require=__smCreateRequire(import.meta.url);',
  },
});
writeFileSync(join(outdir, "package.json"), '{ "type": "module" }\n');
rmSync(dist, { recursive: true, force: true });
renameSync(outdir, dist);
rmSync(scratch, { recursive: true, force: true });
console.log(`built ${join("runtime-image", "dist", "fetch.js")} in ${Date.now() - started} ms`);
