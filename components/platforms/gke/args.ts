import type * as pulumi from "@pulumi/pulumi";

/** How the workload's pods get their Google identity on GKE. */
export const GkeIdentity = {
  /**
   * Workload Identity Federation for GKE, direct: each secret grants its accessor role to the
   * Kubernetes ServiceAccount's own principal (`principal://…/subject/ns/<ns>/sa/<ksa>`).
   */
  Direct: "direct",
  /**
   * A Google service account the Kubernetes ServiceAccount impersonates (annotation
   * `iam.gke.io/gcp-service-account`); the secrets grant their accessor role to it.
   */
  GoogleServiceAccount: "google-service-account",
} as const;
/** How the workload's pods get their Google identity on GKE: `direct` or `google-service-account`. */
export type GkeIdentity = (typeof GkeIdentity)[keyof typeof GkeIdentity];

/** The Google service account of identity `google-service-account`. Set at most one of `accountId` and `email`. */
export interface GkeGoogleServiceAccount {
  /**
   * Account id of the service account to create (6-30 of a-z, 0-9 and `-`, starting with a
   * letter). Default: derived from the component name.
   * @default derived from the component's `name`
   */
  accountId?: string;
  /**
   * Email of an existing service account to use instead of creating one
   * (`<id>@<project>.iam.gserviceaccount.com`). Only `roles/iam.workloadIdentityUser` for this
   * workload's Kubernetes ServiceAccount is added to it (additively).
   */
  email?: pulumi.Input<string>;
}
/** {@link GkeGoogleServiceAccount} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GkeGoogleServiceAccountArgs = GkeGoogleServiceAccount;

/** Run the workload on Google Kubernetes Engine, reading Google Secret Manager with Workload Identity Federation for GKE. */
export interface GkePlatform {
  /**
   * `direct` (default): the secrets grant `roles/secretmanager.secretAccessor` to the Kubernetes
   * ServiceAccount's principal. `google-service-account`: they grant it to a Google service account
   * that only this Kubernetes ServiceAccount may impersonate.
   * @default `direct`
   */
  identity?: GkeIdentity;
  /**
   * Project that holds the created secrets, and the existing ones named by their short id (a
   * project id, e.g. `acme-prod`). Default: the Google provider's project. An existing secret's
   * full name carries its own project.
   * @default the `gcp` provider's project
   */
  project?: pulumi.Input<string>;
  /**
   * The cluster's workload identity pool (default `<project>.svc.id.goog`, the project being
   * `project` or the provider's). Set it when the cluster runs in another project or in a fleet
   * whose host project differs from the secrets' project.
   * @default `<project>.svc.id.goog`, the project being `project` or the provider's
   */
  workloadPool?: pulumi.Input<string>;
  /**
   * Project number (digits) of the project that owns the workload pool, for the `direct`
   * principal. Default: looked up from the pool's project id.
   * @default looked up from the pool's project id (`workloadPool`)
   */
  workloadPoolProjectNumber?: pulumi.Input<string>;
  /** Identity `google-service-account`: the service account to create or use. */
  googleServiceAccount?: GkeGoogleServiceAccountArgs;
  /** Labels on the created secrets (keys and values: lower-case letters, digits, `_` and `-`). */
  labels?: { [key: string]: string };
}
/** {@link GkePlatform} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GkePlatformArgs = GkePlatform;
