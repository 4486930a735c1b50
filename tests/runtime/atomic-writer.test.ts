/** The writer in process: the cases a child process cannot easily provoke. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readCurrentSet, sameContent, timestampPrefix, writeAtomically, WriteError } from "../../runtime-image/src/atomic-writer";
import { tempDir } from "./harness";

const f = (p: string, text: string, mode = 0o440) => ({ path: p, bytes: Buffer.from(text), mode });

describe("runtime: atomic writer (in process)", () => {
  it("names data dirs like the kubelet", () => {
    assert.equal(timestampPrefix(new Date(Date.UTC(2026, 10, 2, 3, 4, 5))), "..2026_11_02_03_04_05.");
  });

  it("a failure while writing the new set removes it and leaves the current set untouched", () => {
    const dir = tempDir();
    writeAtomically(dir, [f("a", "one")]);
    const before = fs.readdirSync(dir).sort();
    // The second entry cannot be created (the same path twice): the write fails half-way.
    assert.throws(() => writeAtomically(dir, [f("a", "two"), f("a", "two again")]), WriteError);
    assert.deepEqual(fs.readdirSync(dir).sort(), before);
    assert.equal(fs.readFileSync(path.join(dir, "a"), "utf8"), "one");
  });

  it("a failed first write leaves the directory empty", () => {
    const dir = tempDir();
    assert.throws(() => writeAtomically(dir, [f("x/y", "1"), f("x/y", "2")]), WriteError);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("a new set replaces the old: removed paths disappear, the old data dir is deleted", () => {
    const dir = tempDir();
    writeAtomically(dir, [f("keep", "1"), f("gone/file", "1")]);
    const first = fs.readlinkSync(path.join(dir, "..data"));
    writeAtomically(dir, [f("keep", "2"), f("new", "2")]);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => !n.startsWith("..")).sort(), ["keep", "new"]);
    assert.equal(fs.existsSync(path.join(dir, first)), false);
    assert.equal(fs.readFileSync(path.join(dir, "keep"), "utf8"), "2");
  });

  it("compares the current set by content", () => {
    const dir = tempDir();
    const files = [f("a", "1"), f("b/c", "2")];
    assert.equal(sameContent(readCurrentSet(dir, ["a", "b/c"]), files), false);
    writeAtomically(dir, files);
    assert.equal(sameContent(readCurrentSet(dir, ["a", "b/c"]), files), true);
    assert.equal(sameContent(readCurrentSet(dir, ["a", "b/c"]), [f("a", "1"), f("b/c", "3")]), false);
  });
});
