/**
 * Amazon EKS: the platform args, the AWS store options of a secret, and the policy statements of
 * `EksWorkloadIdentity`. Imported from `secret-mount`.
 * @module EKS args
 */
export type { EksPlatform } from "../../components/aws/eks-args";
export { EksIdentity } from "../../components/aws/eks-args";
export type { AwsSecret } from "../../components/core/args";
export { AwsSecretStore } from "../../components/core/args";
export type { AwsPolicyCondition, AwsPolicyStatement } from "../../components/aws/eks-identity-args";
export { AwsPolicyEffect } from "../../components/aws/eks-identity-args";
