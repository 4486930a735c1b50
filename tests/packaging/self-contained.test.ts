import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

// A fresh clone, with nothing beside it, must build, test and read as it does here: no file of the
// repository reads, links to or cites a file outside it. (`.ci/run` runs the fast tier from such a
// copy; these checks name the offending file and line where that copy would only show the symptom.)

const ROOT = path.resolve(__dirname, "../..");

/** The repository's own files: tracked and untracked but not ignored (what a clone of a commit holds). */
function repositoryFiles(): string[] {
  try {
    return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    })
      .split("\0")
      .filter((f) => f && fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).isFile());
  } catch {
    // Not a git work tree (an unpacked archive): every file but the installed and built ones.
    const skip = new Set(["node_modules", ".git", "dist", "out"]);
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
        .flatMap((e) =>
          skip.has(e.name)
            ? []
            : e.isDirectory()
              ? walk(path.join(dir, e.name))
              : e.isFile()
                ? [path.join(dir, e.name)]
                : [],
        );
    return walk("");
  }
}

const TEXT = /\.(ts|js|mjs|cjs|json|md|ya?ml|sh|py|go|txt|env)$|(^|\/)(Dockerfile[^/]*|\.gitignore|run)$/;
const files = repositoryFiles().filter((f) => TEXT.test(f) && f !== "package-lock.json");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const inside = (abs: string) => abs === ROOT || abs.startsWith(ROOT + path.sep);

/** `file:line: text` of every line matching `pattern`. */
function linesMatching(pattern: RegExp): string[] {
  return files.flatMap((f) =>
    read(f)
      .split("\n")
      .flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe("the repository stands on its own (a fresh clone with nothing beside it)", () => {
  it("lists its own files to check", () => {
    for (const f of ["README.md", "package.json", "docs/fetch-spec.md", "tests/spec/fetch-spec.test.ts"])
      assert.ok(files.includes(f), f);
  });

  it("no file names the design notes or the folder kept beside the checkout during development", () => {
    // Written so that this file does not match itself.
    assert.deepEqual(linesMatching(/\b(DESIGN|WIRE)\.md\b|\.\.\/shared\b|\/work\/shared\b/), []);
  });

  it("the docs a user reads name no tracker numbers or development-time names (issue N, the seed projects)", () => {
    const docs = files.filter((f) => f.endsWith(".md") && !f.startsWith("tests"));
    const hits = docs.flatMap((f) =>
      read(f)
        .split("\n")
        .flatMap((line, i) =>
          /\(issue \d+\)|\bissue #?\d+\b|\bseeds?('s)?\b|\bthe session's machine\b/i.test(line)
            ? [`${f}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    assert.deepEqual(hits, []);
  });

  it("every path built from __dirname in code stays inside the repository", () => {
    const outside: string[] = [];
    const CALL = /path\.(?:resolve|join)\(\s*__dirname\s*,\s*((?:"[^"]*"\s*,?\s*)+)\)/g;
    for (const f of files.filter((x) => /\.(ts|js|cjs|mjs)$/.test(x))) {
      for (const [call, args] of read(f).matchAll(CALL)) {
        const segments = [...args.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
        const target = path.resolve(ROOT, path.dirname(f), ...segments);
        if (!inside(target)) outside.push(`${f}: ${call} -> ${path.relative(ROOT, target)}`);
      }
    }
    assert.deepEqual(outside, []);
  });

  it("every relative link of its Markdown files points at a file or folder in the repository", () => {
    const broken: string[] = [];
    for (const f of files.filter((x) => x.endsWith(".md"))) {
      // Inline links and images, outside code spans and fenced blocks.
      const text = read(f)
        .replace(/```[\s\S]*?```/g, "")
        .replace(/`[^`\n]*`/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^([a-z][a-z0-9+.-]*:|#)/i.test(target)) continue; // https:, mailto:, an anchor on the same page
        const file = decodeURIComponent(target.split("#")[0]);
        const abs = path.resolve(ROOT, path.dirname(f), file);
        if (!inside(abs) || !fs.existsSync(abs)) broken.push(`${f}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
