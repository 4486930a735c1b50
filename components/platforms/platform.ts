import type * as pulumi from "@pulumi/pulumi";
import type { SecretSource } from "../../spec/fetch-spec";
import type { MountTarget } from "../core/target";
import type { PlatformWiring } from "../kubernetes/pod";
import type { Describer } from "../review/describe";
import type { OfflineProvider } from "../review/offline";

/**
 * The seam between the shared core and a platform (EKS, AKS, GKE, …). A platform folder
 * (components/platforms/<platform>/) exports one PlatformModule, and platforms/registry.ts lists it
 * once. Its `plan` turns the mount target (what the core normalized: secrets, namespace,
 * ServiceAccount, fsGroup, mount) and its own args into a PlatformPlan (pure: every check runs there
 * and throws DeclarationError before anything is registered); the component then calls `provision`
 * once, after `super()`, and wires the pod from what it returns. Platform folders import these
 * types, their own cloud (components/clouds/<cloud>/) and the stores they use; never each other.
 */
export interface PlatformModule<A, O extends PlatformOutputValues = PlatformOutputValues> {
  /** Plans the platform from the mount target and the platform's own args (`args.<platform>`). */
  plan(target: MountTarget, args: A): PlatformPlan<O>;
  /** The platform's component outputs (the keys of `O`), which SecretMountedWorkload and SecretMount declare. */
  outputs: readonly (keyof O & string)[];
  /** How the "no platform is set" message shows this platform, e.g. `eks: { oidcProviderArn, oidcIssuerUrl }` (none: not shown). */
  example?: string;
  /** Label and annotation prefixes of the platform's identity webhook: the component's, refused on the user's pods. */
  identityPrefixes: readonly string[];
  /** How render reviews the resources the platform creates. */
  review: PlatformReview;
}

/** What render needs to review a platform's resources offline. */
export interface PlatformReview {
  /** Describers keyed by Pulumi type token. */
  describers?: Record<string, Describer>;
  /** A describer for every type token with this prefix that no table names (e.g. `azure-native:`). */
  byPrefix?: { prefix: string; describe: Describer };
  /** The mocked providers the offline engine answers with for this platform's resources (each used once, however many platforms share it). */
  offline?: readonly OfflineProvider[];
}

/** A platform's own component outputs, by name (each an Output of a string, unset on other platforms). */
export type PlatformOutputValues = { [name: string]: pulumi.Output<string> | undefined };

/** What a platform decides before anything is registered. */
export interface PlatformPlan<O extends PlatformOutputValues = PlatformOutputValues> {
  /** Largest value the platform's store can hold for a file path, for sizing the memory volume. */
  maxValueBytesOfFile(path: string): number;
  /**
   * What names each declared secret in its store, parallel to `target.secrets` (undefined: unknown
   * at preview, e.g. an ARN from another resource), to bound the FetchSpec's size.
   */
  specReferences: (string | undefined)[];
  /** Creates the platform's resources under `parent` (the component). */
  provision(parent: pulumi.Resource): ProvisionedPlatform<O>;
}

/** What a provisioned platform hands the shared pod wiring. */
export interface ProvisionedPlatform<O extends PlatformOutputValues = PlatformOutputValues> {
  /** Each declared secret's FetchSpec source, parallel to `target.secrets`. */
  sources: pulumi.Output<SecretSource[]>;
  /** Identity bits of the pod: ServiceAccount annotations, pod labels/annotations, fetch env, revision. */
  wiring: PlatformWiring;
  /** What must exist before pods start (grants, associations, secret versions). */
  ready: pulumi.Resource[];
  outputs: O;
}
