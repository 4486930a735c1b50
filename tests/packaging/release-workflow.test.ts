import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { fetchImageVolumes } from "../helpers/fetch-image-volume";

// The release workflow cannot run here (it pushes an image and publishes to npm); what can be
// checked is its structure: what runs, in which order, pinned to what, and the stamping script.

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
const workflow = parseYaml(fs.readFileSync(path.join(ROOT, ".github/workflows/release.yml"), "utf8"));
const steps: Step[] = workflow.jobs.release.steps;
const at = (test: (s: Step) => boolean, what: string): number => {
  const i = steps.findIndex(test);
  assert.ok(i >= 0, `no step ${what}`);
  return i;
};
const uses = (action: string) => (s: Step) => s.uses?.startsWith(`${action}@`) ?? false;
const runs = (re: RegExp) => (s: Step) => re.test(s.run ?? "");

describe("release workflow (.github/workflows/release.yml)", () => {
  it("runs on version tags, with the permissions signing and provenance need", () => {
    assert.deepEqual(workflow.on.push.tags, ["v[0-9]+.[0-9]+.[0-9]+*"]);
    assert.deepEqual(workflow.permissions, { contents: "read" });
    assert.deepEqual(workflow.jobs.release.permissions, { contents: "read", packages: "write", "id-token": "write" });
  });

  it("pins every action by commit SHA", () => {
    for (const s of steps.filter((x) => x.uses)) assert.match(s.uses!, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, s.uses);
  });

  it("tests, builds a signed multi-arch image with SBOM and provenance, stamps its digest, then packs and publishes", () => {
    const test = at(runs(/^npm test$/), "npm test");
    const build = at(uses("docker/build-push-action"), "building the image");
    const sign = at(runs(/cosign sign --yes "\$\{IMAGE\}@\$\{DIGEST\}"/), "signing by digest");
    const stamp = at(runs(/stamp-fetch-image\.mjs "\$\{IMAGE\}" "\$\{DIGEST\}" "\$\{VERSION\}"/), "stamping");
    const repository = at(
      runs(
        /npm pkg set repository\.type=git "repository\.url=git\+https:\/\/github\.com\/\$\{GITHUB_REPOSITORY\}\.git"/,
      ),
      "setting repository for provenance",
    );
    const pack = at(runs(/^npm pack$/), "npm pack");
    const publish = at(runs(/^npm publish --provenance /), "npm publish --provenance");
    assert.ok(
      at(runs(/^npm ci/), "npm ci") < test &&
        test < build &&
        build < sign &&
        sign < stamp &&
        stamp < pack &&
        repository < pack &&
        pack < publish,
    );

    const image = steps[build];
    assert.equal(image.with!.context, ".");
    assert.equal(image.with!.file, "runtime-image/Dockerfile");
    assert.equal(image.with!.platforms, "linux/amd64,linux/arm64");
    assert.equal(image.with!.push, true);
    assert.equal(image.with!.sbom, true);
    assert.equal(image.with!.provenance, "mode=max");
    assert.equal(steps[sign].env!.DIGEST, `\${{ steps.${image.id}.outputs.digest }}`);
    assert.equal(steps[stamp].env!.DIGEST, `\${{ steps.${image.id}.outputs.digest }}`);
    const meta = steps[at((s) => s.id === "meta", "release coordinates")].run!;
    assert.match(meta, /ghcr\.io\/\$\{GITHUB_REPOSITORY_OWNER,,\}\/secret-mount-fetch/);
    assert.match(meta, /does not match package\.json version/);
  });

  it("checks the built image's VOLUME directory on both platforms after the build, before signing anything", () => {
    const build = at(uses("docker/build-push-action"), "building the image");
    const check = at(runs(/check-image-volume\.mjs/), "checking the image's volume directory");
    const sign = at(runs(/cosign sign/), "signing");
    assert.ok(build < check && check < sign);
    const script = steps[check].run!;
    assert.match(script, /for platform in linux\/amd64 linux\/arm64; do/);
    assert.match(
      script,
      /docker export "\$\{id\}" \| tar --numeric-owner -tvf - \| node \.github\/scripts\/check-image-volume\.mjs "\$\{volumes\}"/,
    );
    assert.equal(steps[check].env!.DIGEST, `\${{ steps.${steps[build].id}.outputs.digest }}`);
  });

  it("the volume check passes a directory with the Dockerfile's owner and mode and fails any other, or a missing VOLUME", async function () {
    if (process.getuid?.() !== 0) this.skip(); // chown needs root
    const [volume] = fetchImageVolumes();
    const script = path.join(ROOT, ".github/scripts/check-image-volume.mjs");
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-volume-"));
    // tar -tv of a real directory (what `docker export | tar -tv` lists), made as the Dockerfile says and then changed.
    const listing = async (uid: number, gid: number, mode: number) => {
      const dir = path.join(tmp, volume.path);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir);
      fs.chownSync(dir, uid, gid);
      fs.chmodSync(dir, mode);
      return (await run("tar", ["--numeric-owner", "-C", tmp, "-cvvf", "/dev/null", volume.path.slice(1)])).stdout;
    };
    const check = (volumes: string, tv: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = execFile(process.execPath, [script, volumes], (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        );
        child.stdin!.end(tv);
      });
    try {
      const good = await listing(volume.uid, volume.gid, volume.mode);
      const declared = JSON.stringify({ [volume.path]: {} });
      assert.deepEqual(await check(declared, good), {
        code: 0,
        out: "check-image-volume: VOLUME /secret-mount is drwxr-s--- 65532/65532\n",
      });
      assert.match(
        (await check(declared, await listing(0, 0, 0o755))).out,
        /\/secret-mount is drwxr-xr-x 0\/0, not drwxr-s--- 65532\/65532/,
      );
      assert.match(
        (await check(declared, await listing(volume.uid, volume.gid, 0o755))).out,
        /is drwxr-xr-x 65532\/65532, not/,
      );
      assert.match((await check("null", good)).out, /declares VOLUME \[\], not exactly \["\/secret-mount"\]/);
      assert.match((await check(declared, "")).out, /has no \/secret-mount/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("the stamping script writes repository, digest and version into fetch-image.json, and refuses a malformed digest", async () => {
    const current = JSON.parse(fs.readFileSync(path.join(ROOT, "components/kubernetes/fetch-image.json"), "utf8"));
    assert.ok(
      ["repository", "digest", "version"].every((k) => k in current),
      JSON.stringify(current),
    );
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-stamp-"));
    try {
      const file = path.join(tmp, "fetch-image.json");
      fs.writeFileSync(file, JSON.stringify(current));
      const script = path.join(ROOT, ".github/scripts/stamp-fetch-image.mjs");
      const digest = "sha256:" + "0123456789abcdef".repeat(4);
      await run(process.execPath, [script, "ghcr.io/acme/secret-mount-fetch", digest, "1.2.3", file]);
      assert.deepEqual(JSON.parse(fs.readFileSync(file, "utf8")), {
        ...current,
        repository: "ghcr.io/acme/secret-mount-fetch",
        digest,
        version: "1.2.3",
      });
      await assert.rejects(
        run(process.execPath, [script, "ghcr.io/acme/secret-mount-fetch", "sha256:abc", "1.2.3", file]),
        /not sha256:<64 hex>/,
      );
      await assert.rejects(
        run(process.execPath, [script, "ghcr.io/Acme/secret-mount-fetch", digest, "1.2.3", file]),
        /lower-case/,
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
