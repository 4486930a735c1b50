import assert from "node:assert/strict";
import * as fs from "node:fs";
import { DOCKERFILE, PACKAGE_DOCKERFILE, fetchImageVolumes } from "../helpers/fetch-image-volume";

// Two Dockerfiles make the fetch image: runtime-image/Dockerfile builds the bundle from the sources
// (the release workflow's), fetch-image/Dockerfile (in the npm package) copies the prebuilt bundle
// onto the same base. No Docker engine here: both are read, and what a pod or task depends on must
// agree: the volume with its owner and mode, the user, the environment, the entrypoint, the base.

/** What a pod or ECS task relies on in a fetch image, read from its Dockerfile's last stage. */
function imageContract(text: string) {
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
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
    assert.deepEqual(froms, ["FROM --platform=$BUILDPLATFORM ${RUNTIME_IMAGE} AS build", "FROM ${RUNTIME_IMAGE}"]);
  });

  it("a Dockerfile that differs in the volume, the user or the entrypoint is told apart", () => {
    const expected = imageContract(runtime);
    for (const [from, to] of [
      ['VOLUME ["/secret-mount"]', 'VOLUME ["/secrets"]'],
      ['"65532", "65532", "2750"', '"65532", "65532", "0755"'],
      ["USER 65532:65532", "USER 0:0"],
      ['"/app/fetch.js"]', '"/app/other.js"]'],
      ["ENV AWS_EC2_METADATA_DISABLED=true", ""],
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
