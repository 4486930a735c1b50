import type * as pulumi from "@pulumi/pulumi";

/** How the workload's pods get their IAM role on EKS. */
export const EksIdentity = {
  /** IAM roles for service accounts: needs the cluster's IAM OIDC provider. */
  Irsa: "irsa",
  /** EKS Pod Identity: needs the eks-pod-identity-agent add-on. */
  PodIdentity: "pod-identity",
} as const;
/** How the workload's pods get their IAM role on EKS: `irsa` or `pod-identity`. */
export type EksIdentity = (typeof EksIdentity)[keyof typeof EksIdentity];

/** Run the workload on Amazon EKS, reading AWS Secrets Manager / SSM with the pod's own IAM role. */
export interface EksPlatform {
  /**
   * How pods get the role: `irsa` (default; IAM roles for service accounts, needs the cluster's
   * OIDC provider) or `pod-identity` (EKS Pod Identity, needs the eks-pod-identity-agent add-on).
   * @default `irsa`
   */
  identity?: EksIdentity;
  /**
   * IRSA: ARN of the cluster's IAM OIDC provider
   * (`arn:aws:iam::<acct>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>`, no `https://`).
   * Give this or `oidcIssuerUrl`: IAM names the provider after the issuer, so either gives the
   * other (from the issuer, in the AWS provider's account). Given both, they must name the same
   * issuer (checked at preview, or when an Output resolves).
   */
  oidcProviderArn?: pulumi.Input<string>;
  /**
   * IRSA: the cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`; `aws eks
   * describe-cluster --name <cluster> --query cluster.identity.oidc.issuer`). Give this or
   * `oidcProviderArn`.
   */
  oidcIssuerUrl?: pulumi.Input<string>;
  /**
   * Pod Identity: the EKS cluster name. The association is created in it through the AWS provider,
   * so the cluster is in the provider's account and region; the role's trust pins the cluster's
   * ARN built from them (`arn:<partition>:eks:<region>:<account>:cluster/<name>`), since a name is
   * unique only within one region.
   */
  clusterName?: pulumi.Input<string>;
  /**
   * Name of the IAM role to create (default: generated from the component name).
   * @default a name Pulumi generates from the component's `name`
   */
  roleName?: pulumi.Input<string>;
  /**
   * ARN of a permissions boundary for the role, when your account requires one: a full IAM policy
   * ARN (`arn:aws:iam::<account>:policy/<name>`), no wildcards.
   */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /** Tags for the AWS resources created. */
  tags?: { [key: string]: pulumi.Input<string> };
}
/** {@link EksPlatform} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EksPlatformArgs = EksPlatform;
