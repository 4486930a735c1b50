import * as pulumi from "@pulumi/pulumi";
import type * as keyvault from "@pulumi/azure-native/keyvault";
import type { SecretSource } from "../../../spec/fetch-spec";
import type { MountTarget } from "../../core/target";
import type { ProvisionedPlatform } from "../platform";
import type { AksOutputs } from "./outputs";
import { revisionOf } from "../../core/revision";
import { secretValue } from "../../values/secret-value";
import type { AksPlatformArgs } from "./args";
import { assignRole, provisionAksIdentity } from "./managed-identity";
import { roleDefinitionId, secretScope, vaultId } from "../../clouds/azure/ids";
import type { AksPlan } from "./plan";
import { azureNative } from "../../clouds/azure/sdk";

/** What a reviewer signs: one role assignment, as it is sent to Azure. */
export interface RoleAssignmentReview {
  scope: string;
  roleDefinitionId: string;
  roleName: "Key Vault Secrets User";
  principalId: string;
  principalType: "ServicePrincipal";
}

/** Webhook annotations and labels (https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html). */
export const AZURE_WI = {
  clientId: "azure.workload.identity/client-id",
  tenantId: "azure.workload.identity/tenant-id",
  use: "azure.workload.identity/use",
  skipContainers: "azure.workload.identity/skip-containers",
} as const;

