import type * as pulumi from "@pulumi/pulumi";

/** EKS's component outputs (other platforms leave them unset). */
export type EksOutputs = {
  /** ARN of the IAM role the fetch container assumes. */
  roleArn: pulumi.Output<string>;
  /** The role's permission policy (JSON). */
  permissionPolicy: pulumi.Output<string>;
  /** The role's trust policy (JSON). */
  trustPolicy: pulumi.Output<string>;
};
