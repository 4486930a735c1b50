import type * as pulumi from "@pulumi/pulumi";

/**
 * Platform-neutral parts of a SecretMountedWorkload declaration.
 *
 * Structural fields (names, paths, counts, modes) are plain values: they decide which resources
 * exist and are validated before anything is created, so they must be known at `pulumi preview`.
 * Values that usually come from other resources (secret values, ARNs, images, env values) are
 * `pulumi.Input`s.
 */

// String choices are `as const` objects with a same-named type: Pulumi's schema analyzer turns
// them into enums for every SDK language, and TypeScript callers can still pass the plain strings.

/** What `generate` creates. */
export const GenerateType = {
  /** A random password (one file). */
  Password: "password",
  /** An RSA key pair (`rsaBits`), stored as JSON and written as two PEM files. */
  Rsa: "rsa",
  /** An ECDSA key pair (`ecdsaCurve`), stored as JSON and written as two PEM files. */
  Ecdsa: "ecdsa",
} as const;
/** What `generate` creates: `password`, `rsa` or `ecdsa`. */
export type GenerateType = (typeof GenerateType)[keyof typeof GenerateType];

/** The curve of a generated ECDSA key pair. */
export const EcdsaCurve = {
  /** NIST P-256 (the default). */
  P256: "P256",
  /** NIST P-384. */
  P384: "P384",
  /** NIST P-521. */
  P521: "P521",
} as const;
/** The curve of a generated ECDSA key pair: `P256`, `P384` or `P521`. */
export type EcdsaCurve = (typeof EcdsaCurve)[keyof typeof EcdsaCurve];

/** How a file's (selected) value is decoded before it is written. */
export const FileDecoding = {
  /** Write the value as it is (the default). */
  None: "none",
  /** The value is base64 text; the file gets the decoded bytes. */
  Base64: "base64",
} as const;
/** How a file's (selected) value is decoded before it is written: `none` (default) or `base64`. */
export type FileDecoding = (typeof FileDecoding)[keyof typeof FileDecoding];

/** Where an AWS secret lives. */
export const AwsSecretStore = {
  /** AWS Secrets Manager (the default). */
  SecretsManager: "secrets-manager",
  /** AWS Systems Manager Parameter Store, as a SecureString parameter. */
  SsmParameter: "ssm-parameter",
} as const;
/** Where an AWS secret lives: `secrets-manager` or `ssm-parameter`. */
export type AwsSecretStore = (typeof AwsSecretStore)[keyof typeof AwsSecretStore];

/** The protocol of a container port. */
export const PortProtocol = {
  /** TCP (the default). */
  TCP: "TCP",
  /** UDP. */
  UDP: "UDP",
  /** SCTP. */
  SCTP: "SCTP",
} as const;
/** The protocol of a container port: `TCP`, `UDP` or `SCTP`. */
export type PortProtocol = (typeof PortProtocol)[keyof typeof PortProtocol];

/** The scheme of an HTTP probe. */
export const ProbeScheme = {
  /** Plain HTTP (the default). */
  HTTP: "HTTP",
  /** HTTPS, without certificate verification (as the kubelet does). */
  HTTPS: "HTTPS",
} as const;
/** The scheme of an HTTP probe: `HTTP` or `HTTPS`. */
export type ProbeScheme = (typeof ProbeScheme)[keyof typeof ProbeScheme];

