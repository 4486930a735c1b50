/**
 * The components you declare, each with its args. Everything here is imported from `secret-mount`.
 * @module Components
 */
export { SecretMountedWorkload } from "../../components/workload";
export type { SecretMountedWorkloadArgs } from "../../components/workload-args";
export { WorkloadKind } from "../../components/workload-args";
export { SecretMountedTask } from "../../components/task";
export type { SecretMountedTaskArgs } from "../../components/task-args";
export { SecretMount } from "../../components/mount";
export type { SecretMountArgs } from "../../components/mount-args";
export { EksWorkloadIdentity } from "../../components/eks-identity";
export type { EksWorkloadIdentityArgs } from "../../components/aws/eks-identity-args";
export { AksWorkloadIdentity } from "../../components/aks-identity";
export type { AksWorkloadIdentityArgs } from "../../components/azure/aks-identity-args";
export { GkeWorkloadIdentity } from "../../components/gke-identity";
export type { GkeWorkloadIdentityArgs } from "../../components/gcp/gke-identity-args";
