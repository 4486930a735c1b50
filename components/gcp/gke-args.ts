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

/** One location of a user-managed replication policy. */
export interface GcpReplica {
  /** Location of the replica, e.g. `europe-west4`. */
  location: string;
  /**
   * Cloud KMS key encrypting this replica (`projects/<p>/locations/<location>/keyRings/<r>/cryptoKeys/<k>`),
   * in the replica's location. Default: a Google-managed key.
   * @default `undefined`: a Google-managed key
   */
  kmsKeyName?: pulumi.Input<string>;
}
/** {@link GcpReplica} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GcpReplicaArgs = GcpReplica;

/** Google Secret Manager options of one secret (GKE platform). */
export interface GcpSecret {
  /**
   * Secret id of a created secret (1-255 of letters, digits, `-` and `_`). Default:
   * `<secretNamePrefix>-<secret name>` with every other character turned into `-`.
   * @default `<secretNamePrefix>-<secret name>` with every other character turned into `-`
   */
  secretId?: string;
  /**
   * Create a regional secret in this location (e.g. `europe-west4`): stored only there and read
   * through the regional endpoint `secretmanager.<location>.rep.googleapis.com`. Default: a
   * global secret. For an existing secret named by its short id: the location of that regional secret.
   * @default `undefined`: a global secret
   */
  location?: string;
  /**
   * Global secret: replicate only to these locations (user-managed replication), each optionally
   * with its own KMS key. Default: automatic replication.
   * @default `undefined`: automatic replication
   */
  replicas?: GcpReplicaArgs[];
  /**
   * Cloud KMS key of a created secret with automatic replication (a `global` key) or of a regional
   * secret (a key in its location). With `replicas`, set the key per replica instead.
   */
  kmsKeyName?: pulumi.Input<string>;
  /**
   * Existing secret: the version to read, a number such as `"3"` or `"latest"` (the default).
   * A pinned version rolls the pods only when you change it here.
   * @default `latest`
   */
  version?: string;
}
/** {@link GcpSecret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GcpSecretArgs = GcpSecret;
