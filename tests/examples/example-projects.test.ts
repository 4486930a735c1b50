import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { AZURE_NATIVE } from "../../components/clouds/azure/sdk";
import { GCP } from "../../components/clouds/gcp/sdk";
import { VAULT_PACKAGE } from "../../components/stores/vault/sdk";

// The examples as projects a user installs and runs by their README: what they declare, what
// following the README leaves behind, and what their example stacks hold.

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((d) => fs.statSync(path.join(ROOT, "examples", d)).isDirectory())
  .sort();
const NODE_EXAMPLES = EXAMPLES.filter((d) => fs.existsSync(path.join(ROOT, "examples", d, "package.json")));
const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const read = (...p: string[]) => fs.readFileSync(path.join(ROOT, ...p), "utf8");

/** The bare package names a program imports or requires (`@scope/name` or `name`, no subpath). */
function importedPackages(source: string): string[] {
  const specs = [
    ...source.matchAll(/(?:\bfrom\s+|\bimport\s+|\bimport\(\s*|(?<![.\w$])require\(\s*)["']([^"'.][^"']*)["']/g),
  ].map((m) => m[1]);
  return [
    ...new Set(
      specs
        .filter((s) => !s.startsWith("node:"))
        .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2) : s.split("/").slice(0, 1)).join("/")),
    ),
  ].sort();
}

/**
 * The files and folders following the example's README creates, as paths relative to the
 * repository: read from its shell blocks, not listed by hand.
 */
function leftBehind(example: string): string[] {
  const dir = `examples/${example}`;
  const shell = [...read(dir, "README.md").matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)]
    .map((m) => m[1])
    .join("\n");
  const out = new Set<string>();
  for (const raw of shell.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "");
    const atRoot = /\(cd \.\.\/\.\.\s*&&([^)]*)\)/.exec(line);
    if (atRoot) {
      if (/\bnpm (ci|install)\b/.test(atRoot[1])) out.add("node_modules/.package-lock.json");
      if (/\bnpm run build:lib\b/.test(atRoot[1])) out.add("dist/components/index.js");
    }
    const inExample = line.replace(/\(cd \.\.\/\.\.[^)]*\)/, "");
    if (/(^|&&|;)\s*(cd examples\/[\w-]+\s*&&\s*)?npm (install|i)\b/.test(inExample)) {
      out.add(`${dir}/package-lock.json`).add(`${dir}/node_modules/.package-lock.json`);
    }
    const render = /\bnpm run render -- (\S+)/.exec(line);
    if (render) out.add(`out/${path.basename(render[1])}/README.md`);
    const stack = /\bpulumi stack init (\S+)/.exec(line);
    if (stack) out.add(`${dir}/Pulumi.${stack[1]}.yaml`);
    if (/\bpulumi install\b/.test(line)) {
      const project = parseYaml(read(dir, "Pulumi.yaml")) as {
        runtime?: { options?: { virtualenv?: string } };
        packages?: Record<string, string>;
      };
      const venv = project.runtime?.options?.virtualenv;
      if (venv) out.add(`${dir}/${venv}/pyvenv.cfg`);
      for (const name of Object.keys(project.packages ?? {})) out.add(`${dir}/sdks/${name}/pyproject.toml`);
      out.add(`${dir}/__pycache__/__main__.cpython-312.pyc`);
    }
  }
  return [...out].sort();
}

describe("the examples as projects a user installs", () => {
  it("there are Node examples to check", () => {
    assert.ok(NODE_EXAMPLES.length >= 4, NODE_EXAMPLES.join(","));
  });

  for (const example of NODE_EXAMPLES) {
    it(`${example}: package.json declares every package index.ts imports, and the optional cloud SDK its platform loads`, () => {
      const pkg = JSON.parse(read("examples", example, "package.json"));
      const deps = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;
      const program = read("examples", example, "index.ts");
      const missing = importedPackages(program).filter((name) => !deps[name]);
      assert.deepEqual(missing, [], `examples/${example}/package.json lacks what index.ts imports`);
      for (const sdk of [AZURE_NATIVE, GCP, VAULT_PACKAGE]) {
        if (!new RegExp(`\\b${sdk.platform}\\s*:`).test(program)) continue;
        assert.equal(
          deps[sdk.name],
          root.peerDependencies[sdk.name],
          `examples/${example} declares ${sdk.platform}: it needs ${sdk.name}@${root.peerDependencies[sdk.name]} (an optional peer dependency of secret-mount)`,
        );
      }
      assert.equal(deps["secret-mount"], "file:../..");
    });
  }

  it("following an example's README leaves no untracked file in the checkout (lock files, stacks, venvs are ignored)", function () {
    const expected = EXAMPLES.flatMap(leftBehind);
    // What the READMEs are read to create: the parsing above must find it.
    for (const f of [
      "examples/eks/package-lock.json",
      "examples/eks/Pulumi.dev.yaml",
      "examples/python-eks/venv/pyvenv.cfg",
      "out/ecs/README.md",
    ])
      assert.ok(expected.includes(f), f);
    const git = spawnSync("git", ["check-ignore", "--no-index", "--stdin"], {
      cwd: ROOT,
      input: expected.join("\n") + "\n",
      encoding: "utf8",
    });
    if (git.error || (git.status !== 0 && git.status !== 1)) this.skip(); // no git, or not a work tree: nothing to be untracked in
    const ignored = new Set(git.stdout.split("\n").filter(Boolean));
    assert.deepEqual(
      expected.filter((f) => !ignored.has(f)),
      [],
      "left untracked after following the README",
    );
  });

  it("the example stacks hold placeholder Azure ids, never a real tenant's or subscription's", () => {
    for (const example of EXAMPLES) {
      const stack = path.join(ROOT, "examples", example, "Pulumi.example.yaml");
      if (!fs.existsSync(stack)) continue;
      const guids =
        fs.readFileSync(stack, "utf8").match(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi) ??
        [];
      // A placeholder repeats one digit per group (00000000-0000-…, 00000000-1111-2222-…).
      const real = guids.filter((g) => !g.split("-").every((group) => /^(\d)\1*$/.test(group)));
      assert.deepEqual(real, [], `examples/${example}/Pulumi.example.yaml`);
    }
  });
});
