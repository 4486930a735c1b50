import type { WorkloadFields } from "./core/workload-fields";
import type { PlatformArgs } from "./platforms/registry";
import type { VaultStoreArgs } from "./stores/vault/args";

export { WorkloadKind } from "./core/workload-fields";

/** Arguments of SecretMountedWorkload. Set exactly one platform, or, when every secret lives in Vault, `vault` alone. */
export interface SecretMountedWorkloadArgs extends WorkloadFields, PlatformArgs, VaultStoreArgs {}
