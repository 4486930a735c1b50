import type { MountFields } from "./core/mount-fields";
import type { PlatformArgs } from "./platforms/registry";

/**
 * Arguments of SecretMount: the secrets and the identity of one ServiceAccount, for pods someone
 * else declares (a Helm chart, a StatefulSet, a Job). Set exactly one platform.
 */
export interface SecretMountArgs extends MountFields, PlatformArgs {}
