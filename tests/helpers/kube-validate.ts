// Kubernetes manifest validation for tests: kubernetes-models 4.x schema validation (types,
// required fields, enums) plus a strict pass for what that schema cannot see but the API server
// rejects or silently ignores: name syntax, cross-references, duplicates, and unknown keys in
// the security-relevant parts of a pod (a misspelt securityContext field is silently dropped).

import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";

type Obj = Record<string, any>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

// Field names from the kubernetes-models 4.x typings (Kubernetes 1.33 API).
const KNOWN_KEYS: Record<string, Set<string>> = {
  podSpec: new Set([
    "activeDeadlineSeconds",
    "affinity",
    "automountServiceAccountToken",
    "containers",
    "dnsConfig",
    "dnsPolicy",
    "enableServiceLinks",
    "ephemeralContainers",
    "hostAliases",
    "hostIPC",
    "hostNetwork",
    "hostPID",
    "hostUsers",
    "hostname",
    "imagePullSecrets",
    "initContainers",
    "nodeName",
    "nodeSelector",
    "os",
    "overhead",
    "preemptionPolicy",
    "priority",
    "priorityClassName",
    "readinessGates",
    "resourceClaims",
    "resources",
    "restartPolicy",
    "runtimeClassName",
    "schedulerName",
    "schedulingGates",
    "securityContext",
    "serviceAccount",
    "serviceAccountName",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "subdomain",
    "terminationGracePeriodSeconds",
    "tolerations",
    "topologySpreadConstraints",
    "volumes",
  ]),
  container: new Set([
    "args",
    "command",
    "env",
    "envFrom",
    "image",
    "imagePullPolicy",
    "lifecycle",
    "livenessProbe",
    "name",
    "ports",
    "readinessProbe",
    "resizePolicy",
    "resources",
    "restartPolicy",
    "securityContext",
    "startupProbe",
    // Kubernetes 1.34+ (container restart rules), beyond the 1.33 typings: the real 1.36.3 API
    // server accepts it under strict field validation (tests-real/kube-apiserver-envfiles.test.ts).
    "restartPolicyRules",
    "stdin",
    "stdinOnce",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "tty",
    "volumeDevices",
    "volumeMounts",
    "workingDir",
  ]),
  securityContext: new Set([
    "allowPrivilegeEscalation",
    "appArmorProfile",
    "capabilities",
    "privileged",
    "procMount",
    "readOnlyRootFilesystem",
    "runAsGroup",
    "runAsNonRoot",
    "runAsUser",
    "seLinuxOptions",
    "seccompProfile",
    "windowsOptions",
  ]),
  podSecurityContext: new Set([
    "appArmorProfile",
    "fsGroup",
    "fsGroupChangePolicy",
    "runAsGroup",
    "runAsNonRoot",
    "runAsUser",
    "seLinuxChangePolicy",
    "seLinuxOptions",
    "seccompProfile",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "sysctls",
    "windowsOptions",
  ]),
  capabilities: new Set(["add", "drop"]),
  volumeMount: new Set([
    "mountPath",
    "mountPropagation",
    "name",
    "readOnly",
    "recursiveReadOnly",
    "subPath",
    "subPathExpr",
  ]),
};

function dnsLabel(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string, got ${JSON.stringify(value)}`;
  if (value.length > 63) return `"${value}" is longer than 63 characters (DNS-1123 label)`;
  if (!DNS1123_LABEL.test(value))
    return `"${value}" is not a DNS-1123 label (lowercase alphanumerics and '-', alphanumeric at both ends)`;
  return undefined;
}

function dnsSubdomain(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string, got ${JSON.stringify(value)}`;
  if (value.length > 253) return `"${value}" is longer than 253 characters (DNS-1123 subdomain)`;
  if (!DNS1123_SUBDOMAIN.test(value))
    return `"${value}" is not a DNS-1123 subdomain (lowercase alphanumerics, '-' and '.')`;
  return undefined;
}

// IANA_SVC_NAME: 1-15 chars of [a-z0-9-], at least one letter, no '-' at either end, no '--'.
function ianaSvcName(value: unknown): string | undefined {
  if (typeof value !== "string") return `must be a string, got ${JSON.stringify(value)}`;
  if (value.length < 1 || value.length > 15) return `"${value}" must be 1-15 characters (IANA_SVC_NAME)`;
  if (
    !/^[a-z0-9-]+$/.test(value) ||
    !/[a-z]/.test(value) ||
    value.startsWith("-") ||
    value.endsWith("-") ||
    value.includes("--")
  ) {
    return `"${value}" is not an IANA_SVC_NAME (lowercase alphanumerics and '-', one letter at least, no leading, trailing or double '-')`;
  }
  return undefined;
}

