import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../core/declaration-error";
import { ADOPTED_BY_ANNOTATION, adoptPodTemplate, type PodWiring } from "./adopt";

type Obj = Record<string, any>;

/** Workload-annotation that selects a workload for the SecretMount it names. */
export const MOUNT_ANNOTATION = "secret-mount.io/mount";

/** Where each workload kind keeps its pod template (Helm v4 and yaml/v2 children have the same types). */
const TEMPLATE_PATH: Record<string, { kind: string; path: string[] }> = {
  "kubernetes:apps/v1:Deployment": { kind: "Deployment", path: ["spec", "template"] },
  "kubernetes:apps/v1:StatefulSet": { kind: "StatefulSet", path: ["spec", "template"] },
  "kubernetes:apps/v1:DaemonSet": { kind: "DaemonSet", path: ["spec", "template"] },
  "kubernetes:batch/v1:Job": { kind: "Job", path: ["spec", "template"] },
  "kubernetes:batch/v1:CronJob": { kind: "CronJob", path: ["spec", "jobTemplate", "spec", "template"] },
};
const KINDS = Object.values(TEMPLATE_PATH).map((t) => t.kind);
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";

/** Which workloads a SecretMount's transform adopts. */
export interface AdoptSelection {
  /**
   * Workloads by `metadata.name`, `namespace/name`, `Kind/name` or `Kind/namespace/name` (Kind one of
   * Deployment, StatefulSet, DaemonSet, Job, CronJob), or by Pulumi resource name (a Helm v4 child's
   * is `<chart>:<namespace>/<name>`). Each entry must pick one workload: a second match is refused,
   * listing the candidates and the form that picks each. Workloads annotated
   * `secret-mount.io/mount: <SecretMount name>` are always selected.
   */
  names?: string[];
}

/** What the transform needs besides the wiring. */
export interface TransformContext {
  /** What adoption adds to each pod. */
  wiring: PodWiring;
  /** ServiceAccount annotations to add to a ServiceAccount of that namespace/name the stack registers (e.g. a chart's). */
  serviceAccountAnnotations?: { [key: string]: pulumi.Input<string> };
  /** What adopted pods must wait for (grants, secret versions, the ServiceAccount). */
  ready: pulumi.Input<pulumi.Resource>[];
  /** Containers that mount the secrets (default: every container of `containers`). */
  mountInto?: string[];
}

/** A workload the transforms of one SecretMount saw running as its ServiceAccount. */
interface Seen {
  /** e.g. `Deployment shop/web`. */
  label: string;
  adopted: boolean;
}
/** Shared by every transform of one SecretMount (its context): workloads seen running as the ServiceAccount. */
const seenBy = new WeakMap<TransformContext, Seen[]>();

const dependsOnList = (d: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] =>
  d === undefined ? [] : Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
const isPlain = (v: unknown): v is Obj =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * The pod specs in a Kubernetes resource's props, with the object holding each (its `metadata` is
 * the pod's): a workload's template, a Pod's own spec, and in any other kind (ReplicaSet, a custom
 * resource such as an Argo Rollout) every plain object with a `containers` list. Values held in
 * Outputs cannot be seen.
 */
function podSpecsOf(props: Obj): { path: string; holder: Obj; spec: Obj }[] {
  const out: { path: string; holder: Obj; spec: Obj }[] = [];
  const walk = (holder: Obj, path: string[], depth: number) => {
    for (const [key, value] of Object.entries(holder)) {
      if (!isPlain(value) || key === "metadata" || key === "status") continue;
      if (Array.isArray(value.containers)) out.push({ path: [...path, key].join("."), holder, spec: value });
      else if (depth < 6) walk(value, [...path, key], depth + 1);
    }
  };
  walk(props, [], 0);
  return out;
}