/** How to generate a secret value instead of supplying one. */
export interface Generate {
  /**
   * `password`: a random password (one file).
   * `rsa` / `ecdsa`: a key pair, stored as JSON `{"privateKeyPem","publicKeyPem"}` and written
   * as two PEM files (`<name>.key` and `<name>.pub` unless `files` says otherwise).
   */
  type: GenerateType;
  /**
   * Password length (default 32, at least 12).
   * @default `32`
   */
  length?: number;
  /**
   * Include lower-case letters (default true).
   * @default `true`
   */
  lower?: boolean;
  /**
   * Include upper-case letters (default true).
   * @default `true`
   */
  upper?: boolean;
  /**
   * Include digits (default true).
   * @default `true`
   */
  numeric?: boolean;
  /**
   * Include special characters (default true).
   * @default `true`
   */
  special?: boolean;
  /**
   * The special characters to draw from (default `!#$%&*()-_=+[]{}<>:?`).
   * @default `!#$%&*()-_=+[]{}<>:?`
   */
  specialCharacters?: string;
  /**
   * RSA key size: 2048, 3072 or 4096 (default 4096).
   * @default `4096`
   */
  rsaBits?: number;
  /**
   * ECDSA curve: P256, P384 or P521 (default P256).
   * @default `P256`
   */
  ecdsaCurve?: EcdsaCurve;
  /**
   * Regenerate the value every this many days (1-3650; default: never). Rotation dates fall every
   * `rotateEveryDays` days at 00:00 UTC, counted from a fixed epoch and offset per secret (by a hash
   * of project, stack and resource name, so that secrets do not all rotate on one day); the first
   * `pulumi up` (or preview, which shows it) on or after a rotation date makes a new value. Nothing
   * happens between runs: without an `up` the value is not replaced. The store keeps the replaced
   * value readable (see docs/rotation.md), and the new version rolls the pods or, in refresh mode,
   * reaches running pods. Turning it on for an existing secret regenerates it once at the next `up`.
   * @default `undefined`: never rotated
   */
  rotateEveryDays?: number;
}
/** {@link Generate} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GenerateArgs = Generate;

/** A secret that already exists in the store; nothing is created, the workload is granted read. */
export interface ExistingSecret {
  /**
   * Full ARN of the secret or parameter (AWS). Exactly one of `arn` and `name`. A Secrets Manager
   * ARN must end with the `-` and 6 random characters AWS appends; no `*` or `?` anywhere. The ARN
   * says the store (`aws.store` is not needed; given as an Output, set it for an SSM parameter).
   * Secrets AWS services manage for you (`rds!db-<uuid>`) are accepted like any other.
   */
  arn?: pulumi.Input<string>;
  /**
   * EKS: name of the secret or parameter in the provider's account and region. AKS: name of the
   * secret in the Key Vault. GKE: the secret's id (`stripe`) in `gke.project` or the provider's
   * project (a regional one: add `gcp.location`), or its full name, `projects/<project>/secrets/<secret>`
   * or `projects/<project>/locations/<location>/secrets/<secret>` (pin a version with `gcp.version`).
   */
  name?: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the existing secret, when it is not the
   * AWS-managed key: the role then gets `kms:Decrypt` on it, via the store only.
   */
  kmsKeyArn?: pulumi.Input<string>;
}
/** {@link ExistingSecret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type ExistingSecretArgs = ExistingSecret;

/** One file written from a secret. */
export interface SecretFile {
  /** Path under the mount (relative, no `..`). */
  path: string;
  /** Write only this key of the secret's JSON object value. */
  jsonKey?: string;
  /**
   * `base64`: the (selected) value is base64 text; write the decoded bytes. `none` (default): write it as it is.
   * @default `none`: write it as it is
   */
  decode?: FileDecoding;
  /**
   * Octal mode (default: the workload's `fileMode`). Files are owned by the fetcher (UID 65532) and
   * the pod's `fsGroup`: an app container with another UID reads through the group bits, so keep
   * group read (`0440`); `0400` suits only containers that run as UID 65532. A mode that would
   * deny an app container is refused at preview.
   * @default the workload's `fileMode`
   */
  mode?: string;
}
/** {@link SecretFile} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type SecretFileArgs = SecretFile;

/** AWS-specific options of one secret (EKS and ECS platforms). */
export interface AwsSecret {
  /**
   * Where the secret lives: `secrets-manager` (default) or `ssm-parameter` (SecureString). An
   * existing secret's plain ARN says it already; one contradicting the ARN is refused.
   * @default `secrets-manager`
   */
  store?: AwsSecretStore;
  /**
   * Name in the store. Default: `<prefix>/<secret name>` for Secrets Manager,
   * `/<prefix>/<secret name>` for SSM, with `<prefix>` = `secretNamePrefix`.
   * @default `<prefix>/<secret name>` for Secrets Manager, `/<prefix>/<secret name>` for SSM, with `<prefix>` = `secretNamePrefix`
   */
  storeName?: string;
  /**
   * Customer-managed KMS key ARN to encrypt a created secret (default: the AWS-managed key).
   * @default `undefined`: the AWS-managed key
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Secrets Manager: days of recovery window on delete (0 = delete at once; default 7).
   * @default `7`
   */
  recoveryWindowInDays?: number;
}
/** {@link AwsSecret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AwsSecretArgs = AwsSecret;

/** Azure-specific options of one secret (AKS platform). */
export interface AzureSecret {
  /**
   * Name in Key Vault: 1-127 letters, digits and `-`. Default: the secret's `name` in a vault
   * created here; `<secretNamePrefix or component name>-<name>` in an existing vault. For an
   * existing secret use `existing.name`.
   * @default the secret's `name` in a vault created here; `<secretNamePrefix or component name>-<name>` in an existing vault
   */
  secretName?: string;
  /**
   * Pin an existing secret to this version (32 hex characters; default: the latest version).
   * @default `undefined`: the latest version
   */
  version?: string;
}
/** {@link AzureSecret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AzureSecretArgs = AzureSecret;

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

/**
 * Vault options of one secret: setting `vault` (even `{}`) puts the secret in Vault's KV version 2.
 * An existing secret is named by `existing.name` (its path under the mount); a created one (from
 * `value` or `generate`) is written at `path`.
 */
