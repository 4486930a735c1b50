import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";

/**
 * Platform-neutral parts of a SecretMountedWorkload declaration.
 *
 * Structural fields (names, paths, counts, modes) are plain values: they decide which resources
 * exist and are validated before anything is created, so they must be known at `pulumi preview`.
 * Values that usually come from other resources (secret values, ARNs, images, env values) are
 * `pulumi.Input`s.
 */

/** How to generate a secret value instead of supplying one. */
export interface GenerateArgs {
  /**
   * `password`: a random password (one file).
   * `rsa` / `ecdsa`: a key pair, stored as JSON `{"privateKeyPem","publicKeyPem"}` and written
   * as two PEM files (`<name>.key` and `<name>.pub` unless `files` says otherwise).
   */
  type: "password" | "rsa" | "ecdsa";
  /** Password length (default 32, at least 12). */
  length?: number;
  /** Include lower-case letters (default true). */
  lower?: boolean;
  /** Include upper-case letters (default true). */
  upper?: boolean;
  /** Include digits (default true). */
  numeric?: boolean;
  /** Include special characters (default true). */
  special?: boolean;
  /** The special characters to draw from (default `!#$%&*()-_=+[]{}<>:?`). */
  specialCharacters?: string;
  /** RSA key size: 2048, 3072 or 4096 (default 4096). */
  rsaBits?: number;
  /** ECDSA curve: P256, P384 or P521 (default P256). */
  ecdsaCurve?: "P256" | "P384" | "P521";
}

/** A secret that already exists in the store; nothing is created, the workload is granted read. */
export interface ExistingSecretArgs {
  /** Full ARN of the secret or parameter (AWS). Exactly one of `arn` and `name`. */
  arn?: pulumi.Input<string>;
  /** Name of the secret or parameter in the provider's account and region. */
  name?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the existing secret, when it is not the
   * AWS-managed key: the role then gets `kms:Decrypt` on it, via the store only.
   */
  kmsKeyArn?: pulumi.Input<string>;
}

/** One file written from a secret. */
export interface SecretFileArgs {
  /** Path under the mount (relative, no `..`). */
  path: string;
  /** Write only this key of the secret's JSON object value. */
  jsonKey?: string;
  /** `base64`: the (selected) value is base64 text; write the decoded bytes. */
  decode?: "base64";
  /**
   * Octal mode (default: the workload's `fileMode`). Files are owned by the fetcher (UID 65532) and
   * the pod's `fsGroup`: an app container with another UID reads through the group bits, so keep
   * group read (`0440`); `0400` suits only containers that run as UID 65532. A mode that would
   * deny an app container is refused at preview.
   */
  mode?: string;
}

/** AWS-specific options of one secret (EKS and ECS platforms). */
export interface AwsSecretArgs {
  /** Where the secret lives: `secrets-manager` (default) or `ssm-parameter` (SecureString). */
  store?: "secrets-manager" | "ssm-parameter";
  /**
   * Name in the store. Default: `<prefix>/<secret name>` for Secrets Manager,
   * `/<prefix>/<secret name>` for SSM, with `<prefix>` = `secretNamePrefix`.
   */
  storeName?: string;
  /** Customer-managed KMS key ARN to encrypt a created secret (default: the AWS-managed key). */
  kmsKeyArn?: pulumi.Input<string>;
  /** Secrets Manager: days of recovery window on delete (0 = delete at once; default 7). */
  recoveryWindowInDays?: number;
}

/** One secret the workload reads. Exactly one of `value`, `generate` and `existing`. */
export interface SecretArgs {
  /** Logical name: a DNS-1123 label, used in resource names, the default store name and the default file path. */
  name: string;
  /** The value, as a Pulumi secret (e.g. `config.requireSecret("dbPassword")`). */
  value?: pulumi.Input<string>;
  /** Generate the value at `pulumi up` (it never appears in the program). */
  generate?: GenerateArgs;
  /** Reference a secret that already exists. */
  existing?: ExistingSecretArgs;
  /**
   * The files written from this secret. Default: one file named after the secret with the whole
   * value (two PEM files for generated key pairs). Several entries with `jsonKey` fan a JSON
   * secret out into one file per key.
   */
  files?: SecretFileArgs[];
  /** Short description stored with a created secret. */
  description?: string;
  /** AWS store options. */
  aws?: AwsSecretArgs;
}

/** Container port. */
export interface ContainerPortArgs {
  containerPort: number;
  /** IANA service name (at most 15 characters). */
  name?: string;
  protocol?: "TCP" | "UDP" | "SCTP";
}

/** Compute resources of a container, as Kubernetes quantities. */
export interface ResourcesArgs {
  requests?: { cpu?: string; memory?: string; "ephemeral-storage"?: string };
  limits?: { cpu?: string; memory?: string; "ephemeral-storage"?: string };
}

/** One application container. It mounts the secrets volume read-only at `mountPath`. */
export interface ContainerArgs {
  /** Container name, a DNS-1123 label. */
  name: string;
  /** Image reference; pin it by digest (`repo@sha256:…`) for reproducible pods. */
  image: pulumi.Input<string>;
  command?: pulumi.Input<string>[];
  args?: pulumi.Input<string>[];
  workingDir?: string;
  /** Plain (non-secret) environment variables. Secrets belong in files, or in `envFile`. */
  env?: { [name: string]: pulumi.Input<string> };
  ports?: ContainerPortArgs[];
  resources?: ResourcesArgs;
  livenessProbe?: k8s.types.input.core.v1.Probe;
  readinessProbe?: k8s.types.input.core.v1.Probe;
  startupProbe?: k8s.types.input.core.v1.Probe;
  /** UID to run as (must not be 0). Default: the image's user, which must then be non-root. */
  runAsUser?: number;
  /** GID to run as. */
  runAsGroup?: number;
  /** Keep the container's root file system read-only (default true). */
  readOnlyRootFilesystem?: boolean;
}

/** Keep the secrets fresh: the fetch container becomes a native sidecar that re-fetches. */
export interface RefreshArgs {
  /** Seconds between re-fetches (default 300, at least 10); jittered by the fetcher. */
  intervalSeconds?: number;
}

/** A dotenv file built from secret files, for apps that read env vars (source it at start). */
export interface EnvFileArgs {
  /** Path under the mount (default `secrets.env`). */
  path?: string;
  /** Variable name -> path of a secret file declared above. */
  vars: { [name: string]: string };
}

/** The fetch container (the secret-mount runtime image). */
export interface FetchContainerArgs {
  /** Image reference; pin by digest. Default: see README ("The fetch image"). */
  image?: pulumi.Input<string>;
  /** Overall deadline of one fetch, in seconds (default 60). */
  timeoutSeconds?: number;
  resources?: ResourcesArgs;
}
