import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const BUILD = path.join(ROOT, "tests-real/tools/build.sh");

/** A real-parts tool: its binary directory, or why it could not be had (the suite then skips). */
export type Tool = { ok: true; bin: string; dir: string } | { ok: false; reason: string };

const built = new Map<string, Tool>();

/**
 * Builds (first run) or finds (later runs) one tool in the version-keyed cache outside the clone.
 * A tool the Go module proxy refuses is reported with the build's last lines, never thrown.
 */
export function tool(name: string): Tool {
  const known = built.get(name);
  if (known) return known;
  let result: Tool;
  try {
    const start = Date.now();
    const out = execFileSync("bash", [BUILD, name], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
    const bin = out.trim().split("\n").pop()!;
    const seconds = Math.round((Date.now() - start) / 1000);
    if (seconds > 5) console.log(`      built ${name} in ${seconds}s into ${bin}`);
    result = { ok: true, bin: path.join(bin, name), dir: bin };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const tail = (e.stderr ?? e.message).trim().split("\n").filter((l) => !/^go: (downloading|added|finding)/.test(l)).slice(-4).join(" | ");
    result = { ok: false, reason: `${name} could not be built from the Go module proxy: ${tail}` };
  }
  built.set(name, result);
  return result;
}

/** Skips the calling suite or test with the printed reason when a tool is missing. */
export function needTool(ctx: Mocha.Context, name: string): string {
  const t = tool(name);
  if (!t.ok) {
    console.log(`      SKIP: ${t.reason}`);
    ctx.skip();
  }
  return (t as { bin: string }).bin;
}

export function toolExists(bin: string): boolean {
  return fs.existsSync(bin);
}
