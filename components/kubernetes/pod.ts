import type * as pulumi from "@pulumi/pulumi";
import type { MountTarget } from "../core/target";
import { refuseSecret } from "../core/plain-inputs";
import type * as k8s from "@pulumi/kubernetes/types/input";
import {
  FETCH_SPEC_ENV,
  FETCH_SPEC_FILE_ENV,
  POD_NAME_ENV,
  POD_NAMESPACE_ENV,
  RESTART_POD_EXIT_CODE,
} from "../../spec/fetch-spec";
import { FETCH_SPEC_DIR, FETCH_SPEC_FILE } from "../core/spec-delivery";
import type { ResourcesArgs } from "../core/args";
import { FETCH_CONTAINER_NAME, type NormalizedContainer } from "../core/containers";
import { type Declaration } from "../core/normalize";
import { fetchImageOf, pullPolicyOf } from "./fetch-image";
import { FETCH_UID } from "../core/file-access";
import { DeclarationError } from "../core/declaration-error";
import { describeViolation, podSecurityViolations } from "./restricted";
import type { PodSettings } from "../core/pod-settings";
import type { Affinity, LabelSelector, PodAffinity } from "../core/scheduling-args";

/** Why a Pulumi secret may not be a pod spec value, and where it belongs instead. */
const IN_POD_SPEC =
  "it would sit in clear text in the Deployment's pod spec (readable by anyone who may read " +
  "Deployments) and make the whole spec one secret no reviewer can read. Declare it under `secrets` and read it from its file under " +
  "mountPath, or name that file in `envFile` for a dotenv file the app sources at start";

export { FETCH_UID } from "../core/file-access";
export const SECRETS_VOLUME = "secret-mount";
/** The ConfigMap volume holding a FetchSpec too large for the environment (fetch container only). */
export const SPEC_VOLUME = "secret-mount-spec";
/** The fetch image has no shell: its startup probe runs the fetcher's own `--probe`. */
export const FETCH_PROBE_COMMAND = ["/nodejs/bin/node", "/app/fetch.js", "--probe"];
export const DEFAULT_FETCH_RESOURCES: ResourcesArgs = {
  requests: { cpu: "10m", memory: "48Mi" },
  limits: { cpu: "500m", memory: "96Mi" },
};

/** What a platform adds to the pod: identity annotations, labels and fetcher environment. */
export interface PlatformWiring {
  serviceAccountAnnotations: { [key: string]: pulumi.Input<string> };
  podLabels: { [key: string]: string };
  podAnnotations: { [key: string]: string };
  /**
   * The pod annotation that keeps the platform's identity out of the listed containers, and its
   * separator: adopting a pod rewrites it to name every container of that pod but the fetcher.
   */
  skipContainers?: { annotation: string; separator: string };
  /** Non-secret environment for the fetch container (e.g. AWS_REGION). */
  fetchEnv: { [name: string]: pulumi.Input<string> };
  /** Fetch-container environment from the pod's own fields (downward API): name -> fieldPath. */
  fetchFieldEnv?: { [name: string]: string };
  /**
   * Volumes of the pod that only the fetch container mounts, read-only (e.g. a ServiceAccount token
   * projected for Vault's audience, a CA bundle): the app containers never see them.
   */
  fetchVolumes?: { volume: k8s.core.v1.Volume; mountPath: string }[];
  /**
   * Identifies what the pods must read (e.g. a hash of the secrets' version ids, never of values):
   * rendered as the pod-template annotation `secret-mount.io/revision`, so a new version rolls the pods.
   */
  revision?: pulumi.Input<string>;
}

/** Pod-template annotation that changes when the secrets' versions change. */
export const REVISION_ANNOTATION = "secret-mount.io/revision";

export function selectorLabels(decl: MountTarget): { [key: string]: string } {
  return { "app.kubernetes.io/name": decl.workloadName, "app.kubernetes.io/instance": decl.name };
}

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
};

