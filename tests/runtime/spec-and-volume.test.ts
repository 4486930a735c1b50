import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { isolatedEnv, listTree, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

describe("runtime: spec validation, volume layout, probe, legacy interface", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
    aws.putSecret("vol/db", `${SECRET_MARKER}-vol`);
  });
  after(() => aws.close());
  beforeEach(() => {
    aws.calls.length = 0;
  });

  const source = { type: "aws-secretsmanager", secretId: "vol/db", region: REGION };

  const badSpecs: [string, (dir: string) => unknown, RegExp][] = [
    ["not JSON", () => "{not json", /SECRET_MOUNT_SPEC \$: is not valid JSON/],
    [
      "a path with ..",
      (dir) => ({ version: 1, dir, mode: "init", files: [{ path: "../../etc/passwd", source }] }),
      /files\[0\]\.path/,
    ],
    [
      "an absolute path",
      (dir) => ({ version: 1, dir, mode: "init", files: [{ path: "/etc/passwd", source }] }),
      /files\[0\]\.path: "\/etc\/passwd" is absolute/,
    ],
    [
      "a ..data segment",
      (dir) => ({ version: 1, dir, mode: "init", files: [{ path: "..data/x", source }] }),
      /files\[0\]\.path/,
    ],
    [
      "duplicate paths",
      (dir) => ({
        version: 1,
        dir,
        mode: "init",
        files: [
          { path: "a", source },
          { path: "a", source },
        ],
      }),
      /files\[1\]\.path: "a" duplicates files\[0\]\.path/,
    ],
    [
      "an unknown source type",
      (dir) => ({ version: 1, dir, mode: "init", files: [{ path: "a", source: { type: "aws-kms" } }] }),
      /files\[0\]\.source\.type/,
    ],
    [
      "a world-readable mode",
      (dir) => ({ version: 1, dir, mode: "init", fileMode: "0444", files: [{ path: "a", source }] }),
      /fileMode/,
    ],
    ["version 2", (dir) => ({ version: 2, dir, mode: "init", files: [{ path: "a", source }] }), /version: is 2/],
    [
      "a key given twice (JSON would keep the last)",
      (dir) =>
        JSON.stringify({ version: 1, dir, mode: "init", files: [{ path: "a", source }] }).replace(
          '"secretId":"vol/db"',
          '"secretId":"vol/db","secretId":"vol/other"',
        ),
      /files\[0\]\.source\.secretId: appears twice/,
    ],
    [
      "__proto__ as an env var name",
      (dir) =>
        `{"version":1,"dir":${JSON.stringify(dir)},"mode":"init","files":[{"path":"a","source":${JSON.stringify(source)}}],"envFile":{"path":"e.env","vars":{"__proto__":"a"}}}`,
      /envFile\.vars\.__proto__: cannot be a variable name/,
    ],
    [
      "plain-http Vault without insecureHttp",
      (dir) => ({
        version: 1,
        dir,
        mode: "init",
        files: [{ path: "a", source: { type: "vault-kv", address: "http://127.0.0.1:1", role: "r", path: "p" } }],
      }),
      /files\[0\]\.source\.address: .*insecureHttp: true/,
    ],
  ];
  for (const [what, make, message] of badSpecs) {
    it(`a spec with ${what} exits 2 with one error line and writes nothing`, async () => {
      const vol = path.join(tempDir(), "vol");
      const spec = make(vol);
      const env = isolatedEnv({
        ...aws.podIdentityEnv(tempDir()),
        SECRET_MOUNT_SPEC: typeof spec === "string" ? spec : JSON.stringify(spec),
      });
      const r = await runFetch({ env });
      assert.equal(r.code, 2);
      const errors = r.logs.filter((l) => l.level === "error");
      assert.equal(errors.length, 1, JSON.stringify(r.logs));
      assert.equal(errors[0].event, "invalid-config");
      assert.match(String(errors[0].msg), message);
      assert.equal(fs.existsSync(vol), false);
      assert.equal(aws.calls.length, 0, "nothing fetched for an invalid spec");
    });
  }

  it("no spec and no legacy variables exits 2 naming what to set", async () => {
    const r = await runFetch({ env: isolatedEnv() });
    assert.equal(r.code, 2);
    assert.match(
      String(r.logs.find((l) => l.event === "invalid-config")?.msg),
      /SECRET_MOUNT_SPEC.*SECRET_NAME \+ AWS_REGION/,
    );
  });

  it("lays the set out kubelet-style: timestamped data dir, ..data link, visible links through it", async () => {
    const vol = path.join(tempDir(), "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: [
        { path: "db/password", source },
        { path: "token", source },
      ],
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 0, r.stderr);
    const top = fs.readdirSync(vol).sort();
    assert.equal(top.length, 4, top.join(","));
    const dataDir = top.find((n) => /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\w+$/.test(n));
    assert.ok(dataDir, top.join(","));
    assert.equal(fs.readlinkSync(path.join(vol, "..data")), dataDir);
    assert.equal(fs.readlinkSync(path.join(vol, "db")), "..data/db");
    assert.equal(fs.readlinkSync(path.join(vol, "token")), "..data/token");
    assert.equal(fs.statSync(path.join(vol, dataDir!, "db")).mode & 0o777, 0o750);
    assert.equal(fs.readFileSync(path.join(vol, "db/password"), "utf8"), `${SECRET_MARKER}-vol`);
  });

  it("refuses to shadow a file it did not write, before writing anything", async () => {
    const vol = tempDir();
    fs.writeFileSync(path.join(vol, "token"), "someone else's file");
    const spec = { version: 1, dir: vol, mode: "init", files: [{ path: "token", source }] };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 3);
    assert.equal(r.logs.find((l) => l.level === "error")?.event, "write-failed");
    assert.deepEqual(fs.readdirSync(vol), ["token"]);
  });

  it("an unwritable volume exits 3 with a write-failed line and leaves nothing behind", async function () {
    const vol = tempDir();
    const asRoot = process.getuid?.() === 0;
    // Root ignores permissions: run the fetcher as the image's nonroot user instead.
    if (!asRoot) fs.chmodSync(vol, 0o555);
    const home = tempDir();
    fs.chmodSync(home, 0o755);
    const env = aws.podIdentityEnv(home);
    fs.chmodSync(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE as string, 0o644);
    const spec = { version: 1, dir: vol, mode: "init", files: [{ path: "token", source }] };
    const r = await runFetch({ env: specEnv(spec, env), ...(asRoot ? { uid: 65532, gid: 65532 } : {}) });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const line = r.logs.find((l) => l.event === "write-failed");
    assert.match(String(line?.msg), /permission denied/);
    assert.equal(line?.code, "EACCES");
    assert.deepEqual(fs.readdirSync(vol), []);
  });

  it("a full volume exits 3 (ENOSPC) and leaves nothing behind", async function () {
    // A real small tmpfs, like a memory emptyDir at its sizeLimit; needs mount rights (skipped without).
    const vol = tempDir();
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", vol]).status !== 0) this.skip();
    try {
      aws.putSecret("vol/large", `${SECRET_MARKER}${"x".repeat(30_000)}`);
      const spec = {
        version: 1,
        dir: vol,
        mode: "init",
        files: [{ path: "large", source: { type: "aws-secretsmanager", secretId: "vol/large", region: REGION } }],
      };
      const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      const line = r.logs.find((l) => l.event === "write-failed");
      assert.equal(line?.code, "ENOSPC");
      assert.match(String(line?.msg), /sizeLimit/);
      assert.deepEqual(fs.readdirSync(vol), []);
    } finally {
      spawnSync("umount", [vol]);
    }
  });

  it("--probe exits 1 before the first complete write and 0 after it", async () => {
    const vol = path.join(tempDir(), "vol");
    const env = specEnv(
      { version: 1, dir: vol, mode: "refresh", files: [{ path: "token", source }] },
      aws.podIdentityEnv(tempDir()),
    );
    const before = await runFetch({ env, args: ["--probe"] });
    assert.equal(before.code, 1);
    assert.equal(aws.calls.length, 0, "the probe never fetches");
    const write = await runFetch({
      env: {
        ...env,
        SECRET_MOUNT_SPEC: JSON.stringify({ version: 1, dir: vol, mode: "init", files: [{ path: "token", source }] }),
      },
    });
    assert.equal(write.code, 0, write.stderr);
    const after = await runFetch({ env, args: ["--probe"] });
    assert.equal(after.code, 0);
    assert.equal(after.stdout + after.stderr, "", "a passing probe is quiet");
  });

  it("legacy SECRET_NAME + AWS_REGION writes the secret to SECRET_FILE as a plain file", async () => {
    const dir = tempDir();
    const target = path.join(dir, "secret");
    const r = await runFetch({
      env: isolatedEnv({
        ...aws.podIdentityEnv(tempDir()),
        SECRET_NAME: "vol/db",
        AWS_REGION: REGION,
        SECRET_FILE: target,
      }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(target, "utf8"), `${SECRET_MARKER}-vol`);
    assert.ok(fs.lstatSync(target).isFile());
    assert.deepEqual(fs.readdirSync(dir), ["secret"], "no temp file left beside it");
    assert.equal(fs.statSync(target).mode & 0o777, 0o440);
  });

  it("legacy SECRET_NAME without AWS_REGION exits 2", async () => {
    const r = await runFetch({ env: isolatedEnv({ SECRET_NAME: "vol/db", SECRET_FILE: path.join(tempDir(), "s") }) });
    assert.equal(r.code, 2);
    assert.match(String(r.logs.find((l) => l.event === "invalid-config")?.msg), /^AWS_REGION: /);
  });

  it("legacy: a missing secret exits 1 and leaves no file", async () => {
    const dir = tempDir();
    const target = path.join(dir, "secret");
    const r = await runFetch({
      env: isolatedEnv({
        ...aws.podIdentityEnv(tempDir()),
        SECRET_NAME: "vol/absent",
        AWS_REGION: REGION,
        SECRET_FILE: target,
      }),
    });
    assert.equal(r.code, 1);
    assert.equal(r.logs.find((l) => l.event === "file-failed")?.cause, "not-found");
    assert.deepEqual(listTree(dir), []);
  });
});
