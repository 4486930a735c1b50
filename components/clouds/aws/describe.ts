import {
  fact,
  jsonFile,
  policyDocument,
  statementFacts,
  type Describer,
  type ResourceIndex,
  type Subject,
} from "../../review/describe";

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const GENERATED_NAME = "generated at pulumi up (the resource name and a random suffix)";

/** The attachments of a managed policy, matched on the ARN the engine answered for it. */
function attachmentsOf(policy: Subject, index: ResourceIndex): Subject[] {
  const arn = policy.outputs.arn;
  return arn === undefined ? [] : index.ofType(ATTACHMENT).filter((a) => a.inputs.policyArn === arn);
}

/** The Role resource a name, id or ARN refers to, when the program registered it. */
function roleNamed(ref: unknown, index: ResourceIndex): Subject | undefined {
  return index.ofType(ROLE).find((r) => [r.outputs.name, r.outputs.arn, r.inputs.name].includes(ref));
}

function role(s: Subject, index: ResourceIndex) {
  const i = s.inputs;
  const trust = policyDocument(i.assumeRolePolicy);
  const managed = index
    .ofType(ATTACHMENT)
    .filter((a) => roleNamed(a.inputs.role, index) === s)
    .map((a) => String(a.inputs.policyArn));
  return {
    facts: [
      fact("role name", i.name ?? GENERATED_NAME),
      fact("permissions boundary", i.permissionsBoundary ?? "none"),
      fact("max session", `${i.maxSessionDuration ?? 3600} s`),
      ...(managed.length ? [fact("managed policies", ...managed)] : []),
      ...statementFacts(trust, "trust"),
    ],
    files: trust
      ? [jsonFile(`iam/${s.name}.trust-policy.json`, trust, "who may assume the role (its trust policy)")]
      : [],
  };
}

function inlinePolicy(s: Subject) {
  const policy = policyDocument(s.inputs.policy);
  return {
    facts: [fact("inline policy of", String(s.inputs.role)), ...statementFacts(policy, "grant")],
    files: policy
      ? [
          jsonFile(
            `iam/${s.name}.permission-policy.json`,
            policy,
            "what the role may do (its inline permission policy)",
          ),
        ]
      : [],
  };
}

function managedPolicy(s: Subject, index: ResourceIndex) {
  const policy = policyDocument(s.inputs.policy);
  const roles = attachmentsOf(s, index).map((a) => String(a.inputs.role));
  const roleNames = [...new Set(roles.map((r) => roleNamed(r, index)?.name ?? r))];
  const about = roleNames.length
    ? `what role ${roleNames.join(", ")} may read (a customer managed permission policy attached to it)`
    : "a customer managed permission policy no role of this program is attached to";
  return {
    facts: [
      fact("managed policy", s.inputs.name ?? GENERATED_NAME),
      fact(
        "attached to",
        ...(roles.length
          ? roles.map((r) => `role ${r}`)
          : ["NO ROLE of this program (no RolePolicyAttachment names it)"]),
      ),
      ...statementFacts(policy, "grant"),
    ],
    files: policy ? [jsonFile(`iam/${s.name}.permission-policy.json`, policy, about)] : [],
  };
}

const named = (label: string, v: unknown) => fact(label, String(v));

/** How the AWS resources secret-mount registers are reviewed, keyed by type token. */
export const AWS_DESCRIBERS: Record<string, Describer> = {
  [ROLE]: role,
  "aws:iam/rolePolicy:RolePolicy": inlinePolicy,
  "aws:iam/policy:Policy": managedPolicy,
  [ATTACHMENT]: (s) => ({ facts: [named("attaches policy", s.inputs.policyArn), named("to role", s.inputs.role)] }),
  "aws:secretsmanager/secret:Secret": ({ inputs: i }) => ({
    facts: [
      named("secret name", i.name),
      fact("KMS key", i.kmsKeyId ?? "aws/secretsmanager (the AWS-managed key)"),
      ...(i.recoveryWindowInDays !== undefined ? [fact("recovery window", `${i.recoveryWindowInDays} days`)] : []),
    ],
  }),
  "aws:ssm/parameter:Parameter": ({ inputs: i }) => ({
    facts: [
      named("parameter name", i.name),
      fact("type", `${i.type}${i.tier ? `, tier ${i.tier}` : ""}`),
      fact(
        "KMS key",
        i.keyId ?? (i.type === "SecureString" ? "alias/aws/ssm (the AWS-managed key)" : "none (not encrypted)"),
      ),
      fact("value", "withheld"),
    ],
  }),
  "aws:secretsmanager/secretVersion:SecretVersion": ({ inputs: i }) => ({
    facts: [named("version of", i.secretId), fact("value", "withheld")],
  }),
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": ({ inputs: i }) => ({
    facts: [
      named("cluster", i.clusterName),
      fact("service account", `${i.namespace}/${i.serviceAccount}`),
      named("role", i.roleArn),
    ],
  }),
};
