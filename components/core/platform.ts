import type * as pulumi from "@pulumi/pulumi";
import type { SecretSource } from "../spec/fetch-spec";
import type { PlatformWiring } from "../kubernetes/pod";

/**
 * The seam between the shared core and a platform (EKS, AKS, GKE, …). A platform folder turns a
 * normalized Declaration and its own args into a PlatformPlan (pure: every check runs there and
 * throws DeclarationError before anything is registered); the component then calls `provision`
 * once, after `super()`, and wires the pod from what it returns. Platform folders import these
 * types; they never import each other.
 */
export interface PlatformPlan {
  /** Largest value the platform's store can hold for a file path, for sizing the memory volume. */
  maxValueBytesOfFile(path: string): number;
  /**
   * What names each declared secret in its store, parallel to `decl.secrets` (undefined: unknown
   * at preview, e.g. an ARN from another resource), to bound the FetchSpec's size.
   */
  specReferences: (string | undefined)[];
  /**
   * Creates the platform's resources under `parent` (the component); namespaced Kubernetes objects
   * it creates wait for `dependsOn` (a namespace the component creates).
   */
  provision(parent: pulumi.Resource, dependsOn?: pulumi.Resource[]): ProvisionedPlatform;
}

/**
 * The component's outputs that only some platforms have; each platform sets its own and leaves the
 * others undefined. Every one is also a property of SecretMountedWorkload.
 */
export interface PlatformOutputs {
  /** EKS: ARN of the IAM role the fetch container assumes. */
  roleArn?: pulumi.Output<string>;
  /** EKS: the role's permission policy (JSON). */
  permissionPolicy?: pulumi.Output<string>;
  /** EKS: the role's trust policy (JSON). */
  trustPolicy?: pulumi.Output<string>;
  /** GKE: every IAM member granted (resource, role, member), as JSON. */
  iamMembers?: pulumi.Output<string>;
  /** GKE with identity `google-service-account`: the Google service account's email. */
  googleServiceAccountEmail?: pulumi.Output<string>;
  /** AKS: client id of the managed identity the fetch container uses. */
  identityClientId?: pulumi.Output<string>;
  /** AKS: principal (object) id of that identity, which the role assignments name. */
  identityPrincipalId?: pulumi.Output<string>;
  /** AKS: URI of the Key Vault (`https://<name>.vault.azure.net/`). */
  vaultUri?: pulumi.Output<string>;
  /** AKS: the "Key Vault Secrets User" role assignments (scope, role, principal), as JSON. */
  roleAssignments?: pulumi.Output<string>;
  /** AKS: the federated identity credential (identity, issuer, subject, audiences), as JSON. */
  federatedCredential?: pulumi.Output<string>;
  /** Vault: the policy granting read on the declared secrets, HCL as Vault stores it (created, or what a policy managed elsewhere must grant). */
  vaultPolicy?: pulumi.Output<string>;
  /** Vault: the Kubernetes auth role (bound ServiceAccount and namespace, audience, token TTL, policies), as JSON. */
  vaultRole?: pulumi.Output<string>;
}

/** What a provisioned platform hands the shared pod wiring. */
export interface ProvisionedPlatform {
  /** Each declared secret's FetchSpec source, parallel to `decl.secrets`. */
  sources: pulumi.Output<SecretSource[]>;
  /** Identity bits of the pod: ServiceAccount annotations, pod labels/annotations, fetch env, revision. */
  wiring: PlatformWiring;
  /** What must exist before pods start (grants, associations, secret versions). */
  ready: pulumi.Resource[];
  outputs: PlatformOutputs;
}
