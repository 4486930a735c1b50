/**
 * Amazon EKS: the platform args, the AWS store options of a secret, and the policy statements of
 * `EksWorkloadIdentity`. Imported from `secret-mount`.
 * @module EKS args
 */
export type { EksPlatform } from "../../components/platforms/eks/args";
export { EksIdentity } from "../../components/platforms/eks/args";
export type { AwsSecret } from "../../components/core/args";
export { AwsSecretStore } from "../../components/core/args";
export type { AwsPolicyCondition, AwsPolicyStatement } from "../../components/platforms/eks/identity-args";
export { AwsPolicyEffect } from "../../components/platforms/eks/identity-args";
