import type { MountFields } from "./core/mount-fields";
import type { PlatformArgs } from "./platforms/registry";
import type { VaultStoreArgs } from "./stores/vault/args";

/**
 * Arguments of SecretMount: the secrets and the identity of one ServiceAccount, for pods someone
 * else declares (a Helm chart, a StatefulSet, a Job). Set exactly one platform, or, when every
 * secret lives in Vault, `vault` alone.
 */
export interface SecretMountArgs extends MountFields, PlatformArgs, VaultStoreArgs {}
