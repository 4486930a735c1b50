/**
 * Who is reading: the pod's name and namespace (downward API, set by the component on every
 * Kubernetes platform) go into every log line, and on EKS with IRSA the pod name becomes the STS
 * role session name, so CloudTrail's events for this pod's reads name the pod.
 */
import { createHash } from "node:crypto";
import { POD_NAME_ENV, POD_NAMESPACE_ENV } from "../../spec/fetch-spec";

/** Read by the AWS SDK's web-identity provider (IRSA) as the RoleSessionName of AssumeRoleWithWebIdentity. */
export const ROLE_SESSION_NAME_ENV = "AWS_ROLE_SESSION_NAME";
/** STS: 2-64 characters of `[\w+=,.@-]`. */
const SESSION_NAME_MAX = 64;
const SESSION_NAME_BAD = /[^\w+=,.@-]/g;

/** Pod and namespace for log lines, when the pod spec passes them (absent on ECS and outside Kubernetes). */
export function podContext(env: NodeJS.ProcessEnv): { pod?: string; namespace?: string } {
  const out: { pod?: string; namespace?: string } = {};
  if (env[POD_NAME_ENV]) out.pod = env[POD_NAME_ENV];
  if (env[POD_NAMESPACE_ENV]) out.namespace = env[POD_NAMESPACE_ENV];
  return out;
}

/**
 * A valid STS role session name from any text: characters outside `[\w+=,.@-]` become `-`; a name
 * longer than 64 keeps its first 55 characters, then `-` and 8 hex characters of the SHA-256 of the
 * whole name (so two long names that share a prefix stay apart); a name shorter than 2 is padded
 * with `-`. Pod names made by a ReplicaSet, Job or StatefulSet are at most 63 characters of
 * `[a-z0-9.-]` and pass unchanged.
 */
export function roleSessionName(name: string): string {
  let s = name.replace(SESSION_NAME_BAD, "-");
  if (s.length > SESSION_NAME_MAX)
    s = `${s.slice(0, SESSION_NAME_MAX - 9)}-${createHash("sha256").update(name).digest("hex").slice(0, 8)}`;
  return s.padEnd(2, "-");
}

/**
 * Makes AWS_ROLE_SESSION_NAME valid in place, before any AWS SDK module reads it: STS refuses an
 * invalid session name, which would fail every IRSA fetch. Returns the value it replaced, if any.
 */
export function sanitizeRoleSessionName(env: NodeJS.ProcessEnv): string | undefined {
  const given = env[ROLE_SESSION_NAME_ENV];
  if (given === undefined || given === "") {
    delete env[ROLE_SESSION_NAME_ENV];
    return undefined;
  }
  const valid = roleSessionName(given);
  if (valid === given) return undefined;
  env[ROLE_SESSION_NAME_ENV] = valid;
  return given;
}
