import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

// `npm run docs` builds the API reference from the TSDoc with TypeDoc; its own validation
// (`notDocumented`, warnings as errors, typedoc.json) is the check that every public arg is documented.

const ROOT = path.resolve(__dirname, "../..");
const TYPEDOC = path.join(ROOT, "node_modules/typedoc/bin/typedoc");
const run = promisify(execFile);

describe("API reference (TypeDoc over the TSDoc)", function () {
  this.timeout(180_000);

  it("builds with every export documented", async () => {
    // Exits non-zero on any warning (treatWarningsAsErrors), e.g. an undocumented export.
    await run(process.execPath, [TYPEDOC, "--emit", "none"], { cwd: ROOT });
  });

  it("the same settings fail on a public arg without a doc comment", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-docs-"));
    try {
      fs.writeFileSync(path.join(tmp, "index.ts"), "/** Args. */\nexport interface SomeArgs {\n  /** Documented. */\n  a?: string;\n  b?: string;\n}\n");
      fs.writeFileSync(path.join(tmp, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, types: [] }, files: ["index.ts"] }));
      // The repository's typedoc.json with only the sources swapped.
      const options = JSON.parse(fs.readFileSync(path.join(ROOT, "typedoc.json"), "utf8"));
      fs.writeFileSync(path.join(tmp, "typedoc.json"), JSON.stringify({ ...options, entryPoints: ["index.ts"], tsconfig: "tsconfig.json" }));
      await assert.rejects(
        run(process.execPath, [TYPEDOC, "--emit", "none"], { cwd: tmp }),
        (e: { stdout: string; stderr: string }) => /SomeArgs\.b \(Property\).*does not have any documentation/.test(e.stdout + e.stderr),
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
