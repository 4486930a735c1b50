import type * as pulumi from "@pulumi/pulumi";
import type { MountTarget } from "../../core/target";
import type { PlatformModule } from "../platform";
import type { EksOutputs } from "./outputs";

export type { EksOutputs } from "./outputs";
import { AWS_DESCRIBERS } from "../../clouds/aws/describe";
import { AWS_OFFLINE } from "../../clouds/aws/offline";
import type { EksPlatformArgs } from "./args";
import { provisionEks } from "./provision";
import { planEks } from "./plan";

/** EKS on the platform seam: the AWS checks now, the role and secrets when provisioned. */
export const eksPlatform: PlatformModule<EksPlatformArgs, EksOutputs> = {
  plan(target: MountTarget, eks: EksPlatformArgs) {
    const plan = planEks(target, eks);
    return {
      maxValueBytesOfFile: plan.maxValueBytesOfFile,
      // A store name, or an ARN given as a plain string; an ARN from another resource is unknown yet.
      specReferences: plan.secrets.map(
        (p) => p.storeName ?? (typeof p.secret.existing?.arn === "string" ? p.secret.existing.arn : undefined),
      ),
      provision(parent: pulumi.Resource) {
        const p = provisionEks(parent, target, eks, plan);
        return {
          sources: p.sources,
          wiring: p.wiring,
          ready: p.ready,
          outputs: { roleArn: p.roleArn, permissionPolicy: p.permissionPolicy, trustPolicy: p.trustPolicy },
        };
      },
    };
  },
  outputs: ["roleArn", "permissionPolicy", "trustPolicy"],
  example: "eks: { oidcProviderArn, oidcIssuerUrl }",
  identityPrefixes: ["eks.amazonaws.com/"],
  review: { describers: AWS_DESCRIBERS, offline: [AWS_OFFLINE] },
};
