import type { RecordedResource } from "./offline-engine";

/** The built-in roles a reviewer should recognise by name. */
const ROLE_NAMES: Record<string, string> = { "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User" };

type Obj = Record<string, any>;

/** Pulumi sends an input holding a secret as `{ <sig>: <secret sig>, value }`: the value's shape, never printed. */
const unwrap = (v: unknown): Obj => {
  const o = (v ?? {}) as Obj;
  return o["4dabf18193072939515e22adb298388d"] !== undefined ? (o.value ?? {}) : o;
};

/**
 * The Azure review artifacts of one recorded resource: role assignments and federated credentials
 * as JSON files, and a summary line for every Azure resource. Undefined for anything not Azure.
 * Never a secret value: Key Vault secrets show their name only.
 */
export function azureArtifacts(r: RecordedResource): { artifacts: { path: string; content: string }[]; detail: string } | undefined {
  if (!r.type.startsWith("azure-native:")) return undefined;
  const i = r.inputs as Obj;
  const json = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
  switch (r.type) {
    case "azure-native:authorization:RoleAssignment": {
      const role = String(i.roleDefinitionId ?? "").split("/").pop() ?? "";
      const doc = { scope: i.scope, roleDefinitionId: i.roleDefinitionId, roleName: ROLE_NAMES[role] ?? "(not a role secret-mount assigns)", principalId: i.principalId, principalType: i.principalType };
      return { artifacts: [{ path: `azure/${r.name}.role-assignment.json`, content: json(doc) }], detail: `${doc.roleName} on ${i.scope} for ${i.principalType} ${i.principalId}` };
    }
    case "azure-native:managedidentity:FederatedIdentityCredential": {
      const doc = { identity: `${i.resourceGroupName}/${i.resourceName}`, name: i.federatedIdentityCredentialResourceName, issuer: i.issuer, subject: i.subject, audiences: i.audiences };
      return { artifacts: [{ path: `azure/${r.name}.federated-credential.json`, content: json(doc) }], detail: `trust ${i.issuer} sub=${i.subject} aud=${(i.audiences ?? []).join(",")} as ${doc.identity}` };
    }
    case "azure-native:keyvault:Vault": {
      const p = unwrap(i.properties);
      return {
        artifacts: [],
        detail: `${i.resourceGroupName}/${i.vaultName}, ${p.enableRbacAuthorization ? "RBAC" : "ACCESS POLICIES"}, soft delete ${p.softDeleteRetentionInDays ?? 90}d, purge protection ${p.enablePurgeProtection ? "on" : "OFF"}, public access ${p.publicNetworkAccess ?? "Enabled"}`,
      };
    }
    case "azure-native:keyvault:Secret":
      return { artifacts: [], detail: `${i.vaultName}/${i.secretName} (value withheld)` };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { artifacts: [], detail: `user-assigned identity ${i.resourceGroupName}/${i.resourceName}` };
    default:
      return { artifacts: [], detail: "" };
  }
}
