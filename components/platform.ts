import type * as pulumi from "@pulumi/pulumi";
import { buildFetchSpec } from "./core/build-fetch-spec";
import type { Declaration } from "./core/normalize";
import { checkSpecSize, specBytesBound, specDelivery } from "./core/spec-delivery";
import { requiredVolumeBytes, volumeSizeLimit } from "./core/volume-size";
import { fetchImageOf } from "./kubernetes/fetch-image";
import type { PlatformPlan } from "./core/platform";
import type { SecretMountedWorkloadArgs } from "./workload-args";
import { eksPlatform } from "./platforms/eks";
import { aksPlatform } from "./platforms/aks";
import { gkePlatform } from "./platforms/gke";

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

/**
 * What SecretMountedWorkload and SecretMount decide before registering anything (the platform's
 * plan, the volume's size limit, the fetch image, how the FetchSpec travels), and, once the
 * component exists, the platform's resources and the FetchSpec built from their sources.
 */
export function prepareMount(decl: Declaration, args: Pick<SecretMountedWorkloadArgs, "eks" | "aks" | "gke">) {
  const plan = planPlatform(decl, args);
  const sizeLimit = volumeSizeLimit(decl, requiredVolumeBytes(decl, plan.maxValueBytesOfFile));
  const fetchImage = fetchImageOf(decl);
  const delivery = specDelivery(decl, specBytesBound(decl, plan.specReferences));
  const provision = (parent: pulumi.Resource) => {
    const platform = plan.provision(parent);
    const fetchSpec = platform.sources.apply((sources) => checkSpecSize(decl, delivery, JSON.stringify(buildFetchSpec(decl, sources))));
    return { platform, fetchSpec };
  };
  return { sizeLimit, fetchImage, delivery, provision };
}
