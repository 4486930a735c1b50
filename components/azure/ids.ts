import { createHash } from "node:crypto";

/** Names and resource ids of Azure, as its docs define them. Pure. */

/** "Key Vault Secrets User": read secret contents (Microsoft.KeyVault/vaults/secrets/getSecret/action, readMetadata). */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
/** The only audience the AKS workload-identity webhook's projected token carries. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
/** Azure allows this many federated identity credentials on one user-assigned identity. */
export const MAX_FEDERATED_CREDENTIALS = 20;
/** Key Vault's limit on a secret value (25 KB). */
export const KEY_VAULT_SECRET_MAX_BYTES = 25 * 1024;
export const DEFAULT_VAULT_DNS_SUFFIX = "vault.azure.net";

const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;
const VAULT_NAME = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{1,22}[A-Za-z0-9]$/;
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
const IDENTITY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;
const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;
const GUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const VAULT_ID = new RegExp(`^/subscriptions/(${GUID})/resourceGroups/([^/]+)/providers/Microsoft\\.KeyVault/vaults/([^/]+)$`, "i");
const IDENTITY_ID = new RegExp(`^/subscriptions/(${GUID})/resourceGroups/([^/]+)/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/([^/]+)$`, "i");

export const keyVaultSecretNameProblem = (n: string) =>
  SECRET_NAME.test(n) ? undefined : `"${n}" is not a Key Vault secret name: use 1-127 letters, digits and "-" (no "_", "/" or "."); set secrets[].azure.secretName to map it`;
export const vaultNameProblem = (n: string) =>
  VAULT_NAME.test(n) ? undefined : `"${n}" is not a Key Vault name: 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit`;
export const resourceGroupProblem = (n: string) =>
  RESOURCE_GROUP.test(n) ? undefined : `"${n}" is not a resource group name: 1-90 letters, digits, _ - . ( ), not ending with "."`;
export const identityNameProblem = (n: string) =>
  IDENTITY_NAME.test(n) ? undefined : `"${n}" is not a managed identity name: 3-128 letters, digits, - and _, starting with a letter or digit`;

export interface ParsedId {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
}

function parse(re: RegExp, id: string): ParsedId | undefined {
  const m = re.exec(id);
  return m ? { subscriptionId: m[1], resourceGroupName: m[2], name: m[3] } : undefined;
}
export const parseVaultId = (id: string) => parse(VAULT_ID, id);
export const parseIdentityId = (id: string) => parse(IDENTITY_ID, id);

export const vaultId = (subscriptionId: string, resourceGroupName: string, name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.KeyVault/vaults/${name}`;
/** The scope of one secret: a role assigned here reads that secret only. */
export const secretScope = (vault: string, secretName: string) => `${vault}/secrets/${secretName}`;
export const roleDefinitionId = (subscriptionId: string, role = KEY_VAULT_SECRETS_USER) =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
export const subjectOf = (namespace: string, serviceAccountName: string) => `system:serviceaccount:${namespace}:${serviceAccountName}`;

const hex = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);

/** A role assignment's name must be a GUID: derived from what it grants, so the same grant keeps its name. */
export function assignmentGuid(scope: string, role: string, principalId: string): string {
  const h = hex(`${scope.toLowerCase()}|${role.toLowerCase()}|${principalId.toLowerCase()}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A federated credential's name (3-120 of letters, digits, - and _), readable where it fits. */
export function credentialName(namespace: string, serviceAccountName: string): string {
  const raw = `${namespace}-${serviceAccountName}`.replace(/[^A-Za-z0-9_-]/g, "-");
  const name = raw.length <= 120 ? raw : `${raw.slice(0, 103)}-${hex(raw, 16)}`;
  return CREDENTIAL_NAME.test(name) ? name : `sm-${hex(raw, 32)}`;
}

/** A new vault's default name: global, and retained after deletion, so derived from project, stack and component. */
export const defaultVaultName = (project: string, stack: string, component: string) => `sm${hex(`${project}/${stack}/${component}`, 22)}`;
