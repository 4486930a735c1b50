// Thin wrapper over @cloud-copilot/iam-simulate (AGPL; test-only, never shipped).
//
// What the simulator does with an EKS IRSA trust policy (found by experiment, v0.1.173):
// it keeps only the context keys that the AWS Service Authorization Reference lists for the
// action. For sts:AssumeRoleWithWebIdentity that list names fixed identity providers
// (accounts.google.com, cognito-identity.amazonaws.com, token.actions.githubusercontent.com, ...)
// but not per-cluster EKS issuers, so `oidc.eks.<region>.amazonaws.com/id/<ID>:sub|aud` values are
// dropped before evaluation (they come back in `ignoredContextKeys`). Consequences:
//  - Strict mode: a trust policy conditioned on those keys is ImplicitlyDenied for every caller,
//    the right service account included.
//  - Discovery mode: Allowed for every caller, with the `sub`/`aud` conditions reported as the
//    residual conditions (supplied values are not consulted).
// trustEvaluation therefore reports both:
//  - Discovery mode on the policy as written: whether the principal/action can be admitted at all,
//    and the exact residual conditions (keys as written, so tests can assert them);
//  - when a context is given, Strict mode on a copy in which the EKS issuer's `sub`/`aud`/`amr`
//    keys (policy and context alike) are renamed to the stand-in issuer
//    `cognito-identity.amazonaws.com`, which the simulator does evaluate. Only the issuer named by
//    the federated principal is renamed, so a condition written against another issuer still
//    fails, as it would in AWS.

import {
  runSimulation,
  type AllowedConditionExpression,
  type EvaluationResult,
  type RunSimulationResults,
  type Simulation,
  type SimulationOptions,
} from "@cloud-copilot/iam-simulate";

export type Context = Record<string, string | string[]>;

const DEFAULT_ACCOUNT = "111122223333";
const STAND_IN_ISSUER = "cognito-identity.amazonaws.com";
const STAND_IN_CLAIMS = new Set(["sub", "aud", "amr"]);

export interface PermissionResult {
  allowed: boolean;
  result: EvaluationResult;
  raw: RunSimulationResults;
}

export interface PermissionOptions {
  /** Calling principal; default a role in the resource's account. */
  principal?: string;
  /** Resource policy (bucket policy, key policy, ...). */
  resourcePolicy?: object;
}

function accountOf(arn: string): string {
  const account = arn.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : DEFAULT_ACCOUNT;
}

// AWS's default key policy: the account root may use kms:*, which delegates to IAM policies.
// The simulator (like KMS) refuses IAM-granted key use without a key policy trusting the account.
export function defaultKmsKeyPolicy(account: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

function checked(raw: RunSimulationResults, what: string): Extract<RunSimulationResults, { resultType: "single" }> {
  if (raw.resultType === "error") {
    throw new Error(`iam-simulate rejected the input for ${what}: ${JSON.stringify(raw.errors)}`);
  }
  if (raw.resultType === "wildcard") {
    // iam-simulate then evaluates each matching policy pattern separately; not a yes/no question.
    throw new Error(`${what}: a wildcard resource is only meaningful for wildcard-only actions; pass one concrete ARN`);
  }
  const ignored = raw.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    // A dropped key would make a negative assertion pass for the wrong reason.
    throw new Error(
      `${what}: iam-simulate ignored context keys it does not know for this action: ${ignored.join(", ")}`,
    );
  }
  return raw;
}

/**
 * Strict-mode evaluation of identity (permission) policies: may a principal holding exactly these
 * policies perform `action` on `resource` with this request context?
 * For a KMS key ARN without options.resourcePolicy, AWS's default key policy is assumed.
 */
