import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  anchors,
  checkedBlocks,
  checkLinks,
  checkNpmScripts,
  checkQuotedMessages,
  checkReadme,
  codeBlocks,
  FRESH_MACHINE_COMMANDS,
  README_MAX_BYTES,
  slug,
  sourceCorpus,
  typecheckBlocks,
  checkRuntimeCoverage,
  runtimeVocabulary,
  tableKeys,
} from "./checker";
import { EXIT } from "../../runtime-image/src/exit-codes";

// The documentation checks (docs.test.ts) must fail when a link, a snippet, a script name, a quoted
// message or the README breaks: each is run here on a broken sample.
const ROOT = path.resolve(__dirname, "../..");

describe("documentation checker, on broken samples", function () {
  this.timeout(180_000);

  it("a TypeScript block with a wrong arg fails to type-check; a fragment is not checked", () => {
    const md = [
      "# Sample",
      "",
      "```ts",
      'import { SecretMountedWorkload } from "secret-mount";',
      'new SecretMountedWorkload("x", { namespace: "a", gke: {}, secrets: [{ name: "s", generate: { type: "password", lenght: 32 } }], containers: [] });',
      "```",
      "",
      "```ts fragment",
      'fetch: { image: config.require("fetchImage") },',
      "```",
      "",
      "```ts",
      'import { SecretMountedWorkload } from "secret-mount";',
      'new SecretMountedWorkload("y", { namespace: "a", gke: {}, secrets: [{ name: "s", generate: { type: "password", length: 32 } }], containers: [{ name: "app", image: "busybox" }] });',
      "```",
    ].join("\n");
    const blocks = checkedBlocks(md);
    assert.equal(blocks.length, 2, "the fragment is not among the checked blocks");
    const findings = typecheckBlocks(
      ROOT,
      blocks.map((block) => ({ file: path.join(ROOT, "docs/sample.md"), block })),
    );
    assert.equal(findings.length, 1, JSON.stringify(findings));
    assert.equal(findings[0].file, "docs/sample.md");
    assert.equal(findings[0].line, 5, "the error points at the Markdown line");
    assert.match(findings[0].problem, /lenght/);
  });

  it("a block's fences inside a list item are found, and `# comments` in blocks are no headings", () => {
    const md = "# Top\n\n- step:\n\n  ```sh\n  # not a heading\n  echo hi\n  ```\n\n## Next `step`\n";
    assert.deepEqual(
      codeBlocks(md).map((b) => [b.lang, b.code]),
      [["sh", "# not a heading\necho hi"]],
    );
    assert.deepEqual([...anchors(md)], ["top", "next-step"]);
  });

  it("GitHub's slugs: punctuation dropped, spaces to '-', duplicates numbered", () => {
    assert.equal(slug("1. Prerequisites"), "1-prerequisites");
    assert.equal(
      slug("`npm run render` / `npx secret-mount render`: exit codes"),
      "npm-run-render--npx-secret-mount-render-exit-codes",
    );
    assert.equal(slug("GKE: identity sameness across clusters"), "gke-identity-sameness-across-clusters");
    assert.deepEqual([...anchors("# A\n# A\n")], ["a", "a-1"]);
  });

  it("a link to a missing file, or to a missing heading, is reported; an existing one and a web link are not", () => {
    const file = path.join(ROOT, "docs/sample.md");
    const md = [
      "# Here",
      "[ok](guides/eks.md#1-prerequisites) [self](#here) [web](https://example.com/x#y)",
      "[gone](guides/nope.md) [bad anchor](guides/eks.md#no-such-heading) [bad self](#nowhere)",
      "`[in code](nope.md)`",
    ].join("\n");
    const findings = checkLinks(ROOT, file, md);
    assert.deepEqual(
      findings.map((f) => [f.line, f.problem.split(":")[0]]),
      [
        [3, "link guides/nope.md"],
        [3, "link guides/eks.md#no-such-heading"],
        [3, "link #nowhere"],
      ],
    );
  });

  it("an `npm run` script package.json lacks is reported", () => {
    const findings = checkNpmScripts("x.md", "run `npm run render -- examples/eks`, then `npm run deploy`", {
      render: "tsx …",
    });
    assert.deepEqual(
      findings.map((f) => f.problem),
      ['npm run deploy: package.json has no script "deploy"'],
    );
  });

  it("a quoted message the sources do not produce is reported, piece by piece", () => {
    const corpus =
      'fail(at, `"${x}" has a "${s}" segment, which would escape or alias the mount; use a plain relative path`)'.replace(
        /\\(["'`\\])/g,
        "$1",
      );
    const md = [
      "| message | fix |",
      "|---|---|",
      '| `has a "…" segment, which would escape or alias the mount` | ok |',
      '| `has a "…" segment, which would escape the volume` | reworded: not in the code |',
      "",
      "| code | meaning |",
      "|---|---|",
      "| `not checked` | another table |",
    ].join("\n");
    const findings = checkQuotedMessages("t.md", md, corpus);
    assert.deepEqual(
      findings.map((f) => [f.line, f.problem]),
      [[4, 'quoted message piece "" segment, which would escape the volume" occurs nowhere in the sources']],
    );
  });

  it("a README over 12 KB, or without a fresh-machine command, is reported", () => {
    const good = `# x\n\n${FRESH_MACHINE_COMMANDS.join("\n")}\n`;
    assert.equal(checkReadme(good, README_MAX_BYTES, FRESH_MACHINE_COMMANDS).length, 0);
    assert.equal(checkReadme(good + "x".repeat(README_MAX_BYTES), README_MAX_BYTES, FRESH_MACHINE_COMMANDS).length, 1);
    assert.equal(
      checkReadme(good.replace("npm ci && ", "npm install && "), README_MAX_BYTES, FRESH_MACHINE_COMMANDS).length,
      1,
    );
  });

  it("a fetcher exit code, failure class, log event or write code missing from its table is reported", () => {
    const v = {
      exitCodes: [0, 1],
      failureClasses: ["not-found"],
      events: ["start", "retrying"],
      writeCodes: ["EACCES"],
    };
    const page = [
      "| exit code | meaning |",
      "|---|---|",
      "| 0 | ok |",
      "| 1 | failed |",
      "",
      "| cause | meaning |",
      "|---|---|",
      "| `not-found` | nothing there |",
      "",
      "| event | when |",
      "|---|---|",
      "| `start` | started |",
      "",
      // `retrying` named in prose and in another table is not documented as an event.
      "`retrying` happens. | write code | x |",
      "",
      "| message | event |",
      "|---|---|",
      "| `EACCES` | `retrying` |",
    ].join("\n");
    assert.deepEqual(
      checkRuntimeCoverage("t.md", page, v).map((f) => f.problem),
      ["log event retrying is in no `event` table", "write-failed code EACCES is in no `write code` table"],
    );
    assert.deepEqual([...tableKeys(page, "exit code")], ["0", "1"]);
    // The real page loses its `throttled` row: reported.
    const real = fs.readFileSync(path.join(ROOT, "docs/troubleshooting.md"), "utf8");
    const broken = real.replace(/^\| `throttled` \|.*\n/m, "");
    assert.notEqual(broken, real);
    assert.deepEqual(
      checkRuntimeCoverage("t.md", broken, runtimeVocabulary(ROOT, EXIT)).map((f) => f.problem),
      ["failure class throttled is in no `cause` table"],
    );
  });

  it("the real troubleshooting page fails once one of its quotes is reworded", () => {
    const page = fs.readFileSync(path.join(ROOT, "docs/troubleshooting.md"), "utf8");
    const corpus = sourceCorpus(ROOT, ["components", "spec", "runtime-image/src"]);
    const broken = page.replace("`no such secret (`", "`no such secret at all (`");
    assert.notEqual(broken, page);
    assert.equal(checkQuotedMessages("docs/troubleshooting.md", page, corpus).length, 0);
    assert.deepEqual(
      checkQuotedMessages("docs/troubleshooting.md", broken, corpus).map((f) => f.problem),
      ['quoted message piece "no such secret at all (" occurs nowhere in the sources'],
    );
  });

  it("the real EKS guide fails once one of its anchors or links breaks", () => {
    const file = path.join(ROOT, "docs/guides/eks.md");
    const page = fs.readFileSync(file, "utf8");
    assert.equal(checkLinks(ROOT, file, page).length, 0);
    const broken = page
      .replace("../concepts.md#exact-references", "../concepts.md#exact-reference")
      .replace("../fetch-image.md", "../fetch-images.md");
    assert.deepEqual(
      checkLinks(ROOT, file, broken)
        .map((f) => f.problem.split(":")[0])
        .sort(),
      ["link ../concepts.md#exact-reference", "link ../fetch-images.md"],
    );
  });
});
