import { normalizeWorkload, type Declaration } from "./core/normalize";
import { normalizeMountTarget, type MountDeclaration } from "./core/normalize-mount";
import { PLATFORM_CHOICE } from "./platforms/registry";
import type { SecretMountedWorkloadArgs } from "./workload-args";
import type { SecretMountArgs } from "./mount-args";

/**
 * The core's normalizers with the registry's platforms: what the components (and tests) call.
 * Each validates and defaults its args, throwing DeclarationError naming the field and the fix.
 */

/** SecretMountedWorkload's args, validated and defaulted. */
export function normalizeDeclaration(name: string, args: SecretMountedWorkloadArgs | undefined): Declaration {
  return normalizeWorkload(name, args, PLATFORM_CHOICE);
}

/** SecretMount's args, validated and defaulted. */
export function normalizeMount(name: string, args: SecretMountArgs | undefined): MountDeclaration {
  return normalizeMountTarget(name, args, PLATFORM_CHOICE);
}
