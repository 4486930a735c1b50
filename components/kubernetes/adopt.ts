import type * as pulumi from "@pulumi/pulumi";
import type { MountTarget } from "../core/target";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { DeclarationError } from "../core/declaration-error";
import { fileModeDeniesProblem } from "../core/file-access";
import { FETCH_CONTAINER_NAME } from "../core/containers";
import { FETCH_SPEC_FILE } from "../core/spec-delivery";
import { fetchContainer, REVISION_ANNOTATION, SECRETS_VOLUME, SPEC_VOLUME, type PlatformWiring } from "./pod";
import { describeViolation, tightenToRestricted } from "./restricted";

type Obj = Record<string, any>;

/** Pod-template annotation naming the SecretMount that adopted the pod. */
export const ADOPTED_BY_ANNOTATION = "secret-mount.io/adopted-by";
/** Pod-template annotation listing the security-context fields adoption set (restricted profile). */
export const TIGHTENED_ANNOTATION = "secret-mount.io/tightened";

/**
 * Everything adoption adds to a pod: what SecretMount provisioned, in the shape of a pod-spec
 * fragment. Values from resources (the FetchSpec, the revision) are Inputs; the structure is plain.
 */
export interface PodWiring {
  /** The SecretMount's name (messages, the adopted-by annotation). */
  component: string;
  /** Namespace the identity trusts: adopted workloads must be in it. */
  namespace: string;
  /** ServiceAccount the identity trusts: adopted pods run as it. */
  serviceAccountName: string;
  /** The fetch container: goes first among the init containers. */
  fetchContainer: k8s.core.v1.Container;
  /** The memory volume, and the FetchSpec's ConfigMap volume when the spec is too large for the environment. */
  volumes: k8s.core.v1.Volume[];
  /** Where the secrets appear in the mounting containers. */
  mountPath: string;
  /** The pod's fsGroup when the pod sets none. */
  fsGroup: number;
  /**
   * Set that fsGroup also on pods with persistent volumes, whose group the kubelet then changes
   * (SecretMount's `allowPersistentVolumeGroupChange`); otherwise such a pod is refused.
   */
  allowPersistentVolumeGroupChange: boolean;
  /** Every file mode the fetcher writes, with the field that set it, to check each mounted container may read. */
  fileModes: {
    /** The SecretMount field that set it, e.g. `fileMode`. */
    field: string;
    /** The octal mode, e.g. `0440`. */
    mode: string;
  }[];
  /** Pod labels the platform's identity needs (e.g. AKS's `azure.workload.identity/use`). */
  podLabels: { [key: string]: string };
  /** Pod annotations the platform's identity needs, but the skip-containers one. */
  podAnnotations: { [key: string]: string };
  /** The platform's skip-containers annotation, rewritten per pod to list every container but the fetcher. */
  skipContainers?: {
    /** The annotation key, e.g. `eks.amazonaws.com/skip-containers`. */
    annotation: string;
    /** What separates the container names in its value. */
    separator: string;
  };
  /** The secrets' revision (the `secret-mount.io/revision` annotation): a new version rolls the pods. */
  revision?: pulumi.Input<string>;
  /** The fetch container is a native sidecar (refresh mode). */
  refresh: boolean;
  /** The sidecar restarts the pod in place after a swap (refresh.notify.restartPod). */
  restartPod?: boolean;
}

/** The wiring of a declaration, from what its platform provisioned. */
export function podWiring(
  decl: MountTarget & { allowPersistentVolumeGroupChange?: boolean },
  specJson: pulumi.Input<string>,
  platform: PlatformWiring,
  sizeLimit: string,
  specConfigMap?: pulumi.Input<string>,
): PodWiring {
  const fileModes = [{ field: "fileMode", mode: decl.fileMode }];
  for (const s of decl.secrets)
    s.files.forEach(
      (f, j) => f.mode !== undefined && fileModes.push({ field: `secrets[${s.index}].files[${j}].mode`, mode: f.mode }),
    );
  return {
    component: decl.name,
    namespace: decl.namespace,
    serviceAccountName: decl.serviceAccountName,
    fetchContainer: fetchContainer(decl, specJson, platform, specConfigMap),
    volumes: [
      { name: SECRETS_VOLUME, emptyDir: { medium: "Memory", sizeLimit } },
      ...(specConfigMap === undefined
        ? []
        : [
            {
              name: SPEC_VOLUME,
              configMap: { name: specConfigMap, items: [{ key: FETCH_SPEC_FILE, path: FETCH_SPEC_FILE }] },
            },
          ]),
      ...(platform.fetchVolumes ?? []).map((v) => v.volume),
    ],
    mountPath: decl.mountPath,
    fsGroup: decl.fsGroup,
    allowPersistentVolumeGroupChange: decl.allowPersistentVolumeGroupChange ?? false,
    fileModes,
    podLabels: platform.podLabels,
    // The skip-containers annotation is rewritten per pod (adoptPodTemplate).
    podAnnotations: Object.fromEntries(
      Object.entries(platform.podAnnotations).filter(([k]) => k !== platform.skipContainers?.annotation),
    ),
    skipContainers: platform.skipContainers,
    revision: platform.revision,
    refresh: decl.refresh !== undefined,
    restartPod: decl.refresh?.notify?.restartPod !== undefined,
  };
}

