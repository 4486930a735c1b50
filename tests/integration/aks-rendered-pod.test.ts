import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AzureMocks, aksArgs, AKS_ISSUER, AZ_TENANT, baseArgs, mockWorkload } from "../components/mock-run";
import { AzureDoubles } from "../runtime/doubles/azure";
import { makeTestPki, type TestPki } from "../runtime/doubles/tls";
import { isolatedEnv, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";
import { FETCH_SPEC_ENV, parseFetchSpecJson } from "../../spec/fetch-spec";

const VAULT_ID =
  "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/platform-rg/providers/Microsoft.KeyVault/vaults/acme-shared";
const TLS_VERSION = "0123456789abcdef0123456789abcdef";

/**
 * Both halves together on AKS: the pod the component renders, run as a cluster would run it. The
 * fetch container's own env (from the rendered Deployment) plus exactly what the Azure
 * workload-identity webhook injects (AZURE_CLIENT_ID and AZURE_TENANT_ID from the ServiceAccount's
 * annotations, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST), against the Entra ID and Key Vault
 * doubles; then every secret the fetcher read must have a role assignment on exactly that secret.
 * The one stand-in: the vault's address is the double's (what DNS would resolve), and with it the
 * challenge's resource check, which compares against the real vault domain.
 */
describe("integration: the rendered AKS pod's fetch container against the Azure doubles", function () {
  this.timeout(30_000);
  let pki: TestPki;
  let az: AzureDoubles | undefined;
  before(() => {
    pki = makeTestPki();
  });
  after(async () => {
    await az?.stop();
    pki?.dispose();
  });

  it("writes every declared file with the webhook's env, and reads only secrets it has a role assignment on", async () => {
    const mount = tempDir("sm-mount-");
    const w = await mockWorkload(
      "shop",
      aksArgs({
        mountPath: mount,
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          resourceGroupName: "shop-rg",
          tenantId: AZ_TENANT,
          keyVault: { id: VAULT_ID },
        },
        secrets: [
          { name: "db", existing: { name: "db-password" } },
          {
            name: "stripe",
            existing: { name: "stripe" },
            files: [
              { path: "stripe/key", jsonKey: "apiKey" },
              { path: "stripe/hook", jsonKey: "webhook" },
            ],
          },
          { name: "tls", existing: { name: "tls-cert" }, azure: { version: TLS_VERSION } },
        ],
        envFile: { vars: { DB_PASSWORD: "db" } },
        containers: [{ ...baseArgs().containers![0], runAsUser: 10001 }],
      }),
      new AzureMocks(),
    );

    const sa = w.one("kubernetes:core/v1:ServiceAccount");
    const pod = w.one("kubernetes:apps/v1:Deployment").spec.template;
    assert.equal(pod.metadata.labels["azure.workload.identity/use"], "true", "the webhook mutates this pod");
    const clientId = sa.metadata.annotations["azure.workload.identity/client-id"];
    const tenantId = sa.metadata.annotations["azure.workload.identity/tenant-id"];

    const tokenFile = path.join(tempDir("sm-azure-token-"), "azure-identity-token");
    fs.writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.projected-sa-token.sig\n");
    az = await new AzureDoubles({ pki, tenantId, clientId, tokenFile }).start();
    az.secrets.set("db-password", { value: `${SECRET_MARKER}-db`, version: "a".repeat(32) });
    az.secrets.set("stripe", {
      value: JSON.stringify({ apiKey: `${SECRET_MARKER}-key`, webhook: `${SECRET_MARKER}-hook` }),
      version: "b".repeat(32),
    });
    az.secrets.set("tls-cert", { value: `${SECRET_MARKER}-tls`, version: TLS_VERSION });
    az.secrets.set("someone-elses", { value: `${SECRET_MARKER}-other`, version: "c".repeat(32) });

    const fetch = pod.spec.initContainers[0];
    const containerEnv: Record<string, string> = Object.fromEntries(
      fetch.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    const spec = parseFetchSpecJson(containerEnv[FETCH_SPEC_ENV]);
    for (const f of spec.files) {
      assert.equal(f.source.type, "azure-keyvault");
      if (f.source.type !== "azure-keyvault") continue;
      assert.equal(f.source.vaultUrl, "https://acme-shared.vault.azure.net");
      f.source.vaultUrl = az.vaultUrl;
      f.source.disableChallengeResourceVerification = true;
    }
    containerEnv[FETCH_SPEC_ENV] = JSON.stringify(spec);
    // Exactly what the webhook adds to a container it does not skip.
    const injected = {
      AZURE_CLIENT_ID: clientId,
      AZURE_TENANT_ID: tenantId,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: az.authorityHost,
    };
    assert.deepEqual(
      Object.keys(containerEnv).filter((k) => k.startsWith("AZURE_")),
      [],
      "the component sets no AZURE_* itself",
    );

    const r = await runFetch({ env: isolatedEnv({ ...containerEnv, ...injected, NODE_EXTRA_CA_CERTS: pki.caFile }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);

    const read = (p: string) => fs.readFileSync(path.join(mount, p), "utf8");
    assert.equal(read("db"), `${SECRET_MARKER}-db`);
    assert.equal(read("stripe/key"), `${SECRET_MARKER}-key`);
    assert.equal(read("stripe/hook"), `${SECRET_MARKER}-hook`);
    assert.equal(read("tls"), `${SECRET_MARKER}-tls`);
    assert.equal(read("secrets.env"), `DB_PASSWORD=${SECRET_MARKER}-db\n`);
    const mode = (p: string) => (fs.statSync(path.join(mount, p)).mode & 0o777).toString(8);
    assert.deepEqual(["db", "stripe/key", "stripe/hook", "tls", "secrets.env"].map(mode), [
      "440",
      "440",
      "440",
      "440",
      "440",
    ]);
    assert.equal(az.tokenRequests, 1, "one token exchange for the whole set");

    // Every secret read is one the identity holds a role assignment on, scoped to exactly that secret.
    const assignments = JSON.parse(String(w.outputs.roleAssignments)) as {
      scope: string;
      roleDefinitionId: string;
      principalId: string;
    }[];
    const granted = new Set(assignments.map((a) => a.scope));
    const readNames = [...new Set(az.readNames)].sort();
    assert.deepEqual(readNames, ["db-password", "stripe", "tls-cert"], "nothing else was read");
    for (const n of readNames) assert.ok(granted.has(`${VAULT_ID}/secrets/${n}`), `a role assignment on ${n}`);
    assert.equal(granted.size, readNames.length, "no assignment beyond what was read");
    for (const a of assignments) {
      assert.match(a.roleDefinitionId, /\/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/);
      assert.equal(a.principalId, w.outputs.identityPrincipalId);
    }
  });
});