/** The Azure half of an AKS workload: vault and secrets, the identity, its federated credential and its role assignments. */
export function provisionAks(
  parent: pulumi.Resource,
  decl: MountTarget,
  aks: AksPlatformArgs,
  plan: AksPlan,
): ProvisionedPlatform<AksOutputs> {
  const { authorization, keyvault } = azureNative(decl.name);
  const name = decl.name;
  const opts = { parent };
  const tags = { "managed-by": "secret-mount", "secret-mount/component": name, ...(aks.tags ?? {}) };
  const v = plan.vault;
  // The vault by its parts: known at preview, or parsed from an id given as an Output when it resolves.
  const parts =
    v.kind === "existing-id" ? v.id : pulumi.output({ name: v.name, resourceGroupName: v.resourceGroupName });
  const vaultSubscription =
    v.kind === "existing-id" ? v.id.subscriptionId : v.kind === "existing" ? v.subscriptionId : undefined;
  const needsClient =
    aks.tenantId === undefined || (vaultSubscription === undefined && aks.subscriptionId === undefined);
  const client = needsClient ? authorization.getClientConfigOutput(opts) : undefined;
  const tenantId = pulumi.output(aks.tenantId ?? client!.tenantId);
  const subscriptionId = pulumi.output(vaultSubscription ?? aks.subscriptionId ?? client!.subscriptionId);
  const vaultUrl =
    plan.vaultUrl !== undefined
      ? pulumi.output(plan.vaultUrl)
      : parts.name.apply((n) => `https://${n}.${plan.dnsSuffix}`);

  let vaultResource: keyvault.Vault | undefined;
  if (v.kind === "new") {
    vaultResource = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: v.name,
        resourceGroupName: v.resourceGroupName,
        location: aks.location,
        properties: {
          tenantId,
          sku: { family: "A", name: "standard" },
          // Data access by Azure RBAC only: the per-secret role assignments below are the whole grant.
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: v.softDeleteRetentionInDays,
          enablePurgeProtection: true,
          publicNetworkAccess: v.publicNetworkAccess,
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
        },
        tags,
      },
      opts,
    );
  }
  const vaultIdOut = pulumi.all([subscriptionId, parts]).apply(([sub, p]) => vaultId(sub, p.resourceGroupName, p.name));

  const secretResources: keyvault.Secret[] = [];
  const versionIds: pulumi.Output<string>[] = [];
  const byIndex = new Map<number, keyvault.Secret>();
  for (const p of plan.secrets) {
    const s = p.secret;
    if (s.kind === "existing") {
      versionIds.push(pulumi.output(p.version ?? "latest"));
      continue;
    }
    const secret = new keyvault.Secret(
      `${name}-${s.name}`,
      {
        resourceGroupName: parts.resourceGroupName,
        vaultName: parts.name,
        secretName: p.secretName,
        properties: {
          value: pulumi.secret(secretValue(parent, `${name}-${s.name}`, s)),
          contentType: s.generate && s.generate.type !== "password" ? "application/json" : "text/plain",
        },
        tags: { ...tags, ...(s.description !== undefined ? { description: s.description.slice(0, 256) } : {}) },
      },
      { parent, ...(vaultResource ? { dependsOn: [vaultResource] } : {}) },
    );
    secretResources.push(secret);
    byIndex.set(s.index, secret);
    versionIds.push(secret.properties.apply((pr) => pr?.secretUriWithVersion?.split("/").pop() ?? ""));
  }

  const { clientId, principalId, credential, federatedCredential } = provisionAksIdentity(parent, {
    name,
    plan: plan.identity,
    existing: aks.identity,
    location: aks.location,
    tags,
    oidcIssuerUrl: aks.oidcIssuerUrl,
    credential: plan.credential,
  });

  const roleDef = subscriptionId.apply((sub) => roleDefinitionId(sub));
  const grants: { resourceName: string; scope: pulumi.Output<string>; after: pulumi.Resource[] }[] =
    plan.roleScope === "vault"
      ? [{ resourceName: `${name}-read-vault`, scope: vaultIdOut, after: vaultResource ? [vaultResource] : [] }]
      : plan.secrets.map((p) => {
          const created = byIndex.get(p.secret.index);
          return {
            resourceName: `${name}-read-${p.secret.name}`,
            scope: vaultIdOut.apply((id) => secretScope(id, p.secretName)),
            // The scope must exist: a created secret first.
            after: created ? [created] : vaultResource ? [vaultResource] : [],
          };
        });
  const assignments = grants.map((g) =>
    assignRole(
      parent,
      g.resourceName,
      {
        scope: g.scope,
        roleDefinitionId: roleDef,
        principalId,
        description: `secret-mount: ${decl.namespace}/${decl.serviceAccountName} reads ${plan.roleScope === "vault" ? "the vault's secrets" : "this secret"}`,
      },
      g.after,
    ),
  );

  const roleAssignments = pulumi
    .all([pulumi.all(grants.map((g) => g.scope)), roleDef, principalId])
    .apply(([scopes, rd, pid]) =>
      JSON.stringify(
        scopes.map((scope): RoleAssignmentReview => ({
          scope,
          roleDefinitionId: rd,
          roleName: "Key Vault Secrets User",
          principalId: pid,
          principalType: "ServicePrincipal",
        })),
        null,
        2,
      ),
    );
  const sources = vaultUrl.apply((url) =>
    plan.secrets.map((p): SecretSource => ({
      type: "azure-keyvault",
      vaultUrl: url,
      name: p.secretName,
      ...(p.version !== undefined ? { version: p.version } : {}),
    })),
  );

  return {
    sources,
    wiring: {
      serviceAccountAnnotations: { [AZURE_WI.clientId]: clientId, [AZURE_WI.tenantId]: tenantId },
      // The webhook mutates only pods with this label.
      podLabels: { [AZURE_WI.use]: "true" },
      // Only the fetch container gets the token and the AZURE_* variables; the list is `;`-separated.
      podAnnotations: { [AZURE_WI.skipContainers]: (decl.containerNames ?? []).join(";") },
      skipContainers: { annotation: AZURE_WI.skipContainers, separator: ";" },
      // The webhook injects AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST.
      fetchEnv: {},
      revision: revisionOf(
        decl.secrets.map((s) => s.name),
        versionIds,
      ),
    },
    ready: [credential, ...assignments, ...secretResources],
    outputs: {
      identityClientId: clientId,
      identityPrincipalId: principalId,
      vaultUri: vaultUrl.apply((url) => `${url}/`),
      roleAssignments,
      federatedCredential,
    },
  };
}
