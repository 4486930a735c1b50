/**
 * Google GKE: the platform args (workload identity), the Secret Manager options of a secret, and
 * the bindings of `GkeWorkloadIdentity`. Imported from `secret-mount`.
 * @module GKE args
 */
export type { GkeGoogleServiceAccount, GkePlatform } from "../../components/platforms/gke/args";
export type { GcpReplica, GcpSecret } from "../../components/core/args";
export { GkeIdentity } from "../../components/platforms/gke/args";
export type { GkeIamBinding } from "../../components/platforms/gke/identity-args";
export { GcpIamResourceKind } from "../../components/platforms/gke/identity-args";
