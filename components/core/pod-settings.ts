import type { WorkloadFields } from "./workload-fields";
import { APPARMOR_ANNOTATION_PREFIX, appArmorAnnotationAllowed } from "./apparmor";
import type {
  Affinity,
  LabelSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinity,
  PodAffinityTerm,
  Toleration,
  TopologySpreadConstraint,
} from "./scheduling-args";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "./names";
import { Problems } from "./problems";

/**
 * The pod settings of a workload beyond its containers (labels, annotations, scheduling, pull
 * secrets, priority, grace period), checked as the API server would, plus what the component
 * reserves for itself: the selector labels, identity labels and annotations, and the restricted
 * Pod Security Standard's annotation rows. Pure: reports each problem to the declaration's `Problems`.
 */

/** Label keys the component sets as the workload's selector. */
export const SELECTOR_LABEL_KEYS = ["app.kubernetes.io/name", "app.kubernetes.io/instance"];
/** This component's own label and annotation prefix. */
export const COMPONENT_PREFIX = "secret-mount.io/";
const SECCOMP_KEYS =
  /^(seccomp\.security\.alpha\.kubernetes\.io\/pod|container\.seccomp\.security\.alpha\.kubernetes\.io\/.+)$/;
/** PriorityClasses the API server admits only in kube-system, where no workload of this component may be. */
const SYSTEM_PRIORITY_CLASSES = ["system-node-critical", "system-cluster-critical"];
/** The API server's limit on a pod's annotations, keys and values together. */
const MAX_ANNOTATION_BYTES = 256 * 1024;

const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** A label or annotation key: `[prefix/]name`, prefix a DNS-1123 subdomain (≤ 253), name ≤ 63 of alphanumerics, `-`, `_`, `.`. */
export function qualifiedNameProblem(key: string, what = "label key"): string | undefined {
  const parts = typeof key === "string" ? key.split("/") : [];
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  const bad =
    parts.length === 0 ||
    parts.length > 2 ||
    name === undefined ||
    name.length > 63 ||
    !NAME_PART.test(name) ||
    (prefix !== undefined && (prefix.length > 253 || dns1123SubdomainProblem(prefix) !== undefined));
  return bad
    ? `${JSON.stringify(key)} is not a valid ${what} ([prefix/]name: name ≤ 63 of alphanumerics, -, _ and ., prefix a DNS subdomain)`
    : undefined;
}

export function labelValueProblem(value: unknown): string | undefined {
  return typeof value === "string" && value.length <= 63 && LABEL_VALUE.test(value)
    ? undefined
    : `value ${JSON.stringify(value)} is not a valid label value (≤ 63 alphanumerics, -, _, .)`;
}

/** Checks a map of label keys to values (pod labels, a node selector, a label selector's matchLabels). */
function checkLabelMap(m: unknown, at: string, problems: Problems): { [key: string]: string } {
  const { fail } = problems;
  if (m === null || typeof m !== "object" || Array.isArray(m)) fail(at, "must be a map of label keys to values");
  for (const [k, v] of Object.entries(m as object)) {
    const kp = qualifiedNameProblem(k);
    if (kp) fail(`${at}.${k}`, kp);
    const vp = labelValueProblem(v);
    if (vp) fail(`${at}.${k}`, vp);
  }
  return { ...(m as { [key: string]: string }) };
}

/**
 * Label and annotation prefixes of the identity webhooks (`identityPrefixes`, from the platform
 * registry) and of this component: never the user's to set on the pods.
 */
const reservedPrefix = (key: string, identityPrefixes: readonly string[]) =>
  [...identityPrefixes, COMPONENT_PREFIX].find((p) => key.startsWith(p));

