/**
 * Azure AKS: the platform args (Key Vault, managed identity), the Key Vault options of a secret,
 * and the role assignments of `AksWorkloadIdentity`. Imported from `secret-mount`.
 * @module AKS args
 */
export type { AksExistingIdentity, AksKeyVault, AksPlatform } from "../../components/platforms/aks/args";
export { AksPublicNetworkAccess, AksRoleScope } from "../../components/platforms/aks/args";
export type { AzureSecret } from "../../components/core/args";
export type { AksRoleAssignment } from "../../components/platforms/aks/identity-args";
