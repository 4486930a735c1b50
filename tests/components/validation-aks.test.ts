import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  DeclarationError,
  SecretMountedWorkload,
  type AksPlatformArgs,
  type SecretMountedWorkloadArgs,
} from "../../components";
import { AKS_ISSUER, AzureMocks, aksArgs } from "./mock-run";

type Case = [description: string, args: SecretMountedWorkloadArgs, field: string, message: RegExp];
const pw = { name: "db-password", generate: { type: "password" as const } };
const aks = (over: Partial<AksPlatformArgs> = {}): AksPlatformArgs => ({
  oidcIssuerUrl: AKS_ISSUER,
  resourceGroupName: "shop-rg",
  ...over,
});
const VAULT_ID =
  "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/platform-rg/providers/Microsoft.KeyVault/vaults/acme-shared";
const IDENTITY_ID =
  "/subscriptions/99999999-8888-7777-6666-555555555555/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/reader";
const identity = { resourceId: IDENTITY_ID, clientId: "c", principalId: "p" };

/** Every AKS-specific mistake, with the field and the fix its error must name. */
const CASES: Case[] = [
  [
    "no issuer",
    aksArgs({ aks: { resourceGroupName: "rg" } as never }),
    "aks.oidcIssuerUrl",
    /is required: the cluster's OIDC issuer \(az aks show .*--query oidcIssuerProfile\.issuerUrl.*--enable-oidc-issuer --enable-workload-identity/,
  ],
  [
    "issuer not https",
    aksArgs({ aks: aks({ oidcIssuerUrl: "http://issuer.example/" }) }),
    "aks.oidcIssuerUrl",
    /not an https issuer URL/,
  ],
  [
    "no resource group for a new identity",
    aksArgs({ aks: { oidcIssuerUrl: AKS_ISSUER, keyVault: { id: VAULT_ID } } }),
    "aks.resourceGroupName",
    /is required: the resource group of the identity created here \(or name an existing one with aks.identity\)/,
  ],
  [
    "no resource group for a new vault",
    aksArgs({ aks: { oidcIssuerUrl: AKS_ISSUER, identity } }),
    "aks.resourceGroupName",
    /is required: the resource group of the Key Vault created here \(or use an existing vault: keyVault.id, or keyVault.name with existing: true\)/,
  ],
  [
    "no resource group for an existing vault by name",
    aksArgs({ aks: { oidcIssuerUrl: AKS_ISSUER, identity, keyVault: { name: "acme-shared", existing: true } } }),
    "aks.resourceGroupName",
    /is required: the resource group of the existing vault "acme-shared" \(or set keyVault.resourceGroupName/,
  ],
  [
    "bad resource group of an existing vault",
    aksArgs({ aks: aks({ keyVault: { name: "acme-shared", existing: true, resourceGroupName: "rg." } }) }),
    "aks.keyVault.resourceGroupName",
    /not a resource group name/,
  ],
  [
    "bad resource group",
    aksArgs({ aks: aks({ resourceGroupName: "rg." }) }),
    "aks.resourceGroupName",
    /not a resource group name/,
  ],
  ["unknown aks field", aksArgs({ aks: { ...aks(), vault: {} } as never }), "aks.vault", /not a known field/],
  [
    "role scope neither secret nor vault",
    aksArgs({ aks: aks({ roleScope: "subscription" as never }) }),
    "aks.roleScope",
    /use "secret" \(one role assignment per secret, the default\) or "vault" \(the whole vault, opt-in\)/,
  ],
  // vault
  [
    "vault name too long",
    aksArgs({ aks: aks({ keyVault: { name: "a-vault-name-of-25-chars0" } }) }),
    "aks.keyVault.name",
    /not a Key Vault name: 3-24 letters, digits and single hyphens/,
  ],
  [
    "vault name with double hyphen",
    aksArgs({ aks: aks({ keyVault: { name: "shop--kv" } }) }),
    "aks.keyVault.name",
    /single hyphens/,
  ],
  [
    "vault name starting with a digit",
    aksArgs({ aks: aks({ keyVault: { name: "1shop" } }) }),
    "aks.keyVault.name",
    /starting with a letter/,
  ],
  [
    "vault id malformed",
    aksArgs({ aks: aks({ keyVault: { id: "/subscriptions/x/vaults/kv" } }) }),
    "aks.keyVault.id",
    /not a Key Vault resource id \(\/subscriptions\/<subscription id>\/resourceGroups\/<rg>\/providers\/Microsoft\.KeyVault\/vaults\/<name>\)/,
  ],
  [
    "vault id and name",
    aksArgs({ aks: aks({ keyVault: { id: VAULT_ID, name: "x-kv" } }) }),
    "aks.keyVault.id",
    /names the vault already; remove name and resourceGroupName/,
  ],
  [
    "existing vault without name",
    aksArgs({ aks: aks({ keyVault: { existing: true } }) }),
    "aks.keyVault.name",
    /is required with existing: true/,
  ],
  [
    "existing vault with network settings",
    aksArgs({ aks: aks({ keyVault: { id: VAULT_ID, publicNetworkAccess: "disabled" } }) }),
    "aks.keyVault.publicNetworkAccess",
    /an existing vault is never changed/,
  ],
  [
    "new vault with a foreign resource group",
    aksArgs({ aks: aks({ keyVault: { resourceGroupName: "other" } }) }),
    "aks.keyVault.resourceGroupName",
    /is for an existing vault \(existing: true\)/,
  ],
  [
    "retention out of range",
    aksArgs({ aks: aks({ keyVault: { softDeleteRetentionInDays: 5 } }) }),
    "aks.keyVault.softDeleteRetentionInDays",
    /whole days from 7 to 90/,
  ],
  [
    "unknown network access",
    aksArgs({ aks: aks({ keyVault: { publicNetworkAccess: "private" as never } }) }),
    "aks.keyVault.publicNetworkAccess",
    /use "enabled" or "disabled"/,
  ],
  [
    "bad DNS suffix",
    aksArgs({ aks: aks({ keyVault: { dnsSuffix: "https://vault.azure.net" } }) }),
    "aks.keyVault.dnsSuffix",
    /not a DNS suffix such as "vault.azure.net"/,
  ],
  // identity
  [
    "identity id malformed",
    aksArgs({ aks: aks({ identity: { ...identity, resourceId: "reader" } }) }),
    "aks.identity.resourceId",
    /not a user-assigned identity resource id/,
  ],
  [
    "identity without client id",
    aksArgs({ aks: aks({ identity: { resourceId: IDENTITY_ID, principalId: "p" } as never }) }),
    "aks.identity.clientId",
    /is required: the ServiceAccount names the identity by its client id/,
  ],
  [
    "identity without principal id",
    aksArgs({ aks: aks({ identity: { resourceId: IDENTITY_ID, clientId: "c" } as never }) }),
    "aks.identity.principalId",
    /is required: the role assignments name the identity/,
  ],
  [
    "identity with a name to create",
    aksArgs({ aks: aks({ identity, identityName: "x-identity" }) }),
    "aks.identityName",
    /names an identity to create; remove it/,
  ],
  [
    "credentials in use out of range",
    aksArgs({ aks: aks({ identity: { ...identity, federatedCredentialsInUse: 20 } }) }),
    "aks.identity.federatedCredentialsInUse",
    /from 0 to 19 \(Azure allows 20 per identity\)/,
  ],
  [
    "identity name too short",
    aksArgs({ aks: aks({ identityName: "id" }) }),
    "aks.identityName",
    /not a managed identity name/,
  ],
  // secrets
  [
    "AWS options on AKS",
    aksArgs({ secrets: [{ ...pw, aws: { store: "ssm-parameter" } }] }),
    "secrets[0].aws",
    /holds AWS store options; on AKS use secrets\[\]\.azure/,
  ],
  [
    "Google options on AKS",
    aksArgs({ secrets: [{ ...pw, gcp: { location: "europe-west4" } }] }),
    "secrets[0].gcp",
    /holds Google Secret Manager options; on AKS use secrets\[\]\.azure/,
  ],
  [
    "existing secret by ARN",
    aksArgs({
      secrets: [{ name: "s", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-AbCdEf" } }],
    }),
    "secrets[0].existing.arn",
    /is an AWS ARN; on AKS name the Key Vault secret with existing.name/,
  ],
  [
    "existing secret with a KMS key",
    aksArgs({
      secrets: [{ name: "s", existing: { name: "s", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/x" } }],
    }),
    "secrets[0].existing.kmsKeyArn",
    /Key Vault encrypts secrets itself/,
  ],
  [
    "existing secret name with an underscore",
    aksArgs({ secrets: [{ name: "s", existing: { name: "db_password" } }] }),
    "secrets[0].existing.name",
    /"db_password" is not a Key Vault secret name: use 1-127 letters, digits and "-" \(no "_", "\/" or "\."\)/,
  ],
  [
    "secretName too long",
    aksArgs({ secrets: [{ ...pw, azure: { secretName: "s".repeat(128) } }] }),
    "secrets[0].azure.secretName",
    /not a Key Vault secret name: use 1-127/,
  ],
  [
    "secretName on an existing secret",
    aksArgs({ secrets: [{ name: "s", existing: { name: "s" }, azure: { secretName: "t" } }] }),
    "secrets[0].azure.secretName",
    /for an existing secret use existing.name/,
  ],
  [
    "prefix not valid in Key Vault names (existing vault)",
    aksArgs({ secretNamePrefix: "team/shop", aks: aks({ keyVault: { id: VAULT_ID } }) }),
    "secretNamePrefix",
    /"team\/shop-db-password" is not a Key Vault secret name/,
  ],
  [
    "two secrets with one Key Vault name, case-insensitively",
    aksArgs({
      secrets: [
        { ...pw, azure: { secretName: "DB" } },
        { name: "other", existing: { name: "db" } },
      ],
    }),
    "secrets[1].existing.name",
    /"db" is also the Key Vault name of secrets\[0\] \(names are case-insensitive\)/,
  ],
  [
    "version on a created secret",
    aksArgs({ secrets: [{ ...pw, azure: { version: "0123456789abcdef0123456789abcdef" } }] }),
    "secrets[0].azure.version",
    /pins an existing secret/,
  ],
  [
    "version not 32 hex",
    aksArgs({ secrets: [{ name: "s", existing: { name: "s" }, azure: { version: "latest" } }] }),
    "secrets[0].azure.version",
    /not a Key Vault secret version \(32 hex characters\)/,
  ],
  [
    "unknown azure secret field",
    aksArgs({ secrets: [{ ...pw, azure: { name: "x" } as never }] }),
    "secrets[0].azure.name",
    /not a known field/,
  ],
];

describe("AKS declaration errors: field, message, nothing registered", () => {
  let mocks: AzureMocks;
  beforeEach(async () => {
    mocks = new AzureMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
  });

  for (const [description, args, field, message] of CASES) {
    it(description, () => {
      assert.throws(
        () => new SecretMountedWorkload("app", args),
        (err: unknown) => {
          assert.ok(err instanceof DeclarationError, `expected a DeclarationError, got ${String(err)}`);
          assert.equal(err.field, field);
          assert.match(err.message, message);
          assert.ok(err.message.startsWith(`app: ${field}: `), err.message);
          return true;
        },
      );
      assert.deepEqual(mocks.resources, [], "a failed declaration must register nothing");
    });
  }

  it("the base AKS declaration used above is valid", () => {
    assert.doesNotThrow(() => new SecretMountedWorkload("app", aksArgs()));
  });
});
