import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { SecretMountedTask, SecretMountedWorkload, parseFetchSpecJson } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { canPerform } from "../helpers/iam";
import { firstUnhandledRejection } from "./capture";
import { mockTask, taskArgs } from "./ecs-mock";
import { assertRefused } from "./mock-component";
import { baseArgs, mockWorkload } from "./mock-run";

const ACCOUNT = "111122223333";
const SM = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:`;
const DB_UUID = "1a96bebc-86c1-4982-9f9f-7d6a651d2464";
const CLUSTER_UUID = "0b7e2f7c-3c1d-4a8e-b5f6-2d9e8c7a6b5f";
/** The master user secret RDS creates with manageMasterUserPassword (MasterUserSecret.SecretArn). */
const RDS_DB_ARN = `${SM}rds!db-${DB_UUID}-Ab3dEf`;
/** An Aurora cluster's, named without ARN: granted as `<name>-??????`. */
const RDS_CLUSTER_NAME = `rds!cluster-${CLUSTER_UUID}`;
const PARAM_ARN = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop/flags`;

const rdsSecrets = [
  { name: "db", existing: { arn: RDS_DB_ARN } },
  { name: "cluster", existing: { name: RDS_CLUSTER_NAME } },
];
const sources = (spec: string) => parseFetchSpecJson(spec).files.map((f) => f.source);

describe("AWS service-managed secrets (rds!db-…, rds!cluster-…) on EKS: accepted by ARN and name, granted exactly", () => {
  let eksPolicy: { Statement: { Action: string | string[]; Resource: string | string[] }[] };
  let eksSpec: string;
  before(async () => {
    const w = await mockWorkload("shop", baseArgs({ secrets: rdsSecrets }));
    eksPolicy = JSON.parse(String(w.outputs.permissionPolicy));
    eksSpec = String(w.outputs.fetchSpec);
  });

  it("EKS: the role reads the secret given by ARN exactly, the one given by name as <name>-??????", () => {
    assert.deepEqual(eksPolicy.Statement[0], {
      Sid: "ReadDeclaredSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: [`${SM}${RDS_CLUSTER_NAME}-??????`, RDS_DB_ARN], // sorted
    });
  });

  it("EKS: the FetchSpec (as the fetcher parses it) reads them by that ARN and by that name", () => {
    assert.deepEqual(sources(eksSpec), [
      { type: "aws-secretsmanager", secretId: RDS_DB_ARN, region: "eu-west-1" },
      { type: "aws-secretsmanager", secretId: RDS_CLUSTER_NAME, region: "eu-west-1" },
    ]);
  });

  it("simulated: the two RDS secrets are readable; another database's, a recreated one and a longer name are not", async () => {
    const can = async (arn: string) => (await canPerform([eksPolicy], "secretsmanager:GetSecretValue", arn)).allowed;
    assert.equal(await can(RDS_DB_ARN), true);
    assert.equal(await can(`${SM}${RDS_CLUSTER_NAME}-Qw12Er`), true);
    for (const other of [
      `${SM}rds!db-${DB_UUID}-Zz99Zz`,
      `${SM}rds!db-${CLUSTER_UUID}-Ab3dEf`,
      `${SM}rds!cluster-${DB_UUID}-Qw12Er`,
      `${SM}${RDS_CLUSTER_NAME}-old-Qw12Er`,
      `arn:aws:secretsmanager:eu-west-1:444455556666:secret:${RDS_CLUSTER_NAME}-Qw12Er`,
    ])
      assert.equal(await can(other), false, other);
  });
});

