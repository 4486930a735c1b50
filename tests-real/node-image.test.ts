import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FETCH_IMAGE_CONFIG, IMAGE_NAMES, readArchiveConfig, stageFetchImage, writeOciArchive } from "./helpers/images";
import { ROOT } from "./helpers/rendered";

/** The final stage of runtime-image/Dockerfile, as an image config and the layout it promises. */
function dockerfileFinalStage() {
  const text = fs.readFileSync(path.join(ROOT, "runtime-image/Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
  const final = text.slice(text.lastIndexOf("\nFROM "));
  const lines = final.split("\n").filter((l) => /^[A-Z]+\s/.test(l));
  const arg = (k: string) => lines.filter((l) => l.startsWith(`${k} `)).map((l) => l.slice(k.length + 1).trim());
  const env = arg("ENV").map((v) => v.replace(/^(\S+?)=(.*)$/, "$1=$2"));
  const volumeDir = /^RUN install -d -o (\d+) -g (\d+) -m (\d+) \/volume(\/\S+)$/m.exec(text);
  return {
    entrypoint: JSON.parse(arg("ENTRYPOINT")[0]) as string[],
    user: arg("USER").pop(),
    workdir: arg("WORKDIR").pop(),
    env,
    volumes: arg("VOLUME").flatMap((v) => JSON.parse(v) as string[]),
    volumeDir: volumeDir && { uid: volumeDir[1], gid: volumeDir[2], mode: volumeDir[3], path: volumeDir[4] },
  };
}

/** `drwxr-s---` -> 2750 */
function octal(perm: string): string {
  const bits = perm.slice(1);
  let special = 0;
  let mode = "";
  for (let i = 0; i < 3; i++) {
    const t = bits.slice(i * 3, i * 3 + 3);
    const v = (t[0] === "r" ? 4 : 0) + (t[1] === "w" ? 2 : 0) + (/[xst]/.test(t[2]) ? 1 : 0);
    if (/[sStT]/.test(t[2])) special |= [4, 2, 1][i];
    mode += String(v);
  }
  return `${special}${mode}`;
}

describe("the fetch image assembled without a registry (tests-real/helpers/images.ts) matches runtime-image/Dockerfile", function () {
  this.timeout(300_000);
  let archive: { config: typeof FETCH_IMAGE_CONFIG; files: string[] };
  let work: string;

  before(function () {
    if (process.getuid?.() !== 0) {
      console.log("      NOT RUN (pending): assembling images needs root (owners 65532 and 0 in the layer)");
      this.skip();
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-image-"));
    const rootfs = stageFetchImage(work);
    writeOciArchive(rootfs, FETCH_IMAGE_CONFIG, IMAGE_NAMES.fetch, path.join(work, "fetch.tar"));
    archive = readArchiveConfig(path.join(work, "fetch.tar"));
  });
  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  it("has the Dockerfile's entrypoint, user, working directory, environment and volume", () => {
    const d = dockerfileFinalStage();
    assert.deepEqual(archive.config.Entrypoint, d.entrypoint);
    assert.equal(archive.config.User, d.user);
    assert.equal(archive.config.WorkingDir, d.workdir);
    for (const e of d.env)
      assert.ok(archive.config.Env!.includes(e), `ENV ${e} missing from ${archive.config.Env!.join(" ")}`);
    assert.deepEqual(Object.keys(archive.config.Volumes ?? {}).sort(), d.volumes.sort());
  });

  it("lays out the files as the Dockerfile does: the volume directory's owner and mode, /app root's with the baked cache, Node at the entrypoint, no shell", () => {
    const d = dockerfileFinalStage();
    const entry = (p: string) =>
      archive.files.find((l) => l.endsWith(` ./${p.replace(/^\//, "")}`) || l.endsWith(` ./${p.replace(/^\//, "")}/`));
    assert.ok(d.volumeDir, "the Dockerfile's `install -d` of the volume directory");
    const vol = entry(d.volumeDir!.path);
    assert.ok(vol, `${d.volumeDir!.path} is in the image`);
    const [perm, owner] = vol!.split(/\s+/);
    assert.equal(owner, `${d.volumeDir!.uid}/${d.volumeDir!.gid}`);
    assert.equal(octal(perm), d.volumeDir!.mode.padStart(4, "0"));
    for (const p of ["/app/fetch.js", "/app/compile-cache"]) assert.match(entry(p) ?? "", /\s0\/0\s/, `${p} is root's`);
    assert.ok(
      archive.files.some((l) => /\.\/app\/compile-cache\/v\d+\.\d+\.\d+-x64-[0-9a-f]+-65532\//.test(l)),
      "a compile cache made as 65532",
    );
    assert.match(entry(d.entrypoint[0]) ?? "", /^-rwx/, "the entrypoint's Node binary");
    assert.equal(entry("/bin/sh"), undefined, "no shell");
    assert.equal(archive.files.filter((l) => /\/(sh|bash|dash|busybox)$/.test(l)).length, 0, "no shell anywhere");
  });
});
