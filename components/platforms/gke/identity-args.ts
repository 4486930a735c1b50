import type * as pulumi from "@pulumi/pulumi";
import type { GkeGoogleServiceAccountArgs, GkeIdentity } from "./args";

/** The kind of Google Cloud resource an IAM binding is on. */
export const GcpIamResourceKind = {
  /** A project, by id (`acme-prod`): the role applies to everything in it. */
  Project: "project",
  /** A global Secret Manager secret (`projects/<p>/secrets/<s>`). */
  Secret: "secret",
  /** A regional Secret Manager secret (`projects/<p>/locations/<l>/secrets/<s>`). */
  RegionalSecret: "regional-secret",
  /** A Cloud Storage bucket, by name (`acme-reports`). */
  Bucket: "bucket",
  /** A Pub/Sub topic (`projects/<p>/topics/<t>`). */
  PubsubTopic: "pubsub-topic",
  /** A Pub/Sub subscription (`projects/<p>/subscriptions/<s>`). */
  PubsubSubscription: "pubsub-subscription",
} as const;
/** The kind of Google Cloud resource an IAM binding is on. */
export type GcpIamResourceKind = (typeof GcpIamResourceKind)[keyof typeof GcpIamResourceKind];

/** One role for the workload's principal on one resource, granted additively (an IAM member, never the whole policy). */
export interface GkeIamBinding {
  /** What kind of resource `resource` names. */
  kind: GcpIamResourceKind;
  /** The resource, in the form its kind takes (see GcpIamResourceKind), e.g. a bucket's `name` output. */
  resource: pulumi.Input<string>;
  /**
   * The role, e.g. `roles/storage.objectViewer` or a custom `projects/<p>/roles/<r>`. The basic
   * roles (`roles/owner`, `roles/editor`, `roles/viewer`) and roles that administer IAM are refused.
   */
  role: string;
}
/** {@link GkeIamBinding} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GkeIamBindingArgs = GkeIamBinding;

/**
 * Workload Identity Federation for GKE for one Kubernetes ServiceAccount, on its own: its own
 * principal (`direct`) or a Google service account only it may impersonate, and the IAM bindings
 * you give it.
 */
export interface GkeWorkloadIdentityArgs {
  /** Namespace of the ServiceAccount (a DNS-1123 label). */
  namespace: string;
  /** Name of the ServiceAccount (a DNS-1123 subdomain). */
  serviceAccountName: string;
  /**
   * Create the ServiceAccount too, annotated for the identity (default false: annotate your own with
   * the `serviceAccountAnnotations` output; `direct` needs no annotation).
   * @default `false`: annotate your own with the `serviceAccountAnnotations` output; `direct` needs no annotation
   */
  createServiceAccount?: boolean;
  /**
   * `direct` (default): the bindings name the Kubernetes ServiceAccount's principal.
   * `google-service-account`: they name a Google service account only this ServiceAccount may impersonate.
   * @default `direct`
   */
  identity?: GkeIdentity;
  /**
   * Project of a created Google service account and of the default workload pool (default: the Google provider's).
   * @default the `gcp` provider's project
   */
  project?: pulumi.Input<string>;
  /**
   * The cluster's workload identity pool (default `<project>.svc.id.goog`).
   * @default `<project>.svc.id.goog`
   */
  workloadPool?: pulumi.Input<string>;
  /**
   * Project number (digits) of the pool's project, for the `direct` principal (default: looked up).
   * @default looked up from the pool's project id (`workloadPool`)
   */
  workloadPoolProjectNumber?: pulumi.Input<string>;
  /** Identity `google-service-account`: the service account to create or use. */
  googleServiceAccount?: GkeGoogleServiceAccountArgs;
  /** The roles the identity gets, each on one resource. At least one, here or in `binding`. */
  bindings?: GkeIamBinding[];
  /** The one-binding form of `bindings` (set one of the two). */
  binding?: GkeIamBinding;
}
