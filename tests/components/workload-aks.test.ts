import assert from "node:assert/strict";
import {
  DeclarationError,
  SecretMountedWorkload,
  parseFetchSpecJson,
  type SecretMountedWorkloadArgs,
} from "../../components";
import { validateDeployment, validateServiceAccount } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";
import { AKS_ISSUER, AZ_SUBSCRIPTION, AZ_TENANT, AzureMocks, aksArgs, mockWorkload } from "./mock-run";
import * as pulumi from "@pulumi/pulumi";
import { firstUnhandledRejection } from "./capture";

const VAULT = "azure-native:keyvault:Vault";
const KV_SECRET = "azure-native:keyvault:Secret";
const IDENTITY = "azure-native:managedidentity:UserAssignedIdentity";
const CREDENTIAL = "azure-native:managedidentity:FederatedIdentityCredential";
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SA = "kubernetes:core/v1:ServiceAccount";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRETS_USER = `/subscriptions/${AZ_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
const VALUE = "value-that-must-stay-in-key-vault-7c2e";
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OTHER_SUB = "99999999-8888-7777-6666-555555555555";
const EXISTING_VAULT = `/subscriptions/${OTHER_SUB}/resourceGroups/platform-rg/providers/Microsoft.KeyVault/vaults/acme-shared`;
const SHARED_IDENTITY = `/subscriptions/${OTHER_SUB}/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-reader`;

describe("SecretMountedWorkload on AKS (new vault, new identity), under mocks", () => {
  let w: Awaited<ReturnType<typeof mockWorkload>>;
  let vaultName: string;
  let vaultId: string;
  before(async () => {
    w = await mockWorkload(
      "shop",
      aksArgs({
        containers: [
          { name: "app", image: "registry.example.com/shop@sha256:" + "a".repeat(64), runAsUser: 10001 },
          { name: "worker", image: "registry.example.com/worker@sha256:" + "b".repeat(64), runAsUser: 10002 },
        ],
        secrets: [
          { name: "db-password", value: VALUE },
          { name: "tls", generate: { type: "ecdsa" } },
          {
            name: "stripe",
            existing: { name: "stripe-api" },
            azure: { version: "0123456789abcdef0123456789abcdef" },
            files: [{ path: "stripe/key", jsonKey: "apiKey" }],
          },
        ],
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          resourceGroupName: "shop-rg",
          location: "westeurope",
          tags: { team: "shop" },
        },
      }),
      new AzureMocks(),
    );
    vaultName = w.one(VAULT).vaultName;
    vaultId = `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/shop-rg/providers/Microsoft.KeyVault/vaults/${vaultName}`;
  });

  it("creates every child named <component>-<role>, parented to the component", () => {
    const names = w.resources
      .filter((r) => r.custom)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(names, [
      "shop-db-password",
      "shop-deployment",
      "shop-federated-credential",
      "shop-identity",
      "shop-read-db-password",
      "shop-read-stripe",
      "shop-read-tls",
      "shop-sa",
      "shop-tls",
      "shop-tls-key",
      "shop-vault",
    ]);
    for (const n of names) assert.equal(w.parents.get(n), "shop", `${n} must be a child of the component`);
  });

  it("creates the vault with the RBAC permission model, soft delete and purge protection, public access as documented", () => {
    assert.match(vaultName, /^sm[0-9a-f]{22}$/);
    assert.deepEqual(w.one(VAULT), {
      vaultName,
      resourceGroupName: "shop-rg",
      location: "westeurope",
      properties: {
        tenantId: AZ_TENANT,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        publicNetworkAccess: "Enabled",
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
      },
      tags: { "managed-by": "secret-mount", "secret-mount/component": "shop", team: "shop" },
    });
  });

  it("stores created secrets in the vault under their names; the value only there, as a Pulumi secret", () => {
    const secrets = w.all(KV_SECRET).map((r) => r.inputs as Record<string, any>);
    // `properties` holds the value, so the whole object travels as a Pulumi secret.
    assert.equal(secrets[0].properties["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    assert.deepEqual(
      secrets.map((s) => [s.vaultName, s.resourceGroupName, s.secretName, s.properties.value.contentType]),
      [
        [vaultName, "shop-rg", "db-password", "text/plain"],
        [vaultName, "shop-rg", "tls", "application/json"],
      ],
    );
    const db = JSON.stringify(secrets[0].properties);
    assert.ok(
      db.includes(VALUE) && db.includes("4dabf18193072939515e22adb298388d"),
      "the value travels as a Pulumi secret",
    );
    const elsewhere = w.resources.filter((r) => r.type !== KV_SECRET);
    assert.ok(!JSON.stringify(elsewhere).includes(VALUE));
    assert.ok(!JSON.stringify(w.outputs).includes(VALUE));
  });

  it("creates the identity and a federated credential for exactly the declared ServiceAccount, audience api://AzureADTokenExchange", () => {
    assert.deepEqual(w.one(IDENTITY), {
      resourceName: "shop-identity",
      resourceGroupName: "shop-rg",
      location: "westeurope",
      tags: { "managed-by": "secret-mount", "secret-mount/component": "shop", team: "shop" },
    });
    assert.deepEqual(w.one(CREDENTIAL), {
      resourceGroupName: "shop-rg",
      resourceName: "shop-identity",
      federatedIdentityCredentialResourceName: "shop_shop",
      issuer: AKS_ISSUER,
      subject: "system:serviceaccount:shop:shop",
      audiences: ["api://AzureADTokenExchange"],
    });
    assert.deepEqual(w.dependsOn.get("shop-federated-credential"), ["shop-identity"]);
  });

  it("grants Key Vault Secrets User on each declared secret, never the vault, group or subscription, principalType ServicePrincipal", () => {
    const principalId = w.outputs.identityPrincipalId as string;
    assert.match(principalId, /^[0-9a-f-]{36}$/);
    const got: Record<string, any>[] = w
      .all(ASSIGNMENT)
      .map((r) => ({ name: r.name, ...r.inputs }))
      .sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(
      got.map(({ roleAssignmentName: _n, ...rest }) => rest),
      [
        {
          name: "shop-read-db-password",
          scope: `${vaultId}/secrets/db-password`,
          roleDefinitionId: SECRETS_USER,
          principalId,
          principalType: "ServicePrincipal",
          description: "secret-mount: shop/shop reads this secret",
        },
        {
          name: "shop-read-stripe",
          scope: `${vaultId}/secrets/stripe-api`,
          roleDefinitionId: SECRETS_USER,
          principalId,
          principalType: "ServicePrincipal",
          description: "secret-mount: shop/shop reads this secret",
        },
        {
          name: "shop-read-tls",
          scope: `${vaultId}/secrets/tls`,
          roleDefinitionId: SECRETS_USER,
          principalId,
          principalType: "ServicePrincipal",
          description: "secret-mount: shop/shop reads this secret",
        },
      ],
    );
    for (const a of got) assert.match(a.roleAssignmentName, GUID_RE);
    assert.equal(new Set(got.map((a) => a.roleAssignmentName)).size, 3);
    // Each created secret exists before its assignment; the existing one needs the vault.
    assert.deepEqual(w.dependsOn.get("shop-read-db-password"), ["shop-db-password"]);
    assert.deepEqual(w.dependsOn.get("shop-read-stripe"), ["shop-vault"]);
  });

  it("outputs the role assignments and the federated credential as reviewable JSON, the vault URI and the identity ids", () => {
    const principalId = w.outputs.identityPrincipalId;
    assert.deepEqual(
      JSON.parse(w.outputs.roleAssignments as string),
      ["db-password", "tls", "stripe-api"].map((n) => ({
        scope: `${vaultId}/secrets/${n}`,
        roleDefinitionId: SECRETS_USER,
        roleName: "Key Vault Secrets User",
        principalId,
        principalType: "ServicePrincipal",
      })),
    );
    assert.deepEqual(JSON.parse(w.outputs.federatedCredential as string), {
      name: "shop_shop",
      identity: "shop-identity",
      issuer: AKS_ISSUER,
      subject: "system:serviceaccount:shop:shop",
      audiences: ["api://AzureADTokenExchange"],
    });
    assert.equal(w.outputs.vaultUri, `https://${vaultName}.vault.azure.net/`);
    assert.match(String(w.outputs.identityClientId), /^[0-9a-f-]{36}$/);
    assert.equal(w.outputs.roleArn, undefined);
    assert.equal(w.outputs.trustPolicy, undefined);
  });

  it("annotates the ServiceAccount with the identity's client id and the tenant", () => {
    const sa = w.one(SA);
    validateServiceAccount(sa);
    assert.deepEqual(sa.metadata.annotations, {
      "azure.workload.identity/client-id": w.outputs.identityClientId,
      "azure.workload.identity/tenant-id": AZ_TENANT,
    });
  });

  it("labels the pod for the webhook, skips every app container (';'-separated), and leaves the AZURE_* env to the webhook", () => {
    const t = w.one(DEPLOYMENT).spec.template;
    assert.equal(t.metadata.labels["azure.workload.identity/use"], "true");
    assert.equal(t.metadata.annotations["azure.workload.identity/skip-containers"], "app;worker");
    assert.ok(!("eks.amazonaws.com/skip-containers" in t.metadata.annotations));
    const env = t.spec.initContainers[0].env.map((e: { name: string }) => e.name);
    assert.deepEqual(
      env.filter((n: string) => n.startsWith("AZURE_")),
      [],
      "AZURE_FEDERATED_TOKEN_FILE is never hard-coded",
    );
    assert.ok(!env.includes("AWS_REGION"));
    assert.deepEqual(
      Object.keys(w.one(DEPLOYMENT).spec.selector.matchLabels).sort(),
      ["app.kubernetes.io/instance", "app.kubernetes.io/name"],
      "the webhook label is not a selector label",
    );
  });

  it("renders a schema-valid Deployment whose pod meets the restricted Pod Security Standard", () => {
    const d = w.one(DEPLOYMENT);
    validateDeployment(d);
    assert.deepEqual(restrictedViolations(d.spec.template.spec, d.spec.template.metadata), []);
  });

  it("hands the fetcher azure-keyvault sources: the vault URL and exact names, the pinned version of the existing secret", () => {
    const spec = parseFetchSpecJson(w.outputs.fetchSpec as string);
    const vaultUrl = `https://${vaultName}.vault.azure.net`;
    assert.deepEqual(
      spec.files.map((f) => [f.path, f.source, f.jsonKey]),
      [
        ["db-password", { type: "azure-keyvault", vaultUrl, name: "db-password" }, undefined],
        ["tls.key", { type: "azure-keyvault", vaultUrl, name: "tls" }, "privateKeyPem"],
        ["tls.pub", { type: "azure-keyvault", vaultUrl, name: "tls" }, "publicKeyPem"],
        [
          "stripe/key",
          { type: "azure-keyvault", vaultUrl, name: "stripe-api", version: "0123456789abcdef0123456789abcdef" },
          "apiKey",
        ],
      ],
    );
  });

  it("starts pods only after the credential, the role assignments and the secrets exist", () => {
    const deps = w.dependsOn.get("shop-deployment")!;
    for (const n of [
      "shop-federated-credential",
      "shop-read-db-password",
      "shop-read-tls",
      "shop-read-stripe",
      "shop-db-password",
      "shop-tls",
      "shop-sa",
    ]) {
      assert.ok(deps.includes(n), `the Deployment waits for ${n}`);
    }
  });
});

