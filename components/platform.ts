import type * as pulumi from "@pulumi/pulumi";
import { buildFetchSpec } from "./core/build-fetch-spec";
import type { MountTarget } from "./core/target";
import { checkSpecSize, specBytesBound, specDelivery } from "./core/spec-delivery";
import { requiredVolumeBytes, volumeSizeLimit } from "./core/volume-size";
import { fetchImageOf } from "./kubernetes/fetch-image";
import type { PlatformPlan, ProvisionedPlatform } from "./platforms/platform";
import { PLATFORM_OUTPUTS, PLATFORMS, type Platform, type PlatformArgs, type PlatformOutputs } from "./platforms/registry";

export type { PlatformPlan, ProvisionedPlatform } from "./platforms/platform";
export type { PlatformOutputs } from "./platforms/registry";

/** Plans the one platform the declaration chose (normalize checked that exactly one is set), through the registry. */
export function planPlatform(target: MountTarget, args: PlatformArgs): PlatformPlan {
  const platform = target.platform as Platform;
  return PLATFORMS[platform].plan(target, args[platform] as never);
}

/** Every platform output, set for the chosen platform and undefined for the others (as the components register them). */
export function platformOutputs(provisioned: ProvisionedPlatform): PlatformOutputs {
  return Object.fromEntries(PLATFORM_OUTPUTS.map((k) => [k, provisioned.outputs[k]])) as PlatformOutputs;
}

/**
 * What SecretMountedWorkload and SecretMount decide before registering anything (the platform's
 * plan, the volume's size limit, the fetch image, how the FetchSpec travels), and, once the
 * component exists, the platform's resources and the FetchSpec built from their sources.
 */
export function prepareMount(target: MountTarget, args: PlatformArgs) {
  const plan = planPlatform(target, args);
  const sizeLimit = volumeSizeLimit(target, requiredVolumeBytes(target, plan.maxValueBytesOfFile));
  const fetchImage = fetchImageOf(target);
  const delivery = specDelivery(target, specBytesBound(target, plan.specReferences));
  const provision = (parent: pulumi.Resource) => {
    const platform = plan.provision(parent);
    const fetchSpec = platform.sources.apply((sources) => checkSpecSize(target, delivery, JSON.stringify(buildFetchSpec(target, sources))));
    return { platform, fetchSpec, outputs: platformOutputs(platform) };
  };
  return { sizeLimit, fetchImage, delivery, provision };
}
