import * as path from "node:path";
import type { Artifact } from "../review/describe";

/** Paths compared as a case-insensitive file system (macOS, Windows) compares them. */
const key = (p: string) => p.toLowerCase();

/**
 * Gives every review file a path of its own, so that what render lists is what lands on disk: files
 * whose paths clash take their `qualified` path (the namespace, for two workloads of one name); any
 * still clashing get `-2`, `-3`, … before the extension, in registration order. `reserved` are the
 * paths render writes itself (kubernetes.yaml, README.md, the marker).
 */
export function uniquePaths(files: Artifact[], reserved: string[]): Artifact[] {
  const uses = new Map<string, number>();
  for (const p of [...reserved, ...files.map((f) => f.path)]) uses.set(key(p), (uses.get(key(p)) ?? 0) + 1);
  const taken = new Set(reserved.map(key));
  return files.map(({ qualified, ...file }) => {
    const wanted = uses.get(key(file.path))! > 1 && qualified !== undefined ? qualified : file.path;
    let p = wanted;
    for (let n = 2; taken.has(key(p)); n++) p = numbered(wanted, n);
    taken.add(key(p));
    return { ...file, path: p };
  });
}

/** `fetch-spec/web.json`, 2 → `fetch-spec/web-2.json`. */
function numbered(p: string, n: number): string {
  const ext = path.posix.extname(p);
  return `${p.slice(0, p.length - ext.length)}-${n}${ext}`;
}

/** The paths of `files` that another file of them also has (compared as on a case-insensitive file system). */
export function clashingPaths(files: Array<{ path: string }>): string[] {
  const seen = new Set<string>();
  return files.filter((f) => seen.size === seen.add(key(f.path)).size).map((f) => f.path);
}
