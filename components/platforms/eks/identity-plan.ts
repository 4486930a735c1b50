/**
 * Checks of an EksWorkloadIdentity declaration and the permission policy it attaches. Pure: every
 * problem is a DeclarationError before anything is registered; values given as Outputs are
 * checked again when they resolve.
 */
import type * as pulumi from "@pulumi/pulumi";
import { dns1123LabelProblem, dns1123SubdomainProblem } from "../../core/names";
import { oneOrMany, type Listed } from "../../core/one-or-many";
import { unknownFields } from "../../core/unknown-fields";
import { policyArnProblem } from "../../clouds/aws/arns";
import { everyActionProblem, everyResourceProblem } from "../../clouds/aws/iam-patterns";
import type { AwsPolicyStatement, EksWorkloadIdentityArgs } from "./identity-args";
import { Problems } from "../../core/problems";
import { planEksIdentity } from "./plan";
import { ASSUMED_UNKNOWN_ARN_LENGTH } from "../../stores/aws/plan";
import type { PolicyDocument, PolicyStatement } from "../../clouds/aws/policies";
import { IAM_LIMITS, policySize } from "../../clouds/aws/policy-split";

const FIELDS = [
  "namespace",
  "serviceAccountName",
  "createServiceAccount",
  "identity",
  "oidcProviderArn",
  "oidcIssuerUrl",
  "clusterName",
  "roleName",
  "permissionsBoundaryArn",
  "statements",
  "statement",
  "managedPolicyArns",
  "tags",
];
const STATEMENT_FIELDS = ["sid", "effect", "actions", "resources", "conditions", "allowAnyResource"];
const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const ARN = /^arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:\S+$/;
const OPERATOR = /^(ForAllValues:|ForAnyValue:)?[A-Za-z]+$/;
/** AWS managed policies that hand a workload the account: never the identity of one ServiceAccount. */
const ACCOUNT_WIDE = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** A statement with every value resolved. */
export interface ResolvedStatement {
  sid?: string;
  effect: "Allow" | "Deny";
  actions: string[];
  resources: string[];
  conditions: { test: string; variable: string; values: string[] }[];
}

/** The inline permission policy: the statements as given, conditions grouped by operator. */
export function statementsPolicy(statements: ResolvedStatement[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s): PolicyStatement => {
      const condition: NonNullable<PolicyStatement["Condition"]> = {};
      for (const c of s.conditions)
        (condition[c.test] ??= {})[c.variable] = c.values.length === 1 ? c.values[0] : c.values;
      return {
        ...(s.sid ? { Sid: s.sid } : {}),
        Effect: s.effect,
        Action: s.actions.length === 1 ? s.actions[0] : s.actions,
        Resource: s.resources.length === 1 ? s.resources[0] : s.resources,
        ...(s.conditions.length ? { Condition: condition } : {}),
      };
    }),
  };
}

/** What is wrong with a managed policy ARN to attach, or undefined. */
export function managedPolicyArnProblem(arn: string): string | undefined {
  const problem = policyArnProblem(arn);
  if (problem) return problem;
  const m = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn);
  if (m && ACCOUNT_WIDE.includes(m[1])) {
    return `"${arn}" lets the workload administer the account; attach a policy scoped to what the workload does (or give statements)`;
  }
  return undefined;
}

/** What is wrong with a resource of a statement, or undefined. */
export function resourceProblem(resource: string, effect: "Allow" | "Deny", anyResource: boolean): string | undefined {
  if (resource === "*") {
    return effect === "Allow" && !anyResource
      ? 'is "*" (every resource); name the ARNs the workload uses, or set allowAnyResource: true for actions AWS only authorizes on "*"'
      : undefined;
  }
  if (!ARN.test(resource))
    return `"${resource}" is not an ARN (arn:<partition>:<service>:<region>:<account>:<resource>) or "*"`;
  return effect === "Allow" && !anyResource ? everyResourceProblem(resource) : undefined;
}

