/**
 * HashiCorp Vault: the `vault` block of a declaration (where Vault is, how the pods log in, the
 * role and policy created for the workload) and the Vault options of a secret. Imported from
 * `secret-mount`.
 * @module Vault args
 */
export type {
  VaultBackend,
  VaultPolicy,
  VaultRole,
  VaultSecret,
  VaultStoreArgs,
} from "../../components/stores/vault/args";
