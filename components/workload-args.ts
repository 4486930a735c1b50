import type { ContainerArgs, EnvFileArgs, FetchContainerArgs, RefreshArgs, SecretArgs } from "./core/args";
import type { EksPlatformArgs } from "./aws/eks-args";
import type { AksPlatformArgs } from "./azure/aks-args";
import type { GkePlatformArgs } from "./gcp/gke-args";

/** Arguments of SecretMountedWorkload. Set exactly one platform (`eks`, `aks` or `gke`). */
export interface SecretMountedWorkloadArgs {
  /** The secrets the workload reads. At least one. */
  secrets: SecretArgs[];
  /** The application containers: at least one, here or as `container`. */
  containers?: ContainerArgs[];
  /** The one application container, instead of `containers` (set one of the two). */
  container?: ContainerArgs;
  /** Kubernetes namespace (default `default`). */
  namespace?: string;
  /** Create the namespace (labelled for the restricted Pod Security Standard) instead of using an existing one. */
  createNamespace?: boolean;
  /** ServiceAccount name (default: the component name). */
  serviceAccountName?: string;
  /** Deployment name (default: the component name). */
  deploymentName?: string;
  /** Deployment replicas (default 1). */
  replicas?: number;
  /** Extra labels on the Deployment's pods (selector labels are set by the component). */
  labels?: { [key: string]: string };
  /** Where the secrets appear in every container (default `/run/secrets/app`). */
  mountPath?: string;
  /**
   * `sizeLimit` of the memory-backed volume (default: enough for the declared secrets, at least 1Mi).
   * It counts against the pod's memory.
   */
  volumeSizeLimit?: string;
  /**
   * Default octal mode of secret files (default `0440`: the owner, UID 65532, and the pod's
   * fsGroup may read). App containers with another UID read through the group, so a mode without
   * group read is refused unless every app container runs as UID 65532.
   */
  fileMode?: string;
  /**
   * The pod's `securityContext.fsGroup` (default 65532): the group that owns the volume's files.
   * Kubernetes adds it to the supplementary groups of every container of the pod, whatever its
   * UID, which is how app containers read files owned by the fetcher.
   */
  fsGroup?: number;
  /** Re-fetch the secrets while the pod runs (native sidecar). Off by default: fetch once at start. */
  refresh?: RefreshArgs;
  /** Also write a dotenv file built from secret files. */
  envFile?: EnvFileArgs;
  /** The fetch container. */
  fetch?: FetchContainerArgs;
  /**
   * Prefix of created secrets' store names (EKS default `<project>/<stack>/<component name>`; AKS:
   * only in an existing vault, default the component name, joined with `-`).
   */
  secretNamePrefix?: string;
  /** Amazon EKS platform. */
  eks?: EksPlatformArgs;
  /** Azure Kubernetes Service platform (Key Vault, Microsoft Entra workload identity). */
  aks?: AksPlatformArgs;
  /** Google Kubernetes Engine platform (Secret Manager, Workload Identity Federation for GKE). */
  gke?: GkePlatformArgs;
}