export interface EksIdentityPlan {
  identity: "irsa" | "pod-identity";
  /** The statements as given (`statements` or the one-item `statement`), each with the field messages name. */
  statements: Listed<AwsPolicyStatement>[];
}

/** Checks an EksWorkloadIdentity declaration. Pure: throws DeclarationError naming the field. */
export function planEksWorkloadIdentity(name: string, a: EksWorkloadIdentityArgs): EksIdentityPlan {
  const problems = new Problems(name);
  const { fail } = problems;
  if (a === undefined || a === null || typeof a !== "object")
    fail("args", "are required: namespace, serviceAccountName, the cluster's identity inputs and the permissions");
  unknownFields(a, FIELDS, "", problems);
  const label = dns1123LabelProblem(a.namespace);
  if (label) fail("namespace", label);
  const subdomain = dns1123SubdomainProblem(a.serviceAccountName);
  if (subdomain) fail("serviceAccountName", subdomain);
  const identity = planEksIdentity(a, "", problems);

  if (a.statements !== undefined && a.statements !== null && !Array.isArray(a.statements))
    fail("statements", "must be a list of statements");
  const { items: statements } = oneOrMany(
    a.statement,
    a.statements,
    { one: "statement", many: "statements" },
    problems,
  );
  const managed = a.managedPolicyArns ?? [];
  if (!Array.isArray(managed)) fail("managedPolicyArns", "must be a list of policy ARNs");
  if (statements.length === 0 && managed.length === 0) {
    fail(
      "statements",
      "is empty, and so is managedPolicyArns: the role could do nothing; give the statements the workload needs, or managed policy ARNs",
    );
  }

  const sids = new Map<string, string>();
  const estimated = statements.map((s) => checkStatement(s.item, s.at, problems, sids));
  const size = policySize(statementsPolicy(estimated));
  if (size > IAM_LIMITS.inlinePerRole) {
    fail(
      "statements",
      `need about ${size} characters, over IAM's ${IAM_LIMITS.inlinePerRole} for a role's inline policies; move some into a customer managed policy and give its ARN in managedPolicyArns`,
    );
  }

  const seen = new Map<string, number>();
  managed.forEach((arn, i) => {
    if (typeof arn !== "string") return;
    const problem = managedPolicyArnProblem(arn);
    if (problem) fail(`managedPolicyArns[${i}]`, problem);
    const prior = seen.get(arn);
    if (prior !== undefined)
      fail(`managedPolicyArns[${i}]`, `"${arn}" is also managedPolicyArns[${prior}]; attach it once`);
    seen.set(arn, i);
  });
  if (managed.length > IAM_LIMITS.managedPerRole) {
    fail(
      "managedPolicyArns",
      `lists ${managed.length} policies; IAM attaches at most ${IAM_LIMITS.managedPerRole} to a role by default: merge some, or move permissions into statements`,
    );
  }
  problems.throwIfAny();
  return { identity, statements };
}

