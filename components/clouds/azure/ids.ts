import { createHash } from "node:crypto";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "../../core/names";

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
const GUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const VAULT_ID = new RegExp(
  `^/subscriptions/(${GUID})/resourceGroups/([^/]+)/providers/Microsoft\\.KeyVault/vaults/([^/]+)$`,
  "i",
);
const IDENTITY_ID = new RegExp(
  `^/subscriptions/(${GUID})/resourceGroups/([^/]+)/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/([^/]+)$`,
  "i",
);

export const keyVaultSecretNameProblem = (n: string) =>
  SECRET_NAME.test(n)
    ? undefined
    : `"${n}" is not a Key Vault secret name: use 1-127 letters, digits and "-" (no "_", "/" or "."); set secrets[].azure.secretName to map it`;
export const vaultNameProblem = (n: string) =>
  VAULT_NAME.test(n)
    ? undefined
    : `"${n}" is not a Key Vault name: 3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit`;
export const resourceGroupProblem = (n: string) =>
  RESOURCE_GROUP.test(n)
    ? undefined
    : `"${n}" is not a resource group name: 1-90 letters, digits, _ - . ( ), not ending with "."`;
export const identityNameProblem = (n: string) =>
  IDENTITY_NAME.test(n)
    ? undefined
    : `"${n}" is not a managed identity name: 3-128 letters, digits, - and _, starting with a letter or digit`;

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
export const subjectOf = (namespace: string, serviceAccountName: string) =>
  `system:serviceaccount:${namespace}:${serviceAccountName}`;

const hex = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);

/** A role assignment's name must be a GUID: derived from what it grants, so the same grant keeps its name. */
export function assignmentGuid(scope: string, role: string, principalId: string): string {
  const h = hex(`${scope.toLowerCase()}|${role.toLowerCase()}|${principalId.toLowerCase()}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Longest credential name written out in full: the rest of Azure's 120 holds `-` and a 16-hex hash. */
const CREDENTIAL_NAME_READABLE = 120 - 17;

/**
 * A federated credential's name for one ServiceAccount: `<namespace>_<serviceAccountName>`, each `.`
 * of the ServiceAccount name written `_`. One name per (namespace, ServiceAccount) pair: a namespace
 * (a DNS-1123 label) holds no `_` or `.` and a ServiceAccount name (a DNS-1123 subdomain) no `_`, so
 * the first `_` ends the namespace and every later one was a dot. Azure's rule for the name (3-120
 * letters, digits, `-` and `_`, the first a letter or digit) holds. Past 103 characters: the first 103,
 * `-` and 16 hex of a SHA-256 of the exact pair (120 characters, so never a short name). Names outside
 * the Kubernetes rules (the components refuse them first): `sm-` and 32 hex of that hash, no `_`.
 */
export function credentialName(namespace: string, serviceAccountName: string): string {
  const pairHash = (n: number) => hex(JSON.stringify([namespace, serviceAccountName]), n);
  if (dns1123LabelProblem(namespace) || dns1123SubdomainProblem(serviceAccountName)) return `sm-${pairHash(32)}`;
  const name = `${namespace}_${serviceAccountName.replace(/\./g, "_")}`;
  return name.length <= CREDENTIAL_NAME_READABLE ? name : `${name.slice(0, CREDENTIAL_NAME_READABLE)}-${pairHash(16)}`;
}

/** A new vault's default name: global, and retained after deletion, so derived from project, stack and component. */
export const defaultVaultName = (project: string, stack: string, component: string) =>
  `sm${hex(`${project}/${stack}/${component}`, 22)}`;
