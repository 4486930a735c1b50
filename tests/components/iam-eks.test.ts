import assert from "node:assert/strict";
import { canPerform, trustEvaluation } from "../helpers/iam";
import { ISSUER, OIDC_ARN, VersionedMocks, baseArgs, mockWorkload } from "./mock-run";

const ACCOUNT = "111122223333";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EXISTING = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe-Xy12Ab`;

/** The role's documents as the component renders them, evaluated by an IAM policy simulator. */
describe("EKS role, simulated with @cloud-copilot/iam-simulate", () => {
  let trust: object;
  let policy: object;
  let roleArn: string;
  let created: string;
  let parameter: string;
  before(async () => {
    const w = await mockWorkload(
      "shop",
      baseArgs({
        secrets: [
          { name: "db", generate: { type: "password" }, aws: { kmsKeyArn: KEY } },
          { name: "stripe", existing: { arn: EXISTING } },
          { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
          { name: "legacy", existing: { name: "prod/legacy" } },
        ],
      }),
    );
    trust = JSON.parse(String(w.outputs.trustPolicy));
    policy = JSON.parse(String(w.outputs.permissionPolicy));
    roleArn = String(w.outputs.roleArn);
    created = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:proj/dev/shop/db-AbCdEf`;
    parameter = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop/flags`;
  });

  it("reads each declared secret and parameter", async () => {
    for (const arn of [created, EXISTING, `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/legacy-Qw12Er`]) {
      assert.equal((await canPerform([policy], "secretsmanager:GetSecretValue", arn)).allowed, true, arn);
    }
    assert.equal((await canPerform([policy], "ssm:GetParameters", parameter)).allowed, true);
    assert.equal((await canPerform([policy], "secretsmanager:BatchGetSecretValue", "*")).allowed, true);
  });

  it("cannot read a neighbour secret or parameter", async () => {
    const neighbours = [
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:proj/dev/shop/db-other-AbCdEf`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe2-Xy12Ab`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/legacy-extra-Qw12Er`,
      `arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/legacy-Qw12Er`,
    ];
    for (const arn of neighbours)
      assert.equal((await canPerform([policy], "secretsmanager:GetSecretValue", arn)).allowed, false, arn);
    assert.equal((await canPerform([policy], "ssm:GetParameters", `${parameter}-old`)).allowed, false);
    assert.equal(
      (await canPerform([policy], "ssm:GetParametersByPath", `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop`))
        .allowed,
      false,
    );
  });

  it("cannot write, delete or list", async () => {
    for (const action of [
      "secretsmanager:PutSecretValue",
      "secretsmanager:DeleteSecret",
      "secretsmanager:UpdateSecret",
      "secretsmanager:DescribeSecret",
    ]) {
      assert.equal((await canPerform([policy], action, created)).allowed, false, action);
    }
    assert.equal((await canPerform([policy], "ssm:PutParameter", parameter)).allowed, false);
    assert.equal((await canPerform([policy], "secretsmanager:ListSecrets", "*")).allowed, false);
  });

  it("decrypts with the customer key only through Secrets Manager in the region", async () => {
    assert.equal(
      (await canPerform([policy], "kms:Decrypt", KEY, { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" }))
        .allowed,
      true,
    );
    assert.equal(
      (await canPerform([policy], "kms:Decrypt", KEY, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" })).allowed,
      false,
    );
    assert.equal(
      (await canPerform([policy], "kms:Decrypt", KEY, { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" }))
        .allowed,
      false,
    );
    assert.equal(
      (await canPerform([policy], "kms:Encrypt", KEY, { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" }))
        .allowed,
      false,
    );
  });

  it("trust: residual conditions name exactly the declared service account and audience", async () => {
    const r = await trustEvaluation(trust, { federated: OIDC_ARN }, "sts:AssumeRoleWithWebIdentity", roleArn);
    assert.equal(r.allowedIfConditionsHold, true);
    assert.deepEqual(
      r.conditions.map((way) => way.map((c) => [c.op, c.key, c.values]).sort()),
      [
        [
          ["StringEquals", `${ISSUER}:aud`, ["sts.amazonaws.com"]],
          ["StringEquals", `${ISSUER}:sub`, ["system:serviceaccount:shop:shop"]],
        ],
      ],
    );
  });

  it("trust: admits the declared service account, not another namespace, account or audience", async () => {
    const ctx = (sub: string, aud = "sts.amazonaws.com", issuer = ISSUER) => ({
      [`${issuer}:sub`]: sub,
      [`${issuer}:aud`]: aud,
    });
    const admit = async (c: Record<string, string>, federated = OIDC_ARN) =>
      (await trustEvaluation(trust, { federated }, "sts:AssumeRoleWithWebIdentity", roleArn, c)).admitted;
    assert.equal(await admit(ctx("system:serviceaccount:shop:shop")), true);
    assert.equal(await admit(ctx("system:serviceaccount:other:shop")), false);
    assert.equal(await admit(ctx("system:serviceaccount:shop:default")), false);
    assert.equal(await admit(ctx("system:serviceaccount:shop:shop", "vault")), false);
    const otherCluster = OIDC_ARN.replace("ABCDEF0123456789", "FFFF000011112222");
    const otherIssuer = ISSUER.replace("ABCDEF0123456789", "FFFF000011112222");
    assert.equal(
      await admit(ctx("system:serviceaccount:shop:shop", "sts.amazonaws.com", otherIssuer), otherCluster),
      false,
    );
  });

  it("trust: no other action or principal", async () => {
    const r = await trustEvaluation(trust, { service: "ec2.amazonaws.com" }, "sts:AssumeRole", roleArn);
    assert.equal(r.allowedIfConditionsHold, false);
  });
});

/** The session tags EKS Pod Identity sets when it assumes the role (EKS user guide, pod-id-abac). */
function podIdentityTags(clusterArn: string, namespace: string, serviceAccount: string): Record<string, string> {
  return {
    "aws:SourceAccount": ACCOUNT,
    "aws:RequestTag/eks-cluster-arn": clusterArn,
    "aws:RequestTag/eks-cluster-name": clusterArn.split("/").pop()!,
    "aws:RequestTag/kubernetes-namespace": namespace,
    "aws:RequestTag/kubernetes-service-account": serviceAccount,
    "aws:RequestTag/kubernetes-pod-name": "api-7d9f-abcde",
    "aws:RequestTag/kubernetes-pod-uid": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
  };
}

describe("EKS Pod Identity trust, simulated", () => {
  let trust: object;
  let roleArn: string;
  const cluster = (region: string, account = ACCOUNT, name = "prod") =>
    `arn:aws:eks:${region}:${account}:cluster/${name}`;
  before(async () => {
    const w = await mockWorkload("api", baseArgs({ eks: { identity: "pod-identity", clusterName: "prod" } }));
    trust = JSON.parse(String(w.outputs.trustPolicy));
    roleArn = String(w.outputs.roleArn);
  });
  const admit = async (tags: Record<string, string>) => {
    const r = await trustEvaluation(trust, { service: "pods.eks.amazonaws.com" }, "sts:AssumeRole", roleArn, tags);
    return r.admitted;
  };

  it("admits the declared service account of the cluster in the provider's region", async () => {
    assert.equal(await admit(podIdentityTags(cluster("eu-west-1"), "shop", "api")), true);
  });

  it("refuses a cluster of the same name in another region, or another account", async () => {
    assert.equal(await admit(podIdentityTags(cluster("us-east-1"), "shop", "api")), false);
    assert.equal(await admit(podIdentityTags(cluster("eu-west-1", "444455556666"), "shop", "api")), false);
  });

  it("refuses another cluster, namespace or service account", async () => {
    assert.equal(await admit(podIdentityTags(cluster("eu-west-1", ACCOUNT, "staging"), "shop", "api")), false);
    assert.equal(await admit(podIdentityTags(cluster("eu-west-1"), "other", "api")), false);
    assert.equal(await admit(podIdentityTags(cluster("eu-west-1"), "shop", "default")), false);
  });
});

describe("a role reading 150 secrets: grants split over managed policies within IAM's quotas", () => {
  const names = Array.from({ length: 150 }, (_, i) => `prod/payments/service-${String(i).padStart(3, "0")}/credential`);
  const arnOf = (n: string) => `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${n}-Ab12Cd`;
  let docs: { Statement: { Action: string | string[]; Resource: string | string[] }[] }[];
  let w: Awaited<ReturnType<typeof mockWorkload>>;
  before(async () => {
    w = await mockWorkload(
      "many",
      baseArgs({ secrets: names.map((n, i) => ({ name: `s${i}`, existing: { name: n } })) }),
      new VersionedMocks(),
    );
    docs = w.all("aws:iam/policy:Policy").map((p) => JSON.parse(String(p.inputs.policy)));
  });

  it("attaches customer managed policies (no inline policy) of at most 6,144 non-whitespace characters each", () => {
    assert.equal(w.all("aws:iam/rolePolicy:RolePolicy").length, 0);
    assert.ok(docs.length >= 2 && docs.length <= 10, `${docs.length} policies`);
    for (const p of w.all("aws:iam/policy:Policy")) {
      const size = String(p.inputs.policy).replace(/\s/g, "").length;
      assert.ok(size <= 6144, `${p.name}: ${size} characters`);
    }
    const attachments = w.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.equal(attachments.length, docs.length);
    for (const a of attachments) assert.equal(a.inputs.role, "many-role-1a2b3c4", a.name);
    assert.deepEqual(
      attachments.map((a) => a.inputs.policyArn).sort(),
      w
        .all("aws:iam/policy:Policy")
        .map((p) => `arn:aws:iam::${ACCOUNT}:policy/${p.name}`)
        .sort(),
    );
  });

  it("together they grant exactly the 150 secrets, each once, and only read actions", () => {
    const granted = docs.flatMap((d) =>
      d.Statement.filter((s) => s.Action === "secretsmanager:GetSecretValue").flatMap((s) => s.Resource as string[]),
    );
    assert.equal(granted.length, 150);
    assert.deepEqual(
      [...granted].sort(),
      names.map((n) => `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${n}-??????`).sort(),
    );
    const actions = new Set(docs.flatMap((d) => d.Statement.flatMap((s) => ([] as string[]).concat(s.Action))));
    assert.deepEqual([...actions].sort(), ["secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"]);
    assert.equal(w.outputs.permissionPolicy !== undefined, true);
    const union = JSON.parse(String(w.outputs.permissionPolicy));
    assert.deepEqual(
      union.Statement[0].Resource,
      [...granted].sort(),
      "the permissionPolicy output is the union of the attached documents",
    );
  });

  it("simulated with all the policies: a sample of the 150 is readable, their neighbours are not", async () => {
    for (const i of [0, 1, 37, 74, 75, 111, 148, 149]) {
      assert.equal((await canPerform(docs, "secretsmanager:GetSecretValue", arnOf(names[i]))).allowed, true, names[i]);
    }
    for (const other of [
      "prod/payments/service-150/credential",
      "prod/payments/service-000/credential-old",
      "prod/payments/service-00/credential",
      "prod/payments/other",
    ]) {
      assert.equal((await canPerform(docs, "secretsmanager:GetSecretValue", arnOf(other))).allowed, false, other);
    }
    assert.equal((await canPerform(docs, "secretsmanager:BatchGetSecretValue", "*")).allowed, true);
  });

  it("the Deployment waits for every policy attachment", () => {
    const deps = w.dependsOn.get("many-deployment")!;
    assert.ok(w.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length > 0);
    for (const a of w.all("aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
      assert.ok(deps.includes(a.name), a.name);
  });
});
