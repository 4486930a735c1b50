import type * as kubernetes from "@pulumi/vault/kubernetes";
import type * as kv from "@pulumi/vault/kv";
import type * as policy from "@pulumi/vault/policy";
import { loadOptionalPackage, type OptionalPackage } from "../../core/optional-package";

/** `@pulumi/vault` is an optional peer dependency: only declarations with Vault secrets need it. */
export const VAULT_PACKAGE: OptionalPackage = {
  name: "@pulumi/vault",
  range: "^7.8.0",
  platform: "vault",
  subject: "a secret in Vault (vault)",
};

/** The `@pulumi/vault` modules the Vault store uses: submodules, not the package root. */
export interface VaultSdk {
  kubernetes: typeof kubernetes;
  kv: typeof kv;
  policy: typeof policy;
}

/** Loads them, or throws a DeclarationError naming the install command. */
export function vaultSdk(component = ""): VaultSdk {
  return loadOptionalPackage(
    VAULT_PACKAGE,
    () => ({
      kubernetes: require("@pulumi/vault/kubernetes") as typeof kubernetes,
      kv: require("@pulumi/vault/kv") as typeof kv,
      policy: require("@pulumi/vault/policy") as typeof policy,
    }),
    component,
  );
}
