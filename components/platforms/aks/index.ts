import type * as pulumi from "@pulumi/pulumi";
import type { Declaration } from "../../core/normalize";
import type { PlatformPlan } from "../../core/platform";
import type { AksPlatformArgs } from "./args";
import { provisionAks } from "./provision";
import { planAks } from "./plan";
import { azureNative } from "../../clouds/azure/sdk";

/** AKS on the platform seam: the Azure checks now, the vault, identity and grants when provisioned. */
export function aksPlatform(decl: Declaration, aks: AksPlatformArgs): PlatformPlan {
  // The cloud SDK is an optional peer dependency: refuse the declaration now if it is missing.
  azureNative(decl.name);
  const plan = planAks(decl, aks);
  return {
    maxValueBytesOfFile: plan.maxValueBytesOfFile,
    // Every secret name is known at preview, and the vault URL unless the vault's id is an Output
    // (then bounded by the longest vault name, 24 characters).
    specReferences: plan.secrets.map((p) => `${plan.vaultUrl ?? `https://${"x".repeat(24)}.${plan.dnsSuffix}`}/${p.secretName}/${p.version ?? ""}`),
    provision: (parent: pulumi.Resource) => provisionAks(parent, decl, aks, plan),
  };
}
