import type { SecretSource } from "../../spec/fetch-spec";

/** A human-readable reference to a source for logs and error lines: names and locations, never values. */
export function sourceRef(s: SecretSource): string {
  switch (s.type) {
    case "aws-secretsmanager":
      return `aws-secretsmanager:${s.secretId}${s.versionId ? `#${s.versionId}` : s.versionStage ? `@${s.versionStage}` : ""}`;
    case "aws-ssm":
      return `aws-ssm:${s.name}`;
    case "azure-keyvault":
      return `azure-keyvault:${s.vaultUrl}/secrets/${s.name}${s.version ? `/${s.version}` : ""}`;
    case "gcp-secretmanager":
      return `gcp-secretmanager:${s.name}`;
    case "vault-kv":
      return `vault-kv:${s.address}/v1/${s.mount ?? "secret"}/data/${s.path}${s.version ? `?version=${s.version}` : ""}`;
  }
}

/** Identity of a source for de-duplication: the same secret read twice is fetched once. */
export function sourceKey(s: SecretSource): string {
  const entries = Object.entries(s)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
