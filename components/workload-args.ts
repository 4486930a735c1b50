import type { WorkloadFields } from "./core/workload-fields";
import type { PlatformArgs } from "./platforms/registry";

export { WorkloadKind } from "./core/workload-fields";

/** Arguments of SecretMountedWorkload. Set exactly one platform. */
export interface SecretMountedWorkloadArgs extends WorkloadFields, PlatformArgs {}
