/**
 * Where a workload's pods may run: Kubernetes' own scheduling fields (tolerations, node and pod
 * affinity, topology spread constraints, label selectors) as this package's types, so every SDK
 * language gets them. Imported from `secret-mount`.
 * @module Scheduling args
 */
export type {
  Affinity,
  LabelSelector,
  LabelSelectorRequirement,
  NodeAffinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodAffinity,
  PodAffinityTerm,
  PreferredSchedulingTerm,
  Toleration,
  TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from "../../components/core/scheduling-args";
export {
  LabelSelectorOperator,
  NodeInclusionPolicy,
  NodeSelectorOperator,
  TaintEffect,
  TolerationOperator,
  WhenUnsatisfiable,
} from "../../components/core/scheduling-args";