/** The pods' own labels: valid, and none of the component's (selector, identity). */
export function normalizePodLabels(
  labels: unknown,
  identityPrefixes: readonly string[],
  problems: Problems,
): { [key: string]: string } {
  const { fail } = problems;
  const out = checkLabelMap(labels ?? {}, "labels", problems);
  for (const k of Object.keys(out)) {
    if (SELECTOR_LABEL_KEYS.includes(k)) {
      fail(
        `labels.${k}`,
        "is a selector label the component sets (app.kubernetes.io/name = the workload name, app.kubernetes.io/instance = the component name); " +
          "a Service selects the pods with the selectorLabels output; use another key for your own label",
      );
    }
    const p = reservedPrefix(k, identityPrefixes);
    if (p)
      fail(
        `labels.${k}`,
        `is under ${p}, which the identity wiring and this component own (an identity label here would hand the pods an identity nobody declared); remove it`,
      );
  }
  return out;
}

/** What a SecretMountedWorkload sets on its pods besides containers and the secrets volume. */
export interface PodSettings {
  annotations: { [key: string]: string };
  nodeSelector?: { [key: string]: string };
  tolerations?: Toleration[];
  affinity?: Affinity;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  imagePullSecrets?: string[];
  priorityClassName?: string;
  terminationGracePeriodSeconds?: number;
}

/** The fields of WorkloadFields this file checks (besides `labels`). */
export const POD_SETTING_FIELDS = [
  "podAnnotations",
  "nodeSelector",
  "tolerations",
  "affinity",
  "topologySpreadConstraints",
  "imagePullSecrets",
  "priorityClassName",
  "terminationGracePeriodSeconds",
] as const;

type Unknown = (o: object, allowed: readonly string[], at: string, problems: Problems) => void;

/**
 * Checks the pod settings; `containers` are every container of the pod (the fetch container too),
 * which an AppArmor annotation must name.
 */
export function normalizePodSettings(
  a: WorkloadFields,
  containers: unknown[],
  identityPrefixes: readonly string[],
  unknownFields: Unknown,
  problems: Problems,
): PodSettings {
  const { fail } = problems;
  const out: PodSettings = { annotations: podAnnotations(a.podAnnotations, containers, identityPrefixes, problems) };
  if (a.nodeSelector !== undefined) out.nodeSelector = checkLabelMap(a.nodeSelector, "nodeSelector", problems);
  if (a.tolerations !== undefined)
    out.tolerations = list(a.tolerations, "tolerations", problems).map((t, i) =>
      toleration(t, `tolerations[${i}]`, unknownFields, problems),
    );
  if (a.affinity !== undefined) out.affinity = affinity(a.affinity, unknownFields, problems);
  if (a.topologySpreadConstraints !== undefined) {
    const seen = new Map<string, number>();
    out.topologySpreadConstraints = list(a.topologySpreadConstraints, "topologySpreadConstraints", problems).map(
      (c, i) => {
        const at = `topologySpreadConstraints[${i}]`;
        const checked = spread(c, at, unknownFields, problems);
        const key = `${checked.topologyKey}|${checked.whenUnsatisfiable}`;
        const prior = seen.get(key);
        if (prior !== undefined)
          fail(
            at,
            `has the topologyKey and whenUnsatisfiable of topologySpreadConstraints[${prior}]; Kubernetes allows one constraint per pair: merge them`,
          );
        seen.set(key, i);
        return checked;
      },
    );
  }
  if (a.imagePullSecrets !== undefined) {
    const names = list(a.imagePullSecrets, "imagePullSecrets", problems);
    names.forEach((n, i) => {
      const p = dns1123SubdomainProblem(n);
      if (p)
        fail(`imagePullSecrets[${i}]`, `${p} (the name of a kubernetes.io/dockerconfigjson Secret in the namespace)`);
      const j = names.indexOf(n);
      if (j !== i) fail(`imagePullSecrets[${i}]`, `"${n}" is also imagePullSecrets[${j}]; list each Secret once`);
    });
    out.imagePullSecrets = [...names];
  }
  if (a.priorityClassName !== undefined) {
    const p = dns1123SubdomainProblem(a.priorityClassName);
    if (p) fail("priorityClassName", p);
    if (SYSTEM_PRIORITY_CLASSES.includes(a.priorityClassName)) {
      fail(
        "priorityClassName",
        `"${a.priorityClassName}" is for the cluster's own critical pods (the API server admits it only in kube-system); create a PriorityClass of your own and name it here`,
      );
    }
    out.priorityClassName = a.priorityClassName;
  }
  if (a.terminationGracePeriodSeconds !== undefined) {
    const g = a.terminationGracePeriodSeconds;
    if (!Number.isInteger(g) || g < 0)
      fail(
        "terminationGracePeriodSeconds",
        `is ${JSON.stringify(g)}; use whole seconds ≥ 0 (Kubernetes' default is 30)`,
      );
    out.terminationGracePeriodSeconds = g;
  }
  return out;
}

