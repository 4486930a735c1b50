/**
 * The fetcher reads only with the pod's or task's own identity (IRSA, Pod Identity, ECS task role),
 * never with the node's instance role: with the instance metadata service (IMDS) reachable, the AWS
 * SDK's default chain falls back to it when the identity webhook injected nothing, and the fetch
 * would silently run as the node. The image sets AWS_EC2_METADATA_DISABLED=true; the program sets
 * it again (whatever it was) before any AWS SDK module loads, so a missing identity fails as
 * `identity-not-ready`.
 */
export const IMDS_DISABLED_ENV = "AWS_EC2_METADATA_DISABLED";

/** Sets AWS_EC2_METADATA_DISABLED=true in `env`; returns the value it replaced when that was not already "true". */
export function disableImds(env: NodeJS.ProcessEnv): string | undefined {
  const before = env[IMDS_DISABLED_ENV];
  env[IMDS_DISABLED_ENV] = "true";
  return before !== undefined && before.trim().toLowerCase() !== "true" ? before : undefined;
}
