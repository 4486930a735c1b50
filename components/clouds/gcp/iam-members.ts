import { ACCESSOR_ROLE, WORKLOAD_IDENTITY_USER_ROLE } from "./names";

/** One additive IAM grant, as a reviewer reads it. */
export interface IamMemberGrant {
  /** The resource granted on: a secret's full name, a project, a bucket, …, or a Google service account's email. */
  resource: string;
  role: string;
  member: string;
}

/**
 * Every grant one Kubernetes ServiceAccount's identity gets: each role on its resource for the one
 * principal that acts (the Kubernetes ServiceAccount's, or the Google service account's), and with
 * a Google service account, `roles/iam.workloadIdentityUser` on that account for the Kubernetes
 * ServiceAccount only.
 */
export function memberGrants(
  bindings: { resource: string; role: string }[],
  reader: string,
  impersonation?: { email: string; member: string },
): IamMemberGrant[] {
  const out = bindings.map(({ resource, role }) => ({ resource, role, member: reader }));
  if (impersonation)
    out.push({ resource: impersonation.email, role: WORKLOAD_IDENTITY_USER_ROLE, member: impersonation.member });
  return out;
}

/** The grants of a GKE workload: the accessor role on each declared secret (see memberGrants). */
export function iamMembers(
  secretNames: string[],
  reader: string,
  impersonation?: { email: string; member: string },
): IamMemberGrant[] {
  return memberGrants(
    secretNames.map((resource) => ({ resource, role: ACCESSOR_ROLE })),
    reader,
    impersonation,
  );
}
