import type * as pulumi from "@pulumi/pulumi";
import type { MountTarget } from "../../core/target";
import type { PlatformModule } from "../platform";
import type { GkeOutputs } from "./outputs";

export type { GkeOutputs } from "./outputs";
import type { GkePlatformArgs } from "./args";
import { provisionGke } from "./provision";
import { secretName } from "../../clouds/gcp/names";
import { planGke } from "./plan";
import { gcp } from "../../clouds/gcp/sdk";
import { GCP_OFFLINE } from "../../clouds/gcp/offline";
import { GCP_DESCRIBERS } from "./describe";

/** GKE on the platform seam: the Google checks now, the secrets and grants when provisioned. */
export const gkePlatform: PlatformModule<GkePlatformArgs, GkeOutputs> = {
  plan(target: MountTarget, gke: GkePlatformArgs) {
    // The cloud SDK is an optional peer dependency: refuse the declaration now if it is missing.
    gcp(target.name);
    const plan = planGke(target, gke);
    // A created secret's (or a short id's) project may be the provider's (unknown here): bound it with the longest project id.
    const longest = "x".repeat(30);
    return {
      maxValueBytesOfFile: plan.maxValueBytesOfFile,
      specReferences: plan.secrets.map(
        (p) =>
          `${secretName(p.existing ? { ...p.existing, project: p.existing.project ?? longest } : { project: longest, location: p.location, secretId: p.secretId! })}/versions/${p.version}`,
      ),
      provision(parent: pulumi.Resource) {
        const p = provisionGke(parent, target, gke, plan);
        return {
          sources: p.sources,
          wiring: p.wiring,
          ready: p.ready,
          outputs: { iamMembers: p.iamMembers, googleServiceAccountEmail: p.googleServiceAccountEmail },
        };
      },
    };
  },
  outputs: ["iamMembers", "googleServiceAccountEmail"],
  identityPrefixes: ["iam.gke.io/"],
  review: {
    describers: GCP_DESCRIBERS,
    offline: [GCP_OFFLINE],
  },
};
