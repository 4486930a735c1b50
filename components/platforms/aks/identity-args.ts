import type * as pulumi from "@pulumi/pulumi";
import type { AksExistingIdentityArgs } from "./args";

/** One Azure role for the identity, on one scope. */
export interface AksRoleAssignment {
  /**
   * The role: a role definition GUID (e.g. `2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`, Storage Blob Data
   * Reader) or its full id (`/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>`).
   * A GUID is resolved in the scope's subscription. Owner, Contributor, User Access Administrator and
   * Role Based Access Control Administrator are refused.
   */
  roleDefinitionId: pulumi.Input<string>;
  /**
   * Where the role applies: a resource group (`/subscriptions/<sub>/resourceGroups/<rg>`) or a
   * resource in one (e.g. a storage account, a Key Vault secret). A whole subscription or
   * management group is refused.
   */
  scope: pulumi.Input<string>;
  /**
   * Description stored with the assignment (default: which ServiceAccount it is for).
   * @default `secret-mount: identity of <namespace>/<serviceAccountName>`
   */
  description?: string;
}
/** {@link AksRoleAssignment} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AksRoleAssignmentArgs = AksRoleAssignment;

/**
 * A Microsoft Entra workload identity for one Kubernetes ServiceAccount of an AKS cluster, on its
 * own: a user-assigned managed identity (or an existing one), the federated credential for exactly
 * that ServiceAccount, and the role assignments you give it.
 */
export interface AksWorkloadIdentityArgs {
  /** Namespace of the ServiceAccount (a DNS-1123 label). */
  namespace: string;
  /** Name of the ServiceAccount the identity is for (a DNS-1123 subdomain). */
  serviceAccountName: string;
  /**
   * Create the ServiceAccount too, annotated for the identity (default false: annotate your own
   * with the `serviceAccountAnnotations` output, and label its pods with `podLabels`).
   * @default `false`: annotate your own with the `serviceAccountAnnotations` output, and label its pods with `podLabels`
   */
  createServiceAccount?: boolean;
  /**
   * The cluster's OIDC issuer URL (`az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv`).
   * The cluster needs `--enable-oidc-issuer --enable-workload-identity`.
   */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Resource group of the identity to create (required unless `identity` names an existing one). */
  resourceGroupName?: pulumi.Input<string>;
  /**
   * Azure region of the created identity (default: the resource group's).
   * @default the resource group's (`resourceGroupName`)
   */
  location?: pulumi.Input<string>;
  /**
   * Microsoft Entra tenant id for the ServiceAccount annotation (default: the tenant the azure-native provider signs in to).
   * @default the tenant the `azure-native` provider signs in to
   */
  tenantId?: pulumi.Input<string>;
  /**
   * Use an existing user-assigned identity (default: create one).
   * @default `undefined`: one is created
   */
  identity?: AksExistingIdentityArgs;
  /**
   * Name of the identity to create (default: `<component name>-identity`).
   * @default `<component name>-identity`
   */
  identityName?: string;
  /** The roles the identity gets, each on one scope. At least one. */
  roleAssignments: AksRoleAssignment[];
  /** Tags for the identity created. */
  tags?: { [key: string]: pulumi.Input<string> };
}
