import assert from "node:assert/strict";
import * as fs from "node:fs";
import { DOCKERFILE, PACKAGE_DOCKERFILE, fetchImageVolumes } from "../helpers/fetch-image-volume";

// Two Dockerfiles make the fetch image: runtime-image/Dockerfile builds the bundle from the sources
// (the release workflow's), fetch-image/Dockerfile (in the npm package) copies the prebuilt bundle
// onto the same base. No Docker engine here: both are read, and what a pod or task depends on must
// agree: the volume with its owner and mode, the user, the environment, the entrypoint, the base.

/** What a pod or ECS task relies on in a fetch image, read from its Dockerfile's last stage. */
function imageContract(text: string) {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const final = lines.slice(lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true));
  const one = (re: RegExp) => final.filter((l) => re.test(l));
  return {
    base: /^ARG RUNTIME_IMAGE=(\S+)$/m.exec(text)?.[1],
    from: final[0],
    volumes: fetchImageVolumes(text),
    user: one(/^USER\s/),
    workdir: one(/^WORKDIR\s/),
    env: one(/^ENV\s/),
    entrypoint: one(/^ENTRYPOINT\s/),
    runs: one(/^RUN\s/),
  };
}

describe("the npm package's fetch-image/Dockerfile", () => {
  const runtime = fs.readFileSync(DOCKERFILE, "utf8");
  const packaged = fs.readFileSync(PACKAGE_DOCKERFILE, "utf8");

  it("makes an image runtime-image/Dockerfile's pods and tasks can rely on in the same way", () => {
    const a = imageContract(packaged);
    assert.deepEqual(a, imageContract(runtime));
    assert.deepEqual(a.volumes, [{ path: "/secret-mount", uid: 65532, gid: 65532, mode: 0o2750 }]);
    assert.deepEqual(a.runs, [], "the final stage runs nothing");
  });

  it("pulls no image but the runtime base (its build stage is that base, on the builder's platform)", () => {
    const froms = packaged.split("\n").filter((l) => /^FROM\s/i.test(l));
    assert.deepEqual(froms, [
      "FROM --platform=$BUILDPLATFORM ${RUNTIME_IMAGE} AS build",
      "FROM ${RUNTIME_IMAGE} AS compile-cache",
      "FROM ${RUNTIME_IMAGE}",
    ]);
  });

  it("bakes the compile cache as runtime-image/Dockerfile does: the same warm-up step, as the same user, with the ENTRYPOINT's flags", () => {
    const warmup = (text: string) => /^RUN\s+(\[.*compile-cache-warmup\.mjs.*\])\s*$/m.exec(text)?.[1];
    assert.ok(warmup(packaged), "fetch-image/Dockerfile runs compile-cache-warmup.mjs");
    assert.equal(warmup(packaged), warmup(runtime));
    const flags = (argv: string[], last: RegExp) =>
      argv.slice(
        1,
        argv.findIndex((a) => last.test(a)),
      );
    const entry: string[] = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(packaged)![1]);
    assert.deepEqual(flags(JSON.parse(warmup(packaged)!), /compile-cache-warmup\.mjs$/), flags(entry, /fetch\.js$/));
    const stage = packaged.slice(packaged.indexOf("AS compile-cache"));
    assert.match(stage.slice(0, stage.indexOf("\nFROM ")), /^USER 65532:65532$/m);
  });

  it("a Dockerfile that differs in the volume, the user or the entrypoint is told apart", () => {
    const expected = imageContract(runtime);
    for (const [from, to] of [
      ['VOLUME ["/secret-mount"]', 'VOLUME ["/secrets"]'],
      ['"65532", "65532", "2750"', '"65532", "65532", "0755"'],
      ["USER 65532:65532\nENTRYPOINT", "USER 0:0\nENTRYPOINT"], // the final stage's user (the compile-cache stage has its own)
      ['"/app/fetch.js"]', '"/app/other.js"]'],
      ["ENV AWS_EC2_METADATA_DISABLED=true", ""],
      ["ENV NODE_COMPILE_CACHE=/app/compile-cache", ""],
    ]) {
      const changed = packaged.replace(from, to);
      assert.notEqual(changed, packaged, from);
      let contract: unknown;
      try {
        contract = imageContract(changed);
      } catch {
        continue; // the volume no longer reads as made with an owner and mode: told apart too
      }
      assert.notDeepEqual(contract, expected, `${from} -> ${to}`);
    }
  });
});