/**
 * The fetch container: hardened, first in initContainers, the only writer of the volume. It gets
 * the FetchSpec in its environment, or, when `specConfigMap` names the ConfigMap holding it, from
 * that ConfigMap mounted read-only at FETCH_SPEC_DIR.
 */
export function fetchContainer(
  decl: MountTarget,
  specJson: pulumi.Input<string>,
  wiring: PlatformWiring,
  specConfigMap?: pulumi.Input<string>,
): k8s.core.v1.Container {
  const env = [
    specConfigMap === undefined
      ? { name: FETCH_SPEC_ENV, value: specJson }
      : { name: FETCH_SPEC_FILE_ENV, value: `${FETCH_SPEC_DIR}/${FETCH_SPEC_FILE}` },
    ...Object.entries(wiring.fetchEnv).map(([name, value]) => ({ name, value })),
    // Audit: every log line of the fetcher names the pod that read (downward API).
    ...Object.entries({
      [POD_NAME_ENV]: "metadata.name",
      [POD_NAMESPACE_ENV]: "metadata.namespace",
      ...wiring.fetchFieldEnv,
    }).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } })),
  ];
  const image = refuseSecret(fetchImageOf(decl), "fetch.image", decl.name, IN_POD_SPEC);
  const container: k8s.core.v1.Container = {
    name: FETCH_CONTAINER_NAME,
    image,
    imagePullPolicy: pullPolicyOf(image),
    env,
    volumeMounts: [
      { name: SECRETS_VOLUME, mountPath: decl.mountPath },
      ...(specConfigMap === undefined ? [] : [{ name: SPEC_VOLUME, mountPath: FETCH_SPEC_DIR, readOnly: true }]),
      ...(wiring.fetchVolumes ?? []).map((v) => ({
        name: v.volume.name as string,
        mountPath: v.mountPath,
        readOnly: true,
      })),
    ],
    resources: decl.fetch.resources ?? DEFAULT_FETCH_RESOURCES,
    securityContext: {
      ...RESTRICTED_CONTAINER,
      runAsUser: FETCH_UID,
      runAsGroup: FETCH_UID,
      readOnlyRootFilesystem: true,
    },
    terminationMessagePolicy: "FallbackToLogsOnError",
  };
  if (decl.refresh) {
    // A native sidecar (Kubernetes ≥ 1.29): app containers start only after the startup probe
    // passes, i.e. after the first complete write; then it keeps refreshing for the pod's life.
    container.restartPolicy = "Always";
    // Restart in place (Kubernetes ≥ 1.36): the sidecar's exit with this code restarts every
    // container of the pod on its node; any other exit restarts the sidecar alone (Always).
    if (decl.refresh.notify?.restartPod) {
      container.restartPolicyRules = [
        { action: "RestartAllContainers", exitCodes: { operator: "In", values: [RESTART_POD_EXIT_CODE] } },
      ];
    }
    container.startupProbe = {
      exec: { command: FETCH_PROBE_COMMAND },
      periodSeconds: 1,
      timeoutSeconds: 5,
      failureThreshold: decl.fetch.timeoutSeconds + 30,
    };
  }
  return container;
}

