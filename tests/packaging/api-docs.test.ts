import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";

// `npm run docs` builds the API reference from the TSDoc with TypeDoc; its own validation
// (`notDocumented`, warnings as errors, typedoc.json) is the check that every public arg is documented.
// The reference's entry points are the group files in docs/api/ (one module per group), each
// re-exporting part of what `secret-mount` (components/index.ts) exports.

const ROOT = path.resolve(__dirname, "../..");
const TYPEDOC = path.join(ROOT, "node_modules/typedoc/bin/typedoc");
const run = promisify(execFile);

/** The groups of the reference, in their order (typedoc.json's entry points, by their @module names). */
const GROUPS = [
  "Components",
  "Common args",
  "Scheduling args",
  "EKS args",
  "AKS args",
  "GKE args",
  "Vault args",
  "ECS args",
  "Adoption",
  "Errors and the fetch image",
  "FetchSpec",
];

/**
 * Exported from `secret-mount` but left out of the reference: helpers the fetch runtime and the
 * components share, and defaults whose values the documented fields state. (The `…Args` aliases are
 * left out too, recognised by their `@inline` tag: references to them show the type they name.)
 */
const INTERNAL = [
  "filePathProblem",
  "parseFileMode",
  "fileModeProblem",
  "normalizeFileMode",
  "parseNotify",
  "pathCollision",
  "MIN_REFRESH_SECONDS",
  "DEFAULT_REFRESH_SECONDS",
  "DEFAULT_TIMEOUT_SECONDS",
  "DEFAULT_FILE_MODE",
  "POD_NAME_ENV",
  "POD_NAMESPACE_ENV",
];

interface Reflection {
  name: string;
  kind: number;
  children?: Reflection[];
  type?: unknown;
}

function exportsOf(files: string[]): Map<string, Set<string>> {
  const program = ts.createProgram(files, {
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  });
  const checker = program.getTypeChecker();
  const out = new Map<string, Set<string>>();
  for (const f of files) {
    const sf = program.getSourceFile(f)!;
    out.set(f, new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!).map((s) => s.name)));
  }
  return out;
}

/** Exported type aliases marked `@inline` (the `…Args` names of the args types). */
function inlineAliases(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts"))
        for (const m of fs.readFileSync(p, "utf8").matchAll(/@inline \*\/\nexport type (\w+) = /g)) out.add(m[1]);
    }
  };
  walk(path.join(ROOT, "components"));
  return out;
}

describe("API reference (TypeDoc over the TSDoc)", function () {
  this.timeout(240_000);
  let api: Reflection;

  before(async () => {
    // Exits non-zero on any warning (treatWarningsAsErrors), e.g. an undocumented export.
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-api-")), "api.json");
    await run(process.execPath, [TYPEDOC, "--json", out], { cwd: ROOT });
    api = JSON.parse(fs.readFileSync(out, "utf8"));
  });

  it("builds with every export documented, with the introduction page", () => {
    assert.ok((api as unknown as { readme?: unknown[] }).readme?.length, "docs/api.md is the introduction");
  });

  it("is grouped: components, common args, args per platform, adoption, errors, FetchSpec", () => {
    assert.deepEqual(
      api.children!.map((c) => c.name),
      GROUPS,
    );
  });

  it("shows one name per type: no …Args alias, args fields name the documented type", () => {
    const names = api.children!.flatMap((g) => g.children!.map((c) => c.name));
    // (A string choice is a constant and a type of one name, in one group.)
    const groupsOf = (n: string) =>
      api.children!.filter((g) => g.children!.some((c) => c.name === n)).map((g) => g.name);
    for (const n of names) assert.equal(groupsOf(n).length, 1, `${n} is in ${groupsOf(n).join(", ")}`);
    const aliases = inlineAliases();
    assert.ok(aliases.has("ContainerArgs") && aliases.size >= 40, `${aliases.size} aliases found`);
    for (const a of aliases) assert.ok(!names.includes(a), `${a} is documented besides the type it names`);
    const workloadArgs = api
      .children!.find((g) => g.name === "Components")!
      .children!.find((c) => c.name === "SecretMountedWorkloadArgs")!;
    const containers = workloadArgs.children!.find((c) => c.name === "containers")!;
    assert.deepEqual((containers.type as { elementType: { name: string } }).elementType.name, "Container");
  });

  it("hides the internals, and documents everything else the package exports", () => {
    const entry = path.join(ROOT, "components/index.ts");
    const groups = fs
      .readdirSync(path.join(ROOT, "docs/api"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => path.join(ROOT, "docs/api", f));
    const exports = exportsOf([entry, ...groups]);
    const exported = exports.get(entry)!;
    const documented = new Set(groups.flatMap((g) => [...exports.get(g)!]));
    const aliases = inlineAliases();
    for (const d of documented)
      assert.ok(exported.has(d), `docs/api documents ${d}, which secret-mount does not export`);
    const missing = [...exported].filter((e) => !documented.has(e) && !aliases.has(e) && !INTERNAL.includes(e));
    assert.deepEqual(
      missing,
      [],
      "exported from secret-mount but in no group of docs/api/ (add it to a group, or to INTERNAL)",
    );
    const names = api.children!.flatMap((g) => g.children!.map((c) => c.name));
    for (const internal of INTERNAL) assert.ok(!names.includes(internal), `${internal} is in the reference`);
    assert.deepEqual(new Set(names), documented);
  });

  it("the same settings fail on a public arg without a doc comment", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-docs-"));
    try {
      fs.writeFileSync(
        path.join(tmp, "index.ts"),
        "/** Args. */\nexport interface SomeArgs {\n  /** Documented. */\n  a?: string;\n  b?: string;\n}\n",
      );
      fs.writeFileSync(
        path.join(tmp, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { strict: true, types: [] }, files: ["index.ts"] }),
      );
      // The repository's typedoc.json with only the sources (and the introduction page) swapped.
      const options = JSON.parse(fs.readFileSync(path.join(ROOT, "typedoc.json"), "utf8"));
      fs.writeFileSync(
        path.join(tmp, "typedoc.json"),
        JSON.stringify({ ...options, entryPoints: ["index.ts"], tsconfig: "tsconfig.json", readme: "none" }),
      );
      await assert.rejects(
        run(process.execPath, [TYPEDOC, "--emit", "none"], { cwd: tmp }),
        (e: { stdout: string; stderr: string }) =>
          /SomeArgs\.b \(Property\).*does not have any documentation/.test(e.stdout + e.stderr),
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
