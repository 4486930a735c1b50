import * as fs from "node:fs";
import * as path from "node:path";
import { buildArtifacts, formatTable } from "./artifacts";
import { runProgram } from "./offline-engine";

const USAGE = "usage: npm run render -- <program dir, e.g. examples/eks> [--out <dir>] [--stack <name>]";

/** `npm run render -- examples/eks`: what `pulumi up` would create, written for review. */
async function main(argv: string[]): Promise<number> {
  const positional: string[] = [];
  let out: string | undefined;
  let stack = "example";
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i];
    else if (argv[i] === "--stack") stack = argv[++i];
    else if (argv[i] === "-h" || argv[i] === "--help") {
      console.log(USAGE);
      return 0;
    } else positional.push(argv[i]);
  }
  if (positional.length !== 1 || out === "") {
    console.error(USAGE);
    return 2;
  }
  const dir = path.resolve(positional[0]);
  if (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
    console.error(`render: ${positional[0]} has no Pulumi.yaml; give a Pulumi program directory such as examples/eks`);
    return 2;
  }
  const outDir = path.resolve(out ?? path.join("out", path.basename(dir)));

  const run = await runProgram(dir, stack);
  const { artifacts, rows } = buildArtifacts(run.resources);
  rows.sort((a, b) => Number(a.detail !== "component") - Number(b.detail !== "component") || a.name.localeCompare(b.name));

  // Write the whole folder beside the target, then swap it in: never a half-written review folder.
  const tmp = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const a of artifacts) {
    const file = path.join(tmp, a.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, a.content);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  fs.renameSync(tmp, outDir);

  console.log(`${run.project} (stack ${stack}), rendered offline: what \`pulumi up\` would create\n`);
  console.log(formatTable(rows));
  console.log(`\nWrote ${artifacts.length} files to ${path.relative(process.cwd(), outDir) || "."}:`);
  for (const a of artifacts) console.log(`  ${a.path}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`render: ${err.message}`);
    process.exit(1);
  },
);