/** An application container: the user's settings, the volume mounted read-only, restricted security. */
export function appContainer(c: NormalizedContainer, decl: Declaration): k8s.core.v1.Container {
  const at = c.field;
  const plain = (v: pulumi.Input<string>, field: string) => refuseSecret(v, `${at}.${field}`, decl.name, IN_POD_SPEC);
  const out: k8s.core.v1.Container = {
    name: c.name,
    image: plain(c.image, "image"),
    volumeMounts: [{ name: SECRETS_VOLUME, mountPath: decl.mountPath, readOnly: true }],
    securityContext: {
      ...RESTRICTED_CONTAINER,
      readOnlyRootFilesystem: c.readOnlyRootFilesystem,
      ...(c.runAsUser !== undefined ? { runAsUser: c.runAsUser } : {}),
      ...(c.runAsGroup !== undefined ? { runAsGroup: c.runAsGroup } : {}),
    },
  };
  if (c.command) out.command = c.command.map((v, j) => plain(v, `command[${j}]`));
  if (c.args) out.args = c.args.map((v, j) => plain(v, `args[${j}]`));
  if (c.workingDir) out.workingDir = c.workingDir;
  const env: k8s.core.v1.EnvVar[] = Object.entries(c.env ?? {}).map(([name, value]) => ({
    name,
    value: plain(value, `env.${name}`),
  }));
  // secretEnv: references only; the kubelet reads the values from the fetcher's env file at start.
  const envFile = decl.kubeletEnvFile?.path;
  if (c.secretEnv && envFile)
    env.push(
      ...Object.keys(c.secretEnv).map((name) => ({
        name,
        valueFrom: { fileKeyRef: { volumeName: SECRETS_VOLUME, path: envFile, key: name } },
      })),
    );
  if (env.length) out.env = env;
  if (c.ports?.length)
    out.ports = c.ports.map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol ?? "TCP",
      ...(p.name ? { name: p.name } : {}),
    }));
  if (c.resources) out.resources = c.resources;
  if (c.livenessProbe) out.livenessProbe = c.livenessProbe;
  if (c.readinessProbe) out.readinessProbe = c.readinessProbe;
  if (c.startupProbe) out.startupProbe = c.startupProbe;
  return out;
}

/**
 * The pod template of the Deployment. `sizeLimit` is the memory volume's Kubernetes quantity;
 * `specConfigMap`, when set, names the ConfigMap that carries the FetchSpec instead of the environment.
 */
export function podTemplate(
  decl: Declaration,
  specJson: pulumi.Input<string>,
  wiring: PlatformWiring,
  sizeLimit: string,
  specConfigMap?: pulumi.Input<string>,
): k8s.core.v1.PodTemplateSpec {
  return refuseUnrestricted(decl, {
    metadata: {
      labels: { ...decl.labels, ...wiring.podLabels, ...selectorLabels(decl) },
      annotations: {
        "kubectl.kubernetes.io/default-container": decl.containers[0].name,
        // The user's (checked: none of the identity's or the component's own keys), then the platform's.
        ...decl.podSettings?.annotations,
        ...wiring.podAnnotations,
        ...(wiring.revision !== undefined ? { [REVISION_ANNOTATION]: wiring.revision } : {}),
      },
    },
    spec: {
      serviceAccountName: decl.serviceAccountName,
      // The cloud identity token is projected by the platform's webhook on its own; the app needs
      // no Kubernetes API token.
      automountServiceAccountToken: false,
      // No *_SERVICE_HOST/_PORT variables for every Service in the namespace: they leak the
      // namespace's layout into the app's environment and slow large namespaces' pod starts.
      enableServiceLinks: false,
      // Signal notification: the fetcher must see the app's process (and the app then sees the fetcher's).
      ...(decl.refresh?.notify?.signal ? { shareProcessNamespace: true } : {}),
      securityContext: {
        runAsNonRoot: true,
        // Kubernetes adds fsGroup to every container's supplementary groups: app containers read
        // the files through it. The kubelet sets the group on the empty volume once, at pod setup,
        // before the fetcher writes; OnRootMismatch only spares a re-walk if it sets up again.
        fsGroup: decl.fsGroup,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      initContainers: [fetchContainer(decl, specJson, wiring, specConfigMap)],
      containers: decl.containers.map((c) => appContainer(c, decl)),
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
        ...(wiring.fetchVolumes ?? []).map((v) => v.volume),
      ],
      ...(decl.podSettings ? scheduling(decl.podSettings, selectorLabels(decl)) : {}),
    },
  });
}

/**
 * Refuses, before anything is registered, a declaration whose pod would break the restricted
 * profile: the pod built with no platform and with the values that may come from resources (images,
 * commands, arguments, environment: none a security setting) left out.
 */
