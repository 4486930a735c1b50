import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { validateDeployment } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";

const ROOT = path.resolve(__dirname, "../..");
const SUB = "00000000-1111-2222-3333-444444444444";
const VAULT = `/subscriptions/${SUB}/resourceGroups/billing-rg/providers/Microsoft.KeyVault/vaults/billing-api-kv-example`;

describe("npm run render -- examples/aks (offline): the Azure review artifacts", function () {
  this.timeout(60_000);
  let out: string;
  let stdout: string;
  const read = (f: string) => fs.readFileSync(path.join(out, f), "utf8");
  before(async () => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-aks-"));
    stdout = (
      await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "components/render/cli.ts", "examples/aks", "--out", out],
        { cwd: ROOT },
      )
    ).stdout;
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes the Kubernetes YAML, one role assignment per secret, the federated credential and the FetchSpec", () => {
    assert.deepEqual(
      fs
        .readdirSync(out, { recursive: true })
        .map(String)
        .filter((f) => f.includes("."))
        .sort(),
      [
        ".secret-mount-render",
        "README.md",
        "azure/billing-api-read-db-password.role-assignment.json",
        "azure/billing-api-read-signing-key.role-assignment.json",
        "azure/billing-api-read-stripe-api-key.role-assignment.json",
        "azure/billing-api.federated-credential.json",
        "azure/billing-api.vault.json",
        "fetch-spec/billing-api.json",
        "kubernetes.yaml",
        "tags.json",
      ],
    );
  });

  it("each role assignment is Key Vault Secrets User on exactly one secret, for a service principal", () => {
    for (const secret of ["db-password", "signing-key", "stripe-api-key"]) {
      const ra = JSON.parse(read(`azure/billing-api-read-${secret}.role-assignment.json`));
      assert.deepEqual(
        { ...ra, principalId: typeof ra.principalId },
        {
          scope: `${VAULT}/secrets/${secret}`,
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
          roleName: "Key Vault Secrets User",
          principalId: "string",
          principalType: "ServicePrincipal",
        },
      );
    }
  });

  it("the federated credential trusts exactly the ServiceAccount, with the token-exchange audience", () => {
    assert.deepEqual(JSON.parse(read("azure/billing-api.federated-credential.json")), {
      identity: "billing-rg/billing-api-identity",
      name: "billing_billing-api",
      issuer:
        "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/",
      subject: "system:serviceaccount:billing:billing-api",
      audiences: ["api://AzureADTokenExchange"],
    });
  });

  it("the vault's settings as Azure receives them: RBAC, network access, soft delete, purge protection", () => {
    const vault = JSON.parse(read("azure/billing-api.vault.json"));
    assert.deepEqual(
      [vault.resourceGroupName, vault.vaultName, vault.location],
      ["billing-rg", "billing-api-kv-example", "westeurope"],
    );
    const p = vault.properties;
    assert.deepEqual(
      [
        p.enableRbacAuthorization,
        p.publicNetworkAccess,
        p.enableSoftDelete,
        p.softDeleteRetentionInDays,
        p.enablePurgeProtection,
      ],
      [true, "Enabled", true, 90, true],
    );
  });

  it("tags.json: the tags of the vault, each secret and the identity", () => {
    const rows: Array<{ type: string; name: string; tags: Record<string, string> }> = JSON.parse(read("tags.json"));
    assert.deepEqual(rows.map((r) => `${r.type} ${r.name}`).sort(), [
      "azure-native:keyvault:Secret billing-api-db-password",
      "azure-native:keyvault:Secret billing-api-signing-key",
      "azure-native:keyvault:Secret billing-api-stripe-api-key",
      "azure-native:keyvault:Vault billing-api-vault",
      "azure-native:managedidentity:UserAssignedIdentity billing-api-identity",
    ]);
    for (const r of rows) assert.equal(r.tags["secret-mount/component"], "billing-api", `${r.type} ${r.name}`);
  });

  it("the pod is hardened and wired for the Azure webhook; the fetcher's environment has nothing for AWS", () => {
    const docs = parseAllDocuments(read("kubernetes.yaml")).map((d) => d.toJS());
    const d = docs.find((o) => o.kind === "Deployment");
    validateDeployment(d);
    assert.deepEqual(restrictedViolations(d.spec.template.spec, d.spec.template.metadata), []);
    assert.equal(d.spec.template.metadata.labels["azure.workload.identity/use"], "true");
    assert.equal(d.spec.template.metadata.annotations["azure.workload.identity/skip-containers"], "api");
    const env: Array<{ name: string }> = d.spec.template.spec.initContainers[0].env;
    assert.deepEqual(
      env.map((e) => e.name).filter((n) => n.startsWith("AWS_")),
      [],
    );
  });

  it("the summary shows the vault's protections, the grants and the trust; no value anywhere", () => {
    const text = stdout.replace(/\s+/g, " ");
    for (const shown of [
      "billing-rg/billing-api-kv-example",
      "RBAC",
      "purge protection on",
      "soft delete 90 days",
      "public access Enabled",
      "Key Vault Secrets User",
      "billing-api-read-db-password",
      "system:serviceaccount:billing:billing-api",
      "api://AzureADTokenExchange",
      "billing-api-kv-example/stripe-api-key",
      "value withheld",
      "user-assigned identity billing-rg/billing-api-identity",
    ])
      assert.ok(text.includes(shown), `the summary shows ${shown}`);
    const everything =
      stdout +
      fs
        .readdirSync(out, { recursive: true })
        .map(String)
        .filter((f) => f.includes("."))
        .map(read)
        .join("\n");
    assert.ok(
      !everything.includes("sk_test_example_not_a_real_key"),
      "the supplied value never reaches the review folder or the summary",
    );
  });
});
