import { createHash } from "node:crypto";
import type { OfflineProvider } from "../../review/offline";

/**
 * What Azure returns for resources the offline engine records: stand-in ids, derived from the
 * resource's name so a render is stable. Never a value: a secret's value stays with its inputs.
 */
export function azureState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const guid = (salt: string) => {
    const h = createHash("sha256").update(`${salt}:${name}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  };
  switch (type) {
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { clientId: guid("client"), principalId: guid("principal"), tenantId: guid("tenant") };
    case "azure-native:keyvault:Secret": {
      const base = `https://${inputs.vaultName as string}.vault.azure.net/secrets/${inputs.secretName as string}`;
      const version = guid("version").replace(/-/g, "");
      const { contentType, attributes } = (inputs.properties ?? {}) as Record<string, unknown>;
      return {
        properties: {
          ...(contentType !== undefined ? { contentType } : {}),
          ...(attributes !== undefined ? { attributes } : {}),
          secretUri: base,
          secretUriWithVersion: `${base}/${version}`,
        },
      };
    }
    default:
      return {};
  }
}

/** The mocked Azure provider, as the offline engine reaches it (through the platform registry). */
export const AZURE_OFFLINE: OfflineProvider = {
  state: (type, name, inputs) => (type.startsWith("azure-native:") ? azureState(type, name, inputs) : {}),
};
