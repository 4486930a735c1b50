/**
 * The components you declare, each with its args. Everything here is imported from `secret-mount`.
 * @module Components
 */
export { SecretMountedWorkload } from "../../components/workload";
export type { SecretMountedWorkloadArgs } from "../../components/workload-args";
export { WorkloadKind } from "../../components/workload-args";
export { SecretMountedTask } from "../../components/platforms/ecs/task";
export type { SecretMountedTaskArgs } from "../../components/platforms/ecs/task-args";
export { SecretMount } from "../../components/mount";
export type { SecretMountArgs } from "../../components/mount-args";
export { EksWorkloadIdentity } from "../../components/platforms/eks/identity";
export type { EksWorkloadIdentityArgs } from "../../components/platforms/eks/identity-args";
export { AksWorkloadIdentity } from "../../components/platforms/aks/identity";
export type { AksWorkloadIdentityArgs } from "../../components/platforms/aks/identity-args";
export { GkeWorkloadIdentity } from "../../components/platforms/gke/identity";
export type { GkeWorkloadIdentityArgs } from "../../components/platforms/gke/identity-args";
