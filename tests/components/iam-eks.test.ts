import assert from "node:assert/strict";
import { canPerform, trustEvaluation } from "../helpers/iam";
import { ISSUER, OIDC_ARN, baseArgs, mockWorkload } from "./mock-run";

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
    const w = await mockWorkload("shop", baseArgs({
      secrets: [
        { name: "db", generate: { type: "password" }, aws: { kmsKeyArn: KEY } },
        { name: "stripe", existing: { arn: EXISTING } },
        { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
        { name: "legacy", existing: { name: "prod/legacy" } },
      ],
    }));
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
    for (const arn of neighbours) assert.equal((await canPerform([policy], "secretsmanager:GetSecretValue", arn)).allowed, false, arn);
    assert.equal((await canPerform([policy], "ssm:GetParameters", `${parameter}-old`)).allowed, false);
    assert.equal((await canPerform([policy], "ssm:GetParametersByPath", `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop`)).allowed, false);
  });

  it("cannot write, delete or list", async () => {
    for (const action of ["secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret", "secretsmanager:UpdateSecret", "secretsmanager:DescribeSecret"]) {
      assert.equal((await canPerform([policy], action, created)).allowed, false, action);
    }
    assert.equal((await canPerform([policy], "ssm:PutParameter", parameter)).allowed, false);
    assert.equal((await canPerform([policy], "secretsmanager:ListSecrets", "*")).allowed, false);
  });

  it("decrypts with the customer key only through Secrets Manager in the region", async () => {
    assert.equal((await canPerform([policy], "kms:Decrypt", KEY, { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" })).allowed, true);
    assert.equal((await canPerform([policy], "kms:Decrypt", KEY, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" })).allowed, false);
    assert.equal((await canPerform([policy], "kms:Decrypt", KEY, { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" })).allowed, false);
    assert.equal((await canPerform([policy], "kms:Encrypt", KEY, { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" })).allowed, false);
  });

  it("trust: residual conditions name exactly the declared service account and audience", async () => {
    const r = await trustEvaluation(trust, { federated: OIDC_ARN }, "sts:AssumeRoleWithWebIdentity", roleArn);
    assert.equal(r.allowedIfConditionsHold, true);
    assert.deepEqual(r.conditions.map((way) => way.map((c) => [c.op, c.key, c.values]).sort()), [[
      ["StringEquals", `${ISSUER}:aud`, ["sts.amazonaws.com"]],
      ["StringEquals", `${ISSUER}:sub`, ["system:serviceaccount:shop:shop"]],
    ]]);
  });

  it("trust: admits the declared service account, not another namespace, account or audience", async () => {
    const ctx = (sub: string, aud = "sts.amazonaws.com", issuer = ISSUER) => ({ [`${issuer}:sub`]: sub, [`${issuer}:aud`]: aud });
    const admit = async (c: Record<string, string>, federated = OIDC_ARN) =>
      (await trustEvaluation(trust, { federated }, "sts:AssumeRoleWithWebIdentity", roleArn, c)).admitted;
    assert.equal(await admit(ctx("system:serviceaccount:shop:shop")), true);
    assert.equal(await admit(ctx("system:serviceaccount:other:shop")), false);
    assert.equal(await admit(ctx("system:serviceaccount:shop:default")), false);
    assert.equal(await admit(ctx("system:serviceaccount:shop:shop", "vault")), false);
    const otherCluster = OIDC_ARN.replace("ABCDEF0123456789", "FFFF000011112222");
    const otherIssuer = ISSUER.replace("ABCDEF0123456789", "FFFF000011112222");
    assert.equal(await admit(ctx("system:serviceaccount:shop:shop", "sts.amazonaws.com", otherIssuer), otherCluster), false);
  });

  it("trust: no other action or principal", async () => {
    const r = await trustEvaluation(trust, { service: "ec2.amazonaws.com" }, "sts:AssumeRole", roleArn);
    assert.equal(r.allowedIfConditionsHold, false);
  });
});
