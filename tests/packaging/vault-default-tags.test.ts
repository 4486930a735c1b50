import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { vaultDeclarationOf } from "../../components/vault-access";
import { vaultAccessPlan } from "../../components/stores/vault/access-plan";

// The Vault args' `@default` tags held to what the Vault normalizer applies (as default-tags.test.ts
// does for the other args files).

// The backend's args live with the store; a secret's `vault` options with the other stores' in the core.
const FILES = ["../../components/stores/vault/args.ts", "../../components/core/args.ts"].map((f) =>
  path.resolve(__dirname, f),
);

function tags(): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const file of FILES)
    ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true).forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      for (const m of node.members) {
        if (!ts.isPropertySignature(m) || !ts.isIdentifier(m.name)) continue;
        const tag = ts.getJSDocTags(m).find((t) => t.tagName.text === "default");
        out.set(`${node.name.text}.${m.name.text}`, tag ? (ts.getTextOfJSDocComment(tag.comment) ?? "") : undefined);
      }
    });
  return out;
}

describe("@default tags of the Vault args (the API reference's defaults)", () => {
  const all = tags();
  const literal = (key: string) => /^`([^`]*)`/.exec(all.get(key) ?? "")?.[1];

  it("the tags name what the Vault normalizer fills in", () => {
    const d = vaultDeclarationOf(
      "web",
      {
        namespace: "shop",
        vault: { address: "https://vault:8200" },
        secrets: [{ name: "db", generate: { type: "password" }, vault: {} }],
        container: { name: "app", image: "app@sha256:" + "a".repeat(64), runAsUser: 10001 },
      },
      "workload",
      "proj",
      "dev",
    )!;
    const plan = vaultAccessPlan(d);
    assert.equal(literal("VaultBackend.insecureHttp"), String(d.insecureHttp));
    assert.equal(literal("VaultBackend.authMount"), d.authMount);
    assert.equal(literal("VaultBackend.kvMount"), d.secrets[0].mount);
    assert.equal(literal("VaultRole.existing"), String(d.role.existing));
    assert.equal(literal("VaultPolicy.existing"), String(d.policy.existing));
    assert.equal(literal("VaultRole.audience"), d.role.audience);
    assert.equal(literal("VaultRole.tokenTtlSeconds"), String(d.role.tokenTtlSeconds));
    assert.equal(
      literal("VaultRole.name")!.replace("<namespace>", "shop").replace("<serviceAccountName>", "web"),
      plan.role.name,
    );
    assert.equal(
      literal("VaultPolicy.name")!
        .replace("<authMount>", "kubernetes")
        .replace("<namespace>", "shop")
        .replace("<serviceAccountName>", "web"),
      plan.policyName,
    );
    assert.match(
      all.get("VaultSecret.path")!,
      /without a prefix `<project>\/<stack>\/<component name>\/<secret name>`/,
    );
    assert.equal(d.secrets[0].path, "proj/dev/web/db");
    assert.equal(d.namespace, undefined, all.get("VaultBackend.namespace"));
  });
});