/** The form of `names` that picks `c` among `all`: `Kind/name`, `namespace/name`, `Kind/namespace/name` or the resource name. */
function pickingForm(c: Candidate, all: Candidate[]): string {
  const forms = [`${c.kind}/${c.name}`, `${c.namespace}/${c.name}`, `${c.kind}/${c.namespace}/${c.name}`];
  return forms.find((f) => all.filter((o) => matches(f, o)).length === 1) ?? c.resourceName;
}
interface Candidate {
  kind: string;
  name: string;
  namespace?: string;
  resourceName: string;
  /** Identifies the resource: its type and resource name. */
  key: string;
}
function matches(entry: string, c: Candidate): boolean {
  if (entry === c.resourceName) return true;
  const parts = entry.split("/");
  if (KINDS.includes(parts[0])) {
    if (parts.shift() !== c.kind) return false;
  }
  if (parts.length === 1) return parts[0] === c.name;
  return parts.length === 2 && parts[0] === c.namespace && parts[1] === c.name;
}

/**
 * A Pulumi resource transform that adopts the selected Deployments, StatefulSets, DaemonSets, Jobs
 * and CronJobs (adoptPodTemplate) and annotates the chosen ServiceAccount, wherever in the stack
 * they are registered: pass it in a resource's or a component's `transforms`, or to
 * `pulumi.runtime.registerResourceTransform` for the whole stack, Helm v4 chart children included.
 *
 * It never widens who holds the identity, as far as it can see: every resource passing through it
 * (all the stack registers after `registerResourceTransform`; only the resource's or the
 * component's children otherwise) is checked, one at a time, as it is registered. A workload or
 * Pod running as the ServiceAccount that is not selected (nor adopted by another transform of the
 * same SecretMount) is refused, since the identity trusts the ServiceAccount, not the pod; a
 * ServiceAccount already carrying another value for an annotation the identity sets is refused
 * rather than overwritten; a `names` entry matching a second workload is refused as ambiguous.
 * Pods the program does not register (another stack, kubectl, a controller's) cannot be seen: the
 * ServiceAccount must be the adopted workloads' own. A refusal fails `pulumi preview` before
 * anything changes; under `pulumi up --skip-preview` what was registered before it may already be
 * applied.
 */
