#!/usr/bin/env node
// Release step: the fetch image as built declares the VOLUME ECS relies on, and that directory is
// owned by 65532:65532 with mode 2750 (docs/guides/ecs.md, "The shared volume"); runtime-image/Dockerfile says
// so, this checks what `docker build` made of it.
// usage: docker export <container> | tar --numeric-owner -tvf - |
//          node .github/scripts/check-image-volume.mjs '<docker image inspect {{json .Config.Volumes}}>'
import { readFileSync } from "node:fs";

const PATH = "/secret-mount";
const MODE = "drwxr-s---";
const OWNER = "65532/65532";

const problems = [];
let volumes;
try {
  volumes = JSON.parse(process.argv[2] ?? "");
} catch {
  volumes = undefined;
}
const declared = volumes && typeof volumes === "object" ? Object.keys(volumes) : [];
if (declared.length !== 1 || declared[0] !== PATH)
  problems.push(`the image declares VOLUME ${JSON.stringify(declared)}, not exactly ["${PATH}"]`);

// GNU tar -tv: "<mode> <uid>/<gid> <size> <date> <time> <name>"; docker export names have no leading "/".
const entry = readFileSync(0, "utf8")
  .split("\n")
  .map((l) => l.trim().split(/\s+/))
  .find((f) => f.length >= 6 && f[f.length - 1].replace(/^\.?\/?/, "").replace(/\/$/, "") === PATH.slice(1));
if (!entry) problems.push(`the image has no ${PATH}`);
else if (entry[0] !== MODE || entry[1] !== OWNER)
  problems.push(`${PATH} is ${entry[0]} ${entry[1]}, not ${MODE} ${OWNER}`);

if (problems.length) {
  console.error(`check-image-volume: ${problems.join("; ")}`);
  process.exit(1);
}
console.log(`check-image-volume: VOLUME ${PATH} is ${MODE} ${OWNER}`);