describe("AWS service-managed secrets on ECS, and the names they may not be given", () => {
  it("ECS: the task role reads the same two, exactly; the FetchSpec names them as given", async () => {
    const t = await mockTask("shop", taskArgs({ secrets: rdsSecrets }));
    assert.deepEqual(JSON.parse(t.outputs.taskRolePolicy).Statement[0].Resource, [
      `${SM}${RDS_CLUSTER_NAME}-??????`,
      RDS_DB_ARN,
    ]);
    assert.deepEqual(
      sources(t.outputs.fetchSpec).map((s) => (s as { secretId: string }).secretId),
      [RDS_DB_ARN, RDS_CLUSTER_NAME],
    );
  });

  it("a partial ARN of an RDS secret is refused as partial (IAM could not grant it exactly), with the command that prints the full one", () =>
    assertRefused(
      () =>
        new SecretMountedWorkload(
          "shop",
          baseArgs({ secrets: [{ name: "db", existing: { arn: `${SM}rds!db-${DB_UUID}` } }] }),
        ),
      "shop",
      "secrets[0].existing.arn",
      /is a partial ARN .*aws secretsmanager describe-secret/,
      assert,
    ));

  it('a secret to create may not take a service\'s "!" name', () =>
    assertRefused(
      () =>
        new SecretMountedWorkload(
          "shop",
          baseArgs({ secrets: [{ name: "db", generate: { type: "password" }, aws: { storeName: "rds!db-mine" } }] }),
        ),
      "shop",
      "secrets[0].aws.storeName",
      /"rds!db-mine" is not a valid secrets-manager name .*"!" is for names AWS services give the secrets they manage/,
      assert,
    ));
});

describe("an SSM parameter given by ARN: the ARN says the store", () => {
  const param = [{ name: "flags", existing: { arn: PARAM_ARN } }];

  it("EKS: read as an SSM parameter without aws.store: ssm:GetParameter(s) on exactly it, no Secrets Manager grant, fetched by its ARN", async () => {
    const w = await mockWorkload("shop", baseArgs({ secrets: param }));
    assert.deepEqual(JSON.parse(String(w.outputs.permissionPolicy)).Statement, [
      {
        Sid: "ReadDeclaredParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: [PARAM_ARN],
      },
    ]);
    assert.deepEqual(sources(String(w.outputs.fetchSpec)), [{ type: "aws-ssm", name: PARAM_ARN, region: "eu-west-1" }]);
  });

  it("ECS: the same, for the task role", async () => {
    const t = await mockTask("shop", taskArgs({ secrets: param }));
    assert.deepEqual(JSON.parse(t.outputs.taskRolePolicy).Statement, [
      {
        Sid: "ReadDeclaredParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: [PARAM_ARN],
      },
    ]);
  });

  it("aws.store that says the same as the ARN is accepted", async () => {
    const w = await mockWorkload("shop", baseArgs({ secrets: [{ ...param[0], aws: { store: "ssm-parameter" } }] }));
    assert.equal(JSON.parse(String(w.outputs.permissionPolicy)).Statement[0].Resource[0], PARAM_ARN);
  });

  it("EKS: an explicit store that contradicts the ARN is refused at aws.store", () =>
    assertRefused(
      () =>
        new SecretMountedWorkload("shop", baseArgs({ secrets: [{ ...param[0], aws: { store: "secrets-manager" } }] })),
      "shop",
      "secrets[0].aws.store",
      /is "secrets-manager", but existing.arn is an SSM parameter ARN; remove aws.store \(the ARN says which store\)/,
      assert,
    ));

  it("ECS: a Secrets Manager ARN with store ssm-parameter is refused at aws.store", () =>
    assertRefused(
      () =>
        new SecretMountedTask(
          "shop",
          taskArgs({ secrets: [{ name: "db", existing: { arn: RDS_DB_ARN }, aws: { store: "ssm-parameter" } }] }),
        ),
      "shop",
      "secrets[0].aws.store",
      /is "ssm-parameter", but existing.arn is a Secrets Manager secret ARN; remove aws.store/,
      assert,
    ));

  it("an SSM ARN given as an Output (unknown at preview) without aws.store fails when it resolves, saying to set it", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new SecretMountedWorkload(
          "shop",
          baseArgs({ secrets: [{ name: "flags", existing: { arn: pulumi.output(PARAM_ARN) } }] }),
        ),
    );
    assert.match(
      String(err),
      /shop: secrets\[0\]\.existing\.arn: .* is an SSM parameter ARN; an existing\.arn given as an Output .* set aws\.store: "ssm-parameter" \(checked when the value resolved\)/,
    );
  });
});
