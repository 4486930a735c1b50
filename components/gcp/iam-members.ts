import { ACCESSOR_ROLE, WORKLOAD_IDENTITY_USER_ROLE } from "./names";

/** One additive IAM grant, as a reviewer reads it. */
export interface IamMemberGrant {
  /** The resource granted on: a secret's full name, or a Google service account's email. */
  resource: string;
  role: string;
  member: string;
}

/**
 * Every grant a GKE workload gets: the accessor role on each declared secret for the one principal
 * that reads (the Kubernetes ServiceAccount's, or the Google service account's), and with a Google
 * service account, `roles/iam.workloadIdentityUser` on that account for the Kubernetes ServiceAccount only.
 */
export function iamMembers(secretNames: string[], reader: string, impersonation?: { email: string; member: string }): IamMemberGrant[] {
  const out = secretNames.map((resource) => ({ resource, role: ACCESSOR_ROLE, member: reader }));
  if (impersonation) out.push({ resource: impersonation.email, role: WORKLOAD_IDENTITY_USER_ROLE, member: impersonation.member });
  return out;
}