function podAnnotations(
  m: unknown,
  containers: unknown[],
  identityPrefixes: readonly string[],
  problems: Problems,
): { [key: string]: string } {
  const { fail } = problems;
  if (m === undefined) return {};
  if (m === null || typeof m !== "object" || Array.isArray(m))
    fail("podAnnotations", "must be a map of annotation keys to string values");
  let bytes = 0;
  for (const [k, v] of Object.entries(m as object)) {
    const at = `podAnnotations.${k}`;
    const kp = qualifiedNameProblem(k, "annotation key");
    if (kp) fail(at, kp);
    if (typeof v !== "string") fail(at, `value ${JSON.stringify(v)} is not a string`);
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v as string);
    const p = reservedPrefix(k, identityPrefixes);
    if (p)
      fail(
        at,
        `is under ${p}, which the identity wiring and this component own (it would change which containers get the identity, or what the review shows); remove it`,
      );
    if (SECCOMP_KEYS.test(k))
      fail(
        at,
        "is a deprecated seccomp annotation; the pod's seccompProfile is RuntimeDefault, set by the component (restricted Pod Security Standard); remove it",
      );
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX)) {
      const container = k.slice(APPARMOR_ANNOTATION_PREFIX.length);
      if (!containers.includes(container))
        fail(at, `names no container of the pod (containers: ${containers.join(", ")})`);
      if (!appArmorAnnotationAllowed(v as string)) {
        fail(
          at,
          `is ${JSON.stringify(v)}; the restricted Pod Security Standard allows only AppArmor profiles "runtime/default" and "localhost/<profile>"`,
        );
      }
    }
  }
  if (bytes > MAX_ANNOTATION_BYTES)
    fail(
      "podAnnotations",
      `hold ${bytes} bytes; Kubernetes allows ${MAX_ANNOTATION_BYTES} for all of a pod's annotations`,
    );
  return { ...(m as { [key: string]: string }) };
}

function list<T>(v: T[] | undefined, at: string, problems: Problems): T[] {
  const { fail } = problems;
  if (!Array.isArray(v)) fail(at, "must be a list");
  return v!;
}

function object(v: unknown, at: string, problems: Problems): void {
  const { fail } = problems;
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail(at, "must be an object");
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], at: string, problems: Problems): T {
  const { fail } = problems;
  if (!allowed.includes(v as T)) fail(at, `is ${JSON.stringify(v)}; use ${allowed.map((x) => `"${x}"`).join(", ")}`);
  return v as T;
}

function weight(v: unknown, at: string, problems: Problems): void {
  const { fail } = problems;
  if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 100)
    fail(at, `is ${JSON.stringify(v)}; use a whole number from 1 to 100`);
}

function topologyKey(v: unknown, at: string, problems: Problems): void {
  const { fail } = problems;
  if (typeof v !== "string" || v === "")
    fail(
      at,
      'is required: the node label that makes a domain, e.g. "kubernetes.io/hostname" or "topology.kubernetes.io/zone"',
    );
  const p = qualifiedNameProblem(v as string, "node label key");
  if (p) fail(at, p);
}

