import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { readProject, shown } from "./program-files";
import { checkOutDir, replaceOutDir } from "./out-dir";
import { RenderError } from "./render-error";

export const USAGE = "usage: npm run render -- <program dir, e.g. examples/eks> [--out <dir>] [--stack <name>]";

/** What `--help` prints after the usage line: what render does, its options and its exit codes. */
export const HELP = `
Runs a Pulumi program written for Node.js (TypeScript or JavaScript) offline, under Pulumi's mocks:
no cloud, no cluster, no Pulumi CLI. Prints a review of what \`pulumi up\` would create and writes it
to a review folder (Kubernetes YAML, IAM and Azure JSON, each FetchSpec, tags, a README). No secret
value is ever written. Config comes only from the program's Pulumi.<stack>.yaml.

options:
  --out <dir>     the review folder (default out/<program dir name>). It is replaced whole on each
                  run, so it must be new, empty, or a folder render wrote before.
  --stack <name>  the stack whose Pulumi.<name>.yaml is read (default: example)
  -h, --help      this help

exit codes:
  0  written
  2  refused, nothing written: bad arguments or --out, a missing stack file or config keys (all
     named at once), a broken YAML file, a module not installed, a program not for Node.js, a
     declaration secret-mount refuses; the message names the file, key, module or field
  1  the program itself failed; nothing written`;
const DEFAULT_STACK = "example";
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;
const LIBRARY_ROOT = path.resolve(__dirname, "..", "..");

/**
 * `npm run render -- examples/eks`: what `pulumi up` would create, written for review. Returns the
 * exit code: 0 written, 2 refused (bad arguments, an `--out` render may not replace, a stack or
 * config problem, a declaration the library refuses; nothing written), 1 the program itself failed
 * (nothing written). `usage` is the usage line of the command that runs it.
 */
export async function main(argv: string[], usage = USAGE): Promise<number> {
  try {
    return await render(argv, usage);
  } catch (e) {
    console.error(`render: ${(e as Error).message}`);
    return e instanceof RenderError ? 2 : 1;
  }
}

async function render(argv: string[], usage: string): Promise<number> {
  const args = parseCommandLine(argv, usage);
  if (args === "help") {
    console.log(`${usage}\n${HELP}`);
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
    throw new RenderError(
      `stack "${stack}" has no config file: ${shown(stackPath)} does not exist ` +
        `(stacks here: ${have.length ? have.join(", ") : "none"}). Create it with a \`config:\` mapping, or pick a stack with --stack.`,
    );
  }
  const outShown = args.out ?? path.join("out", path.basename(dir));
  const outDir = path.resolve(outShown);
  checkOutDir(outDir, outShown, { cwd: process.cwd(), programDir: dir, libraryRoot: LIBRARY_ROOT });

  // Loaded only now: refusing bad arguments should not wait for the Pulumi SDK to load.
  const { runProgram } = await import("./offline-engine");
  const { buildArtifacts, formatReview, REVIEW_WIDTH } = await import("./artifacts");
  const { wrapText } = await import("../review/terminal-text");
  const run = await runProgram(dir, stack);
  const { artifacts, entries, notes } = buildArtifacts(run.resources, {
    project: run.project,
    stack,
    placeholders: run.placeholders,
    scope: run.scope,
  });
  replaceOutDir(outDir, outShown, artifacts);

  console.log(
    formatReview(`${run.project} (stack ${stack}), rendered offline: what \`pulumi up\` would create`, entries, notes),
  );
  console.log(
    [
      "",
      ...wrapText(
        `Wrote ${artifacts.length} ${artifacts.length === 1 ? "file" : "files"} to ${outShown}:`,
        REVIEW_WIDTH,
      ),
    ].join("\n"),
  );
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
export function parseCommandLine(argv: string[], usage = USAGE): CommandLine | "help" {
  const { values, positionals, tokens } = parseStrict(argv, usage);
  if (values.help) return "help";
  for (const name of ["out", "stack"] as const) {
    if (tokens.filter((t) => t.kind === "option" && t.name === name).length > 1)
      throw new RenderError(`--${name} given more than once\n${usage}`);
  }
  if (positionals.length !== 1) {
    throw new RenderError(
      `${positionals.length ? `expected one program directory, got ${positionals.join(" ")}` : "no program directory given"}\n${usage}`,
    );
  }
  if (values.out !== undefined && values.out.trim() === "") throw new RenderError(`--out needs a folder\n${usage}`);
  if (values.stack !== undefined && (!STACK_NAME.test(values.stack) || /^\.+$/.test(values.stack))) {
    throw new RenderError(`--stack "${values.stack}" is not a stack name (letters, digits, '-', '_', '.')\n${usage}`);
  }
  return { program: positionals[0], out: values.out, stack: values.stack };
}

function parseStrict(argv: string[], usage: string) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new RenderError(`${(e as Error).message}\n${usage}`);
  }
}

const OPTIONS = {
  out: { type: "string" },
  stack: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function stacksBeside(stackPath: string): string[] {
  try {
    return fs
      .readdirSync(path.dirname(stackPath))
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