export async function canPerform(
  identityPolicies: object[],
  action: string,
  resource: string,
  context: Context = {},
  options: PermissionOptions = {},
): Promise<PermissionResult> {
  const account = accountOf(resource === "*" ? (options.principal ?? "") : resource);
  const isKmsKey = /^arn:aws[\w-]*:kms:[^:]*:\d{12}:key\//.test(resource);
  const resourcePolicy = options.resourcePolicy ?? (isKmsKey ? defaultKmsKeyPolicy(account) : undefined);
  const simulation: Simulation = {
    request: {
      principal: options.principal ?? `arn:aws:iam::${account}:role/secret-mount-test-principal`,
      action,
      resource: { resource, accountId: account },
      contextVariables: context,
    },
    identityPolicies: identityPolicies.map((policy, i) => ({ name: `policy-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
  const raw = await runSimulation(simulation, { simulationMode: "Strict" });
  const single = checked(raw, `${action} on ${resource}`);
  return { allowed: single.overallResult === "Allowed", result: single.overallResult, raw };
}

export interface TrustPrincipal {
  /** e.g. arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC */
  federated?: string;
  /** e.g. pods.eks.amazonaws.com */
  service?: string;
}

export interface ResidualCondition {
  op: string;
  key: string;
  values: string[];
  inverted?: true;
}

export interface TrustResult {
  /** Discovery mode: the policy admits this principal for this action when `conditions` hold. */
  allowedIfConditionsHold: boolean;
  /**
   * Discovery residual conditions in disjunctive normal form: each inner array is one way in (all
   * of its conditions must hold). `[[]]` = unconditional, `[]` = no way in.
   */
  conditions: ResidualCondition[][];
  /** Strict mode with the given context (EKS issuer keys via the stand-in); undefined without context. */
  admitted?: boolean;
  raw: { discovery: RunSimulationResults; strict?: RunSimulationResults };
}

function toDnf(e: AllowedConditionExpression | undefined, allowed: boolean): ResidualCondition[][] {
  if (!allowed) return [];
  if (!e) return [[]];
  switch (e.conditionType) {
    case "always":
      return [[]];
    case "never":
      return [];
    case "condition":
      return [[{ op: e.op, key: e.key, values: e.values, ...(e.inverted ? { inverted: true as const } : {}) }]];
    case "sessionName":
      return [[{ op: "StringLike", key: "sts:RoleSessionName", values: e.sessionName }]];
    case "group": {
      const parts = e.conditions.map((c) => toDnf(c, true));
      if (e.operator === "or") return parts.flat();
      return parts.reduce<ResidualCondition[][]>((acc, p) => acc.flatMap((a) => p.map((b) => [...a, ...b])), [[]]);
    }
  }
}

function eksIssuerOf(federated: string | undefined): string | undefined {
  const m = federated?.match(/:oidc-provider\/(.+)$/);
  return m && m[1].includes("/") ? m[1] : undefined;
}

// Rename `<issuer>:<claim>` to `<stand-in>:<claim>`; throws for claims the stand-in cannot carry.
function renameIssuerKey(key: string, issuer: string): string {
  const prefix = `${issuer}:`.toLowerCase();
  if (!key.toLowerCase().startsWith(prefix)) return key;
  const claim = key.slice(prefix.length);
  if (!STAND_IN_CLAIMS.has(claim)) {
    throw new Error(
      `trustEvaluation: cannot evaluate "${key}" in Strict mode (only ${[...STAND_IN_CLAIMS].join(", ")} claims)`,
    );
  }
  return `${STAND_IN_ISSUER}:${claim}`;
}

function withStandIn(policy: any, issuer: string): any {
  const copy = JSON.parse(JSON.stringify(policy));
  const statements = Array.isArray(copy.Statement) ? copy.Statement : [copy.Statement];
  for (const st of statements) {
    for (const [op, block] of Object.entries<Record<string, unknown>>(st.Condition ?? {})) {
      st.Condition[op] = Object.fromEntries(
        Object.entries(block).map(([k, v]) => {
          if (k.toLowerCase().startsWith(`${STAND_IN_ISSUER}:`)) {
            throw new Error(
              `trustEvaluation: the policy already uses ${STAND_IN_ISSUER} keys; the stand-in would be ambiguous`,
            );
          }
          return [renameIssuerKey(k, issuer), v];
        }),
      );
    }
  }
  return copy;
}

/**
 * Evaluate a role trust policy for one principal and action (see the header for what each mode
 * can and cannot see). `context` is the request context for the Strict verdict, e.g.
 * `{ '<issuer>:sub': 'system:serviceaccount:ns:sa', '<issuer>:aud': 'sts.amazonaws.com' }`.
 */
export async function trustEvaluation(
  trustPolicy: object,
  principal: TrustPrincipal,
  action: string,
  roleArn: string,
  context?: Context,
): Promise<TrustResult> {
  if (!!principal.federated === !!principal.service)
    throw new Error("trustEvaluation: give exactly one of federated or service");
  const caller = (principal.federated ?? principal.service) as string;
  const run = (policy: object, ctx: Context, mode: SimulationOptions["simulationMode"]) =>
    runSimulation(
      {
        request: {
          principal: caller,
          action,
          resource: { resource: roleArn, accountId: accountOf(roleArn) },
          contextVariables: ctx,
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policy,
      },
      { simulationMode: mode },
    );

  const discovery = await run(trustPolicy, {}, "Discovery");
  const d = checked(discovery, `${action} on ${roleArn} (Discovery)`);
  const allowedIfConditionsHold = d.overallResult === "Allowed";
  const result: TrustResult = {
    allowedIfConditionsHold,
    conditions: toDnf(d.result.analysis.conditions, allowedIfConditionsHold),
    raw: { discovery },
  };
  if (context) {
    const issuer = eksIssuerOf(principal.federated);
    const policy = issuer ? withStandIn(trustPolicy, issuer) : trustPolicy;
    const ctx = issuer
      ? Object.fromEntries(Object.entries(context).map(([k, v]) => [renameIssuerKey(k, issuer), v]))
      : context;
    const strict = await run(policy, ctx, "Strict");
    result.admitted = checked(strict, `${action} on ${roleArn} (Strict)`).overallResult === "Allowed";
    result.raw.strict = strict;
  }
  return result;
}
