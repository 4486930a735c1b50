import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };

/** Runs the `secret-mount` bin (its source, through tsx) with `args`; never rejects. */
function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(ROOT, "components/render/bin.ts"), ...args],
      { cwd: ROOT },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the secret-mount bin: --version and --help", () => {
  it("--version prints the package's version alone", async () => {
    for (const flag of ["--version", "-v"]) {
      const r = await bin([flag]);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, `${PKG.version}\n`, ""], flag);
    }
  });

  it("--help: usage, what render does, each option and each exit code; exit 0", async () => {
    const r = await bin(["--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`secret-mount ${PKG.version}: `), r.stdout);
    assert.match(r.stdout, /^usage: npx secret-mount render <program dir> \[--out <dir>\] \[--stack <name>\]$/m);
    assert.match(r.stdout, /^ {7}npx secret-mount --help \| --version$/m);
    assert.match(r.stdout, /Node\.js \(TypeScript or JavaScript\)/);
    for (const option of ["--out <dir>", "--stack <name>", "-h, --help"])
      assert.match(r.stdout, new RegExp(`^ {2}${option.replace(/[-[\]]/g, "\\$&")} `, "m"), option);
    for (const code of ["0  written", "2  refused, nothing written", "1  the program itself failed"])
      assert.match(r.stdout, new RegExp(`^ {2}${code}`, "m"), code);
    assert.deepEqual(
      r.stdout.split("\n").filter((l) => l.length > 100),
      [],
    );
  });

  it("render --help prints the same, under the bin's usage line", async () => {
    const r = await bin(["render", "--help"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: npx secret-mount render /);
    assert.match(r.stdout, /^exit codes:$/m);
  });

  it("no command or an unknown one: the usage on stderr, exit 2", async () => {
    const none = await bin([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^usage: npx secret-mount render/m);
    const unknown = await bin(["rendr"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^secret-mount: unknown command "rendr"\nusage: npx secret-mount render/);
  });
});