export interface VaultSecret {
  /**
   * KV version 2 mount of the secret.
   * @default the declaration's `vault.kvMount` (`secret`)
   */
  mount?: string;
  /**
   * Created secrets: path under the mount.
   * @default `<secretNamePrefix>/<secret name>`; without a prefix `<project>/<stack>/<component name>/<secret name>`
   */
  path?: string;
  /**
   * Existing secrets: pin this KV version.
   * @default the latest version, which refresh mode follows
   */
  version?: number;
}
/** {@link VaultSecret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type VaultSecretArgs = VaultSecret;

/** One secret the workload reads. Exactly one of `value`, `generate` and `existing`. */
export interface Secret {
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
   * @default one file named after the secret (its `name`) with the whole value; two PEM files for generated key pairs
   */
  files?: SecretFileArgs[];
  /** Short description stored with a created secret. */
  description?: string;
  /** AWS store options. */
  aws?: AwsSecretArgs;
  /** Google Secret Manager options (GKE). */
  gcp?: GcpSecretArgs;
  /** Azure Key Vault options (AKS). */
  azure?: AzureSecretArgs;
  /**
   * Put this secret in HashiCorp Vault (KV version 2) instead of the platform's store: `{}` for the
   * defaults. Needs the declaration's `vault` (address, login). An existing secret is named by
   * `existing.name`, its path under the mount. Kubernetes only: SecretMountedTask (ECS) refuses it.
   */
  vault?: VaultSecretArgs;
}
/** {@link Secret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type SecretArgs = Secret;

/** Container port. */
export interface ContainerPort {
  /** Port number the container listens on (1-65535). */
  containerPort: number;
  /** IANA service name (at most 15 characters). */
  name?: string;
  /**
   * Protocol (default `TCP`).
   * @default `TCP`
   */
  protocol?: PortProtocol;
}
/** {@link ContainerPort} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type ContainerPortArgs = ContainerPort;

/** Compute resources of a container, as Kubernetes quantities. */
export interface Resources {
  /** Minimum resources, by name: `cpu` (e.g. `"100m"`), `memory` and `ephemeral-storage` (e.g. `"64Mi"`). */
  requests?: { [resource: string]: string };
  /** Maximum resources, by name: `cpu`, `memory` and `ephemeral-storage`. */
  limits?: { [resource: string]: string };
}
/** {@link Resources} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type ResourcesArgs = Resources;

/** One HTTP header a probe sends. */
export interface HttpHeader {
  /** Header name. */
  name: string;
  /** Header value. */
  value: string;
}
/** {@link HttpHeader} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type HttpHeaderArgs = HttpHeader;

/** Probe by an HTTP GET: success is a status from 200 to 399. */
export interface HttpGetProbe {
  /**
   * Path to request (default `/`).
   * @default `/`
   */
  path?: string;
  /** Port number on the container (named ports are not supported here). */
  port: number;
  /**
   * `HTTP` (default) or `HTTPS`.
   * @default `HTTP`
   */
  scheme?: ProbeScheme;
  /** Extra request headers. */
  httpHeaders?: HttpHeaderArgs[];
}
/** {@link HttpGetProbe} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type HttpGetProbeArgs = HttpGetProbe;

/** Probe by opening a TCP connection. */
export interface TcpSocketProbe {
  /** Port number on the container. */
  port: number;
}
/** {@link TcpSocketProbe} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type TcpSocketProbeArgs = TcpSocketProbe;

/** Probe by running a command in the container: success is exit status 0. */
export interface ExecProbe {
  /** The command and its arguments (no shell unless you run one). */
  command: string[];
}
/** {@link ExecProbe} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type ExecProbeArgs = ExecProbe;

/** Probe by the gRPC health checking protocol. */
export interface GrpcProbe {
  /** Port number on the container. */
  port: number;
  /**
   * Service name sent in the health check request (default: the server's overall health).
   * @default `undefined`: the server's overall health
   */
  service?: string;
}
/** {@link GrpcProbe} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GrpcProbeArgs = GrpcProbe;

/** A Kubernetes container probe. Set exactly one of `httpGet`, `tcpSocket`, `exec` and `grpc`. */
export interface Probe {
  /** HTTP GET probe. */
  httpGet?: HttpGetProbeArgs;
  /** TCP connection probe. */
  tcpSocket?: TcpSocketProbeArgs;
  /** Command probe. */
  exec?: ExecProbeArgs;
  /** gRPC health probe. */
  grpc?: GrpcProbeArgs;
  /**
   * Seconds after the container starts before the first probe (default 0).
   * @default `0` (Kubernetes' own)
   */
  initialDelaySeconds?: number;
  /**
   * Seconds between probes (default 10).
   * @default `10` (Kubernetes' own)
   */
  periodSeconds?: number;
  /**
   * Seconds after which one probe times out (default 1).
   * @default `1` (Kubernetes' own)
   */
  timeoutSeconds?: number;
  /**
   * Consecutive successes to count as passing after a failure (default 1; must be 1 for liveness and startup).
   * @default `1` (Kubernetes' own)
   */
  successThreshold?: number;
  /**
   * Consecutive failures to count as failing (default 3).
   * @default `3` (Kubernetes' own)
   */
  failureThreshold?: number;
  /** Grace period for a pod killed because this probe failed, overriding the pod's. */
  terminationGracePeriodSeconds?: number;
}
/** {@link Probe} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type ProbeArgs = Probe;

/** One application container. It mounts the secrets volume read-only at `mountPath`. */
export interface Container {
  /** Container name, a DNS-1123 label. */
  name: string;
  /** Image reference; pin it by digest (`repo@sha256:…`) for reproducible pods. */
  image: pulumi.Input<string>;
  /**
   * Entrypoint override (the image's `ENTRYPOINT` by default).
   * @default the image's `ENTRYPOINT`
   */
  command?: pulumi.Input<string>[];
  /**
   * Arguments (the image's `CMD` by default).
   * @default the image's `CMD`
   */
  args?: pulumi.Input<string>[];
  /**
   * Working directory (the image's by default).
   * @default the image's (`WORKDIR`)
   */
  workingDir?: string;
  /** Plain (non-secret) environment variables. Secrets belong in files, in `secretEnv`, or in `envFile`. */
  env?: { [name: string]: pulumi.Input<string> };
  /**
   * Environment variables holding secrets, read by the kubelet when the container starts, with no
   * Kubernetes Secret and no wrapper script: variable name -> the name of a declared secret with one
   * file, or the path of a declared secret file. Needs Kubernetes 1.35 or later (EnvFiles,
   * `env[].valueFrom.fileKeyRef`; a 1.34 API server refuses the pod). The fetcher writes the values
   * into an env file on the memory volume; the pod spec holds only references. A value the kubelet's
   * env file cannot carry (a `'`, empty, over 32 KiB) is refused at preview when declared, and by the
   * fetcher (exit 1) when fetched. Values change only when the container restarts: pair it with
   * `refresh.notify.restartPod`. See docs/env-vars.md.
   */
  secretEnv?: { [name: string]: string };
  /** Ports the container listens on. */
  ports?: ContainerPortArgs[];
  /** Compute requests and limits. */
  resources?: ResourcesArgs;
  /** Restart the container when this probe fails. */
  livenessProbe?: ProbeArgs;
  /** Take the pod out of Service endpoints while this probe fails. */
  readinessProbe?: ProbeArgs;
  /** Hold the other probes until this one passes once. */
  startupProbe?: ProbeArgs;
  /**
   * UID to run as (must not be 0). Default: the image's user, which must then be non-root.
   * @default the image's user (`USER`), which must then be non-root
   */
  runAsUser?: number;
  /**
   * GID to run as (the primary group). Default: the image's; for a `runAsUser` the image does not list
   * in `/etc/passwd` that is group 0. The secret files are readable through the pod's `fsGroup`
   * either way; set it so that what the app creates is not owned by group 0.
   * @default the image's group (0 for a UID the image does not list)
   */
  runAsGroup?: number;
  /**
   * Keep the container's root file system read-only (default true).
   * @default `true`
   */
  readOnlyRootFilesystem?: boolean;
}
/** {@link Container} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type ContainerArgs = Container;

/** The HTTP method of a refresh notification. */
export const NotifyMethod = {
  /** POST (the default). */
  Post: "POST",
  /** PUT. */
  Put: "PUT",
  /** GET. */
  Get: "GET",
} as const;
/** The HTTP method of a refresh notification: `POST`, `PUT` or `GET`. */
export type NotifyMethod = (typeof NotifyMethod)[keyof typeof NotifyMethod];

