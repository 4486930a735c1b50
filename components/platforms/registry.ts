import type { PlatformChoice } from "../core/target";
import type { PlatformModule, PlatformReview } from "./platform";
import type { EksPlatformArgs } from "./eks/args";
import type { AksPlatformArgs } from "./aks/args";
import type { GkePlatformArgs } from "./gke/args";
import { eksPlatform, type EksOutputs } from "./eks";
import { aksPlatform, type AksOutputs } from "./aks";
import { gkePlatform, type GkeOutputs } from "./gke";
import { ecsReview } from "./ecs";

/**
 * The one place that lists the platforms. Adding one: its folder under components/platforms/, a
 * field here, a line in PLATFORMS and its outputs in PlatformOutputs (CONTRIBUTING.md, "Adding a
 * platform"). Nothing else in components/ names them all (tests/components/platform-registry.test.ts).
 */

/** The platform a SecretMountedWorkload or SecretMount runs on: set exactly one. */
export interface PlatformArgs {
  /** Amazon EKS platform. */
  eks?: EksPlatformArgs;
  /** Azure Kubernetes Service platform (Key Vault, Microsoft Entra workload identity). */
  aks?: AksPlatformArgs;
  /** Google Kubernetes Engine platform (Secret Manager, Workload Identity Federation for GKE). */
  gke?: GkePlatformArgs;
}

/** A platform's name: its field in the args. */
export type Platform = keyof PlatformArgs;

/** Every platform's module, by its field in the args. */
export const PLATFORMS: { [P in Platform]-?: PlatformModule<NonNullable<PlatformArgs[P]>, any> } = {
  eks: eksPlatform,
  aks: aksPlatform,
  gke: gkePlatform,
};

/** The outputs only some platforms have; each platform sets its own and leaves the others unset. */
export type PlatformOutputs = Partial<EksOutputs & AksOutputs & GkeOutputs>;

/** Every platform's output names, in registry order. */
export const PLATFORM_OUTPUTS = Object.values(PLATFORMS).flatMap((p) => p.outputs) as readonly (keyof PlatformOutputs &
  string)[];

/** What the core needs to know of the platforms: their names, how to show them, the prefixes they own. */
export const PLATFORM_CHOICE: PlatformChoice = {
  names: Object.keys(PLATFORMS),
  example: Object.values(PLATFORMS)
    .flatMap((p) => p.example ?? [])
    .join(", or "),
  identityPrefixes: Object.values(PLATFORMS).flatMap((p) => p.identityPrefixes),
};

/** How render reviews every platform's resources (the ECS task's too), in this order. */
export const PLATFORM_REVIEWS: readonly PlatformReview[] = [
  eksPlatform.review,
  ecsReview,
  aksPlatform.review,
  gkePlatform.review,
];