function toleration(t: Toleration, at: string, unknownFields: Unknown, problems: Problems): Toleration {
  const { fail } = problems;
  object(t, at, problems);
  unknownFields(t, ["key", "operator", "value", "effect", "tolerationSeconds"], at, problems);
  const operator = oneOf(t.operator ?? "Equal", ["Equal", "Exists"], `${at}.operator`, problems);
  if (t.key !== undefined && t.key !== "") {
    const p = qualifiedNameProblem(t.key);
    if (p) fail(`${at}.key`, p);
  } else if (operator !== "Exists") {
    fail(
      `${at}.key`,
      'is empty, which tolerates every taint only with operator "Exists"; give the taint\'s key, or set operator: "Exists"',
    );
  }
  if (operator === "Exists" && t.value !== undefined && t.value !== "")
    fail(`${at}.value`, 'must be empty with operator "Exists" (any value matches)');
  if (operator === "Equal" && t.value !== undefined) {
    const p = labelValueProblem(t.value);
    if (p) fail(`${at}.value`, p);
  }
  if (t.effect !== undefined)
    oneOf(t.effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"], `${at}.effect`, problems);
  if (t.tolerationSeconds !== undefined) {
    if (t.effect !== "NoExecute")
      fail(
        `${at}.tolerationSeconds`,
        'applies to effect "NoExecute" only (how long the pod stays after the taint appears)',
      );
    if (!Number.isInteger(t.tolerationSeconds))
      fail(`${at}.tolerationSeconds`, `is ${JSON.stringify(t.tolerationSeconds)}; use whole seconds`);
  }
  return { ...t };
}

function nodeRequirement(
  r: NodeSelectorRequirement,
  at: string,
  field: boolean,
  unknownFields: Unknown,
  problems: Problems,
): void {
  const { fail } = problems;
  object(r, at, problems);
  unknownFields(r, ["key", "operator", "values"], at, problems);
  if (field) {
    if (r.key !== "metadata.name")
      fail(`${at}.key`, `is ${JSON.stringify(r.key)}; matchFields supports only "metadata.name"`);
  } else {
    const p = qualifiedNameProblem(r.key);
    if (p) fail(`${at}.key`, p);
  }
  const op = oneOf(
    r.operator,
    field ? ["In", "NotIn"] : ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
    `${at}.operator`,
    problems,
  );
  const values = r.values ?? [];
  if (!Array.isArray(values)) fail(`${at}.values`, "must be a list");
  if ((op === "In" || op === "NotIn") && values.length === 0)
    fail(`${at}.values`, `must list at least one value for operator "${op}"`);
  if ((op === "Exists" || op === "DoesNotExist") && values.length > 0)
    fail(`${at}.values`, `must be empty for operator "${op}"`);
  if ((op === "Gt" || op === "Lt") && (values.length !== 1 || !/^-?[0-9]+$/.test(values[0])))
    fail(`${at}.values`, `must be one integer for operator "${op}"`);
  if (field && values.length !== 1) fail(`${at}.values`, "must be exactly one node name in matchFields");
  if (!field && (op === "In" || op === "NotIn"))
    values.forEach((v, j) => {
      const p = labelValueProblem(v);
      if (p) fail(`${at}.values[${j}]`, p);
    });
}

function nodeTerm(t: NodeSelectorTerm, at: string, unknownFields: Unknown, problems: Problems): void {
  const { fail } = problems;
  object(t, at, problems);
  unknownFields(t, ["matchExpressions", "matchFields"], at, problems);
  if (!(t.matchExpressions?.length || t.matchFields?.length))
    fail(at, "has no requirement; give matchExpressions or matchFields");
  (t.matchExpressions ?? []).forEach((r, j) =>
    nodeRequirement(r, `${at}.matchExpressions[${j}]`, false, unknownFields, problems),
  );
  (t.matchFields ?? []).forEach((r, j) => nodeRequirement(r, `${at}.matchFields[${j}]`, true, unknownFields, problems));
}

function labelSelector(s: LabelSelector, at: string, unknownFields: Unknown, problems: Problems): void {
  const { fail } = problems;
  object(s, at, problems);
  unknownFields(s, ["matchLabels", "matchExpressions"], at, problems);
  if (s.matchLabels !== undefined) checkLabelMap(s.matchLabels, `${at}.matchLabels`, problems);
  (s.matchExpressions ?? []).forEach((r, j) => {
    const rat = `${at}.matchExpressions[${j}]`;
    object(r, rat, problems);
    unknownFields(r, ["key", "operator", "values"], rat, problems);
    const p = qualifiedNameProblem(r.key);
    if (p) fail(`${rat}.key`, p);
    const op = oneOf(r.operator, ["In", "NotIn", "Exists", "DoesNotExist"], `${rat}.operator`, problems);
    const values = r.values ?? [];
    if ((op === "In" || op === "NotIn") && values.length === 0)
      fail(`${rat}.values`, `must list at least one value for operator "${op}"`);
    if ((op === "Exists" || op === "DoesNotExist") && values.length > 0)
      fail(`${rat}.values`, `must be empty for operator "${op}"`);
    values.forEach((v, k) => {
      const vp = labelValueProblem(v);
      if (vp) fail(`${rat}.values[${k}]`, vp);
    });
  });
}

function podTerm(t: PodAffinityTerm, at: string, unknownFields: Unknown, problems: Problems): void {
  const { fail } = problems;
  object(t, at, problems);
  unknownFields(t, ["labelSelector", "namespaces", "namespaceSelector", "topologyKey"], at, problems);
  topologyKey(t.topologyKey, `${at}.topologyKey`, problems);
  if (t.labelSelector !== undefined) labelSelector(t.labelSelector, `${at}.labelSelector`, unknownFields, problems);
  if (t.namespaceSelector !== undefined)
    labelSelector(t.namespaceSelector, `${at}.namespaceSelector`, unknownFields, problems);
  (t.namespaces ?? []).forEach((n, j) => {
    const p = dns1123LabelProblem(n);
    if (p) fail(`${at}.namespaces[${j}]`, p);
  });
}

function podAffinity(p: PodAffinity, at: string, unknownFields: Unknown, problems: Problems): void {
  const { fail } = problems;
  object(p, at, problems);
  const required = "requiredDuringSchedulingIgnoredDuringExecution";
  const preferred = "preferredDuringSchedulingIgnoredDuringExecution";
  unknownFields(p, [required, preferred], at, problems);
  (p[required] ?? []).forEach((t, i) => podTerm(t, `${at}.${required}[${i}]`, unknownFields, problems));
  (p[preferred] ?? []).forEach((w, i) => {
    const wat = `${at}.${preferred}[${i}]`;
    object(w, wat, problems);
    unknownFields(w, ["weight", "podAffinityTerm"], wat, problems);
    weight(w.weight, `${wat}.weight`, problems);
    if (w.podAffinityTerm === undefined) fail(`${wat}.podAffinityTerm`, "is required: the placement preferred");
    podTerm(w.podAffinityTerm, `${wat}.podAffinityTerm`, unknownFields, problems);
  });
}

function affinity(a: Affinity, unknownFields: Unknown, problems: Problems): Affinity {
  const { fail } = problems;
  object(a, "affinity", problems);
  unknownFields(a, ["nodeAffinity", "podAffinity", "podAntiAffinity"], "affinity", problems);
  const n = a.nodeAffinity;
  if (n !== undefined) {
    const at = "affinity.nodeAffinity";
    object(n, at, problems);
    const required = "requiredDuringSchedulingIgnoredDuringExecution";
    const preferred = "preferredDuringSchedulingIgnoredDuringExecution";
    unknownFields(n, [required, preferred], at, problems);
    const r = n[required];
    if (r !== undefined) {
      object(r, `${at}.${required}`, problems);
      unknownFields(r, ["nodeSelectorTerms"], `${at}.${required}`, problems);
      if (!Array.isArray(r.nodeSelectorTerms) || r.nodeSelectorTerms.length === 0)
        fail(`${at}.${required}.nodeSelectorTerms`, "must list at least one term");
      r.nodeSelectorTerms.forEach((t, i) =>
        nodeTerm(t, `${at}.${required}.nodeSelectorTerms[${i}]`, unknownFields, problems),
      );
    }
    (n[preferred] ?? []).forEach((p, i) => {
      const pat = `${at}.${preferred}[${i}]`;
      object(p, pat, problems);
      unknownFields(p, ["weight", "preference"], pat, problems);
      weight(p.weight, `${pat}.weight`, problems);
      if (p.preference === undefined) fail(`${pat}.preference`, "is required: the node preferred");
      nodeTerm(p.preference, `${pat}.preference`, unknownFields, problems);
    });
  }
  if (a.podAffinity !== undefined) podAffinity(a.podAffinity, "affinity.podAffinity", unknownFields, problems);
  if (a.podAntiAffinity !== undefined)
    podAffinity(a.podAntiAffinity, "affinity.podAntiAffinity", unknownFields, problems);
  return JSON.parse(JSON.stringify(a)) as Affinity;
}

function spread(
  c: TopologySpreadConstraint,
  at: string,
  unknownFields: Unknown,
  problems: Problems,
): TopologySpreadConstraint {
  const { fail } = problems;
  object(c, at, problems);
  unknownFields(
    c,
    [
      "maxSkew",
      "topologyKey",
      "whenUnsatisfiable",
      "labelSelector",
      "minDomains",
      "nodeAffinityPolicy",
      "nodeTaintsPolicy",
      "matchLabelKeys",
    ],
    at,
    problems,
  );
  if (!Number.isInteger(c.maxSkew) || c.maxSkew < 1)
    fail(`${at}.maxSkew`, `is ${JSON.stringify(c.maxSkew)}; use a whole number ≥ 1`);
  topologyKey(c.topologyKey, `${at}.topologyKey`, problems);
  const when = oneOf(c.whenUnsatisfiable, ["DoNotSchedule", "ScheduleAnyway"], `${at}.whenUnsatisfiable`, problems);
  if (c.labelSelector !== undefined) labelSelector(c.labelSelector, `${at}.labelSelector`, unknownFields, problems);
  if (c.minDomains !== undefined) {
    if (when !== "DoNotSchedule") fail(`${at}.minDomains`, 'applies to whenUnsatisfiable "DoNotSchedule" only');
    if (!Number.isInteger(c.minDomains) || c.minDomains < 1)
      fail(`${at}.minDomains`, `is ${JSON.stringify(c.minDomains)}; use a whole number ≥ 1`);
  }
  if (c.nodeAffinityPolicy !== undefined)
    oneOf(c.nodeAffinityPolicy, ["Honor", "Ignore"], `${at}.nodeAffinityPolicy`, problems);
  if (c.nodeTaintsPolicy !== undefined)
    oneOf(c.nodeTaintsPolicy, ["Honor", "Ignore"], `${at}.nodeTaintsPolicy`, problems);
  (c.matchLabelKeys ?? []).forEach((k, j) => {
    const p = qualifiedNameProblem(k);
    if (p) fail(`${at}.matchLabelKeys[${j}]`, p);
    if (
      c.labelSelector?.matchLabels?.[k] !== undefined ||
      c.labelSelector?.matchExpressions?.some((e) => e.key === k)
    ) {
      fail(`${at}.matchLabelKeys[${j}]`, `"${k}" is also in labelSelector; Kubernetes refuses a key in both`);
    }
  });
  return JSON.parse(JSON.stringify(c)) as TopologySpreadConstraint;
}
