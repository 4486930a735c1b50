/**
 * HashiCorp Vault as a store of declared secrets (KV version 2, Kubernetes auth). The pure half,
 * for callers that apply the plan themselves (a real Vault in tests, another tool): normalize a
 * declaration's Vault side, then `vaultAccessPlan` gives the policy HCL and the role exactly as the
 * components create them.
 */
export type {
  VaultBackend,
  VaultBackendArgs,
  VaultPolicy,
  VaultPolicyArgs,
  VaultRole,
  VaultRoleArgs,
  VaultSecret,
  VaultSecretArgs,
} from "./args";
export {
  normalizeVault,
  isVaultSecret,
  VAULT_DEFAULTS,
  VALUE_KEY,
  type VaultDeclaration,
  type VaultDeclarationInput,
  type VaultSecretPlan,
} from "./normalize";
export { vaultAccessPlan, vaultPolicyHcl, kvDataPath, type VaultAccessPlan } from "./access-plan";
export { vaultSource } from "./fetch-sources";
export { vaultPodWiring, VAULT_TOKEN_DIR, VAULT_CA_DIR } from "./pod-wiring";
export { planVaultStore, type VaultStorePlan } from "./store";
export { VAULT_PACKAGE } from "./sdk";