/** The workload a pod template belongs to, for messages and kind rules. */
export interface AdoptTarget {
  /** Deployment, StatefulSet, DaemonSet, Job, CronJob (or Pod template of another kind). */
  kind: string;
  /** The workload's `metadata.name`. */
  name: string;
  /** The workload's `metadata.namespace`: must be the SecretMount's. */
  namespace?: string;
  /**
   * Containers (or init containers) that mount the secrets, by name. Default: every container of
   * `containers`; existing init containers only when named here.
   */
  containers?: string[];
  /**
   * StatefulSet: the names of its `volumeClaimTemplates` (the transform reads them): persistent
   * volumes of every pod, like `persistentVolumeClaim` and `ephemeral` volumes of the template.
   */
  volumeClaimTemplates?: string[];
}

/** The adopted template and one line per change, for the preview log and the review. */
export interface Adopted {
  /** The adopted pod template (a new object). */
  template: Record<string, any>;
  /** What adoption added or set, one line each, with paths as in the workload as written. */
  changes: string[];
}

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"] as const;
const within = (a: string, b: string) => a === b || a.startsWith(`${b.replace(/\/$/, "")}/`);

/**
 * Adds the fetch wiring to a pod template someone else wrote: the fetch container first among the
 * init containers (existing ones keep their order after it), the volumes, a read-only mount in each
 * chosen container, the identity labels and annotations, the ServiceAccount, fsGroup, the revision
 * annotation, and the restricted profile's security-context fields where the template leaves them
 * unset. It never overrides: an existing volume, mount, container, label or annotation in the way,
 * another ServiceAccount or namespace, or a security context the profile forbids is a
 * DeclarationError naming the field. Pure: `template` is not modified.
 */