/** The signal a refresh notification sends to the app's process. */
export const NotifySignal = {
  /** SIGHUP (the default): the usual "reload your configuration". */
  Hup: "SIGHUP",
  /** SIGUSR1. */
  Usr1: "SIGUSR1",
  /** SIGUSR2. */
  Usr2: "SIGUSR2",
  /** SIGTERM: the app exits and the kubelet restarts the container, which reads the files at start. */
  Term: "SIGTERM",
} as const;
/** The signal a refresh notification sends: `SIGHUP`, `SIGUSR1`, `SIGUSR2` or `SIGTERM`. */
export type NotifySignal = (typeof NotifySignal)[keyof typeof NotifySignal];

/** Notify by an HTTP request to the app on the pod's loopback, `http://127.0.0.1:<port><path>`, retried briefly. */
export interface HttpNotify {
  /** Port the app listens on, on 127.0.0.1 (1-65535). */
  port: number;
  /**
   * Request path, starting with `/` (default `/`).
   * @default `/`
   */
  path?: string;
  /**
   * HTTP method (default `POST`). Success is a 2xx answer; otherwise retried for about 4 seconds.
   * @default `POST`
   */
  method?: NotifyMethod;
}
/** {@link HttpNotify} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type HttpNotifyArgs = HttpNotify;

/**
 * Notify by a signal to the app's process, found by name. The pod then shares one process namespace
 * (`shareProcessNamespace: true`), and every app container must run as the fetcher's UID 65532
 * (`runAsUser: 65532`): Linux lets a process signal only processes of its own UID unless it holds
 * CAP_KILL, which the restricted Pod Security Standard forbids. Sharing the process namespace with
 * the same UID also lets the app reach the fetcher's files through `/proc` (its cloud token among
 * them), so on EKS and AKS the app is no longer kept from the identity; prefer `http` or
 * `generationFile` where that matters.
 */
