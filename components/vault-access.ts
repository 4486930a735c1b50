import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "./core/declaration-error";
import { normalizeDeclaration, normalizeMount } from "./declarations";
import type { SecretMountArgs } from "./mount-args";
import type { SecretMountedWorkloadArgs } from "./workload-args";
import { vaultAccessPlan, type VaultAccessPlan } from "./stores/vault/access-plan";
import { normalizeVault, type VaultDeclaration } from "./stores/vault/normalize";

/**
 * The Vault declaration of a SecretMountedWorkload's (or SecretMount's) args, normalized exactly as
 * the component does (the same checks, the same defaults; created paths under
 * `<project>/<stack>/<name>` unless `secretNamePrefix` says otherwise). Throws DeclarationError.
 */
export function vaultDeclarationOf(
  name: string,
  args: SecretMountedWorkloadArgs | SecretMountArgs,
  kind: "workload" | "mount" = "workload",
  project = pulumi.getProject(),
  stack = pulumi.getStack(),
): VaultDeclaration | undefined {
  const decl =
    kind === "workload"
      ? normalizeDeclaration(name, args as SecretMountedWorkloadArgs)
      : normalizeMount(name, args as SecretMountArgs);
  return normalizeVault({ ...decl, defaultPrefix: `${project}/${stack}/${name}` }, args.vault, (field, problem) => {
    throw new DeclarationError(field, problem, name);
  });
}

/**
 * The policy and role a component would create for these args, as plain data: `policyName`,
 * `policyHcl`, `role` (`name`, `boundServiceAccountNames`, `boundServiceAccountNamespaces`,
 * `audience`, `tokenTtl`, `tokenPolicies`, …). For applying the rendered plan with another tool.
 */
export function vaultAccessPlanOf(
  name: string,
  args: SecretMountedWorkloadArgs | SecretMountArgs,
  kind: "workload" | "mount" = "workload",
  project?: string,
  stack?: string,
): VaultAccessPlan | undefined {
  const d = vaultDeclarationOf(name, args, kind, project, stack);
  return d && vaultAccessPlan(d);
}
