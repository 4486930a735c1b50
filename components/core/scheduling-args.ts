/**
 * Where the workload's pods may run: Kubernetes' own scheduling fields (core/v1 Toleration,
 * Affinity, TopologySpreadConstraint, LabelSelector), as interfaces of this package so that every
 * SDK language gets them (the schema takes no types from other packages). Field names and meanings
 * are Kubernetes'; the values are checked at preview as the API server would.
 */

// String choices are `as const` objects with a same-named type (see core/args.ts).

/** How a toleration matches a taint's value. */
export const TolerationOperator = {
  /** The taint's value must equal the toleration's `value` (the default). */
  Equal: "Equal",
  /** Any value of the taint's key (no `value`); with no `key` either, every taint. */
  Exists: "Exists",
} as const;
/** How a toleration matches a taint's value: `Equal` (default) or `Exists`. */
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** The effect of a taint a toleration matches. */
export const TaintEffect = {
  /** New pods are not scheduled on the node. */
  NoSchedule: "NoSchedule",
  /** The scheduler avoids the node when it can. */
  PreferNoSchedule: "PreferNoSchedule",
  /** Pods that do not tolerate it are evicted (after `tolerationSeconds` for those that do). */
  NoExecute: "NoExecute",
} as const;
/** The effect of a taint: `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** How a node selector requirement compares a node's label (or field) with its values. */
export const NodeSelectorOperator = {
  /** The label's value is one of `values`. */
  In: "In",
  /** The label's value is none of `values` (or the label is absent). */
  NotIn: "NotIn",
  /** The label exists (no `values`). */
  Exists: "Exists",
  /** The label does not exist (no `values`). */
  DoesNotExist: "DoesNotExist",
  /** The label's value, an integer, is greater than the one value. */
  Gt: "Gt",
  /** The label's value, an integer, is less than the one value. */
  Lt: "Lt",
} as const;
/** How a node selector requirement compares: `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`. */
export type NodeSelectorOperator = (typeof NodeSelectorOperator)[keyof typeof NodeSelectorOperator];

/** How a label selector requirement compares a pod's label with its values. */
export const LabelSelectorOperator = {
  /** The label's value is one of `values`. */
  In: "In",
  /** The label's value is none of `values` (or the label is absent). */
  NotIn: "NotIn",
  /** The label exists (no `values`). */
  Exists: "Exists",
  /** The label does not exist (no `values`). */
  DoesNotExist: "DoesNotExist",
} as const;
/** How a label selector requirement compares: `In`, `NotIn`, `Exists` or `DoesNotExist`. */
export type LabelSelectorOperator = (typeof LabelSelectorOperator)[keyof typeof LabelSelectorOperator];

/** What the scheduler does with a pod that would break a topology spread constraint. */
export const WhenUnsatisfiable = {
  /** Leave the pod pending. */
  DoNotSchedule: "DoNotSchedule",
  /** Schedule it anyway, preferring the placements that skew least. */
  ScheduleAnyway: "ScheduleAnyway",
} as const;
/** What the scheduler does with a pod that would break a spread constraint: `DoNotSchedule` or `ScheduleAnyway`. */
export type WhenUnsatisfiable = (typeof WhenUnsatisfiable)[keyof typeof WhenUnsatisfiable];

/** Whether a topology spread constraint counts nodes the pod could not run on anyway. */
export const NodeInclusionPolicy = {
  /** Count only the nodes that match the pod's node affinity / tolerate its taints. */
  Honor: "Honor",
  /** Count every node. */
  Ignore: "Ignore",
} as const;
/** Whether a spread constraint counts nodes the pod could not run on: `Honor` or `Ignore`. */
export type NodeInclusionPolicy = (typeof NodeInclusionPolicy)[keyof typeof NodeInclusionPolicy];

