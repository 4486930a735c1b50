import type { PlatformReview } from "../platform";
import { AWS_DESCRIBERS } from "../../clouds/aws/describe";
import { AWS_OFFLINE } from "../../clouds/aws/offline";
import { ECS_DESCRIBERS } from "./describe";
import { ECS_OFFLINE } from "./offline";

/**
 * ECS is its own component (SecretMountedTask, task.ts here), not a field of the Kubernetes
 * components' args: the registry lists only how render reviews its resources.
 */
export const ecsReview: PlatformReview = {
  describers: { ...AWS_DESCRIBERS, ...ECS_DESCRIBERS },
  offline: [AWS_OFFLINE, ECS_OFFLINE],
};
