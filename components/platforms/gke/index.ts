import type * as pulumi from "@pulumi/pulumi";
import type { Declaration } from "../../core/normalize";
import type { PlatformPlan } from "../../core/platform";
import type { GkePlatformArgs } from "./args";
import { provisionGke } from "./provision";
import { secretName } from "../../clouds/gcp/names";
import { planGke } from "./plan";
import { gcp } from "../../clouds/gcp/sdk";

/** GKE on the platform seam: the Google checks now, the secrets and grants when provisioned. */
export function gkePlatform(decl: Declaration, gke: GkePlatformArgs): PlatformPlan {
  // The cloud SDK is an optional peer dependency: refuse the declaration now if it is missing.
  gcp(decl.name);
  const plan = planGke(decl, gke);
  // A created secret's (or a short id's) project may be the provider's (unknown here): bound it with the longest project id.
  const longest = "x".repeat(30);
  return {
    maxValueBytesOfFile: plan.maxValueBytesOfFile,
    specReferences: plan.secrets.map((p) => `${secretName(p.existing ? { ...p.existing, project: p.existing.project ?? longest } : { project: longest, location: p.location, secretId: p.secretId! })}/versions/${p.version}`),
    provision(parent: pulumi.Resource) {
      const p = provisionGke(parent, decl, gke, plan);
      return { sources: p.sources, wiring: p.wiring, ready: p.ready, outputs: { iamMembers: p.iamMembers, googleServiceAccountEmail: p.googleServiceAccountEmail } };
    },
  };
}
