import type { Declaration } from "./core/normalize";
import type { PlatformPlan } from "./core/platform";
import type { SecretMountedWorkloadArgs } from "./workload-args";
import { eksPlatform } from "./aws/eks-platform";
import { aksPlatform } from "./azure/aks-platform";
import { gkePlatform } from "./gcp/gke-platform";

export type { PlatformPlan, PlatformOutputs, ProvisionedPlatform } from "./core/platform";

/**
 * Plans the one platform the declaration chose (normalize checked that exactly one is set). The
 * only place the core reaches into a cloud folder.
 */
export function planPlatform(decl: Declaration, args: Pick<SecretMountedWorkloadArgs, "eks" | "aks" | "gke">): PlatformPlan {
  switch (decl.platform) {
    case "eks":
      return eksPlatform(decl, args.eks!);
    case "aks":
      return aksPlatform(decl, args.aks!);
    case "gke":
      return gkePlatform(decl, args.gke!);
  }
}