/** Checks one statement; returns it with unknown values stood in for by their longest assumed length (for sizing). */
function checkStatement(
  s: AwsPolicyStatement,
  at: string,
  problems: Problems,
  sids: Map<string, string>,
): ResolvedStatement {
  const { fail } = problems;
  if (s === undefined || s === null || typeof s !== "object") fail(at, "must be a statement: { actions, resources }");
  unknownFields(s, STATEMENT_FIELDS, at, problems);
  const effect = s.effect ?? "Allow";
  if (effect !== "Allow" && effect !== "Deny")
    fail(`${at}.effect`, `is ${JSON.stringify(effect)}; use "Allow" or "Deny"`);
  if (s.sid !== undefined) {
    if (typeof s.sid !== "string" || !/^[A-Za-z0-9]+$/.test(s.sid))
      fail(`${at}.sid`, `${JSON.stringify(s.sid)} is not a statement id: letters and digits only`);
    const prior = sids.get(s.sid);
    if (prior !== undefined)
      fail(`${at}.sid`, `"${s.sid}" is also the sid of ${prior}; sids must be unique in a policy`);
    sids.set(s.sid, at);
  }
  if (!Array.isArray(s.actions) || s.actions.length === 0)
    fail(`${at}.actions`, 'must list at least one action, e.g. "s3:GetObject"');
  s.actions.forEach((action, j) => {
    const field = `${at}.actions[${j}]`;
    const every = typeof action === "string" ? everyActionProblem(action) : undefined;
    if (every) {
      if (effect === "Allow") fail(field, every);
      if (action === "*") return;
    }
    if (typeof action !== "string" || !ACTION.test(action))
      fail(field, `${JSON.stringify(action)} is not an IAM action (<service>:<action>, e.g. s3:GetObject)`);
  });
  if (!Array.isArray(s.resources) || s.resources.length === 0)
    fail(`${at}.resources`, "must list at least one resource ARN");
  const anyResource = s.allowAnyResource === true;
  if (s.allowAnyResource !== undefined && typeof s.allowAnyResource !== "boolean")
    fail(`${at}.allowAnyResource`, "must be true or false");
  if (anyResource && effect === "Deny")
    fail(`${at}.allowAnyResource`, 'applies to Allow statements only; a Deny statement may name "*" as it is');
  let wide = false;
  const resources = s.resources.map((r, j) => {
    if (typeof r !== "string") return "x".repeat(ASSUMED_UNKNOWN_ARN_LENGTH);
    const problem = resourceProblem(r, effect, anyResource);
    if (problem) fail(`${at}.resources[${j}]`, problem);
    if (resourceProblem(r, effect, false) !== undefined) wide = true;
    return r;
  });
  if (anyResource && !wide && s.resources.every((r) => typeof r === "string")) {
    fail(`${at}.allowAnyResource`, 'is set, but no resource of this Allow statement is "*"; remove it');
  }
  const conditions = (s.conditions ?? []).map((c, j) => {
    const cat = `${at}.conditions[${j}]`;
    unknownFields(c, ["test", "variable", "values"], cat, problems);
    if (typeof c.test !== "string" || !OPERATOR.test(c.test))
      fail(
        `${cat}.test`,
        `${JSON.stringify(c.test)} is not a condition operator (e.g. StringEquals, ArnLike, ForAnyValue:StringEquals)`,
      );
    if (typeof c.variable !== "string" || !/^[A-Za-z0-9-]+:\S+$/.test(c.variable))
      fail(`${cat}.variable`, `${JSON.stringify(c.variable)} is not a condition key (e.g. aws:SourceVpce, s3:prefix)`);
    if (!Array.isArray(c.values) || c.values.length === 0) fail(`${cat}.values`, "must list at least one value");
    const prior = (s.conditions ?? []).findIndex((o) => o.test === c.test && o.variable === c.variable);
    if (prior !== j)
      fail(`${cat}`, `repeats ${c.test} ${c.variable} of conditions[${prior}]; list every value in one condition`);
    return {
      test: c.test,
      variable: c.variable,
      values: c.values.map((v) => (typeof v === "string" ? v : "x".repeat(ASSUMED_UNKNOWN_ARN_LENGTH))),
    };
  });
  return { ...(s.sid ? { sid: s.sid } : {}), effect, actions: s.actions, resources, conditions };
}

/** The statements with every Input resolved, in the shape statementsPolicy takes. */
export function statementInputs(statements: AwsPolicyStatement[]): pulumi.Input<ResolvedStatement>[] {
  return statements.map(
    (s) =>
      ({
        ...(s.sid ? { sid: s.sid } : {}),
        effect: s.effect ?? "Allow",
        actions: s.actions,
        resources: s.resources,
        conditions: (s.conditions ?? []).map((c) => ({ test: c.test, variable: c.variable, values: c.values })),
      }) as unknown as pulumi.Input<ResolvedStatement>,
  );
}
