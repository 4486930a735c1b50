/** The writer in process: the cases a child process cannot easily provoke. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  GENERATION_RE,
  readCurrentSet,
  sameContent,
  timestampPrefix,
  WRITE_STOPPED,
  writeAtomically,
  WriteError,
} from "../../runtime-image/src/atomic-writer";
import { loadRunConfig } from "../../runtime-image/src/config";
import { EXIT } from "../../runtime-image/src/exit-codes";
import type { ProviderLoader } from "../../runtime-image/src/fetch-sources";
import { setLogWriter } from "../../runtime-image/src/log";
import { runOnce } from "../../runtime-image/src/run";
import { tempDir } from "./harness";

const f = (p: string, text: string, mode = 0o440) => ({ path: p, bytes: Buffer.from(text), mode });

describe("runtime: atomic writer (in process)", () => {
  it("names data dirs like the kubelet", async () => {
    assert.equal(timestampPrefix(new Date(Date.UTC(2026, 10, 2, 3, 4, 5))), "..2026_11_02_03_04_05.");
  });

  it("a failure while writing the new set removes it and leaves the current set untouched", async () => {
    const dir = tempDir();
    await writeAtomically(dir, [f("a", "one")]);
    const before = fs.readdirSync(dir).sort();
    // The second entry cannot be created (the same path twice): the write fails half-way.
    await assert.rejects(writeAtomically(dir, [f("a", "two"), f("a", "two again")]), WriteError);
    assert.deepEqual(fs.readdirSync(dir).sort(), before);
    assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "one");
  });

  it("a failed first write leaves the directory empty", async () => {
    const dir = tempDir();
    await assert.rejects(writeAtomically(dir, [f("x/y", "1"), f("x/y", "2")]), WriteError);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("a new set replaces the old: removed paths disappear, the old data dir is deleted", async () => {
    const dir = tempDir();
    await writeAtomically(dir, [f("keep", "1"), f("gone/file", "1")]);
    const first = fs.readlinkSync(path.join(dir, "..data"));
    await writeAtomically(dir, [f("keep", "2"), f("new", "2")]);
    assert.deepEqual(
      fs
        .readdirSync(dir)
        .filter((n) => !n.startsWith(".."))
        .sort(),
      ["keep", "new"],
    );
    assert.equal(fs.existsSync(path.join(dir, first)), false);
    assert.equal(fs.readFileSync(path.join(dir, "keep"), "utf8"), "2");
  });

  it("compares the current set by content", async () => {
    const dir = tempDir();
    const files = [f("a", "1"), f("b/c", "2")];
    assert.equal(sameContent(readCurrentSet(dir, ["a", "b/c"]), files), false);
    await writeAtomically(dir, files);
    assert.equal(sameContent(readCurrentSet(dir, ["a", "b/c"]), files), true);
    assert.equal(sameContent(readCurrentSet(dir, ["a", "b/c"]), [f("a", "1"), f("b/c", "3")]), false);
  });
});

describe("runtime: directory modes (in process)", () => {
  it("a strict umask (077) does not cut the generation's directory modes: 0750 throughout, files as declared", async () => {
    const dir = tempDir();
    const old = process.umask(0o077);
    try {
      await writeAtomically(dir, [f("a/b/c", "1", 0o400), f("d", "2")]);
    } finally {
      process.umask(old);
    }
    const gen = fs.realpathSync(path.join(dir, "..data"));
    for (const d of [gen, path.join(gen, "a"), path.join(gen, "a/b")])
      assert.equal(fs.statSync(d).mode & 0o7777, 0o750, d);
    assert.equal(fs.statSync(path.join(gen, "a/b/c")).mode & 0o777, 0o400);
    assert.equal(fs.statSync(path.join(gen, "d")).mode & 0o777, 0o440);
  });
});

describe("runtime: a stop while writing (in process)", () => {
  it("aborting between files removes the new generation; the current set stays as it was", async () => {
    const dir = tempDir();
    await writeAtomically(dir, [f("a", "old")]);
    const before = fs.readdirSync(dir).sort();
    const stop = new AbortController();
    const many = Array.from({ length: 200 }, (_, i) => f(`d/f${i}`, String(i)));
    const writing = writeAtomically(dir, [f("a", "new"), ...many], stop.signal);
    await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
    stop.abort();
    await assert.rejects(writing, (e: unknown) => e instanceof WriteError && e.code === WRITE_STOPPED && !e.visible);
    assert.deepEqual(fs.readdirSync(dir).sort(), before);
    assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "old");
  });
});

describe("runtime: the writer trusts only its own names (in process)", () => {
  it("a planted ..data -> ../victim is refused before anything is written; the victim is untouched", async () => {
    const base = tempDir();
    const victim = path.join(base, "victim");
    fs.mkdirSync(victim);
    fs.writeFileSync(path.join(victim, "precious"), "keep me");
    const dir = path.join(base, "vol");
    fs.mkdirSync(dir);
    fs.symlinkSync("../victim", path.join(dir, "..data"));
    await assert.rejects(
      writeAtomically(dir, [f("a", "1")]),
      (e: unknown) =>
        e instanceof WriteError && /not a data directory this program made/.test(e.message) && e.visible === false,
    );
    assert.equal(fs.readFileSync(path.join(victim, "precious"), "utf8"), "keep me");
    assert.deepEqual(fs.readdirSync(dir), ["..data"], "nothing written beside the planted link");
    assert.equal(fs.readlinkSync(path.join(dir, "..data")), "../victim");
  });

  it("a ..data that points at a generation-like name outside the volume, or is a directory, is refused too", async () => {
    const dir = tempDir();
    fs.symlinkSync("../..2026_01_01_00_00_00.abcdef", path.join(dir, "..data"));
    await assert.rejects(writeAtomically(dir, [f("a", "1")]), WriteError);
    const dir2 = tempDir();
    fs.mkdirSync(path.join(dir2, "..data"));
    await assert.rejects(writeAtomically(dir2, [f("a", "1")]), /is not a symbolic link/);
  });

  it("sweeps what a killed writer left (stale generations, ..data_tmp, link temps), keeps the current set", async () => {
    const dir = tempDir();
    await writeAtomically(dir, [f("a", "1")]);
    const current = fs.readlinkSync(path.join(dir, "..data"));
    const stale = "..2020_01_01_00_00_00.Zz9Yy8";
    fs.mkdirSync(path.join(dir, stale));
    fs.writeFileSync(path.join(dir, stale, "a"), "half");
    fs.symlinkSync(stale, path.join(dir, "..data_tmp"));
    fs.symlinkSync("..data/b", path.join(dir, "..b.link_tmp"));
    // Not ours: a look-alike name that does not match the generation pattern stays.
    fs.mkdirSync(path.join(dir, "..2020_01_01_not_ours"));
    const { dataDir } = await writeAtomically(dir, [f("a", "2")]);
    const names = fs.readdirSync(dir).sort();
    assert.deepEqual(names, ["..2020_01_01_not_ours", path.basename(dataDir), "..data", "a"].sort());
    assert.ok(!names.includes(current), "the previous generation is removed after the swap");
    assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "2");
  });

  it("generation names match the pattern the writer accepts", async () => {
    const dir = tempDir();
    const { dataDir } = await writeAtomically(dir, [f("a", "1")]);
    assert.match(path.basename(dataDir), GENERATION_RE);
    assert.equal(fs.readlinkSync(path.join(dir, "..data")), path.basename(dataDir));
  });
});

describe("runtime: exit codes around the swap (runOnce in process)", () => {
  const fakeLoader: ProviderLoader = async () => ({
    type: "aws-secretsmanager",
    fetchAll: async (sources) =>
      sources.map(() => ({ ok: true as const, value: { bytes: Buffer.from("v") }, attempts: 1, ms: 0 })),
  });
  const config = (dir: string) =>
    loadRunConfig({
      SECRET_MOUNT_SPEC: JSON.stringify({
        version: 1,
        dir,
        mode: "init",
        files: [{ path: "a", source: { type: "aws-secretsmanager", secretId: "x", region: "eu-west-1" } }],
      }),
    });
  const lines: { level: string; line: string }[] = [];
  const restore: (() => void)[] = [];
  beforeEach(() => {
    lines.length = 0;
    setLogWriter((level, line) => lines.push({ level, line }));
  });
  afterEach(() => {
    setLogWriter(undefined);
    while (restore.length) restore.pop()!();
  });
  /** Makes `fs[name]` throw EACCES for calls whose first argument matches `when`. */
  function failFs(name: "rmSync" | "symlinkSync", when: (arg: string) => boolean): void {
    // The module object itself (the writer reads its functions at call time), not this file's import wrapper.
    const fsm = require("node:fs") as Record<string, (...a: unknown[]) => unknown>;
    const real = fsm[name];
    fsm[name] = (...args: unknown[]) => {
      if (when(String(name === "symlinkSync" ? args[1] : args[0])))
        throw Object.assign(new Error("EACCES"), { code: "EACCES" });
      return real(...args);
    };
    restore.push(() => (fsm[name] = real));
  }

  it("failing to remove the previous generation after the swap is a warning, exit 0 (the new set is complete and visible)", async () => {
    const dir = tempDir();
    await writeAtomically(dir, [f("a", "old")]);
    const previous = fs.readlinkSync(path.join(dir, "..data"));
    failFs("rmSync", (p) => p.endsWith(previous));
    const code = await runOnce(config(dir), {}, fakeLoader);
    assert.equal(code, EXIT.OK);
    assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "v");
    assert.ok(
      lines.some((l) => l.level === "warn" && JSON.parse(l.line).event === "cleanup-failed"),
      JSON.stringify(lines),
    );
    assert.ok(lines.some((l) => JSON.parse(l.line).event === "set-written"));
  });

  it("a failure after the swap (a visible link) exits 4, not 3: the new set is visible", async () => {
    const dir = tempDir();
    failFs("symlinkSync", (p) => p.endsWith(".link_tmp"));
    const code = await runOnce(config(dir), {}, fakeLoader);
    assert.equal(code, EXIT.WRITE_INCOMPLETE);
    assert.equal(fs.readFileSync(path.join(dir, "..data", "a"), "utf8"), "v", "the set was swapped in");
    const line = lines.map((l) => JSON.parse(l.line)).find((l) => l.event === "write-failed");
    assert.equal(line?.visible, true);
  });

  it("a failure before the swap exits 3 and nothing became visible", async () => {
    const dir = tempDir();
    failFs("symlinkSync", (p) => p.endsWith("..data_tmp"));
    const code = await runOnce(config(dir), {}, fakeLoader);
    assert.equal(code, EXIT.WRITE_FAILED);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
