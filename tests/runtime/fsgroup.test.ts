/**
 * File ownership on a volume like the kubelet's: an emptyDir with `fsGroup` is chowned to
 * root:<fsGroup> and made setgid, mode |= 0660 (dirs 0770 + setgid; the emptyDir itself is 0777), per
 * kubernetes pkg/volume/volume_linux.go SetVolumeOwnership. The fetcher runs as 65532:65532 (the
 * kubelet adds the fsGroup to every container's supplementary groups); the app reads as another
 * uid holding only the fsGroup. Needs root (to switch users) and setpriv (util-linux).
 */
import * as assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { BUNDLE, parseLogLines, recordOutput, SECRET_MARKER, specEnv, tempDir, type LogLine } from "./harness";

const FS_GROUP = 4000;
const FETCH_UID = 65532;
const APP_UID = 10001;

function canSwitchUsers(): string | undefined {
  if (process.getuid?.() !== 0) return "the tests do not run as root (switching to uid 65532 and 10001 needs root)";
  if (spawnSync("setpriv", ["--version"]).status !== 0) return "setpriv (util-linux) is not installed";
  return undefined;
}

/** A world-traversable scratch dir (the harness's temp dirs are 0700 root) holding the volume, like the kubelet's emptyDir with fsGroup. */
function kubeletVolume(): { base: string; vol: string } {
  const base = tempDir("sm-fsgroup-");
  fs.chmodSync(base, 0o755);
  const vol = path.join(base, "vol");
  fs.mkdirSync(vol);
  fs.chownSync(vol, 0, FS_GROUP);
  fs.chmodSync(vol, 0o2777);
  return { base, vol };
}

/** The bundle as uid 65532, gid 65532, with the fsGroup as its only supplementary group (as the kubelet runs it). */
function startAsFetcher(env: NodeJS.ProcessEnv, groups: "fsgroup" | "none") {
  const priv = [
    "--reuid",
    String(FETCH_UID),
    "--regid",
    String(FETCH_UID),
    ...(groups === "fsgroup" ? ["--groups", String(FS_GROUP)] : ["--clear-groups"]),
  ];
  const child = spawn("setpriv", [...priv, process.execPath, BUNDLE], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const logs: LogLine[] = [];
  const waiters: { pred: (l: LogLine) => boolean; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString("utf8");
    logs.splice(0, logs.length, ...parseLogLines(out));
    for (const w of [...waiters]) {
      if (!logs.some(w.pred)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const done = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      recordOutput("fetch as 65532", out);
      resolve(code);
    }),
  );
  const waitFor = (pred: (l: LogLine) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (logs.some(pred)) return resolve();
      waiters.push({ pred, resolve });
      void done.then(() => reject(new Error(`fetch exited first: ${out}`)));
    });
  return { child, done, waitFor, output: () => out };
}

/** Reads a file as the app: uid 10001, gid 10001, with (or without) the fsGroup. */
function readAsApp(file: string, withFsGroup: boolean): { ok: boolean; text: string; err: string } {
  const groups = withFsGroup ? ["--groups", String(FS_GROUP)] : ["--clear-groups"];
  const r = spawnSync("setpriv", ["--reuid", String(APP_UID), "--regid", String(APP_UID), ...groups, "cat", file], {
    encoding: "utf8",
  });
  // stdout is the secret file's content, read on purpose; only what the reader printed besides goes to the leak check.
  recordOutput("app read (stderr)", r.stderr);
  return { ok: r.status === 0, text: r.stdout, err: r.stderr };
}

/** Every directory and file of the current generation is group-owned by the fsGroup; dirs keep setgid. */
function assertGroupOwned(vol: string): void {
  const gen = fs.realpathSync(path.join(vol, "..data"));
  for (const rel of ["", ...(fs.readdirSync(gen, { recursive: true }) as string[])]) {
    const st = fs.statSync(path.join(gen, rel));
    assert.equal(st.gid, FS_GROUP, `${rel || "(generation dir)"} is group ${st.gid}, not the fsGroup`);
    if (st.isDirectory()) assert.ok(st.mode & 0o2000, `${rel || "(generation dir)"} lost its setgid bit`);
    else assert.equal(st.mode & 0o777, 0o440);
  }
}

