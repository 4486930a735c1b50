import type * as pulumi from "@pulumi/pulumi";
import type { MountTarget } from "../../core/target";
import type { PlatformModule } from "../platform";
import type { AksOutputs } from "./outputs";

export type { AksOutputs } from "./outputs";
import type { AksPlatformArgs } from "./args";
import { provisionAks } from "./provision";
import { planAks } from "./plan";
import { azureNative } from "../../clouds/azure/sdk";
import { AZURE_OFFLINE } from "../../clouds/azure/offline";
import { describeAzure } from "./describe";

/** AKS on the platform seam: the Azure checks now, the vault, identity and grants when provisioned. */
export const aksPlatform: PlatformModule<AksPlatformArgs, AksOutputs> = {
  plan(target: MountTarget, aks: AksPlatformArgs) {
    // The cloud SDK is an optional peer dependency: refuse the declaration now if it is missing.
    azureNative(target.name);
    const plan = planAks(target, aks);
    return {
      maxValueBytesOfFile: plan.maxValueBytesOfFile,
      // Every secret name is known at preview, and the vault URL unless the vault's id is an Output
      // (then bounded by the longest vault name, 24 characters).
      specReferences: plan.secrets.map(
        (p) => `${plan.vaultUrl ?? `https://${"x".repeat(24)}.${plan.dnsSuffix}`}/${p.secretName}/${p.version ?? ""}`,
      ),
      provision: (parent: pulumi.Resource) => provisionAks(parent, target, aks, plan),
    };
  },
  outputs: ["identityClientId", "identityPrincipalId", "vaultUri", "roleAssignments", "federatedCredential"],
  example: "aks: { oidcIssuerUrl, resourceGroupName }",
  identityPrefixes: ["azure.workload.identity/"],
  review: {
    byPrefix: { prefix: "azure-native:", describe: describeAzure },
    offline: [AZURE_OFFLINE],
  },
};