function qualifiedKey(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return `key "${key}" has more than one '/'`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefixError = dnsSubdomain(parts[0]);
    if (prefixError) return `key "${key}" prefix: ${prefixError}`;
  }
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return `key "${key}" is not a qualified name`;
  return undefined;
}

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string | undefined): void {
    if (message) this.list.push(`${path}: ${message}`);
  }
  unknownKeys(path: string, value: unknown, kind: keyof typeof KNOWN_KEYS): void {
    if (value == null || typeof value !== "object") return;
    for (const key of Object.keys(value)) {
      if (!KNOWN_KEYS[kind].has(key)) this.add(`${path}.${key}`, "unknown field");
    }
  }
}

function checkMetadata(p: Problems, meta: Obj | undefined, nameRule: (v: unknown) => string | undefined): void {
  if (!meta) return p.add("metadata", "missing");
  p.add("metadata.name", nameRule(meta.name));
  if (meta.namespace !== undefined) p.add("metadata.namespace", dnsLabel(meta.namespace));
  checkLabels(p, "metadata.labels", meta.labels);
  for (const key of Object.keys(meta.annotations ?? {})) p.add("metadata.annotations", qualifiedKey(key));
}

function checkLabels(p: Problems, path: string, labels: Obj | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    p.add(path, qualifiedKey(key));
    if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
      p.add(`${path}["${key}"]`, `${JSON.stringify(value)} is not a valid label value`);
    }
  }
}

function checkPodSpec(p: Problems, path: string, spec: Obj): void {
  p.unknownKeys(path, spec, "podSpec");
  p.unknownKeys(`${path}.securityContext`, spec.securityContext, "podSecurityContext");
  if (spec.serviceAccountName !== undefined) p.add(`${path}.serviceAccountName`, dnsSubdomain(spec.serviceAccountName));

  const volumeNames = new Set<string>();
  (spec.volumes ?? []).forEach((v: Obj, i: number) => {
    const vp = `${path}.volumes[${i}].name`;
    p.add(vp, dnsLabel(v?.name));
    if (volumeNames.has(v?.name)) p.add(vp, `duplicate volume name "${v.name}"`);
    volumeNames.add(v?.name);
  });

  // Init, app and ephemeral containers share one name space within a pod.
  const containerNames = new Map<string, string>();
  for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
    (spec[field] ?? []).forEach((c: Obj, i: number) => {
      const cp = `${path}.${field}[${i}]`;
      p.add(`${cp}.name`, dnsLabel(c?.name));
      const seen = containerNames.get(c?.name);
      if (seen) p.add(`${cp}.name`, `duplicate container name "${c.name}" (also ${seen})`);
      else containerNames.set(c?.name, cp);

      p.unknownKeys(cp, c, "container");
      p.unknownKeys(`${cp}.securityContext`, c?.securityContext, "securityContext");
      p.unknownKeys(`${cp}.securityContext.capabilities`, c?.securityContext?.capabilities, "capabilities");

      (c?.ports ?? []).forEach((port: Obj, j: number) => {
        if (port?.name !== undefined) p.add(`${cp}.ports[${j}].name`, ianaSvcName(port.name));
      });

      const mountPaths = new Set<string>();
      (c?.volumeMounts ?? []).forEach((m: Obj, j: number) => {
        const mp = `${cp}.volumeMounts[${j}]`;
        p.unknownKeys(mp, m, "volumeMount");
        if (!volumeNames.has(m?.name)) p.add(`${mp}.name`, `"${m?.name}" does not name a volume in ${path}.volumes`);
        if (mountPaths.has(m?.mountPath)) p.add(`${mp}.mountPath`, `duplicate mountPath "${m.mountPath}"`);
        mountPaths.add(m?.mountPath);
      });
    });
  }
}

function schemaCheck(kind: string, validate: () => void): void {
  try {
    validate();
  } catch (e) {
    // kubernetes-models reports ajv paths as data/spec/...; keep them, they name the failing field.
    throw new Error(`${kind} fails the kubernetes-models schema: ${(e as Error).message}`, { cause: e });
  }
}

