/**
 * Writes a set of files so that it changes all at once, the way the kubelet's atomic_writer.go does
 * for projected volumes:
 *
 *   <dir>/..2026_11_22_16_40_00.Ab12Cd/   a generation: the data, written fresh each time (files fsynced)
 *   <dir>/..data -> ..2026_11_22_16_40_00.Ab12Cd   swapped by renaming a new `..data_tmp` link over it
 *   <dir>/db -> ..data/db                  one visible link per top-level path segment
 *
 * Nothing is visible until `..data` is renamed; on any failure before that the new generation is
 * removed. A reader that resolves `..data` once sees one consistent set; every single file read
 * through a visible path is always whole.
 *
 * Group ownership: on a Kubernetes volume with `fsGroup` the kubelet makes the volume directory
 * group-owned by the fsGroup and setgid, so everything created inside inherits that group. The
 * writer creates each directory with its final mode and never clears the setgid bit (a chmod, only
 * when a strict umask cut the mode, comes after the contents exist), so every file stays
 * group-owned by the volume's group whatever the writer's own gid, and a mode such as 0440 lets
 * every app container read through fsGroup.
 *
 * The writer trusts only names it makes itself: `..data` must point at a generation name
 * (GENERATION_RE), nothing is removed outside `dir`, and leftovers of a killed writer (stale
 * generations, `..data_tmp`, link temps) are swept before each write.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const DATA_LINK = "..data";
const DATA_TMP_LINK = "..data_tmp";
/** `..YYYY_MM_DD_hh_mm_ss.` + 6 random letters or digits: the only names this writer creates or removes as data. */
export const GENERATION_RE = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.[A-Za-z0-9]{6}$/;
const LINK_TMP_RE = /^\.\.[A-Za-z0-9._-]+\.link_tmp$/;
/** Owner rwx, group r-x; the setgid bit a directory inherited is kept (see above). */
const DIR_MODE = 0o750;
const S_ISGID = 0o2000;

export interface OutFile {
  /** Relative path, already validated by the FetchSpec parser. */
  path: string;
  bytes: Buffer;
  mode: number;
}

/**
 * The volume could not be written; `code` is the errno code (EACCES, ENOSPC, ...). `visible` is
 * true when the failure came after the new set was swapped in (so the new set is what readers see).
 */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly visible = false,
  ) {
    super(message);
    this.name = "WriteError";
  }
}

export interface WriteResult {
  dataDir: string;
  /** Housekeeping that failed after the swap (the new set is complete and visible): one line each. */
  cleanupProblems: string[];
}

/** The code of the WriteError thrown when `stop` aborted the write before the swap (nothing of it is left). */
export const WRITE_STOPPED = "STOPPED";