export function adoptPodTemplate(
  template: Record<string, any> | undefined,
  wiring: PodWiring,
  target: AdoptTarget,
): Adopted {
  const where = `${target.kind} ${target.namespace ?? "(no namespace)"}/${target.name}`;
  const fail = (field: string, problem: string): never => {
    throw new DeclarationError(`${where} ${field}`, problem, wiring.component);
  };
  if (target.namespace !== wiring.namespace) {
    fail(
      "metadata.namespace",
      `must be "${wiring.namespace}", the namespace the identity trusts (ServiceAccount ${wiring.namespace}/${wiring.serviceAccountName}); ` +
        "set the namespace on the workload (or the chart), or give the SecretMount that namespace",
    );
  }
  const spec: Obj = template?.spec;
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0)
    fail("spec.template.spec.containers", "is empty or unknown; there is no pod to wire");
  const at = (field: string) => `spec.template.spec.${field}`;
  // The API accepts the rule in any pod, but a pod that runs to completion, restarted in place,
  // runs its work again from the start (its init containers too).
  if (wiring.restartPod && (spec.restartPolicy === "Never" || spec.restartPolicy === "OnFailure")) {
    fail(
      at("restartPolicy"),
      `is "${spec.restartPolicy}": the pod runs to completion, and refresh.notify.restartPod would restart it in place and run its work again from the start; ` +
        "notify the app another way (http, signal, generationFile), or leave this workload out of the selection",
    );
  }
  const changes: string[] = [];
  if (spec.shareProcessNamespace === true) {
    fail(
      at("shareProcessNamespace"),
      "is true: every container of the pod sees the fetcher's processes, and a container running as the fetcher's UID reads its " +
        "cloud token through /proc/<pid>/root; remove it from the workload (chart values), or leave this workload out of the selection",
    );
  }

  // Identity: the pod must run as the ServiceAccount the identity was made for.
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  if (sa !== undefined && sa !== wiring.serviceAccountName) {
    fail(
      at(spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount"),
      `is "${sa}", but the secrets' identity trusts ServiceAccount "${wiring.serviceAccountName}"; ` +
        `give the SecretMount serviceAccountName "${sa}", or run the workload as "${wiring.serviceAccountName}"`,
    );
  }

  const volumes: Obj[] = spec.volumes ?? [];
  for (const v of wiring.volumes) {
    const i = volumes.findIndex((x) => x?.name === v.name);
    if (i >= 0)
      fail(
        at(`volumes[${i}]`),
        `"${v.name}" is already a volume of this pod (adopted twice, or a volume of its own by that name); one SecretMount per pod, and rename the pod's own volume`,
      );
  }
  const init: Obj[] = spec.initContainers ?? [];
  const containers: Obj[] = spec.containers;
  for (const [field, list] of [
    ["initContainers", init],
    ["containers", containers],
  ] as const) {
    const i = list.findIndex((c) => c?.name === FETCH_CONTAINER_NAME);
    if (i >= 0)
      fail(
        at(`${field}[${i}].name`),
        `"${FETCH_CONTAINER_NAME}" is the fetch container's name: the pod is adopted already, or a container of its own has that name; rename it`,
      );
  }

  const chosen = target.containers;
  for (const n of chosen ?? []) {
    if (![...init, ...containers].some((c) => c.name === n)) {
      fail(
        "containers",
        `names "${n}", which is no container of this pod; its containers: ${[...init, ...containers].map((c) => c.name).join(", ")}`,
      );
    }
  }
  const mounts = (c: Obj, field: string) => (chosen ? chosen.includes(c.name) : field === "containers");
  // A container that does not mount the secrets must not name their volumes either: adoption adds
  // them, and its own mount (read-write, or of the FetchSpec) would come alive.
  // The fetcher's own volumes (the FetchSpec, a Vault login token, a CA): no container of the pod may name them.
  const fetchOnly = new Set([
    SPEC_VOLUME,
    ...wiring.volumes.map((v) => String(v.name)).filter((n) => n !== SECRETS_VOLUME),
  ]);
  for (const field of CONTAINER_LISTS) {
    ((spec[field] ?? []) as Obj[]).forEach((c, i) => {
      const mounting = field !== "ephemeralContainers" && mounts(c, field);
      ((c?.volumeMounts ?? []) as Obj[]).forEach((m, j) => {
        // (a mounting container's own "secret-mount" mount is refused below, as in the way)
        if (!fetchOnly.has(m?.name) && (m?.name !== SECRETS_VOLUME || mounting)) return;
        fail(
          at(`${field}[${i}].volumeMounts[${j}]`),
          `mounts "${m.name}" in container "${c.name}"${mounting ? "" : `, which does not mount the secrets (mountInto: ${chosen ? chosen.join(", ") : "every container of containers"})`}; ` +
            `"${m.name}" is the name of a volume adoption adds, so the container would get it${m.readOnly === true ? "" : " read-write"}. Remove that mount or rename it${mounting ? "" : ", or name the container in mountInto"}`,
        );
      });
    });
  }
  const podSc: Obj = spec.securityContext ?? {};
  const readers: { name: string; runAsUser?: number }[] = [];
  const withMount = (list: Obj[], field: string) =>
    list.map((c, i) => {
      if (!mounts(c, field)) return c;
      const existing: Obj[] = c.volumeMounts ?? [];
      existing.forEach((m, j) => {
        if (
          m?.name === SECRETS_VOLUME ||
          (typeof m?.mountPath === "string" &&
            (within(m.mountPath, wiring.mountPath) || within(wiring.mountPath, m.mountPath)))
        ) {
          fail(
            at(`${field}[${i}].volumeMounts[${j}]`),
            `("${m.name}" at ${m.mountPath}) is in the way of the secrets' mount at ${wiring.mountPath} in container "${c.name}"; ` +
              "give the SecretMount another mountPath, or move that mount",
          );
        }
      });
      readers.push({ name: c.name, runAsUser: c.securityContext?.runAsUser ?? podSc.runAsUser });
      changes.push(`${field}[${i}] "${c.name}" volumeMounts+=${SECRETS_VOLUME} at ${wiring.mountPath} (read-only)`);
      return {
        ...c,
        volumeMounts: [...existing, { name: SECRETS_VOLUME, mountPath: wiring.mountPath, readOnly: true }],
      };
    });
  const newContainers = withMount(containers, "containers");
  const newInit = withMount(init, "initContainers");

  const fsGroup: number = podSc.fsGroup ?? wiring.fsGroup;
  for (const { field, mode } of wiring.fileModes) {
    const problem = fileModeDeniesProblem(
      mode,
      readers.map((r) => ({ ...r, image: "" })),
      fsGroup,
    );
    if (problem) fail(`(SecretMount ${field})`, problem.replace(/containers\[\d+\] /, "container "));
  }

  const tightened = tightenToRestricted(
    { ...spec, initContainers: newInit, containers: newContainers },
    template?.metadata,
  );
  if (tightened.forbidden.length) {
    const [first, ...more] = tightened.forbidden.map(describeViolation);
    fail(
      `spec.template.${first.field}`,
      `${first.problem}; adoption does not change what the workload sets: ` +
        `set it in the workload's own manifest or chart values, or leave this workload out of the selection${more.length ? `. Also: ${more.map((m) => `${m.field} ${m.problem}`).join("; ")}` : ""}`,
    );
  }
  const out: Obj = tightened.spec;
  const theirInit: Obj[] = tightened.spec.initContainers;
  if (podSc.fsGroup === undefined) {
    const persistent = [
      ...volumes.flatMap((v, i) =>
        v?.persistentVolumeClaim != null
          ? [`volumes[${i}] "${v.name}" (persistentVolumeClaim ${v.persistentVolumeClaim.claimName})`]
          : v?.ephemeral != null
            ? [`volumes[${i}] "${v.name}" (ephemeral)`]
            : [],
      ),
      ...(target.volumeClaimTemplates ?? []).map((n) => `volumeClaimTemplates "${n}"`),
    ];
    if (persistent.length && !wiring.allowPersistentVolumeGroupChange) {
      fail(
        at("securityContext.fsGroup"),
        `is unset, and adoption would set it to ${fsGroup} so the mounting containers read the secrets' files; but the pod has ` +
          `persistent volumes (${persistent.join(", ")}), and the kubelet gives every volume of the pod the fsGroup: it changes the group of every file on them to ${fsGroup} ` +
          "(and adds group read/write) when it mounts them. fsGroupChangePolicy: OnRootMismatch, which adoption sets, only skips that walk when the volume's root " +
          "already has the group: it does not spare the first change, nor limit it to one volume. Set the pod's own securityContext.fsGroup (the group its volumes' " +
          "files should have: adoption keeps it and the secrets' files take it), or set allowPersistentVolumeGroupChange: true on the SecretMount to accept the change",
      );
    }
    out.securityContext = {
      ...out.securityContext,
      fsGroup,
      fsGroupChangePolicy: out.securityContext.fsGroupChangePolicy ?? "OnRootMismatch",
    };
    changes.push(`securityContext.fsGroup=${fsGroup}`);
  }
  // The fetcher runs before every init container the pod had: they may need the secrets too.
  out.initContainers = [wiring.fetchContainer, ...theirInit];
  changes.unshift(
    `initContainers[0]+=${FETCH_CONTAINER_NAME}${wiring.refresh ? " (native sidecar, refresh mode)" : ""}`,
  );
  out.volumes = [...volumes, ...wiring.volumes];
  changes.push(`volumes+=${wiring.volumes.map((v) => v.name).join(",")}`);
  if (sa === undefined) {
    out.serviceAccountName = wiring.serviceAccountName;
    changes.push(`serviceAccountName=${wiring.serviceAccountName}`);
  }
  changes.push(...tightened.changes);

  const metadata: Obj = template?.metadata ?? {};
  const labels: Obj = { ...(metadata.labels ?? {}) };
  const annotations: Obj = { ...(metadata.annotations ?? {}) };
  const put = (bag: Obj, kind: "labels" | "annotations", key: string, value: unknown) => {
    if (bag[key] !== undefined && bag[key] !== value)
      fail(
        `spec.template.metadata.${kind}.${key}`,
        `is ${JSON.stringify(bag[key])}; adoption needs ${JSON.stringify(value)}: remove it from the workload`,
      );
    bag[key] = value;
  };
  for (const [k, v] of Object.entries(wiring.podLabels)) put(labels, "labels", k, v);
  for (const [k, v] of Object.entries(wiring.podAnnotations)) put(annotations, "annotations", k, v);
  if (wiring.skipContainers) {
    const others = [...theirInit, ...newContainers].map((c: Obj) => c.name);
    put(annotations, "annotations", wiring.skipContainers.annotation, others.join(wiring.skipContainers.separator));
  }
  if (wiring.revision !== undefined) put(annotations, "annotations", REVISION_ANNOTATION, wiring.revision);
  put(annotations, "annotations", ADOPTED_BY_ANNOTATION, wiring.component);
  if (tightened.changes.length) put(annotations, "annotations", TIGHTENED_ANNOTATION, tightened.changes.join("; "));

  return { template: { ...template, metadata: { ...metadata, labels, annotations }, spec: out }, changes };
}
