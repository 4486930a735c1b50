import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { readProject, shown } from "./program-files";
import { checkOutDir, replaceOutDir } from "./out-dir";
import { RenderError } from "./render-error";

export const USAGE = "usage: npm run render -- <program dir, e.g. examples/eks> [--out <dir>] [--stack <name>]";
const DEFAULT_STACK = "example";
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;
const LIBRARY_ROOT = path.resolve(__dirname, "..", "..");

/**
 * `npm run render -- examples/eks`: what `pulumi up` would create, written for review. Returns the
 * exit code: 0 written, 2 refused (bad arguments, an `--out` render may not replace, a stack or
 * config problem; nothing written), 1 the program itself failed.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    return await render(argv);
  } catch (e) {
    console.error(`render: ${(e as Error).message}`);
    return e instanceof RenderError ? 2 : 1;
  }
}

async function render(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args === "help") {
    console.log(USAGE);
    return 0;
  }
  const dir = path.resolve(args.program);
  if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
    throw new RenderError(`${args.program} has no Pulumi.yaml; give a Pulumi program directory such as examples/eks`);
  }
  const stack = args.stack ?? DEFAULT_STACK;
  const { stackPath } = readProject(dir, stack);
  if (args.stack !== undefined && !fs.existsSync(stackPath)) {
    const have = stacksBeside(stackPath);
    throw new RenderError(`stack "${stack}" has no config file: ${shown(stackPath)} does not exist ` +
      `(stacks here: ${have.length ? have.join(", ") : "none"}). Create it with a \`config:\` mapping, or pick a stack with --stack.`);
  }
  const outShown = args.out ?? path.join("out", path.basename(dir));
  const outDir = path.resolve(outShown);
  checkOutDir(outDir, outShown, { cwd: process.cwd(), programDir: dir, libraryRoot: LIBRARY_ROOT });

  // Loaded only now: refusing bad arguments should not wait for the Pulumi SDK to load.
  const { runProgram } = await import("./offline-engine");
  const { buildArtifacts, formatReview, REVIEW_WIDTH } = await import("./artifacts");
  const { wrapText } = await import("./terminal-text");
  const run = await runProgram(dir, stack);
  const { artifacts, entries, notes } = buildArtifacts(run.resources, {
    project: run.project, stack, placeholders: run.placeholders, scope: run.scope,
  });
  replaceOutDir(outDir, outShown, artifacts);

  console.log(formatReview(`${run.project} (stack ${stack}), rendered offline: what \`pulumi up\` would create`, entries, notes));
  console.log(["", ...wrapText(`Wrote ${artifacts.length} files to ${outShown}:`, REVIEW_WIDTH)].join("\n"));
  for (const a of artifacts) console.log(`  ${a.path}`);
  return 0;
}

interface CommandLine {
  /** The program directory, as given. */
  program: string;
  /** `--out`, as given. */
  out?: string;
  /** `--stack`, when given. */
  stack?: string;
}

/** Parses argv with node's parseArgs; anything it cannot place is a RenderError with the usage. */
export function parseCommandLine(argv: string[]): CommandLine | "help" {
  const { values, positionals, tokens } = parseStrict(argv);
  if (values.help) return "help";
  for (const name of ["out", "stack"] as const) {
    if (tokens.filter((t) => t.kind === "option" && t.name === name).length > 1) throw new RenderError(`--${name} given more than once\n${USAGE}`);
  }
  if (positionals.length !== 1) {
    throw new RenderError(`${positionals.length ? `expected one program directory, got ${positionals.join(" ")}` : "no program directory given"}\n${USAGE}`);
  }
  if (values.out !== undefined && values.out.trim() === "") throw new RenderError(`--out needs a folder\n${USAGE}`);
  if (values.stack !== undefined && (!STACK_NAME.test(values.stack) || /^\.+$/.test(values.stack))) {
    throw new RenderError(`--stack "${values.stack}" is not a stack name (letters, digits, '-', '_', '.')\n${USAGE}`);
  }
  return { program: positionals[0], out: values.out, stack: values.stack };
}

function parseStrict(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new RenderError(`${(e as Error).message}\n${USAGE}`);
  }
}

const OPTIONS = {
  out: { type: "string" },
  stack: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function stacksBeside(stackPath: string): string[] {
  try {
    return fs.readdirSync(path.dirname(stackPath))
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .sort();
  } catch {
    return [];
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
