import * as pulumi from "@pulumi/pulumi";
import { adoptPodTemplate, type PodWiring } from "./adopt";

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
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";

/** Which workloads a SecretMount's transform adopts. */
export interface AdoptSelection {
  /**
   * Workloads by `metadata.name` (or `namespace/name`), or by Pulumi resource name (a Helm v4
   * child's is `<chart>:<namespace>/<name>`). Workloads annotated `secret-mount.io/mount: <SecretMount name>` are always selected.
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

function selected(args: pulumi.ResourceTransformArgs, meta: Obj, component: string, names: string[]): boolean {
  if (meta.annotations?.[MOUNT_ANNOTATION] === component) return true;
  const name = meta.name;
  return names.some((n) => n === args.name || (name !== undefined && (n === name || n === `${meta.namespace}/${name}`)));
}

const dependsOnList = (d: pulumi.ResourceOptions["dependsOn"]): pulumi.Input<pulumi.Resource>[] =>
  d === undefined ? [] : Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];

/**
 * A Pulumi resource transform that adopts the selected Deployments, StatefulSets, DaemonSets, Jobs
 * and CronJobs (adoptPodTemplate) and annotates the chosen ServiceAccount, wherever in the stack
 * they are registered: pass it in a resource's or a component's `transforms`, or to
 * `pulumi.runtime.registerResourceTransform` for the whole stack, Helm v4 chart children included.
 */
export function adoptTransform(ctx: TransformContext, selection: AdoptSelection = {}): pulumi.ResourceTransform {
  const names = selection.names ?? [];
  return (args) => {
    const meta: Obj = args.props.metadata ?? {};
    if (args.type === SERVICE_ACCOUNT) {
      const ann = ctx.serviceAccountAnnotations ?? {};
      if (meta.name !== ctx.wiring.serviceAccountName || meta.namespace !== ctx.wiring.namespace || Object.keys(ann).length === 0) return undefined;
      return { props: { ...args.props, metadata: { ...meta, annotations: { ...(meta.annotations ?? {}), ...ann } } }, opts: args.opts };
    }
    const where = TEMPLATE_PATH[args.type];
    if (!where || !selected(args, meta, ctx.wiring.component, names)) return undefined;
    const parents: Obj[] = [args.props];
    for (const key of where.path.slice(0, -1)) parents.push(parents[parents.length - 1]?.[key]);
    const template = parents[parents.length - 1]?.[where.path[where.path.length - 1]];
    const adopted = adoptPodTemplate(template, ctx.wiring, { kind: where.kind, name: meta.name ?? args.name, namespace: meta.namespace, containers: ctx.mountInto });
    // Rebuild the path from the inside out: nothing the caller holds is modified.
    let value: Obj = adopted.template;
    for (let i = where.path.length - 1; i >= 0; i--) value = { ...parents[i], [where.path[i]]: value };
    void pulumi.log.info(`${ctx.wiring.component} adopts ${where.kind} ${meta.namespace}/${meta.name ?? args.name}: ${adopted.changes.join("; ")}`);
    return { props: value, opts: { ...args.opts, dependsOn: [...dependsOnList(args.opts.dependsOn), ...ctx.ready] } };
  };
}
