import assert from "node:assert/strict";
import { fetchImageVolumes } from "./fetch-image-volume";

const BUILD = "FROM node:24 AS build\nRUN install -d -o 65532 -g 65532 -m 2750 /volume/secret-mount\n";
const FINAL = "FROM gcr.io/distroless/nodejs24-debian12:nonroot\n";
const COPY = "COPY --from=build --chown=65532:65532 /volume/ /\n";

describe("helper: reading the fetch image's VOLUME directory off the Dockerfile", () => {
  it("reads the path, the owner of the COPY and the mode of the build stage's install -d", () => {
    assert.deepEqual(fetchImageVolumes(BUILD + FINAL + COPY + 'VOLUME ["/secret-mount"]\n'), [
      { path: "/secret-mount", uid: 65532, gid: 65532, mode: 0o2750 },
    ]);
  });

  it("refuses a VOLUME that nothing makes, one declared before its COPY, and an owner that changes between build and COPY", () => {
    assert.throws(() => fetchImageVolumes(BUILD + FINAL + "VOLUME /other\n" + COPY), /no `COPY --from=build/);
    assert.throws(() => fetchImageVolumes(BUILD + FINAL + COPY + "VOLUME /other\n"), /does not make \/volume\/other/);
    assert.throws(
      () => fetchImageVolumes(BUILD + FINAL + COPY.replace("65532:65532", "0:0") + "VOLUME /secret-mount\n"),
      /made as 65532:65532 but copied as 0:0/,
    );
  });

  it("reads nothing from a Dockerfile without VOLUME", () => {
    assert.deepEqual(fetchImageVolumes(BUILD + FINAL + COPY), []);
  });
});
