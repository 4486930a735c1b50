import type * as pulumi from "@pulumi/pulumi";
import type { Declaration } from "../../core/normalize";
import type { PlatformPlan } from "../../core/platform";
import type { EksPlatformArgs } from "./args";
import { provisionEks } from "./provision";
import { planEks } from "./plan";

/** EKS on the platform seam: the AWS checks now, the role and secrets when provisioned. */
export function eksPlatform(decl: Declaration, eks: EksPlatformArgs): PlatformPlan {
  const plan = planEks(decl, eks);
  return {
    maxValueBytesOfFile: plan.maxValueBytesOfFile,
    // A store name, or an ARN given as a plain string; an ARN from another resource is unknown yet.
    specReferences: plan.secrets.map((p) => p.storeName ?? (typeof p.secret.existing?.arn === "string" ? p.secret.existing.arn : undefined)),
    provision(parent: pulumi.Resource) {
      const p = provisionEks(parent, decl, eks, plan);
      return {
        sources: p.sources,
        wiring: p.wiring,
        ready: p.ready,
        outputs: { roleArn: p.roleArn, permissionPolicy: p.permissionPolicy, trustPolicy: p.trustPolicy },
      };
    },
  };
}
