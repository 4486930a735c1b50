/** Checks of an AksWorkloadIdentity declaration. Pure: every problem is a DeclarationError before anything is registered. */
import { dns1123LabelProblem, dns1123SubdomainProblem } from "../../core/names";
import { unknownFields } from "../../core/unknown-fields";
import type { AksWorkloadIdentityArgs } from "./identity-args";
import { planAksIdentity, type IdentityPlan } from "./plan";
import { Problems } from "../../core/problems";

const FIELDS = [
  "namespace",
  "serviceAccountName",
  "createServiceAccount",
  "oidcIssuerUrl",
  "resourceGroupName",
  "location",
  "tenantId",
  "identity",
  "identityName",
  "roleAssignments",
  "tags",
];
const GUID = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
const ROLE_GUID = new RegExp(`^${GUID}$`);
const ROLE_ID = new RegExp(
  `^/subscriptions/${GUID}/providers/Microsoft\\.Authorization/roleDefinitions/(${GUID})$`,
  "i",
);
const SUBSCRIPTION = new RegExp(`^/subscriptions/(${GUID})`, "i");
/** A resource group, or a resource (or child resource) in one. */
const SCOPE = new RegExp(
  `^/subscriptions/${GUID}/resourceGroups/[-\\w.()]{1,90}(/providers/[A-Za-z0-9.]+/[^/\\s*]+/[^/\\s*]+(/[^/\\s*]+/[^/\\s*]+)*)?$`,
  "i",
);

/** Built-in roles that control everything at their scope, or who may access it: never one ServiceAccount's. */
const CONTROL_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
};

/** What is wrong with a role definition to assign, or undefined. */
export function roleDefinitionProblem(role: string): string | undefined {
  const guid = ROLE_GUID.test(role) ? role : ROLE_ID.exec(role)?.[1];
  if (!guid)
    return `"${role}" is not a role definition: give its GUID, or /subscriptions/<subscription id>/providers/Microsoft.Authorization/roleDefinitions/<GUID>`;
  const control = CONTROL_ROLES[guid.toLowerCase()];
  if (control)
    return `"${role}" is ${control}, which controls every resource at its scope (or who may access it); give the data role the workload needs, e.g. Storage Blob Data Reader`;
  return undefined;
}

/** What is wrong with a role assignment scope, or undefined. */
export function scopeProblem(scope: string): string | undefined {
  if (SCOPE.test(scope)) return undefined;
  if (
    /^\/subscriptions\/[^/]+\/?$/i.test(scope) ||
    /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(scope) ||
    scope === "/"
  ) {
    return `"${scope}" is a whole subscription or management group; scope the role to the resource the workload uses (or at widest its resource group)`;
  }
  return `"${scope}" is not a resource group or resource id (/subscriptions/<subscription id>/resourceGroups/<rg>[/providers/<namespace>/<type>/<name>…])`;
}

/** The full role definition id: a GUID resolved in the scope's subscription. */
export function fullRoleDefinitionId(role: string, scope: string): string {
  if (!ROLE_GUID.test(role)) return role;
  const sub = SUBSCRIPTION.exec(scope)?.[1];
  return `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

export interface AksIdentityComponentPlan {
  identity: IdentityPlan;
  credential: { name: string; subject: string };
}

/** Checks an AksWorkloadIdentity declaration. Pure: throws DeclarationError naming the field. */
export function planAksWorkloadIdentity(name: string, a: AksWorkloadIdentityArgs): AksIdentityComponentPlan {
  const problems = new Problems(name);
  const { fail } = problems;
  if (a === undefined || a === null || typeof a !== "object")
    fail("args", "are required: namespace, serviceAccountName, oidcIssuerUrl, resourceGroupName and roleAssignments");
  unknownFields(a, FIELDS, "", problems);
  const label = dns1123LabelProblem(a.namespace);
  if (label) fail("namespace", label);
  const subdomain = dns1123SubdomainProblem(a.serviceAccountName);
  if (subdomain) fail("serviceAccountName", subdomain);
  const planned = planAksIdentity(a, "", name, a.namespace, a.serviceAccountName, problems);

  if (!Array.isArray(a.roleAssignments) || a.roleAssignments.length === 0) {
    fail(
      "roleAssignments",
      "must list at least one role for the identity: { roleDefinitionId, scope }, e.g. Storage Blob Data Reader on one storage account",
    );
  }
  const seen = new Map<string, number>();
  a.roleAssignments.forEach((r, i) => {
    const at = `roleAssignments[${i}]`;
    unknownFields(r, ["roleDefinitionId", "scope", "description"], at, problems);
    if (r.roleDefinitionId === undefined || r.roleDefinitionId === null)
      fail(`${at}.roleDefinitionId`, "is required: the role's GUID or full id");
    if (r.scope === undefined || r.scope === null)
      fail(`${at}.scope`, "is required: the resource group or resource id the role applies to");
    if (typeof r.roleDefinitionId === "string") {
      const problem = roleDefinitionProblem(r.roleDefinitionId);
      if (problem) fail(`${at}.roleDefinitionId`, problem);
    }
    if (typeof r.scope === "string") {
      const problem = scopeProblem(r.scope);
      if (problem) fail(`${at}.scope`, problem);
    }
    if (typeof r.roleDefinitionId === "string" && typeof r.scope === "string") {
      const key = `${fullRoleDefinitionId(r.roleDefinitionId, r.scope).toLowerCase()}|${r.scope.toLowerCase()}`;
      const prior = seen.get(key);
      if (prior !== undefined)
        fail(at, `assigns the same role on the same scope as roleAssignments[${prior}]; list it once`);
      seen.set(key, i);
    }
  });
  problems.throwIfAny();
  return planned;
}
