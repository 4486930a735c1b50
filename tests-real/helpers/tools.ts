import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const BUILD = path.join(ROOT, "tests-real/tools/build.sh");

/** A real-parts tool: its binary directory, or why it could not be had (the suite then is pending). */
export type Tool = { ok: true; bin: string; dir: string } | { ok: false; reason: string };

const built = new Map<string, Tool>();

/** Where build.sh gets the tools that do not come from the Go module proxy. */
const SOURCE: Record<string, string> = {
  moto: "PyPI (pip install into a venv)",
  "cni-plugins": "Debian's packages",
  busybox: "Debian's packages",
};

/**
 * CI's budget for building tools: $SECRET_MOUNT_TOOL_DEADLINE, in epoch seconds (.ci/run sets it
 * so that the suite still has time to run inside CI's limit). Unset: no budget.
 */
function buildBudget(): { seconds: number } | { spent: string } | undefined {
  const deadline = Number(process.env.SECRET_MOUNT_TOOL_DEADLINE);
  if (!Number.isFinite(deadline) || deadline <= 0) return undefined;
  const seconds = Math.floor(deadline - Date.now() / 1000);
  return seconds > 30
    ? { seconds }
    : { spent: "the tool-build budget ($SECRET_MOUNT_TOOL_DEADLINE, set by .ci/run) is spent" };
}

/**
 * Builds (first run) or finds (later runs) one tool in the version-keyed cache outside the clone.
 * A tool the Go module proxy refuses, or whose build runs past the budget, is reported with the
 * reason, never thrown. A build stopped by the budget keeps what it compiled in Go's build cache.
 */
export function tool(name: string): Tool {
  const known = built.get(name);
  if (known) return known;
  let result: Tool;
  const budget = buildBudget();
  // A cached tool is found at once whatever the budget; a build would only start with time left.
  const cmd =
    budget === undefined
      ? ["bash", BUILD, name]
      : "seconds" in budget
        ? ["timeout", "--kill-after=10", String(budget.seconds), "bash", BUILD, name]
        : ["bash", BUILD, name, "--cached-only"];
  try {
    const start = Date.now();
    const out = execFileSync(cmd[0], cmd.slice(1), {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 << 20,
    });
    const bin = out.trim().split("\n").pop()!;
    const seconds = Math.round((Date.now() - start) / 1000);
    if (seconds > 5) console.log(`      built ${name} in ${seconds}s into ${bin}`);
    result = { ok: true, bin: path.join(bin, name), dir: bin };
  } catch (err) {
    const e = err as { stderr?: string; message: string; status?: number | null };
    const tail = (e.stderr ?? e.message)
      .trim()
      .split("\n")
      .filter((l) => !/^go: (downloading|added|finding)/.test(l))
      .slice(-4)
      .join(" | ");
    if (budget && "spent" in budget) result = { ok: false, reason: `${name} not built: ${budget.spent}` };
    // timeout(1) exits 124 when it stopped the build, 137 when it had to kill it.
    else if (budget && (e.status === 124 || e.status === 137)) {
      result = {
        ok: false,
        reason: `${name} not built: its build ran past the tool-build budget (${budget.seconds} s left of CI's limit); Go's build cache keeps what compiled, a later run goes on from there`,
      };
    } else
      result = {
        ok: false,
        reason: `${name} could not be built from ${SOURCE[name] ?? "the Go module proxy"}: ${tail}`,
      };
  }
  built.set(name, result);
  return result;
}

/** Marks the calling suite or test pending, with the reason printed loudly, when a tool is missing. */
export function needTool(ctx: Mocha.Context, name: string): string {
  const t = tool(name);
  if (!t.ok) {
    console.log(`      NOT BUILT (the tests that need it are pending): ${t.reason}`);
    ctx.skip();
  }
  return (t as { bin: string }).bin;
}

/**
 * A tool another suite builds, only when an earlier run already built it: a test that merely also
 * uses it must not start that build (and spend CI's budget) before the suites that need it. Not in
 * the cache yet: the test is pending, saying so.
 */
export function needCachedTool(ctx: Mocha.Context, name: string, builtBy: string): string {
  const known = built.get(name);
  if (known?.ok) return known.bin;
  try {
    const out = execFileSync("bash", [BUILD, name, "--cached-only"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return path.join(out.trim().split("\n").pop()!, name);
  } catch {
    console.log(
      `      NOT BUILT (the tests that need it are pending): ${name} is not in the tool cache yet; ${builtBy} builds it, a later run uses it here`,
    );
    ctx.skip();
  }
}

export function toolExists(bin: string): boolean {
  return fs.existsSync(bin);
}