function finish(kind: string, obj: Obj, p: Problems): void {
  if (p.list.length > 0) {
    const name = obj?.metadata?.name ?? "?";
    throw new Error(`${kind} "${name}" is invalid (${p.list.length}):\n  - ${p.list.join("\n  - ")}`);
  }
}

/** Throws (naming each failing path) unless obj is a valid apps/v1 Deployment. */
export function validateDeployment(obj: object): void {
  const d = obj as Obj;
  schemaCheck("Deployment", () => new Deployment(d as any).validate());
  const p = new Problems();
  checkMetadata(p, d.metadata, dnsSubdomain);
  const template = d.spec?.template ?? {};
  checkLabels(p, "spec.template.metadata.labels", template.metadata?.labels);
  const templateLabels: Obj = template.metadata?.labels ?? {};
  const selector: Obj = d.spec?.selector ?? {};
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    p.add("spec.selector", "empty selector (the API rejects it for a Deployment)");
  }
  for (const [key, value] of Object.entries((selector.matchLabels ?? {}) as Obj)) {
    if (templateLabels[key] !== value) {
      p.add(
        `spec.selector.matchLabels["${key}"]`,
        `does not match spec.template.metadata.labels (${JSON.stringify(templateLabels[key])})`,
      );
    }
  }
  checkPodSpec(p, "spec.template.spec", template.spec ?? {});
  finish("Deployment", d, p);
}

/** Throws (naming each failing path) unless obj is a valid v1 ServiceAccount. */
export function validateServiceAccount(obj: object): void {
  const sa = obj as Obj;
  schemaCheck("ServiceAccount", () => new ServiceAccount(sa as any).validate());
  const p = new Problems();
  checkMetadata(p, sa.metadata, dnsSubdomain);
  finish("ServiceAccount", sa, p);
}

/** Throws (naming each failing path) unless obj is a valid v1 Namespace (name must be a DNS-1123 label). */
export function validateNamespace(obj: object): void {
  const ns = obj as Obj;
  schemaCheck("Namespace", () => new Namespace(ns as any).validate());
  const p = new Problems();
  checkMetadata(p, ns.metadata, dnsLabel);
  if (ns.metadata?.namespace !== undefined) p.add("metadata.namespace", "a Namespace is cluster-scoped");
  finish("Namespace", ns, p);
}

const WORKLOAD_MODELS: Record<string, (o: Obj) => { validate(): void }> = {
  Deployment: (o) => new Deployment(o as any),
  StatefulSet: (o) => new StatefulSet(o as any),
  DaemonSet: (o) => new DaemonSet(o as any),
  Job: (o) => new Job(o as any),
  CronJob: (o) => new CronJob(o as any),
};

/** The pod template of any workload kind (a CronJob's sits under its job template). */
export function podTemplateOf(obj: object): Obj {
  const o = obj as Obj;
  return (o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template : o.spec?.template) ?? {};
}

/**
 * Throws (naming each failing path) unless obj is a valid workload of its `kind` (Deployment,
 * StatefulSet, DaemonSet, Job, CronJob): the kubernetes-models schema, then the same strict pod
 * checks as validateDeployment, and the selector against the template's labels where there is one.
 */
export function validateWorkload(obj: object, kind = (obj as Obj).kind as string): void {
  if (kind === "Deployment") return validateDeployment(obj);
  const o = obj as Obj;
  const model = WORKLOAD_MODELS[kind];
  if (!model) throw new Error(`validateWorkload: unknown kind ${kind}`);
  schemaCheck(kind, () => model({ ...o, kind }).validate());
  const p = new Problems();
  checkMetadata(p, o.metadata, dnsSubdomain);
  const template = podTemplateOf({ ...o, kind });
  checkLabels(p, "template.metadata.labels", template.metadata?.labels);
  const templateLabels: Obj = template.metadata?.labels ?? {};
  for (const [key, value] of Object.entries((o.spec?.selector?.matchLabels ?? {}) as Obj)) {
    if (templateLabels[key] !== value)
      p.add(
        `spec.selector.matchLabels["${key}"]`,
        `does not match the template's labels (${JSON.stringify(templateLabels[key])})`,
      );
  }
  if (kind === "Job" || kind === "CronJob") {
    const rp = template.spec?.restartPolicy;
    if (rp !== "Never" && rp !== "OnFailure")
      p.add("template.spec.restartPolicy", `is ${JSON.stringify(rp)}; a Job's pods need Never or OnFailure`);
  }
  checkPodSpec(p, "template.spec", template.spec ?? {});
  finish(kind, o, p);
}
