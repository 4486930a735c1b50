import type * as pulumi from "@pulumi/pulumi";

/** GKE's component outputs (other platforms leave them unset). */
export type GkeOutputs = {
  /** Every IAM member granted (resource, role, member), as JSON. */
  iamMembers: pulumi.Output<string>;
  /** With identity `google-service-account`: the Google service account's email. */
  googleServiceAccountEmail: pulumi.Output<string> | undefined;
};