/**
 * Writes the set and swaps it in. Between files it yields to the event loop, so a stop signal is
 * seen at once: `stop` aborted before the swap removes the new generation and throws a WriteError
 * with code WRITE_STOPPED (what was visible stays as it was).
 *
 * The steps follow the kubelet's AtomicWriter.Write (pkg/volume/util/atomic_writer.go), numbered
 * as it numbers them; where this writer departs, the step says so and why:
 *
 *  1. The payload is validated. Here: before the writer runs (the FetchSpec parser checks every
 *     path: relative, no `..` segment, no `..`-prefixed segment, no duplicate, no file/directory clash).
 *  2. The current generation is found by reading the `..data` link. Here also refused when `..data`
 *     is not a link to a name this writer makes; then each visible name must be free or our link,
 *     and the leftovers of a killed writer are swept (the kubelet has neither check nor sweep: it
 *     owns the volume; we share it with whatever else the pod mounts there).
 *  3. The old generation is walked for paths the new set no longer has. Here: not walked; stale
 *     visible links are found in step 11 by their target (`..data/<name>`), which needs no walk.
 *  4. The old data is compared with the new to skip a write that changes nothing. Here: done by the
 *     caller (readCurrentSet + sameContent), which also skips the swap notification.
 *  5. A new timestamped directory is created. Here with its final mode, not mkdtemp's 0700 and a
 *     chmod, so it keeps the setgid bit and group of an fsGroup volume (see the top of this file).
 *  6. The payload is written into it. Here each file is created exclusively (`wx`), chmodded
 *     against the umask as the kubelet does, and fsynced, as is each directory (the kubelet does not
 *     fsync: a tmpfs needs none, but a disk-backed volume such as ECS's does).
 *  7. Permissions are set on the new directory (the kubelet's optional setPerms). Here: directory
 *     modes, deepest first, only where a strict umask cut them.
 *  8. A `..data_tmp` link to the new directory is created.
 *  9. `..data_tmp` is renamed over `..data`: the atomic step. Before it, any failure removes the new
 *     generation and nothing visible changed; after it, a failure says the new set is visible.
 * 10. A visible link `<name> -> ..data/<name>` is made for each top-level name that lacks one. Here
 *     made through a temp name and renamed, so a name never exists half-made.
 * 11. Visible names the new set no longer has are removed: only links that point into `..data`.
 * 12. The previous generation is removed. Here, failures of 11 and 12 do not fail the write: the new
 *     set is complete and visible, so they are returned as `cleanupProblems`; the next write retries
 *     them (its step 2 sweeps a generation left behind, its step 11 the links).
 */
export async function writeAtomically(dir: string, files: OutFile[], stop?: AbortSignal): Promise<WriteResult> {
  const tops = [...new Set(files.map((f) => f.path.split("/")[0]))];
  let tsDir: string | undefined;
  let previous: string | undefined;
  // (1) The paths were validated by the FetchSpec parser before they got here.
  try {
    fs.mkdirSync(dir, { recursive: true });
    // (2) The current generation, or a refusal if `..data` is not ours; the visible names are free
    // or ours; a killed writer's leftovers go. (3) and (4) are not done here: see above.
    previous = currentDataDir(dir);
    for (const top of tops) checkVisibleSlot(dir, top);
    sweepLeftovers(dir, previous);
    // (5) A new generation directory.
    tsDir = makeGeneration(dir);
    // (6) The payload, each file durable before the next.
    for (const f of files) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stop?.aborted)
        throw new WriteError("stopped before the new set was complete; none of it was made visible", WRITE_STOPPED);
      writeFileDurably(tsDir, f);
    }
    // (7) Directory modes, then the generation itself made durable.
    setDirModes(tsDir, files);
    fsyncDir(tsDir);
    // (8) `..data_tmp` -> the new generation.
    const tmpLink = path.join(dir, DATA_TMP_LINK);
    fs.rmSync(tmpLink, { force: true });
    fs.symlinkSync(path.basename(tsDir), tmpLink);
    // (9) The atomic swap.
    fs.renameSync(tmpLink, path.join(dir, DATA_LINK));
  } catch (e) {
    if (tsDir) removeGeneration(dir, path.basename(tsDir));
    throw asWriteError(e, dir);
  }
  // Swapped in: from here the new set is what readers see, and a failure must say so.
  const written = tsDir as string;
  try {
    fsyncDir(dir);
    // (10) The visible links the new set needs.
    for (const top of tops) ensureVisibleLink(dir, top);
  } catch (e) {
    const err = asWriteError(e, dir);
    throw new WriteError(
      `${err.message} (after the new set was swapped in: some top-level names may not link to it yet)`,
      err.code,
      true,
    );
  }
  const cleanupProblems: string[] = [];
  const housekeeping = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      cleanupProblems.push(`${what}: ${asWriteError(e, dir).message}`);
    }
  };
  // (11) Visible links the new set no longer has.
  housekeeping("removing stale visible links", () => removeStaleVisibleLinks(dir, new Set(tops)));
  // (12) The previous generation.
  if (previous && previous !== path.basename(written)) {
    const old = previous;
    housekeeping(`removing the previous generation ${old}`, () => removeGeneration(dir, old));
  }
  return { dataDir: written, cleanupProblems };
}

