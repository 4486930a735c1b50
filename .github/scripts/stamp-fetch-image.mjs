#!/usr/bin/env node
// Release step: records the fetch image just pushed (repository, digest, version) in
// components/kubernetes/fetch-image.json, the library's default fetch image, before `npm pack`.
// usage: node .github/scripts/stamp-fetch-image.mjs <repository> <sha256:digest> <version> [file]
import { readFileSync, writeFileSync } from "node:fs";

const [repository, digest, version, file = "components/kubernetes/fetch-image.json"] = process.argv.slice(2);
const problems = [];
if (!/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/.test(repository ?? ""))
  problems.push(`repository ${JSON.stringify(repository)} is not a lower-case image repository`);
if (!/^sha256:[0-9a-f]{64}$/.test(digest ?? ""))
  problems.push(`digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
if (!/^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(version ?? ""))
  problems.push(`version ${JSON.stringify(version)} is not a semantic version`);
if (problems.length) {
  console.error(`stamp-fetch-image: ${problems.join("; ")}`);
  process.exit(2);
}
const previous = JSON.parse(readFileSync(file, "utf8"));
writeFileSync(file, JSON.stringify({ ...previous, repository, digest, version }, null, 2) + "\n");
console.log(`stamped ${file}: ${repository}@${digest} (${version})`);
