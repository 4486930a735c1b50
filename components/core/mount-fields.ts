import type { EnvFileArgs, FetchContainerArgs, RefreshArgs, SecretArgs } from "./args";

/**
 * The platform-neutral fields of SecretMount's arguments (SecretMountArgs adds the platforms).
 */
export interface MountFields {
  /** The secrets the adopted pods read. At least one. */
  secrets: SecretArgs[];
  /**
   * Kubernetes namespace of the ServiceAccount and of every adopted workload (default `default`).
   * @default `default`
   */
  namespace?: string;
  /**
   * The ServiceAccount the identity trusts (default: the component name). Adopted pods that name
   * no ServiceAccount are set to run as it; a pod naming another one is refused.
   * @default the component's `name`
   */
  serviceAccountName?: string;
  /**
   * Create the ServiceAccount with the identity's annotations (default true). Set false when the
   * chart creates it: the transform then adds the annotations to the chart's ServiceAccount of that
   * name, and `serviceAccountAnnotations` lists them for one created outside the stack.
   * @default `true`
   */
  createServiceAccount?: boolean;
  /**
   * Containers that mount the secrets, by name (init containers included). Default: every
   * container of the pod's `containers`, none of its existing init containers.
   * @default every container of the pod's `containers`, none of its existing init containers
   */
  mountInto?: string[];
  /**
   * Where the secrets appear in the mounting containers (default `/run/secrets/app`).
   * @default `/run/secrets/app`
   */
  mountPath?: string;
  /**
   * `sizeLimit` of the memory-backed volume (default: enough for the declared secrets, at least 1Mi).
   * @default enough for the declared secrets, at least `1Mi`
   */
  volumeSizeLimit?: string;
  /**
   * Default octal mode of secret files (default `0440`); checked against each mounting container's UID when a pod is adopted.
   * @default `0440`
   */
  fileMode?: string;
  /**
   * The pod's `securityContext.fsGroup` when the adopted pod sets none (default 65532); a pod's own fsGroup is kept.
   * @default `65532`
   */
  fsGroup?: number;
  /**
   * Set `fsGroup` also on adopted pods that set none and have persistent volumes (a
   * `persistentVolumeClaim` or `ephemeral` volume, a StatefulSet's `volumeClaimTemplates`); default
   * false: such a pod is refused. The kubelet gives every volume of a pod its fsGroup: when it
   * mounts a persistent volume it changes the group of every file on it (and adds group
   * read/write). `fsGroupChangePolicy: OnRootMismatch`, which adoption sets, only skips that walk
   * when the volume's root already has the group; it does not spare the first change, nor limit it
   * to one volume. Rather set the pod's own fsGroup (the group its volumes' files should have):
   * adoption keeps it, and the secrets' files take it.
   * @default `false`: such a pod is refused
   */
  allowPersistentVolumeGroupChange?: boolean;
  /**
   * Re-fetch while the pod runs (native sidecar). Refused for Jobs and CronJobs, whose pods must finish.
   * @default `undefined`: fetch once, at start
   */
  refresh?: RefreshArgs;
  /** Also write a dotenv file built from secret files. */
  envFile?: EnvFileArgs;
  /** The fetch container. */
  fetch?: FetchContainerArgs;
  /** Prefix of created secrets' store names (as in SecretMountedWorkload). */
  secretNamePrefix?: string;
}
