import type { PlatformReview } from "../platform";
import { AWS_DESCRIBERS } from "../../clouds/aws/describe";
import { ECS_DESCRIBERS } from "./describe";

/**
 * ECS is its own component (SecretMountedTask, task.ts here), not a field of the Kubernetes
 * components' args: the registry lists only how render reviews its resources.
 */
export const ecsReview: PlatformReview = { describers: { ...AWS_DESCRIBERS, ...ECS_DESCRIBERS } };