export function adoptTransform(ctx: TransformContext, selection: AdoptSelection = {}): pulumi.ResourceTransform {
  const names = selection.names ?? [];
  const w = ctx.wiring;
  const sa = `${w.namespace}/${w.serviceAccountName}`;
  if (!seenBy.has(ctx)) seenBy.set(ctx, []);
  const seen = seenBy.get(ctx)!;
  const matched = new Map<number, Candidate[]>();
  const fail = (field: string, problem: string): never => {
    throw new DeclarationError(field, problem, w.component);
  };
  const using = () =>
    seen.length ? seen.map((s) => `${s.label}${s.adopted ? " (adopted)" : ""}`).join(", ") : "none so far";

  return (args) => {
    // Components (a Helm Chart) are not pods; their children pass through on their own.
    if (!args.custom || !args.type.startsWith("kubernetes:")) return undefined;
    const meta: Obj = args.props.metadata ?? {};
    if (args.type === SERVICE_ACCOUNT) {
      const ann = ctx.serviceAccountAnnotations ?? {};
      if (meta.name !== w.serviceAccountName || meta.namespace !== w.namespace || Object.keys(ann).length === 0)
        return undefined;
      const theirs: Obj = meta.annotations ?? {};
      const other = Object.keys(ann).filter((k) => theirs[k] !== undefined && theirs[k] !== ann[k]);
      if (other.length) {
        const carries = other
          .map(
            (k) =>
              `${k}: ${typeof theirs[k] === "string" ? JSON.stringify(theirs[k]) : "(a value from another resource)"}`,
          )
          .join(", ");
        fail(
          `ServiceAccount ${sa} metadata.annotations.${other[0]}`,
          `already carries another value for an annotation the secrets' identity sets (${carries}); adoption would overwrite it, ` +
            "taking that identity from the pods that rely on it and giving the secrets' identity to every pod that runs as this ServiceAccount. " +
            `Workloads of this program seen running as it: ${using()}. Remove that annotation from the ServiceAccount (e.g. the chart's ` +
            "serviceAccount.annotations value), or give the adopted workloads a ServiceAccount of their own and name it in the SecretMount's serviceAccountName",
        );
      }
      return { props: { ...args.props, metadata: { ...meta, annotations: { ...theirs, ...ann } } }, opts: args.opts };
    }

    const where = TEMPLATE_PATH[args.type];
    const byAnnotation = meta.annotations?.[MOUNT_ANNOTATION] === w.component;
    const candidate: Candidate | undefined = where && {
      kind: where.kind,
      name: meta.name,
      namespace: meta.namespace,
      resourceName: args.name,
      key: `${args.type}::${args.name}`,
    };
    const byName = candidate ? names.map((n, i) => [n, i] as const).filter(([n]) => matches(n, candidate)) : [];
    const label = `${where?.kind ?? args.type.split(":").pop()} ${meta.namespace ?? "(no namespace)"}/${meta.name ?? args.name}`;

    if (!candidate || (!byAnnotation && byName.length === 0)) {
      // Not selected: it must not run as the ServiceAccount the identity trusts.
      for (const { path, holder, spec } of podSpecsOf(args.props)) {
        const account = spec.serviceAccountName ?? spec.serviceAccount ?? "default";
        if (typeof account !== "string" || account !== w.serviceAccountName) continue;
        if (meta.namespace !== undefined && meta.namespace !== w.namespace) continue;
        if (holder.metadata?.annotations?.[ADOPTED_BY_ANNOTATION] === w.component) continue; // adopted by another transform of this SecretMount
        const field = `${path}.${spec.serviceAccountName !== undefined ? "serviceAccountName" : "serviceAccount"}`;
        fail(
          `${label} ${field}`,
          `runs as ServiceAccount ${sa}${meta.namespace === undefined ? " (it names no namespace: the provider's default may be " + w.namespace + ")" : ""}, ` +
            "which the secrets' identity trusts, but the SecretMount does not adopt it: every container of its pods could read the secrets " +
            "(the cloud identity trusts the ServiceAccount, not the pod). Select it too (add it to names, or annotate it " +
            `${MOUNT_ANNOTATION}: ${w.component}), or run it as another ServiceAccount. Workloads seen running as ${sa}: ${using()}`,
        );
      }
      return undefined;
    }

    // Each names entry picks one workload: a second match is ambiguous.
    for (const [n, i] of byName) {
      const list = matched.get(i) ?? [];
      if (!list.some((c) => c.key === candidate.key)) list.push(candidate);
      matched.set(i, list);
      if (list.length > 1) {
        fail(
          `names[${i}]`,
          `"${n}" matches ${list.length} workloads: ${list.map((c) => `${c.kind} ${c.namespace}/${c.name} (pick it with "${pickingForm(c, list)}")`).join(", ")}; ` +
            "name the one to adopt in a form that picks it (Kind/name, namespace/name, Kind/namespace/name or the resource name)",
        );
      }
    }

    const parents: Obj[] = [args.props];
    for (const key of where.path.slice(0, -1)) parents.push(parents[parents.length - 1]?.[key]);
    const template = parents[parents.length - 1]?.[where.path[where.path.length - 1]];
    const claims =
      where.kind === "StatefulSet" && Array.isArray(args.props.spec?.volumeClaimTemplates)
        ? (args.props.spec.volumeClaimTemplates as Obj[]).map((t) => String(t?.metadata?.name))
        : undefined;
    const adopted = adoptPodTemplate(template, w, {
      kind: where.kind,
      name: meta.name ?? args.name,
      namespace: meta.namespace,
      containers: ctx.mountInto,
      volumeClaimTemplates: claims,
    });
    seen.push({ label, adopted: true });
    // Rebuild the path from the inside out: nothing the caller holds is modified.
    let value: Obj = adopted.template;
    for (let i = where.path.length - 1; i >= 0; i--) value = { ...parents[i], [where.path[i]]: value };
    void pulumi.log.info(
      `${w.component} adopts ${where.kind} ${meta.namespace}/${meta.name ?? args.name}: ${adopted.changes.join("; ")}`,
    );
    return { props: value, opts: { ...args.opts, dependsOn: [...dependsOnList(args.opts.dependsOn), ...ctx.ready] } };
  };
}