export interface SignalNotify {
  /** The app's process name: its executable's base name (e.g. `nginx`), or its kernel `comm` name. */
  process: string;
  /**
   * Signal to send (default `SIGHUP`).
   * @default `SIGHUP`
   */
  signal?: NotifySignal;
}
/** {@link SignalNotify} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type SignalNotifyArgs = SignalNotify;

/**
 * Notify through a generation file written inside each new set: `{"generation":<n>,"writtenAt":"…"}`.
 * The app watches the mount directory with inotify for `..data` being moved in (IN_MOVED_TO, as
 * for a ConfigMap volume) and reads the file then (see docs/rotation.md).
 */
export interface GenerationFileNotify {
  /**
   * Path under the mount (default `secret-mount.generation`).
   * @default `secret-mount.generation`
   */
  path?: string;
}
/** {@link GenerationFileNotify} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type GenerationFileNotifyArgs = GenerationFileNotify;

/**
 * Restart the whole pod in place after a new set is in place (Kubernetes 1.36 or later: the
 * `RestartAllContainers` restart rule, KEP-5532, beta and on by default in 1.36). The fetch sidecar
 * exits with code 75 and its restart rule makes the kubelet restart every container of the pod on
 * the same node: the fetcher's init run repeats, env vars (`secretEnv`) are read again, the app
 * starts with the new values; the pod keeps its name, UID, IP and node, and no rollout happens. A
 * restart drops the app's connections. At most one restart per `minIntervalSeconds`; a change
 * undone before then restarts nothing. Deployments and StatefulSets only (a Job's pods run to
 * completion). See docs/rotation.md.
 */
