import type * as pulumi from "@pulumi/pulumi";

/** What the workload's identity may read in Key Vault. */
export const AksRoleScope = {
  /** One "Key Vault Secrets User" assignment per declared secret, scoped to that secret (the default). */
  Secret: "secret",
  /**
   * One assignment on the whole vault: the identity may read every secret in it, present and
   * future. Only for a vault that holds nothing but this workload's secrets.
   */
  Vault: "vault",
} as const;
/** What the workload's identity may read in Key Vault: `secret` (default) or `vault`. */
export type AksRoleScope = (typeof AksRoleScope)[keyof typeof AksRoleScope];

/** Who may reach a created Key Vault over the network. */
export const AksPublicNetworkAccess = {
  /** Reachable from public networks (the default; every request still needs Entra auth and RBAC). */
  Enabled: "enabled",
  /** Private endpoints and trusted services only: the cluster must reach the vault over a private endpoint. */
  Disabled: "disabled",
} as const;
/** Who may reach a created Key Vault over the network: `enabled` (default) or `disabled`. */
export type AksPublicNetworkAccess = (typeof AksPublicNetworkAccess)[keyof typeof AksPublicNetworkAccess];

/**
 * The Key Vault holding the workload's secrets. Either an existing vault (`id`, or `name` with
 * `resourceGroupName` and `existing: true`), or a new one created with the RBAC permission model,
 * soft delete and purge protection on.
 */
export interface AksKeyVault {
  /**
   * Use this existing vault, by full resource id
   * (`/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>`).
   * It must use the RBAC permission model. Nothing about the vault itself is changed. May be
   * another resource's or stack's output: it is then checked when it resolves.
   */
  id?: pulumi.Input<string>;
  /**
   * Vault name: 3-24 letters, digits and single hyphens, starting with a letter. For a new vault
   * the default is `sm` + 22 hex characters derived from project, stack and component name (vault
   * names are global, and a deleted vault keeps its name while it is retained).
   * @default a new vault: `sm` + 22 hex characters derived from project, stack and component name (vault names are global, and a deleted vault keeps its name while it is retained)
   */
  name?: string;
  /**
   * Use the existing vault `name` in `resourceGroupName` (default: create the vault).
   * @default `false`: create the vault
   */
  existing?: boolean;
  /**
   * Resource group of an existing vault named by `name` (default: `aks.resourceGroupName`).
   * @default `aks.resourceGroupName`
   */
  resourceGroupName?: pulumi.Input<string>;
  /**
   * A new vault's network access (default `enabled`).
   * @default `enabled`
   */
  publicNetworkAccess?: AksPublicNetworkAccess;
  /**
   * A new vault's soft-delete retention in days, 7-90 (default 90); purge protection keeps deleted secrets for this long.
   * @default `90`
   */
  softDeleteRetentionInDays?: number;
  /**
   * DNS suffix of vault URLs (default `vault.azure.net`; e.g. `vault.azure.cn`, `vault.usgovcloudapi.net`).
   * @default `vault.azure.net`
   */
  dnsSuffix?: string;
}
/** {@link AksKeyVault} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AksKeyVaultArgs = AksKeyVault;

/** An existing user-assigned managed identity to use instead of creating one. */
export interface AksExistingIdentity {
  /**
   * Its full resource id (`/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`).
   * May be another resource's or stack's output: it is then checked when it resolves, and its
   * federated credential waits for every credential declared before it on an existing identity
   * (Azure refuses concurrent credential writes on one identity).
   */
  resourceId: pulumi.Input<string>;
  /** Its client id (the ServiceAccount's `azure.workload.identity/client-id`). */
  clientId: pulumi.Input<string>;
  /** Its principal (object) id, which the role assignments name. */
  principalId: pulumi.Input<string>;
  /**
   * Federated credentials the identity already has outside this program (Azure allows 20 per identity; default 0).
   * @default `0`
   */
  federatedCredentialsInUse?: number;
}
/** {@link AksExistingIdentity} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AksExistingIdentityArgs = AksExistingIdentity;

/** Run the workload on Azure Kubernetes Service, reading Azure Key Vault with Microsoft Entra workload identity. */
export interface AksPlatform {
  /**
   * The cluster's OIDC issuer URL (`az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv`):
   * the issuer of the federated credential. The cluster needs `--enable-oidc-issuer --enable-workload-identity`.
   */
  oidcIssuerUrl: pulumi.Input<string>;
  /**
   * Resource group for what is created here: the identity (unless `identity` names an existing
   * one) and the vault (unless `keyVault` names an existing one); also the default group of an
   * existing vault given by `keyVault.name`. Required only for those.
   */
  resourceGroupName?: pulumi.Input<string>;
  /**
   * Azure region of the created identity and vault (default: the resource group's).
   * @default the resource group's (`resourceGroupName`)
   */
  location?: pulumi.Input<string>;
  /**
   * Microsoft Entra tenant id (default: the tenant the azure-native provider signs in to).
   * @default the tenant the `azure-native` provider signs in to
   */
  tenantId?: pulumi.Input<string>;
  /**
   * Subscription of the vault created here, which also holds the role definition (default: the
   * subscription the azure-native provider uses).
   * @default the subscription the `azure-native` provider uses
   */
  subscriptionId?: pulumi.Input<string>;
  /**
   * The Key Vault (default: a new vault, one per workload).
   * @default `undefined`: a new vault, one per workload
   */
  keyVault?: AksKeyVaultArgs;
  /**
   * Use an existing user-assigned identity (default: create one for this workload).
   * @default `undefined`: one is created for this workload
   */
  identity?: AksExistingIdentityArgs;
  /**
   * Name of the identity to create (default: `<component name>-identity`).
   * @default `<component name>-identity`
   */
  identityName?: string;
  /**
   * Scope of the "Key Vault Secrets User" role assignments: `secret` (default: one per declared
   * secret, exactly what the pod reads) or `vault` (one on the whole vault; an explicit opt-in).
   * @default `secret`: one per declared secret, exactly what the pod reads
   */
  roleScope?: AksRoleScope;
  /** Tags for the Azure resources created. */
  tags?: { [key: string]: pulumi.Input<string> };
}
/** {@link AksPlatform} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AksPlatformArgs = AksPlatform;