describe("SecretMountedWorkload on AKS with an existing vault and identity", () => {
  it("creates neither; grants on the existing vault's secrets in its own subscription; names secrets <prefix>-<name>", async () => {
    const mocks = new AzureMocks();
    const w = await mockWorkload(
      "billing",
      aksArgs({
        secrets: [
          { name: "db-password", generate: { type: "password" } },
          { name: "api", existing: { name: "partner-api" } },
        ],
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          resourceGroupName: "billing-rg",
          tenantId: AZ_TENANT,
          keyVault: { id: EXISTING_VAULT },
          identity: {
            resourceId: SHARED_IDENTITY,
            clientId: "11111111-2222-3333-4444-555555555555",
            principalId: "66666666-7777-8888-9999-000000000000",
          },
        },
      }),
      mocks,
    );
    assert.deepEqual(w.all(VAULT), []);
    assert.deepEqual(w.all(IDENTITY), []);
    assert.equal(
      mocks.clientConfigCalls.length,
      0,
      "tenant given and subscription from the vault id: no provider lookup",
    );
    assert.deepEqual(
      w.all(KV_SECRET).map((r) => [r.inputs.vaultName, r.inputs.resourceGroupName, r.inputs.secretName]),
      [["acme-shared", "platform-rg", "billing-db-password"]],
    );
    const role = `/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
    assert.deepEqual(
      w
        .all(ASSIGNMENT)
        .map((r) => [r.inputs.scope, r.inputs.roleDefinitionId, r.inputs.principalId])
        .sort(),
      [
        [`${EXISTING_VAULT}/secrets/billing-db-password`, role, "66666666-7777-8888-9999-000000000000"],
        [`${EXISTING_VAULT}/secrets/partner-api`, role, "66666666-7777-8888-9999-000000000000"],
      ],
    );
    assert.deepEqual(w.one(CREDENTIAL), {
      resourceGroupName: "id-rg",
      resourceName: "shared-reader",
      federatedIdentityCredentialResourceName: "shop_billing",
      issuer: AKS_ISSUER,
      subject: "system:serviceaccount:shop:billing",
      audiences: ["api://AzureADTokenExchange"],
    });
    assert.equal(
      w.one(SA).metadata.annotations["azure.workload.identity/client-id"],
      "11111111-2222-3333-4444-555555555555",
    );
    assert.equal(w.outputs.vaultUri, "https://acme-shared.vault.azure.net/");
  });

  it("vault scope is an explicit opt-in: one assignment on the vault", async () => {
    const w = await mockWorkload(
      "shop",
      aksArgs({
        secrets: [
          { name: "a", generate: { type: "password" } },
          { name: "b", generate: { type: "password" } },
        ],
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          resourceGroupName: "shop-rg",
          roleScope: "vault",
          keyVault: { name: "shop-kv-dev" },
        },
      }),
      new AzureMocks(),
    );
    const vault = `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/shop-rg/providers/Microsoft.KeyVault/vaults/shop-kv-dev`;
    assert.deepEqual(
      w.all(ASSIGNMENT).map((r) => [r.name, r.inputs.scope]),
      [["shop-read-vault", vault]],
    );
    assert.deepEqual(w.dependsOn.get("shop-read-vault"), ["shop-vault"]);
  });
});

describe("federated credentials on one shared identity", () => {
  const shared = (inUse = 0) => ({
    resourceId: SHARED_IDENTITY,
    clientId: "c",
    principalId: "p",
    federatedCredentialsInUse: inUse,
  });
  const declare = (name: string, inUse = 0) =>
    new SecretMountedWorkload(
      name,
      aksArgs({
        serviceAccountName: name,
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          resourceGroupName: "rg",
          tenantId: AZ_TENANT,
          subscriptionId: AZ_SUBSCRIPTION,
          identity: shared(inUse),
        },
      }),
      {
        transformations: [
          (t) => {
            if (t.type === CREDENTIAL)
              deps.set(
                t.name,
                ([t.opts.dependsOn ?? []].flat() as { __name?: string }[]).map((d) => d.__name ?? "?"),
              );
            return undefined;
          },
        ],
      },
    );
  let deps: Map<string, string[]>;
  beforeEach(async () => {
    deps = new Map();
    await pulumi.runtime.setMocks(new AzureMocks(), "proj", "dev", false);
  });

  it("creates them one after another (Azure answers 409 to concurrent writes on one identity)", () => {
    declare("one");
    declare("two");
    declare("three");
    assert.deepEqual(
      [...deps],
      [
        ["one-federated-credential", []],
        ["two-federated-credential", ["one-federated-credential"]],
        ["three-federated-credential", ["two-federated-credential"]],
      ],
    );
  });

  it("refuses the 21st at preview, counting those already in use", () => {
    declare("one", 18);
    declare("two", 18);
    assert.throws(
      () => declare("three", 18),
      (err: unknown) => {
        assert.ok(err instanceof DeclarationError);
        assert.equal(err.field, "aks.identity");
        assert.match(
          err.message,
          /would make 21 federated credentials on shared-reader \(18 in use outside this program, 2 declared before this one\); Azure allows 20 per identity/,
        );
        return true;
      },
    );
  });
});

describe("AKS: what exists elsewhere, named by another stack's outputs; a resource group only for what is created", () => {
  const CLIENT = "11111111-2222-3333-4444-555555555555";
  const PRINCIPAL = "66666666-7777-8888-9999-000000000000";

  it("no resourceGroupName when the vault and the identity both exist elsewhere", async () => {
    const w = await mockWorkload(
      "billing",
      aksArgs({
        secrets: [{ name: "db-password", generate: { type: "password" } }],
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          tenantId: AZ_TENANT,
          keyVault: { id: EXISTING_VAULT },
          identity: { resourceId: SHARED_IDENTITY, clientId: CLIENT, principalId: PRINCIPAL },
        },
      }),
      new AzureMocks(),
    );
    assert.deepEqual([w.all(VAULT), w.all(IDENTITY)], [[], []]);
    assert.deepEqual(
      w.all(KV_SECRET).map((r) => [r.inputs.resourceGroupName, r.inputs.vaultName]),
      [["platform-rg", "acme-shared"]],
    );
    assert.deepEqual([w.one(CREDENTIAL).resourceGroupName, w.one(CREDENTIAL).resourceName], ["id-rg", "shared-reader"]);
  });

  it("identity.resourceId, keyVault.id and resourceGroupName accept Outputs: the same resources, once they resolve", async () => {
    const w = await mockWorkload(
      "billing",
      aksArgs({
        secrets: [
          { name: "db-password", generate: { type: "password" } },
          { name: "api", existing: { name: "partner-api" } },
        ],
        aks: {
          oidcIssuerUrl: AKS_ISSUER,
          tenantId: AZ_TENANT,
          resourceGroupName: pulumi.output("billing-rg"),
          keyVault: { id: pulumi.output(EXISTING_VAULT) },
          identity: {
            resourceId: pulumi.output(SHARED_IDENTITY),
            clientId: pulumi.output(CLIENT),
            principalId: pulumi.output(PRINCIPAL),
          },
        },
      }),
      new AzureMocks(),
    );
    assert.deepEqual([w.all(VAULT), w.all(IDENTITY)], [[], []]);
    assert.deepEqual(
      w.all(KV_SECRET).map((r) => [r.inputs.vaultName, r.inputs.resourceGroupName, r.inputs.secretName]),
      [["acme-shared", "platform-rg", "billing-db-password"]],
    );
    const role = `/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
    assert.deepEqual(
      w
        .all(ASSIGNMENT)
        .map((r) => [r.inputs.scope, r.inputs.roleDefinitionId, r.inputs.principalId])
        .sort(),
      [
        [`${EXISTING_VAULT}/secrets/billing-db-password`, role, PRINCIPAL],
        [`${EXISTING_VAULT}/secrets/partner-api`, role, PRINCIPAL],
      ],
    );
    const cred = w.one(CREDENTIAL);
    assert.deepEqual(
      [cred.resourceGroupName, cred.resourceName, cred.subject],
      ["id-rg", "shared-reader", "system:serviceaccount:shop:billing"],
    );
    assert.equal(JSON.parse(String(w.outputs.federatedCredential)).identity, "shared-reader");
    assert.equal(w.outputs.vaultUri, "https://acme-shared.vault.azure.net/");
    assert.deepEqual(
      parseFetchSpecJson(String(w.outputs.fetchSpec)).files.map((f) => f.source),
      [
        { type: "azure-keyvault", vaultUrl: "https://acme-shared.vault.azure.net", name: "billing-db-password" },
        { type: "azure-keyvault", vaultUrl: "https://acme-shared.vault.azure.net", name: "partner-api" },
      ],
    );
  });

  it("a resource group from an Output goes to the identity and the vault created in it", async () => {
    const w = await mockWorkload(
      "shop",
      aksArgs({ aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: pulumi.output("shop-rg") } }),
      new AzureMocks(),
    );
    assert.equal(w.one(IDENTITY).resourceGroupName, "shop-rg");
    assert.equal(w.one(VAULT).resourceGroupName, "shop-rg");
  });

  const refusedWhenResolved: [string, () => SecretMountedWorkloadArgs, string, RegExp, string][] = [
    [
      "an identity id that resolves malformed",
      () =>
        aksArgs({
          aks: {
            oidcIssuerUrl: AKS_ISSUER,
            resourceGroupName: "rg",
            identity: { resourceId: pulumi.output("reader"), clientId: CLIENT, principalId: PRINCIPAL },
          },
        }),
      "aks.identity.resourceId",
      /"reader" is not a user-assigned identity resource id .*\(checked when the value resolved\)/,
      CREDENTIAL,
    ],
    [
      "a vault id that resolves malformed",
      () =>
        aksArgs({
          aks: {
            oidcIssuerUrl: AKS_ISSUER,
            resourceGroupName: "rg",
            keyVault: { id: pulumi.output("/subscriptions/x/vaults/kv") },
          },
        }),
      "aks.keyVault.id",
      /not a Key Vault resource id .*\(checked when the value resolved\)/,
      ASSIGNMENT,
    ],
    [
      "a resource group that resolves malformed",
      () => aksArgs({ aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: pulumi.output("rg.") } }),
      "aks.resourceGroupName",
      /"rg\." is not a resource group name.*\(checked when the value resolved\)/,
      IDENTITY,
    ],
  ];
  for (const [what, args, field, message, neverType] of refusedWhenResolved) {
    it(`${what} is refused when it resolves, naming the field; nothing is registered with it`, async () => {
      const mocks = new AzureMocks();
      await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
      const err = await firstUnhandledRejection(() => new SecretMountedWorkload("shop", args()));
      assert.ok(err instanceof DeclarationError, String(err));
      assert.equal(err.field, field);
      assert.match(err.message, message);
      assert.deepEqual(
        mocks.resources.filter((r) => r.type === neverType || r.type === DEPLOYMENT),
        [],
      );
    });
  }

  it("a credential on an identity given as an Output waits for every credential declared before it, and is counted when it resolves", async () => {
    const mocks = new AzureMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const deps = new Map<string, string[]>();
    const declare = (name: string, resourceId: pulumi.Input<string>, inUse: number) =>
      new SecretMountedWorkload(
        name,
        aksArgs({
          serviceAccountName: name,
          aks: {
            oidcIssuerUrl: AKS_ISSUER,
            resourceGroupName: "rg",
            tenantId: AZ_TENANT,
            subscriptionId: AZ_SUBSCRIPTION,
            identity: { resourceId, clientId: CLIENT, principalId: PRINCIPAL, federatedCredentialsInUse: inUse },
          },
        }),
        {
          transformations: [
            (t) => {
              if (t.type === CREDENTIAL)
                deps.set(
                  t.name,
                  ([t.opts.dependsOn ?? []].flat() as { __name?: string }[]).map((d) => d.__name ?? "?"),
                );
              return undefined;
            },
          ],
        },
      );
    const OTHER_IDENTITY = SHARED_IDENTITY.replace("shared-reader", "other-reader");
    declare("one", SHARED_IDENTITY, 18);
    declare("two", OTHER_IDENTITY, 0);
    const err = await firstUnhandledRejection(() => {
      declare("three", pulumi.output(SHARED_IDENTITY), 18);
      declare("four", SHARED_IDENTITY, 0);
    });
    assert.deepEqual(
      [...deps],
      [
        ["one-federated-credential", []],
        ["two-federated-credential", []],
        ["three-federated-credential", ["one-federated-credential", "two-federated-credential"]],
        ["four-federated-credential", ["one-federated-credential", "three-federated-credential"]],
      ],
    );
    // one, four (known at preview) and three (resolved) on shared-reader, beside 18 in use: 21.
    assert.ok(err instanceof DeclarationError, String(err));
    assert.equal(err.field, "aks.identity");
    assert.match(
      err.message,
      /would make 21 federated credentials on shared-reader \(18 in use outside this program, 2 declared before this one\); Azure allows 20 per identity.*\(checked when the value resolved\)/,
    );
  });
});