export interface RestartPodNotify {
  /**
   * Least seconds between two restarts of a pod (default 300, at least 30).
   * @default `300`
   */
  minIntervalSeconds?: number;
}
/** {@link RestartPodNotify} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type RestartPodNotifyArgs = RestartPodNotify;

/** How refresh mode tells the app that a new set of files is in place: set exactly one. Once per completed swap. */
export interface Notify {
  /** An HTTP request to the app on localhost. */
  http?: HttpNotify;
  /** A signal to the app's process (shared process namespace, same UID). */
  signal?: SignalNotify;
  /** A generation file the app watches. */
  generationFile?: GenerationFileNotify;
  /** Restart all of the pod's containers in place (Kubernetes 1.36+). */
  restartPod?: RestartPodNotify;
}
/** {@link Notify} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type NotifyArgs = Notify;

/** Keep the secrets fresh: the fetch container becomes a native sidecar that re-fetches. */
export interface Refresh {
  /**
   * Seconds between re-fetches (default 300, at least 10); jittered by the fetcher.
   * @default `300`
   */
  intervalSeconds?: number;
  /**
   * Tell the app when a new set is in place (default: nobody is told; the app reads the files when it opens them).
   * @default `undefined`: nobody is told; the app reads the files when it opens them
   */
  notify?: Notify;
}
/** {@link Refresh} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type RefreshArgs = Refresh;

/** A dotenv file built from secret files, for apps that read env vars (source it at start). */
export interface EnvFile {
  /**
   * Path under the mount (default `secrets.env`).
   * @default `secrets.env`
   */
  path?: string;
  /** Variable name -> path of a secret file declared above. */
  vars: { [name: string]: string };
}
/** {@link EnvFile} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EnvFileArgs = EnvFile;

/** The fetch container (the secret-mount runtime image). */
export interface FetchContainer {
  /** Image reference; pin by digest. Default: see docs/fetch-image.md. */
  image?: pulumi.Input<string>;
  /**
   * Overall deadline of one fetch, in seconds (default 60).
   * @default `60`
   */
  timeoutSeconds?: number;
  /**
   * Requests and limits of the fetch container (default: 10m/48Mi requested, 500m/96Mi limit).
   * @default `{ requests: { cpu: "10m", memory: "48Mi" }, limits: { cpu: "500m", memory: "96Mi" } }`
   */
  resources?: ResourcesArgs;
}
/** {@link FetchContainer} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type FetchContainerArgs = FetchContainer;
