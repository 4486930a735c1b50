import type { Describer } from "../../review/describe";

/** The built-in roles a reviewer should recognise by name (others, e.g. an AksWorkloadIdentity's, are shown by their GUID). */
const ROLE_NAMES: Record<string, string> = { "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User" };

type Obj = Record<string, any>;

/** One labelled fact a reviewer should see about an Azure resource. */
export interface AzureFact {
  /** What the fact is about, e.g. `grants`. */
  label: string;
  /** The fact, one line each. */
  values: string[];
}
const fact = (label: string, ...values: string[]): AzureFact => ({ label, values });

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
export function azureArtifacts(r: {
  type: string;
  name: string;
  inputs: unknown;
}): { artifacts: { path: string; content: string }[]; facts: AzureFact[] } | undefined {
  if (!r.type.startsWith("azure-native:")) return undefined;
  const i = r.inputs as Obj;
  const json = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
  // `azure/<resource name>.<kind>.json`, the kind said once: `shop-federated-credential` → `azure/shop.federated-credential.json`.
  const file = (kind: string) =>
    `azure/${r.name.endsWith(`-${kind}`) && r.name.length > kind.length + 1 ? r.name.slice(0, -kind.length - 1) : r.name}.${kind}.json`;
  switch (r.type) {
    case "azure-native:authorization:RoleAssignment": {
      const role =
        String(i.roleDefinitionId ?? "")
          .split("/")
          .pop() ?? "";
      const doc = {
        scope: i.scope,
        roleDefinitionId: i.roleDefinitionId,
        roleName: ROLE_NAMES[role] ?? `role definition ${role} (look it up: az role definition list --name ${role})`,
        principalId: i.principalId,
        principalType: i.principalType,
      };
      return {
        artifacts: [{ path: file("role-assignment"), content: json(doc) }],
        facts: [
          fact("role", doc.roleName),
          fact("scope", String(i.scope)),
          fact("principal", `${i.principalType} ${i.principalId}`),
        ],
      };
    }
    case "azure-native:managedidentity:FederatedIdentityCredential": {
      const doc = {
        identity: `${i.resourceGroupName}/${i.resourceName}`,
        name: i.federatedIdentityCredentialResourceName,
        issuer: i.issuer,
        subject: i.subject,
        audiences: i.audiences,
      };
      return {
        artifacts: [{ path: file("federated-credential"), content: json(doc) }],
        facts: [
          fact("identity", doc.identity),
          fact("issuer", String(i.issuer)),
          fact("subject", String(i.subject)),
          fact("audience", ...(i.audiences ?? [])),
        ],
      };
    }
    case "azure-native:keyvault:Vault": {
      const p = unwrap(i.properties);
      // The vault as Azure receives it: permission model, network access, soft delete, purge protection (tags: tags.json).
      const doc = {
        resourceGroupName: i.resourceGroupName,
        vaultName: i.vaultName,
        location: i.location,
        properties: i.properties,
      };
      return {
        artifacts: [{ path: file("vault"), content: json(doc) }],
        facts: [
          fact("vault", `${i.resourceGroupName}/${i.vaultName}`),
          fact("permission model", p.enableRbacAuthorization ? "RBAC" : "ACCESS POLICIES"),
          fact("soft delete", `${p.softDeleteRetentionInDays ?? 90} days`),
          fact("purge protection", p.enablePurgeProtection ? "on" : "OFF"),
          fact("public access", String(p.publicNetworkAccess ?? "Enabled")),
        ],
      };
    }
    case "azure-native:keyvault:Secret":
      return { artifacts: [], facts: [fact("secret", `${i.vaultName}/${i.secretName}`), fact("value", "withheld")] };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { artifacts: [], facts: [fact("user-assigned identity", `${i.resourceGroupName}/${i.resourceName}`)] };
    default:
      return { artifacts: [], facts: [] };
  }
}

const ABOUT: Record<string, string> = {
  "role-assignment": "an Azure role assignment: which role, on which scope, for which principal",
  "federated-credential": "the federated credential: which issuer and subject may act as the identity",
  vault: "the Key Vault as Azure receives it: permission model, network access, soft delete, purge protection",
};

/** The Azure review facts and files of one resource, for the describer table in artifacts.ts. */
export const describeAzure: Describer = (s) => {
  const a = azureArtifacts(s) ?? { artifacts: [], facts: [] };
  return {
    facts: a.facts,
    files: a.artifacts.map((f) => ({ ...f, about: ABOUT[f.path.split(".").slice(-2, -1)[0]] })),
  };
};
