/**
 * Adopting workloads declared elsewhere (Helm charts, your own StatefulSets): the transform's
 * selection, the pure adoption of one pod template, and the wiring `SecretMount` hands out.
 * Imported from `secret-mount`.
 * @module Adoption
 */
export {
  adoptPodTemplate,
  ADOPTED_BY_ANNOTATION,
  TIGHTENED_ANNOTATION,
  type PodWiring,
  type AdoptTarget,
  type Adopted,
} from "../../components/kubernetes/adopt";
export {
  adoptTransform,
  MOUNT_ANNOTATION,
  type AdoptSelection,
  type TransformContext,
} from "../../components/kubernetes/adopt-transform";
