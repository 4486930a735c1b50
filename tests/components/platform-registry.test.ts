import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { VAULT_OUTPUTS } from "../../components/stores/vault/store";
import { PLATFORM_CHOICE, PLATFORM_OUTPUTS, PLATFORM_REVIEWS, PLATFORMS } from "../../components/platforms/registry";

// Adding a platform is one folder under components/platforms/, one line in the registry and its
// tests: nothing else in components/ may list the platforms. A file "lists" them when every
// platform's name occurs in its code as a whole identifier or string (comments do not count).

const ROOT = process.env.REGISTRY_SCAN_ROOT ?? path.resolve(__dirname, "../..");
const NAMES = Object.keys(PLATFORMS);

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : [],
    );
}

/** Identifiers and string contents of a source, comments skipped (the TypeScript scanner). */
function tokens(file: string): Set<string> {
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    true,
    ts.LanguageVariant.Standard,
    fs.readFileSync(path.join(ROOT, file), "utf8"),
  );
  const out = new Set<string>();
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (
      k === ts.SyntaxKind.Identifier ||
      k === ts.SyntaxKind.StringLiteral ||
      k === ts.SyntaxKind.NoSubstitutionTemplateLiteral
    )
      out.add(scanner.getTokenValue());
  }
  return out;
}

/** The registry and the platforms' own folders may name platforms; nothing else lists them all. */
const mayName = (f: string) => f === "components/platforms/registry.ts" || /^components\/platforms\/[^/]+\//.test(f);

describe("platform registry", () => {
  it("the scan sees what it looks for (the registry itself lists every platform)", () => {
    assert.ok(NAMES.length >= 3);
    const registry = tokens("components/platforms/registry.ts");
    assert.deepEqual(
      NAMES.filter((n) => !registry.has(n)),
      [],
    );
  });

  it("no file of components/ outside the registry and the platform folders lists every platform", () => {
    const listing = sources("components")
      .filter((f) => !mayName(f))
      .filter((f) => {
        const t = tokens(f);
        return NAMES.every((n) => t.has(n));
      });
    assert.deepEqual(listing, []);
  });

  it("each registered platform is a folder of its own, with its module as index.ts", () => {
    for (const name of NAMES)
      assert.ok(
        fs.existsSync(path.join(ROOT, "components/platforms", name, "index.ts")),
        `components/platforms/${name}/index.ts`,
      );
  });

  it("the core gets the platforms from the registry: names, the no-platform example, the identity prefixes", () => {
    assert.deepEqual([...PLATFORM_CHOICE.names], NAMES);
    assert.equal(
      PLATFORM_CHOICE.example,
      "eks: { oidcProviderArn, oidcIssuerUrl }, or aks: { oidcIssuerUrl, resourceGroupName }",
    );
    assert.deepEqual([...PLATFORM_CHOICE.identityPrefixes].sort(), [
      "azure.workload.identity/",
      "eks.amazonaws.com/",
      "iam.gke.io/",
    ]);
    assert.ok(PLATFORM_REVIEWS.length >= NAMES.length);
  });

  // Pulumi's analyzer reads a component's outputs from the properties its class declares, so each
  // platform output must be declared on both Kubernetes components (the registry assigns them).
  it("SecretMountedWorkload and SecretMount declare every platform output the registry lists and the Vault store's, and no other optional output", () => {
    for (const [file, cls] of [
      ["components/workload.ts", "SecretMountedWorkload"],
      ["components/mount.ts", "SecretMount"],
    ]) {
      const sf = ts.createSourceFile(
        file,
        fs.readFileSync(path.join(ROOT, file), "utf8"),
        ts.ScriptTarget.Latest,
        true,
      );
      const c = sf.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === cls)!;
      const optional = c.members
        .filter((m): m is ts.PropertyDeclaration => ts.isPropertyDeclaration(m) && m.questionToken !== undefined)
        .map((m) => m.name.getText(sf));
      assert.deepEqual(optional.sort(), [...PLATFORM_OUTPUTS, ...VAULT_OUTPUTS].sort(), cls);
    }
  });
});