/** A toleration: the pods may run on (or stay on) nodes with a matching taint. */
export interface Toleration {
  /** The taint key; empty with operator `Exists` tolerates every taint. */
  key?: string;
  /**
   * `Equal` (default) or `Exists`.
   * @default `Equal`
   */
  operator?: TolerationOperator;
  /** The taint value to equal (operator `Equal` only). */
  value?: string;
  /**
   * The taint effect to match (default: every effect).
   * @default `undefined`: every effect
   */
  effect?: TaintEffect;
  /**
   * Effect `NoExecute` only: seconds the pod stays on a node after the taint appears (default: for ever).
   * @default `undefined`: for ever
   */
  tolerationSeconds?: number;
}
/** {@link Toleration} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type TolerationArgs = Toleration;

/** One requirement on a node's label (or, in `matchFields`, its `metadata.name`). */
export interface NodeSelectorRequirement {
  /** The label key (or `metadata.name` in `matchFields`). */
  key: string;
  /** How the label's value is compared with `values`. */
  operator: NodeSelectorOperator;
  /** `In`/`NotIn`: at least one value; `Gt`/`Lt`: one integer; `Exists`/`DoesNotExist`: none. */
  values?: string[];
}
/** {@link NodeSelectorRequirement} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type NodeSelectorRequirementArgs = NodeSelectorRequirement;

/** Requirements a node meets all of. */
export interface NodeSelectorTerm {
  /** Requirements on the node's labels. */
  matchExpressions?: NodeSelectorRequirementArgs[];
  /** Requirements on the node's fields (`metadata.name`). */
  matchFields?: NodeSelectorRequirementArgs[];
}
/** {@link NodeSelectorTerm} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type NodeSelectorTermArgs = NodeSelectorTerm;

/** Terms of which a node must meet at least one. */
export interface NodeSelector {
  /** At least one term; a node meeting any one of them qualifies. */
  nodeSelectorTerms: NodeSelectorTermArgs[];
}
/** {@link NodeSelector} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type NodeSelectorArgs = NodeSelector;

/** A node preference with its weight. */
export interface PreferredSchedulingTerm {
  /** Weight, 1-100, added to a node's score when it meets `preference`. */
  weight: number;
  /** The preferred node. */
  preference: NodeSelectorTermArgs;
}
/** {@link PreferredSchedulingTerm} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type PreferredSchedulingTermArgs = PreferredSchedulingTerm;

/** Which nodes the pods run on, by the nodes' labels. */
export interface NodeAffinity {
  /** Nodes the pods must run on. */
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelectorArgs;
  /** Nodes the scheduler prefers. */
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTermArgs[];
}
/** {@link NodeAffinity} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type NodeAffinityArgs = NodeAffinity;

/** One requirement on a pod's label. */
export interface LabelSelectorRequirement {
  /** The label key. */
  key: string;
  /** How the label's value is compared with `values`. */
  operator: LabelSelectorOperator;
  /** `In`/`NotIn`: at least one value; `Exists`/`DoesNotExist`: none. */
  values?: string[];
}
/** {@link LabelSelectorRequirement} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type LabelSelectorRequirementArgs = LabelSelectorRequirement;

/** Selects pods (or namespaces) by their labels: every label in `matchLabels` and every requirement. */
export interface LabelSelector {
  /** Labels the object must carry, with these values. */
  matchLabels?: { [key: string]: string };
  /** Requirements the object's labels must meet. */
  matchExpressions?: LabelSelectorRequirementArgs[];
}
/** {@link LabelSelector} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type LabelSelectorArgs = LabelSelector;

/** Pods, within a topology domain, that the workload's pods are placed with (or apart from). */
export interface PodAffinityTerm {
  /**
   * The pods counted. Default: this workload's own pods (its selector labels, the `selectorLabels`
   * output), the usual choice for anti-affinity; Kubernetes itself would count none.
   * @default this workload's own pods (its selector labels, the `selectorLabels` output), the usual choice for anti-affinity; Kubernetes itself would count none
   */
  labelSelector?: LabelSelectorArgs;
  /**
   * Namespaces of the pods counted (default: the workload's namespace).
   * @default the workload's `namespace`
   */
  namespaces?: string[];
  /** Namespaces of the pods counted, by their labels (added to `namespaces`). */
  namespaceSelector?: LabelSelectorArgs;
  /** The node label whose value makes a domain, e.g. `kubernetes.io/hostname` or `topology.kubernetes.io/zone`. */
  topologyKey: string;
}
/** {@link PodAffinityTerm} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type PodAffinityTermArgs = PodAffinityTerm;

/** A pod (anti-)affinity preference with its weight. */
export interface WeightedPodAffinityTerm {
  /** Weight, 1-100, added to a node's score when it meets the term. */
  weight: number;
  /** The preferred placement. */
  podAffinityTerm: PodAffinityTermArgs;
}
/** {@link WeightedPodAffinityTerm} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type WeightedPodAffinityTermArgs = WeightedPodAffinityTerm;

/** Pod affinity (run with the selected pods) or anti-affinity (run apart from them). */
export interface PodAffinity {
  /** Placements the pods must meet. */
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermArgs[];
  /** Placements the scheduler prefers. */
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTermArgs[];
}
/** {@link PodAffinity} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type PodAffinityArgs = PodAffinity;

/** The pods' affinity: to nodes, to other pods, and away from other pods. */
export interface Affinity {
  /** Which nodes the pods run on. */
  nodeAffinity?: NodeAffinityArgs;
  /** Pods the workload's pods run with (same domain). */
  podAffinity?: PodAffinityArgs;
  /** Pods the workload's pods run apart from (e.g. themselves, across nodes or zones). */
  podAntiAffinity?: PodAffinityArgs;
}
/** {@link Affinity} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type AffinityArgs = Affinity;

/** How evenly the pods spread across topology domains (zones, nodes). */
export interface TopologySpreadConstraint {
  /** Largest allowed difference in matching pods between two domains (at least 1). */
  maxSkew: number;
  /** The node label whose value makes a domain, e.g. `topology.kubernetes.io/zone`. */
  topologyKey: string;
  /** `DoNotSchedule` (keep the pod pending) or `ScheduleAnyway`. */
  whenUnsatisfiable: WhenUnsatisfiable;
  /**
   * The pods counted. Default: this workload's own pods (its selector labels, the `selectorLabels`
   * output); Kubernetes itself would count none.
   * @default this workload's own pods (its selector labels, the `selectorLabels` output); Kubernetes itself would count none
   */
  labelSelector?: LabelSelectorArgs;
  /** `DoNotSchedule` only: domains the scheduler assumes exist (at least 1). */
  minDomains?: number;
  /**
   * `Honor` (default): count only nodes matching the pod's node affinity; `Ignore`: every node.
   * @default `Honor`
   */
  nodeAffinityPolicy?: NodeInclusionPolicy;
  /**
   * `Honor`: count only nodes whose taints the pod tolerates; `Ignore` (default): every node.
   * @default `Ignore`
   */
  nodeTaintsPolicy?: NodeInclusionPolicy;
  /** Pod label keys whose values (on the incoming pod) are added to the selector, e.g. `pod-template-hash`. */
  matchLabelKeys?: string[];
}
/** {@link TopologySpreadConstraint} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type TopologySpreadConstraintArgs = TopologySpreadConstraint;
