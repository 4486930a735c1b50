// `npm pack` (and so `npm publish`): the package.json inside the tarball has no `prepare` script.
// In a checkout `prepare` builds dist/ on `npm install`, which `pulumi package add <repo>` and git
// installs need; in the published package it would only be an install script that every consumer's
// npm lists for review ("install scripts not yet covered by allowScripts"). package.json's
// `prepack` runs `strip` after the build: package.json is saved as package.json.prepack and written
// without `prepare`; `postpack` runs `restore`, which puts the saved file back byte for byte.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

const MANIFEST = "package.json";
const SAVED = "package.json.prepack";

const step = process.argv[2];
if (step === "strip") {
  if (existsSync(SAVED)) {
    console.error(
      `${SAVED} exists: an earlier npm pack stopped before postpack. Keep the right package.json (${SAVED} is the one from before that pack), delete the other, then pack again.`,
    );
    process.exit(1);
  }
  const pkg = JSON.parse(readFileSync(MANIFEST, "utf8"));
  if (pkg.scripts?.prepare !== undefined) {
    copyFileSync(MANIFEST, SAVED);
    delete pkg.scripts.prepare;
    writeFileSync(MANIFEST, `${JSON.stringify(pkg, null, 2)}\n`);
  }
} else if (step === "restore") {
  if (existsSync(SAVED)) renameSync(SAVED, MANIFEST);
} else {
  console.error("usage: node .github/scripts/pack-manifest.mjs strip|restore");
  process.exit(2);
}
