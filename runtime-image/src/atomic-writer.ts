/**
 * Writes a set of files so that it changes all at once, the way the kubelet's atomic_writer.go does
 * for projected volumes:
 *
 *   <dir>/..2026_11_22_16_40_00.Ab12Cd/   the data, written fresh each time (files fsynced)
 *   <dir>/..data -> ..2026_11_22_16_40_00.Ab12Cd   swapped by renaming a new `..data_tmp` link over it
 *   <dir>/db -> ..data/db                  one visible link per top-level path segment
 *
 * Nothing is visible until `..data` is renamed; on any failure before that the new directory is
 * removed. A reader that resolves `..data` once sees one consistent set; every single file read
 * through a visible path is always whole.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export const DATA_LINK = "..data";
const DATA_TMP_LINK = "..data_tmp";
const DIR_MODE = 0o750;

export interface OutFile {
  /** Relative path, already validated by the FetchSpec parser. */
  path: string;
  bytes: Buffer;
  mode: number;
}

/** The volume could not be written; `code` is the errno code (EACCES, ENOSPC, ...). */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "WriteError";
  }
}

export function writeAtomically(dir: string, files: OutFile[]): { dataDir: string } {
  const tops = [...new Set(files.map((f) => f.path.split("/")[0]))];
  let tsDir: string | undefined;
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const top of tops) checkVisibleSlot(dir, top);
    tsDir = fs.mkdtempSync(path.join(dir, timestampPrefix(new Date())));
    fs.chmodSync(tsDir, DIR_MODE);
    for (const f of files) writeFileDurably(tsDir, f);
    fsyncDir(tsDir);
    const previous = currentDataDir(dir);
    const tmpLink = path.join(dir, DATA_TMP_LINK);
    fs.rmSync(tmpLink, { force: true });
    fs.symlinkSync(path.basename(tsDir), tmpLink);
    fs.renameSync(tmpLink, path.join(dir, DATA_LINK));
    fsyncDir(dir);
    const written = tsDir;
    tsDir = undefined; // swapped in: no longer ours to remove on failure
    for (const top of tops) ensureVisibleLink(dir, top);
    removeStaleVisibleLinks(dir, new Set(tops));
    if (previous && previous !== path.basename(written)) fs.rmSync(path.join(dir, previous), { recursive: true, force: true });
    return { dataDir: written };
  } catch (e) {
    if (tsDir) fs.rmSync(tsDir, { recursive: true, force: true });
    throw asWriteError(e, dir);
  }
}

/** The files of the current set, read through `..data`; undefined when there is no set yet. */
export function readCurrentSet(dir: string, paths: string[]): Map<string, Buffer> | undefined {
  if (!currentDataDir(dir)) return undefined;
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
  return current !== undefined && current.size === files.length && files.every((f) => current.get(f.path)?.equals(f.bytes) === true);
}

/** True when the first complete write happened (`<dir>/..data` resolves to a directory). */
export function hasCompleteSet(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, DATA_LINK)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The legacy single-file target (SECRET_FILE): a file path cannot hold a `..data` directory, so it
 * is written the way the seed samples did, as a plain file, but atomically: a temp file in the same
 * directory, fsynced, renamed over the target.
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

/** `..YYYY_MM_DD_HH_MM_SS.` in UTC, as the kubelet names its data directories (mkdtemp adds the suffix). */
export function timestampPrefix(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.`;
}

function writeFileDurably(root: string, f: OutFile): void {
  const full = path.join(root, f.path);
  const parent = path.dirname(full);
  if (parent !== root) {
    fs.mkdirSync(parent, { recursive: true, mode: DIR_MODE });
    for (let d = parent; d !== root; d = path.dirname(d)) fs.chmodSync(d, DIR_MODE);
  }
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
  for (let off = 0; off < bytes.length; ) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function currentDataDir(dir: string): string | undefined {
  try {
    return fs.readlinkSync(path.join(dir, DATA_LINK));
  } catch {
    return undefined;
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
    throw new WriteError(`"${top}" already exists in ${dir} and is not a link into ${DATA_LINK}; the volume must be empty or written by this program`, "EEXIST");
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