/** The files of the current set, read through `..data`; undefined when there is no set yet. */
export function readCurrentSet(dir: string, paths: string[]): Map<string, Buffer> | undefined {
  let current: string | undefined;
  try {
    current = currentDataDir(dir);
  } catch {
    return undefined; // not ours: the write that follows refuses it with the reason
  }
  if (!current) return undefined;
  const out = new Map<string, Buffer>();
  for (const p of paths) {
    try {
      out.set(p, fs.readFileSync(path.join(dir, DATA_LINK, p)));
    } catch {
      return undefined;
    }
  }
  return out;
}

export function sameContent(current: Map<string, Buffer> | undefined, files: OutFile[]): boolean {
  return (
    current !== undefined &&
    current.size === files.length &&
    files.every((f) => current.get(f.path)?.equals(f.bytes) === true)
  );
}

/** True when the first complete write happened (`<dir>/..data` resolves to a directory). */
export function hasCompleteSet(dir: string): boolean {
  try {
    const current = currentDataDir(dir);
    return current !== undefined && fs.statSync(path.join(dir, current)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The legacy single-file target (SECRET_FILE): a file path cannot hold a `..data` directory, so it
 * is written as single-secret init-container manifests expect, as a plain file, but atomically: a
 * temp file in the same directory, fsynced, renamed over the target.
 */
export function writeFileAtomically(target: string, bytes: Buffer, mode: number): void {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${Date.now()}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(tmp, "wx", mode);
    try {
      writeAll(fd, bytes);
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
    fsyncDir(dir);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw asWriteError(e, target);
  }
}

/** `..YYYY_MM_DD_HH_MM_SS.` in UTC, as the kubelet names its data directories (a random suffix follows). */
export function timestampPrefix(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.`;
}

function writeFileDurably(root: string, f: OutFile): void {
  const full = path.join(root, f.path);
  const parent = path.dirname(full);
  // Created inside the new generation, they inherit its group and setgid bit; modes are set later.
  if (parent !== root) fs.mkdirSync(parent, { recursive: true, mode: DIR_MODE });
  const fd = fs.openSync(full, "wx", f.mode);
  try {
    writeAll(fd, f.bytes);
    fs.fchmodSync(fd, f.mode); // the umask must not change the declared mode
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (parent !== root) fsyncDir(parent);
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The generation `..data` points at; undefined when there is no `..data`. Anything else at
 * `..data` (not a link, or a link to a name this writer does not make, e.g. `../victim`) is refused:
 * the volume was not written by this program, and nothing it points at is ours to touch.
 */
function currentDataDir(dir: string): string | undefined {
  const link = path.join(dir, DATA_LINK);
  const st = fs.lstatSync(link, { throwIfNoEntry: false });
  if (!st) return undefined;
  const target = st.isSymbolicLink() ? fs.readlinkSync(link) : undefined;
  if (target === undefined || !GENERATION_RE.test(target)) {
    const what = target === undefined ? "is not a symbolic link" : `points at ${JSON.stringify(target)}`;
    throw new WriteError(
      `${link} ${what}, not a data directory this program made; refusing to write (the volume must be empty or written by this program)`,
      "EEXIST",
    );
  }
  return target;
}

/** Removes a generation of ours: only a GENERATION_RE name directly inside `dir`, never through a link. */
function removeGeneration(dir: string, name: string): void {
  const full = path.resolve(dir, name);
  if (!GENERATION_RE.test(name) || path.dirname(full) !== path.resolve(dir)) return;
  const st = fs.lstatSync(full, { throwIfNoEntry: false });
  if (st?.isDirectory()) fs.rmSync(full, { recursive: true, force: true });
}

/**
 * A writer killed half-way (SIGKILL, OOM, node drain) leaves a generation nobody points at, a
 * `..data_tmp` link or a link temp: removed before the next write so they cannot pile up in memory.
 */
function sweepLeftovers(dir: string, current: string | undefined): void {
  for (const name of fs.readdirSync(dir)) {
    if (name === current) continue;
    if (GENERATION_RE.test(name)) removeGeneration(dir, name);
    else if (name === DATA_TMP_LINK || LINK_TMP_RE.test(name)) {
      if (fs.lstatSync(path.join(dir, name), { throwIfNoEntry: false })?.isSymbolicLink())
        fs.unlinkSync(path.join(dir, name));
    }
  }
}

const SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A new generation directory, created with its final mode (not mkdtemp's 0700 and a chmod): inside a
 * setgid volume it inherits the volume's group and setgid bit whoever the writer is.
 */
function makeGeneration(dir: string): string {
  for (;;) {
    const suffix = [...randomBytes(6)].map((b) => SUFFIX_CHARS[b % SUFFIX_CHARS.length]).join("");
    const full = path.join(dir, `${timestampPrefix(new Date())}${suffix}`);
    try {
      fs.mkdirSync(full, { mode: DIR_MODE });
      return full;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/**
 * Gives the generation and its sub-directories their final mode, deepest first, once every file is
 * in place. The setgid bit each inherited is kept; if the kernel drops it anyway (a writer that is
 * not a member of the volume's group), the contents were already created with the right group.
 */
function setDirModes(root: string, files: OutFile[]): void {
  const dirs = new Set<string>();
  for (const f of files)
    for (let d = path.dirname(path.join(root, f.path)); d !== root; d = path.dirname(d)) dirs.add(d);
  for (const d of [...dirs].sort((a, b) => b.length - a.length).concat(root)) {
    const mode = fs.statSync(d).mode;
    // Only when a strict umask cut the mode: a chmod by a writer outside the volume's group drops setgid.
    if ((mode & 0o777) !== DIR_MODE) fs.chmodSync(d, DIR_MODE | (mode & S_ISGID));
  }
}

/** A visible name may be free or already our link; anything else there is refused before any write. */
function checkVisibleSlot(dir: string, top: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path.join(dir, top));
  } catch {
    return;
  }
  if (!st.isSymbolicLink() || fs.readlinkSync(path.join(dir, top)) !== path.join(DATA_LINK, top)) {
    throw new WriteError(
      `"${top}" already exists in ${dir} and is not a link into ${DATA_LINK}; the volume must be empty or written by this program`,
      "EEXIST",
    );
  }
}

function ensureVisibleLink(dir: string, top: string): void {
  const link = path.join(dir, top);
  if (fs.lstatSync(link, { throwIfNoEntry: false })) return;
  // Created through a temp name and renamed, so the name never points nowhere half-made.
  const tmp = path.join(dir, `..${top}.link_tmp`);
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(path.join(DATA_LINK, top), tmp);
  fs.renameSync(tmp, link);
}

function removeStaleVisibleLinks(dir: string, keep: Set<string>): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith("..") || keep.has(name)) continue;
    const link = path.join(dir, name);
    const st = fs.lstatSync(link, { throwIfNoEntry: false });
    if (st?.isSymbolicLink() && fs.readlinkSync(link) === path.join(DATA_LINK, name)) fs.unlinkSync(link);
  }
}

function asWriteError(e: unknown, where: string): WriteError {
  if (e instanceof WriteError) return e;
  const code = (e as NodeJS.ErrnoException)?.code ?? "EIO";
  const why: Record<string, string> = {
    EACCES: "permission denied (check the volume's owner, fsGroup and the container's user)",
    EPERM: "operation not permitted",
    EROFS: "the file system is read-only",
    ENOSPC: "no space left (raise the memory volume's sizeLimit)",
    EDQUOT: "disk quota exceeded (raise the volume's size limit)",
    ENOTDIR: "a path component is not a directory",
  };
  return new WriteError(`cannot write ${where}: ${why[code] ?? code}`, code);
}
