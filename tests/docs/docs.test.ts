import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  checkedBlocks,
  checkLinks,
  checkNpmScripts,
  checkQuotedMessages,
  checkReadme,
  checkRuntimeCoverage,
  documentationFiles,
  FRESH_MACHINE_COMMANDS,
  README_MAX_BYTES,
  report,
  runtimeVocabulary,
  sourceCorpus,
  typecheckBlocks,
  type CodeBlock,
} from "./checker";
import { EXIT } from "../../runtime-image/src/exit-codes";

// The documentation is tested like code (CONTRIBUTING.md, "Tested documentation").
const ROOT = path.resolve(__dirname, "../..");
const files = documentationFiles(ROOT);
const read = (f: string) => fs.readFileSync(f, "utf8");
const rel = (f: string) => path.relative(ROOT, f);

describe("documentation (README.md, CONTRIBUTING.md, docs/, the examples' and the runtime's READMEs)", function () {
  this.timeout(180_000);

  it("covers the README, CONTRIBUTING and a guide per platform", () => {
    const names = files.map(rel);
    for (const f of [
      "README.md",
      "CONTRIBUTING.md",
      "docs/guides/eks.md",
      "docs/guides/aks.md",
      "docs/guides/gke.md",
      "docs/guides/ecs.md",
      "docs/troubleshooting.md",
      "examples/ecs/README.md",
      "runtime-image/README.md",
    ]) {
      assert.ok(names.includes(f), `${f} is missing`);
    }
  });

  it("every TypeScript block not marked fragment type-checks against the package", () => {
    const blocks: { file: string; block: CodeBlock }[] = files.flatMap((file) =>
      checkedBlocks(read(file)).map((block) => ({ file, block })),
    );
    assert.ok(blocks.length >= 10, `only ${blocks.length} checked blocks`);
    const findings = typecheckBlocks(ROOT, blocks);
    assert.equal(findings.length, 0, report(findings));
  });

  it("every relative link and anchor resolves", () => {
    const findings = files.flatMap((f) => checkLinks(ROOT, f, read(f)));
    assert.equal(findings.length, 0, report(findings));
  });

  it("every `npm run` script named exists in package.json", () => {
    const scripts = JSON.parse(read(path.join(ROOT, "package.json"))).scripts as Record<string, string>;
    const findings = files.flatMap((f) => checkNpmScripts(rel(f), read(f), scripts));
    assert.equal(findings.length, 0, report(findings));
  });

  it("every message docs/troubleshooting.md quotes is produced by the code", () => {
    const page = path.join(ROOT, "docs/troubleshooting.md");
    const corpus = sourceCorpus(ROOT, ["components", "spec", "runtime-image/src"]);
    const findings = checkQuotedMessages(rel(page), read(page), corpus);
    assert.equal(findings.length, 0, report(findings));
  });

  it("docs/troubleshooting.md lists every exit code, failure class, log event and write-failure code of the fetcher", () => {
    const page = path.join(ROOT, "docs/troubleshooting.md");
    const vocabulary = runtimeVocabulary(ROOT, EXIT);
    // What the sources are read to hold (the reading must find them all, not silently nothing).
    for (const e of ["file-failed", "batch-denied-fallback", "internal-error"])
      assert.ok(vocabulary.events.includes(e), e);
    assert.ok(vocabulary.failureClasses.includes("identity-not-ready") && vocabulary.writeCodes.includes("EEXIST"));
    const findings = checkRuntimeCoverage(rel(page), read(page), vocabulary);
    assert.equal(findings.length, 0, report(findings));
  });

  it("README.md is at most 12 KB and keeps the two fresh-machine commands", () => {
    const findings = checkReadme(read(path.join(ROOT, "README.md")), README_MAX_BYTES, FRESH_MACHINE_COMMANDS);
    assert.equal(findings.length, 0, report(findings));
  });
});
