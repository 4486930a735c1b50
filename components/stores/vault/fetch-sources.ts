import type { VaultKvSource } from "../../../spec/fetch-spec";
import type { VaultDeclaration, VaultSecretPlan } from "./normalize";

/**
 * The FetchSpec source of one Vault secret: references only (address, role, mount, path, version),
 * never a value or a token. Created secrets are read at their latest version (a new one rolls
 * init-mode pods through the revision, and refresh mode reads it); existing ones at their pin, if any.
 */
export function vaultSource(d: VaultDeclaration, s: VaultSecretPlan): VaultKvSource {
  return {
    type: "vault-kv",
    address: d.address,
    role: d.role.name,
    mount: s.mount,
    path: s.path,
    authMount: d.authMount,
    ...(s.version !== undefined ? { version: s.version } : {}),
    ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
    ...(d.insecureHttp ? { insecureHttp: true } : {}),
  };
}

/** What identifies the value a secret's pods must read, for the revision: never a value. */
export function vaultVersionId(s: VaultSecretPlan, createdVersion?: string): string {
  if (s.secret.kind !== "existing") return createdVersion ?? "";
  return s.version !== undefined ? String(s.version) : "latest";
}