export function checkPodRestricted(decl: Declaration, sizeLimit: string): void {
  const plain: Declaration = {
    ...decl,
    fetch: { ...decl.fetch, image: "" },
    containers: decl.containers.map((c) => ({ ...c, image: "", command: undefined, args: undefined, env: undefined })),
  };
  podTemplate(plain, "", { serviceAccountAnnotations: {}, podLabels: {}, podAnnotations: {}, fetchEnv: {} }, sizeLimit);
}

/** The pod as built, checked against the restricted profile (restricted.ts, as adoption is); a break names the declaration's field. */
function refuseUnrestricted(decl: Declaration, template: k8s.core.v1.PodTemplateSpec): k8s.core.v1.PodTemplateSpec {
  const v = podSecurityViolations(
    template.spec as unknown as Record<string, unknown>,
    template.metadata as unknown as Record<string, unknown>,
  )[0];
  if (!v) return template;
  const field =
    v.container?.list === "containers"
      ? `${decl.containers[v.container.index].field}.${v.field}`
      : v.container
        ? `fetch (the ${v.container.name} container) ${v.field}`
        : describeViolation(v).field;
  throw new DeclarationError(
    field,
    `${describeViolation(v).problem}: the pod must meet the restricted profile; remove it`,
    decl.name,
  );
}

/**
 * The pod's scheduling and runtime settings as Kubernetes fields. A spread constraint or pod
 * (anti-)affinity term without a labelSelector counts this workload's own pods (Kubernetes would
 * count none, which makes the term a no-op).
 */
function scheduling(p: PodSettings, own: { [key: string]: string }): Partial<k8s.core.v1.PodSpec> {
  const selector = (s: LabelSelector | undefined): LabelSelector => s ?? { matchLabels: { ...own } };
  const terms = (a: PodAffinity | undefined): PodAffinity | undefined =>
    a && {
      ...a,
      ...(a.requiredDuringSchedulingIgnoredDuringExecution
        ? {
            requiredDuringSchedulingIgnoredDuringExecution: a.requiredDuringSchedulingIgnoredDuringExecution.map(
              (t) => ({ ...t, labelSelector: selector(t.labelSelector) }),
            ),
          }
        : {}),
      ...(a.preferredDuringSchedulingIgnoredDuringExecution
        ? {
            preferredDuringSchedulingIgnoredDuringExecution: a.preferredDuringSchedulingIgnoredDuringExecution.map(
              (w) => ({
                ...w,
                podAffinityTerm: { ...w.podAffinityTerm, labelSelector: selector(w.podAffinityTerm.labelSelector) },
              }),
            ),
          }
        : {}),
    };
  const affinity: Affinity | undefined = p.affinity && {
    ...p.affinity,
    ...(p.affinity.podAffinity ? { podAffinity: terms(p.affinity.podAffinity) } : {}),
    ...(p.affinity.podAntiAffinity ? { podAntiAffinity: terms(p.affinity.podAntiAffinity) } : {}),
  };
  return {
    ...(p.nodeSelector && Object.keys(p.nodeSelector).length ? { nodeSelector: p.nodeSelector } : {}),
    ...(p.tolerations?.length ? { tolerations: p.tolerations } : {}),
    ...(affinity ? { affinity } : {}),
    ...(p.topologySpreadConstraints?.length
      ? {
          topologySpreadConstraints: p.topologySpreadConstraints.map((c) => ({
            ...c,
            labelSelector: selector(c.labelSelector),
          })),
        }
      : {}),
    ...(p.imagePullSecrets?.length ? { imagePullSecrets: p.imagePullSecrets.map((name) => ({ name })) } : {}),
    ...(p.priorityClassName !== undefined ? { priorityClassName: p.priorityClassName } : {}),
    ...(p.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: p.terminationGracePeriodSeconds }
      : {}),
  };
}