describe("runtime: files stay readable through fsGroup (kubelet-style setgid volume, real uids)", function () {
  let aws: AwsDouble;
  before(async function () {
    const why = canSwitchUsers();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    aws = await new AwsDouble().start();
  });
  after(() => aws?.close());

  const spec = (vol: string, mode: "init" | "refresh", secretId: string) => ({
    version: 1,
    dir: vol,
    mode,
    fileMode: "0440",
    timeoutSeconds: 5,
    files: [
      { path: "db/password", source: { type: "aws-secretsmanager", secretId, region: REGION }, jsonKey: "password" },
      { path: "top", source: { type: "aws-secretsmanager", secretId, region: REGION }, jsonKey: "top" },
    ],
  });
  const value = (n: number) =>
    JSON.stringify({ password: `${SECRET_MARKER}-pw-${n}`, top: `${SECRET_MARKER}-top-${n}` });

  for (const groups of ["fsgroup", "none"] as const) {
    it(`init: written as 65532 (${groups === "fsgroup" ? "fsGroup as supplementary group" : "no supplementary group"}), 0440 files readable by uid ${APP_UID} through fsGroup ${FS_GROUP} only`, async () => {
      aws.putSecret(`fsgroup/init-${groups}`, value(1));
      const { base, vol } = kubeletVolume();
      const idDir = path.join(base, "id");
      fs.mkdirSync(idDir, { mode: 0o755 });
      const env = specEnv(spec(vol, "init", `fsgroup/init-${groups}`), aws.podIdentityEnv(idDir));
      fs.chmodSync(idDir, 0o755);
      fs.chmodSync(env.HOME!, 0o755);
      for (const f of fs.readdirSync(idDir)) fs.chmodSync(path.join(idDir, f), 0o444);
      const fetcher = startAsFetcher(env, groups);
      assert.equal(await fetcher.done, 0, fetcher.output());
      assertGroupOwned(vol);
      const pw = readAsApp(path.join(vol, "db/password"), true);
      assert.ok(pw.ok, `uid ${APP_UID} with fsGroup could not read db/password: ${pw.err}`);
      assert.equal(pw.text, `${SECRET_MARKER}-pw-1`);
      assert.ok(readAsApp(path.join(vol, "top"), true).ok);
      const denied = readAsApp(path.join(vol, "db/password"), false);
      assert.equal(denied.ok, false, "a reader without the fsGroup must be denied");
      assert.match(denied.err, /Permission denied/);
    });
  }

  it("refresh: a swapped-in set keeps the fsGroup and the setgid bit", async () => {
    aws.putSecret("fsgroup/refresh", value(1));
    const { base, vol } = kubeletVolume();
    const idDir = path.join(base, "id");
    fs.mkdirSync(idDir, { mode: 0o755 });
    const env = specEnv(spec(vol, "refresh", "fsgroup/refresh"), {
      ...aws.podIdentityEnv(idDir),
      SECRET_MOUNT_REFRESH_MS: "50",
    });
    fs.chmodSync(env.HOME!, 0o755);
    for (const f of fs.readdirSync(idDir)) fs.chmodSync(path.join(idDir, f), 0o444);
    const fetcher = startAsFetcher(env, "fsgroup");
    try {
      await fetcher.waitFor((l) => l.event === "set-written");
      const first = fs.readlinkSync(path.join(vol, "..data"));
      aws.putSecret("fsgroup/refresh", value(2));
      await fetcher.waitFor((l) => l.event === "set-swapped");
      assert.notEqual(fs.readlinkSync(path.join(vol, "..data")), first);
      assertGroupOwned(vol);
      const pw = readAsApp(path.join(vol, "db/password"), true);
      assert.ok(pw.ok, pw.err);
      assert.equal(pw.text, `${SECRET_MARKER}-pw-2`);
      assert.equal(readAsApp(path.join(vol, "db/password"), false).ok, false);
    } finally {
      fetcher.child.kill("SIGTERM");
      assert.equal(await fetcher.done, 0);
    }
  });

  it("the scratch volume is what the kubelet makes (root:fsGroup, 2777)", () => {
    const { vol } = kubeletVolume();
    const st = fs.statSync(vol);
    assert.equal(st.gid, FS_GROUP);
    assert.equal(st.mode & 0o7777, 0o2777);
    execFileSync("setpriv", ["--reuid", String(FETCH_UID), "--regid", String(FETCH_UID), "--clear-groups", "true"]);
  });
});
