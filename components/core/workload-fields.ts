import type { ContainerArgs, EnvFileArgs, FetchContainerArgs, RefreshArgs, SecretArgs } from "./args";
import type { AffinityArgs, TolerationArgs, TopologySpreadConstraintArgs } from "./scheduling-args";

/** What kind of Kubernetes workload SecretMountedWorkload makes. */
export const WorkloadKind = {
  /** A Deployment (the default). */
  Deployment: "Deployment",
  /** A StatefulSet (`serviceName` names its governing Service). */
  StatefulSet: "StatefulSet",
  /** A Job: its pods run to completion; init mode only. */
  Job: "Job",
  /** A CronJob (`schedule`): a Job on a schedule; init mode only. */
  CronJob: "CronJob",
} as const;
/** What kind of Kubernetes workload SecretMountedWorkload makes: `Deployment`, `StatefulSet`, `Job` or `CronJob`. */
export type WorkloadKind = (typeof WorkloadKind)[keyof typeof WorkloadKind];

/**
 * The platform-neutral fields of SecretMountedWorkload's arguments (SecretMountedWorkloadArgs adds
 * the platforms). The core normalizes these; it never sees a platform's own args.
 */
export interface WorkloadFields {
  /** The secrets the workload reads. At least one. */
  secrets: SecretArgs[];
  /** The application containers: at least one, here or as `container`. */
  containers?: ContainerArgs[];
  /** The one application container, instead of `containers` (set one of the two). */
  container?: ContainerArgs;
  /**
   * Kubernetes namespace (default `default`).
   * @default `default`
   */
  namespace?: string;
  /**
   * Create the namespace (labelled for the restricted Pod Security Standard) instead of using an existing one.
   * @default `false`: the namespace must exist
   */
  createNamespace?: boolean;
  /**
   * ServiceAccount name (default: the component name).
   * @default the component's `name`
   */
  serviceAccountName?: string;
  /**
   * Name of the workload object, whatever its `kind` (default: the component name).
   * @default the component's `name`
   */
  deploymentName?: string;
  /**
   * The kind of workload (default `Deployment`). A Job or CronJob fetches once, before its
   * containers start (init mode), or with `refresh` keeps a native sidecar refreshing until its
   * containers have exited (then the kubelet stops it and the pod completes; Kubernetes 1.29+);
   * `refresh.notify.restartPod` is refused for them (a restart in place runs the job again).
   * @default `Deployment`
   */
  kind?: WorkloadKind;
  /**
   * Replicas of a Deployment or StatefulSet (default 1).
   * @default `1`
   */
  replicas?: number;
  /**
   * StatefulSet: name of its governing (headless) Service (default: the workload name).
   * @default the workload's name (`deploymentName`)
   */
  serviceName?: string;
  /** CronJob: the schedule, in cron syntax (e.g. `0 3 * * *`). Required for a CronJob. */
  schedule?: string;
  /**
   * Job and CronJob: retries before the Job is marked failed (default 6, Kubernetes' own).
   * @default `6` (Kubernetes' own)
   */
  backoffLimit?: number;
  /**
   * Extra labels on the workload's pods. The selector labels (`app.kubernetes.io/name`,
   * `app.kubernetes.io/instance`; the `selectorLabels` output) and the identity labels (`azure.workload.identity/…`,
   * `eks.amazonaws.com/…`, `iam.gke.io/…`, `secret-mount.io/…`) are the component's and refused here.
   */
  labels?: { [key: string]: string };
  /**
   * Extra annotations on the workload's pods. Identity annotations (`azure.workload.identity/…`,
   * `eks.amazonaws.com/…`, `iam.gke.io/…`) and the component's own (`secret-mount.io/…`) are
   * refused, as are seccomp annotations (the pod's seccomp profile is `RuntimeDefault`) and AppArmor
   * ones other than `runtime/default` or `localhost/<profile>` (the restricted Pod Security Standard).
   */
  podAnnotations?: { [key: string]: string };
  /** Node labels the pods' node must carry (`spec.nodeSelector`), e.g. `{ "kubernetes.io/arch": "arm64" }`. */
  nodeSelector?: { [key: string]: string };
  /** Taints the pods tolerate (`spec.tolerations`). */
  tolerations?: TolerationArgs[];
  /** Node affinity, pod affinity and anti-affinity (`spec.affinity`). */
  affinity?: AffinityArgs;
  /** How the pods spread across zones or nodes (`spec.topologySpreadConstraints`). */
  topologySpreadConstraints?: TopologySpreadConstraintArgs[];
  /**
   * Names of `kubernetes.io/dockerconfigjson` Secrets in the namespace, for pulling the images (the
   * fetch image too) from private registries (`spec.imagePullSecrets`).
   */
  imagePullSecrets?: string[];
  /**
   * The pods' PriorityClass (`spec.priorityClassName`). `system-node-critical` and
   * `system-cluster-critical` belong to the cluster's own pods and are refused.
   */
  priorityClassName?: string;
  /**
   * Seconds the pods get to stop after SIGTERM before they are killed (`spec.terminationGracePeriodSeconds`;
   * Kubernetes' default 30).
   * @default `30` (Kubernetes' own)
   */
  terminationGracePeriodSeconds?: number;
  /**
   * Where the secrets appear in every container (default `/run/secrets/app`).
   * @default `/run/secrets/app`
   */
  mountPath?: string;
  /**
   * `sizeLimit` of the memory-backed volume (default: enough for the declared secrets, at least 1Mi).
   * It counts against the pod's memory.
   * @default enough for the declared secrets, at least `1Mi`
   */
  volumeSizeLimit?: string;
  /**
   * Default octal mode of secret files (default `0440`: the owner, UID 65532, and the pod's
   * fsGroup may read). App containers with another UID read through the group, so a mode without
   * group read is refused unless every app container runs as UID 65532.
   * @default `0440`: the owner, UID 65532, and the pod's fsGroup may read
   */
  fileMode?: string;
  /**
   * The pod's `securityContext.fsGroup` (default 65532): the group that owns the volume's files.
   * Kubernetes adds it to the supplementary groups of every container of the pod, whatever its
   * UID, which is how app containers read files owned by the fetcher.
   * @default `65532`
   */
  fsGroup?: number;
  /**
   * Re-fetch the secrets while the pod runs (native sidecar). Off by default: fetch once at start.
   * @default `undefined`: fetch once, at start
   */
  refresh?: RefreshArgs;
  /** Also write a dotenv file built from secret files. */
  envFile?: EnvFileArgs;
  /** The fetch container. */
  fetch?: FetchContainerArgs;
  /**
   * Prefix of created secrets' store names (EKS default `<project>/<stack>/<component name>`; AKS:
   * only in an existing vault, default the component name, joined with `-`).
   * @default EKS: `<project>/<stack>/<component name>`; AKS: none in a new vault, the component name in an existing one (joined with `-`)
   */
  secretNamePrefix?: string;
}
