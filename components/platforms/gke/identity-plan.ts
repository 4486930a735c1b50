/** Checks of a GkeWorkloadIdentity declaration. Pure: every problem is a DeclarationError before anything is registered. */
import { dns1123LabelProblem, dns1123SubdomainProblem } from "../../core/names";
import { unknownFields } from "../../core/unknown-fields";
import { parseBindingResource, roleProblem } from "./bindings";
import type { GkeIamBinding, GkeWorkloadIdentityArgs } from "./identity-args";
import { oneOrMany, type Listed } from "../../core/one-or-many";
import { planGkeIdentity } from "./plan";
import { Problems } from "../../core/problems";

const FIELDS = [
  "namespace",
  "serviceAccountName",
  "createServiceAccount",
  "identity",
  "project",
  "workloadPool",
  "workloadPoolProjectNumber",
  "googleServiceAccount",
  "bindings",
  "binding",
];

export interface GkeIdentityPlan {
  /** The bindings as given (`bindings` or the one-item `binding`), each with the field messages name. */
  bindings: Listed<GkeIamBinding>[];
  identity: "direct" | "google-service-account";
  accountId?: string;
}

/** Checks a GkeWorkloadIdentity declaration. Pure: throws DeclarationError naming the field. */
export function planGkeWorkloadIdentity(name: string, a: GkeWorkloadIdentityArgs): GkeIdentityPlan {
  const problems = new Problems(name);
  const { fail } = problems;
  if (a === undefined || a === null || typeof a !== "object")
    fail("args", "are required: namespace, serviceAccountName and bindings");
  unknownFields(a, FIELDS, "", problems);
  const label = dns1123LabelProblem(a.namespace);
  if (label) fail("namespace", label);
  const subdomain = dns1123SubdomainProblem(a.serviceAccountName);
  if (subdomain) fail("serviceAccountName", subdomain);
  const planned = planGkeIdentity(a, "", name, problems);

  if (a.bindings !== undefined && a.bindings !== null && !Array.isArray(a.bindings))
    fail("bindings", "must be a list of { kind, resource, role }");
  const { items: bindings } = oneOrMany(a.binding, a.bindings, { one: "binding", many: "bindings" }, problems);
  if (bindings.length === 0) {
    fail(
      "bindings",
      "must list at least one role for the identity: { kind, resource, role }, e.g. roles/storage.objectViewer on one bucket (or give the one `binding`)",
    );
  }
  const seen = new Map<string, string>();
  bindings.forEach(({ item: b, at }) => {
    unknownFields(b, ["kind", "resource", "role"], at, problems);
    const problem = roleProblem(b.role);
    if (problem) fail(`${at}.role`, problem);
    if (b.resource === undefined || b.resource === null)
      fail(`${at}.resource`, "is required: the resource the role applies to");
    // The kind decides the IAM member resource: checked even when the resource is an Output.
    const parsed = parseBindingResource(b.kind, typeof b.resource === "string" ? b.resource : "");
    if (typeof parsed === "string" && parsed.startsWith("kind ")) fail(`${at}.kind`, parsed);
    if (typeof b.resource === "string") {
      if (typeof parsed === "string") fail(`${at}.resource`, parsed);
      const key = `${b.kind}|${(parsed as { resource: string }).resource}|${b.role}`;
      const prior = seen.get(key);
      if (prior !== undefined) fail(at, `grants the same role on the same resource as ${prior}; list it once`);
      seen.set(key, at);
    }
  });
  problems.throwIfAny();
  return { ...planned, bindings };
}
