import { Problems } from "../../core/problems";
import { unknownFields } from "../../core/unknown-fields";
import { type MountTarget } from "../../core/target";
import type { EksPlatformArgs } from "./args";
import type { PolicyLayout } from "../../clouds/aws/policy-split";
import { policyArnProblem } from "../../clouds/aws/arns";
import { checkIrsaInputs } from "../../clouds/aws/oidc";
import { planAwsSecrets, type AwsSecretPlan } from "../../stores/aws/plan";

/** How EKS words a secret's options for another store (the rule: core/store-options.ts). */
export const EKS_OTHER_STORE_OPTIONS = {
  gcp: "holds Google Secret Manager options, but the platform is eks; use aws options (or remove it)",
  azure: "holds Azure Key Vault options; on EKS use secrets[].aws (or remove it)",
};

export interface EksPlan {
  identity: "irsa" | "pod-identity";
  secrets: AwsSecretPlan[];
  /** Largest value the store can hold for a file path, for sizing the memory volume. */
  maxValueBytesOfFile(path: string): number;
  /** How the read grants are split over IAM policies, sized at preview with upper-bound ARNs. */
  policyLayout: PolicyLayout;
}

/** AWS-specific checks of a declaration (store names, ARNs, identity inputs). Pure. */
export function planEks(decl: MountTarget, eks: EksPlatformArgs): EksPlan {
  const problems = new Problems(decl.name);
  unknownFields(
    eks,
    ["identity", "oidcProviderArn", "oidcIssuerUrl", "clusterName", "roleName", "permissionsBoundaryArn", "tags"],
    "eks",
    problems,
  );
  const identity = problems.section(() => planEksIdentity(eks, "eks.", problems));
  const secrets = planAwsSecrets(decl, EKS_OTHER_STORE_OPTIONS, problems);
  problems.throwIfAny();
  return { identity: identity!, ...secrets };
}

/** The fields of EksPlatformArgs that choose and configure the role's identity. */
export type EksIdentityFields = Pick<
  EksPlatformArgs,
  "identity" | "oidcProviderArn" | "oidcIssuerUrl" | "clusterName" | "permissionsBoundaryArn"
>;

/**
 * Checks how pods get the role (IRSA or Pod Identity) and its inputs; shared by the workload
 * (`at` = "eks.") and EksWorkloadIdentity (`at` = ""). Pure.
 */
export function planEksIdentity(eks: EksIdentityFields, at: string, problems: Problems): "irsa" | "pod-identity" {
  const { fail } = problems;
  const identity = eks.identity ?? "irsa";
  if (identity !== "irsa" && identity !== "pod-identity")
    fail(`${at}identity`, `is ${JSON.stringify(identity)}; use "irsa" or "pod-identity"`);
  if (identity === "irsa") {
    // Either names the cluster's issuer; the other is derived when the trust is built. Outputs are checked when they resolve.
    checkIrsaInputs(eks.oidcProviderArn, eks.oidcIssuerUrl, at, fail);
    if (eks.clusterName !== undefined)
      fail(`${at}clusterName`, 'is for identity "pod-identity"; remove it, or set identity: "pod-identity"');
  } else {
    if (eks.clusterName === undefined)
      fail(`${at}clusterName`, "is required for EKS Pod Identity: the association is created in that cluster");
    if (eks.oidcProviderArn !== undefined || eks.oidcIssuerUrl !== undefined)
      fail(
        eks.oidcProviderArn !== undefined ? `${at}oidcProviderArn` : `${at}oidcIssuerUrl`,
        'is for IRSA; remove it with identity "pod-identity"',
      );
  }
  if (typeof eks.permissionsBoundaryArn === "string") {
    const problem = policyArnProblem(eks.permissionsBoundaryArn);
    if (problem) fail(`${at}permissionsBoundaryArn`, problem);
  }

  return identity;
}
