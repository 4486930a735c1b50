import * as fs from "node:fs";
import * as path from "node:path";
import { RenderError } from "./render-error";
import { clashingPaths } from "./unique-paths";

/**
 * The review folder is replaced whole on every run, so render must own it: it writes a marker
 * listing every file it wrote, and replaces only a folder that is empty or holds that marker and
 * nothing else. Everything it deletes lies inside that folder or in staging folders it created.
 */

export const MARKER_FILE = ".secret-mount-render";
const MARKER_VERSION = "secret-mount render 1";
const MARKER_LINE = /^secret-mount render \d+$/;

/** Folders `--out` may not be, nor contain: replacing them would delete the user's work. */
export interface ProtectedDirs {
  cwd: string;
  programDir: string;
  /** This checkout of secret-mount. */
  libraryRoot: string;
}

/**
 * Refuses an `--out` render may not replace (throws RenderError): a file or symbolic link, a
 * non-empty folder render did not write, `/`, the program directory, or a folder holding the
 * current directory, the program or this checkout. `shown` is the path as the user gave it.
 */
export function checkOutDir(outDir: string, shown: string, guard: ProtectedDirs): void {
  const real = realTarget(outDir);
  if (real === path.parse(real).root) throw refuse(shown, "is the filesystem root");
  const named: Array<[string, string]> = [
    [guard.programDir, "the program directory"],
    [guard.cwd, "the current directory"],
    [guard.libraryRoot, "this secret-mount checkout"],
  ];
  for (const [dir, what] of named) {
    const r = realTarget(dir);
    if (r === real) throw refuse(shown, `is ${what}`);
    if (isInside(r, real)) throw refuse(shown, `contains ${what} (${dir})`);
  }
  checkReplaceable(outDir, shown);
}

/** Refuses unless `dir` does not exist, is an empty folder, or holds exactly what render wrote. */
export function checkReplaceable(dir: string, shown: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (st.isSymbolicLink()) throw refuse(shown, "is a symbolic link; give the folder itself");
  if (!st.isDirectory()) throw refuse(shown, "is an existing file; render writes a folder");
  const entries = fs.readdirSync(dir);
  if (entries.length === 0) return;
  const marker = path.join(dir, MARKER_FILE);
  const written = readMarker(marker);
  if (!written) {
    throw refuse(shown, `is a folder render did not write (it has no ${MARKER_FILE} marker) and is not empty`);
  }
  const foreign = foreignEntries(dir, written);
  if (foreign.length) {
    const list = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : "");
    throw refuse(shown, `holds files render did not write (${list})`);
  }
}

/**
 * Writes `files` as the folder `outDir`: into a fresh staging folder beside it first, then swaps it
 * in, so a reviewer never sees a half-written folder. Paths must be unique (case-insensitively), so
 * every file listed is a file on disk. The previous folder is checked again (after
 * it is moved aside, so nothing can slip in) before it is deleted.
 */
export function replaceOutDir(outDir: string, shown: string, files: Array<{ path: string; content: string }>): void {
  const clashing = clashingPaths([...files, { path: MARKER_FILE }]);
  if (clashing.length)
    throw new Error(`render: two review files would share the path ${clashing.join(", ")}; nothing was written`);
  const parent = path.dirname(outDir);
  const base = path.basename(outDir);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${base}.render-`));
  let trash: string | undefined;
  try {
    for (const f of files) {
      const file = path.join(staging, f.path);
      if (!isInside(file, staging)) throw new Error(`render: artifact path ${f.path} leaves the folder`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.content);
    }
    fs.writeFileSync(path.join(staging, MARKER_FILE), markerText(files.map((f) => f.path)));
    if (fs.existsSync(outDir) || isSymlink(outDir)) {
      trash = fs.mkdtempSync(path.join(parent, `.${base}.old-`));
      const old = path.join(trash, base);
      fs.renameSync(outDir, old);
      try {
        checkReplaceable(old, shown);
      } catch (e) {
        fs.renameSync(old, outDir);
        throw e;
      }
    }
    try {
      fs.renameSync(staging, outDir);
    } catch (e) {
      if (trash) fs.renameSync(path.join(trash, base), outDir);
      throw e;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    if (trash) fs.rmSync(trash, { recursive: true, force: true });
  }
}

function markerText(paths: string[]): string {
  return [
    MARKER_VERSION,
    "# Written by secret-mount's render. Render replaces this folder whole on its next run, and only",
    "# while it holds nothing but the files listed here. Delete this marker to keep the folder.",
    ...paths,
    "",
  ].join("\n");
}

/** The files a marker lists, or undefined when there is no valid marker. */
function readMarker(marker: string): Set<string> | undefined {
  try {
    if (!fs.lstatSync(marker).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const lines = fs.readFileSync(marker, "utf8").split("\n");
  if (!MARKER_LINE.test(lines[0])) return undefined;
  return new Set(lines.slice(1).filter((l) => l && !l.startsWith("#")));
}

/** Entries under `dir` that are neither the marker, a listed file, nor a folder on the way to one. */
function foreignEntries(dir: string, written: Set<string>): string[] {
  const folders = new Set<string>();
  for (const p of written) for (let d = path.posix.dirname(p); d !== "."; d = path.posix.dirname(d)) folders.add(d);
  const foreign: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory() && folders.has(p)) walk(p);
      else if (!(e.isFile() && (written.has(p) || p === MARKER_FILE))) foreign.push(p);
    }
  };
  walk("");
  return foreign;
}

function refuse(shown: string, why: string): RenderError {
  return new RenderError(
    `--out ${shown} ${why}. Render replaces its --out folder whole, so it writes only to a new folder, ` +
      `an empty one, or one it wrote before (marked by ${MARKER_FILE}); give another --out, e.g. out/review. Nothing was written.`,
  );
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realTarget(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realTarget(parent), path.basename(abs));
  }
}

/** True when `child` lies strictly inside `dir`. */
function isInside(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
