import type * as pulumi from "@pulumi/pulumi";
import type { EksIdentity } from "./args";

/** Whether an IAM policy statement allows or denies. */
export const AwsPolicyEffect = {
  /** The statement grants its actions on its resources. */
  Allow: "Allow",
  /** The statement denies its actions on its resources, whatever else allows them. */
  Deny: "Deny",
} as const;
/** Whether an IAM policy statement allows or denies: `Allow` or `Deny`. */
export type AwsPolicyEffect = (typeof AwsPolicyEffect)[keyof typeof AwsPolicyEffect];

/** One condition of an IAM policy statement, e.g. `StringEquals` `s3:prefix` `["reports/"]`. */
export interface AwsPolicyCondition {
  /** The condition operator, e.g. `StringEquals`, `StringLike`, `ArnEquals`, `ForAnyValue:StringEquals`, `BoolIfExists`. */
  test: string;
  /** The context key, e.g. `s3:prefix`, `aws:SourceVpce`, `kms:ViaService`. */
  variable: string;
  /** The values; the condition holds when the key matches any of them. */
  values: pulumi.Input<string>[];
}
/** {@link AwsPolicyCondition} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AwsPolicyConditionArgs = AwsPolicyCondition;

/** One statement of the role's inline permission policy (the shape of `aws.iam.getPolicyDocument`). */
export interface AwsPolicyStatement {
  /** Statement id: letters and digits only, unique in the policy (optional). */
  sid?: string;
  /**
   * `Allow` (default) or `Deny`.
   * @default `Allow`
   */
  effect?: AwsPolicyEffect;
  /**
   * The actions, e.g. `s3:GetObject`. IAM reads `*` and `?` anywhere in an action: a wildcard for
   * part of a name (`s3:Get*`) is allowed; in an `Allow` statement an action of wildcards only
   * (`*`, `s3:*`, `s3:?*`), which matches every action of the service, is refused: list what the
   * workload calls.
   */
  actions: string[];
  /**
   * The resource ARNs, e.g. `arn:aws:s3:::reports/*` or a bucket's `arn` output. IAM reads `*` and
   * `?` anywhere in a resource; in an `Allow` statement, unless `allowAnyResource` is set, the text
   * before the first wildcard must name the start of a resource, past its type: `*`,
   * `arn:aws:s3:::*`, `arn:aws:s3:::**` or `arn:aws:secretsmanager:*:*:secret:*` (every resource of
   * a type) are refused; `arn:aws:s3:::reports/*` or `…:secret:prod/*` pass.
   */
  resources: pulumi.Input<string>[];
  /** Conditions that must all hold for the statement to apply. */
  conditions?: AwsPolicyCondition[];
  /**
   * Allow the resource `*`, or a pattern matching every resource of a type, in this `Allow`
   * statement: for actions AWS only authorizes on `*` (e.g. `sts:GetCallerIdentity`,
   * `ec2:DescribeInstances`). Off by default; the review shows it.
   * @default `false`
   */
  allowAnyResource?: boolean;
}
/** {@link AwsPolicyStatement} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AwsPolicyStatementArgs = AwsPolicyStatement;

/**
 * An IAM role for one Kubernetes ServiceAccount of an EKS cluster, on its own: the trust for
 * exactly that ServiceAccount (IRSA or EKS Pod Identity) and the permissions you give it.
 */
export interface EksWorkloadIdentityArgs {
  /** Namespace of the ServiceAccount (a DNS-1123 label). */
  namespace: string;
  /** Name of the ServiceAccount the role is for (a DNS-1123 subdomain). */
  serviceAccountName: string;
  /**
   * Create the ServiceAccount too, annotated for the role (default false: annotate your own with
   * the `serviceAccountAnnotations` output, e.g. in a Helm chart's values).
   * @default `false`: annotate your own with the `serviceAccountAnnotations` output, e.g. in a Helm chart's values
   */
  createServiceAccount?: boolean;
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
   * Pod Identity: the EKS cluster name, in the AWS provider's account and region; the trust pins
   * the cluster's ARN built from them.
   */
  clusterName?: pulumi.Input<string>;
  /**
   * Name of the IAM role to create (default: generated from the component name).
   * @default a name Pulumi generates from the component's `name`
   */
  roleName?: pulumi.Input<string>;
  /** ARN of a permissions boundary for the role: a full IAM policy ARN, no wildcards. */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /** The role's inline permission policy, statement by statement (at most 10,240 characters, IAM's inline quota). */
  statements?: AwsPolicyStatement[];
  /** The one-statement form of `statements` (set one of the two). */
  statement?: AwsPolicyStatement;
  /**
   * Managed policies to attach, by ARN (at most 10, IAM's default per role). AWS's
   * `AdministratorAccess`, `PowerUserAccess` and `IAMFullAccess` are refused.
   */
  managedPolicyArns?: pulumi.Input<string>[];
  /** Tags for the AWS resources created. */
  tags?: { [key: string]: pulumi.Input<string> };
}
