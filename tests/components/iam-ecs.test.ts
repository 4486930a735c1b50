import assert from "node:assert/strict";
import { canPerform, trustEvaluation } from "../helpers/iam";
import { mockTask, taskArgs } from "./ecs-mock";

const ACCOUNT = "111122223333";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EXISTING = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe-Xy12Ab`;
const CREATED = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:proj/dev/shop/db-AbCdEf`;
const PARAM = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop/flags`;
const NATIVE = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/legacy-Qw12Er`;

/** Both roles of an ECS task as the component renders them, evaluated by an IAM policy simulator. */
describe("ECS task and execution roles, simulated with @cloud-copilot/iam-simulate", () => {
  let taskPolicy: object;
  let execPolicy: object;
  let trust: object;
  let taskRoleArn: string;
  before(async () => {
    const t = await mockTask(
      "shop",
      taskArgs({
        secrets: [
          { name: "db", generate: { type: "password" }, aws: { kmsKeyArn: KEY } },
          { name: "stripe", existing: { arn: EXISTING } },
          { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
          { name: "legacy", existing: { name: "prod/legacy" } },
        ],
        nativeSecrets: [{ secret: "legacy", container: "api", name: "LEGACY_TOKEN" }],
      }),
    );
    taskPolicy = JSON.parse(t.outputs.taskRolePolicy);
    execPolicy = JSON.parse(t.outputs.executionRolePolicy);
    trust = JSON.parse(t.outputs.taskRoleTrustPolicy);
    taskRoleArn = t.outputs.taskRoleArn;
  });

  it("the task role reads each file secret and parameter, and decrypts their key only through the store", async () => {
    for (const arn of [CREATED, EXISTING])
      assert.equal((await canPerform([taskPolicy], "secretsmanager:GetSecretValue", arn)).allowed, true, arn);
    assert.equal((await canPerform([taskPolicy], "ssm:GetParameters", PARAM)).allowed, true);
    assert.equal(
      (
        await canPerform([taskPolicy], "kms:Decrypt", KEY, {
          "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
        })
      ).allowed,
      true,
    );
    assert.equal(
      (await canPerform([taskPolicy], "kms:Decrypt", KEY, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" })).allowed,
      false,
    );
  });

  it("the task role reads no neighbour, and not the natively injected secret", async () => {
    for (const arn of [
      NATIVE,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:proj/dev/shop/db-other-AbCdEf`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe2-Xy12Ab`,
      `arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/stripe-Xy12Ab`,
    ])
      assert.equal((await canPerform([taskPolicy], "secretsmanager:GetSecretValue", arn)).allowed, false, arn);
    assert.equal((await canPerform([taskPolicy], "ssm:GetParameters", `${PARAM}-old`)).allowed, false);
    assert.equal((await canPerform([taskPolicy], "secretsmanager:PutSecretValue", CREATED)).allowed, false);
    assert.equal(
      (
        await canPerform(
          [taskPolicy],
          "logs:PutLogEvents",
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:x:log-stream:y`,
        )
      ).allowed,
      false,
    );
  });

  it("the execution role cannot read the file secrets; it reads only the native one", async () => {
    for (const arn of [CREATED, EXISTING])
      assert.equal((await canPerform([execPolicy], "secretsmanager:GetSecretValue", arn)).allowed, false, arn);
    assert.equal((await canPerform([execPolicy], "ssm:GetParameters", PARAM)).allowed, false);
    assert.equal(
      (
        await canPerform([execPolicy], "kms:Decrypt", KEY, {
          "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
        })
      ).allowed,
      false,
    );
    assert.equal((await canPerform([execPolicy], "secretsmanager:GetSecretValue", NATIVE)).allowed, true);
    assert.equal(
      (
        await canPerform(
          [execPolicy],
          "secretsmanager:GetSecretValue",
          `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/legacy-extra-Qw12Er`,
        )
      ).allowed,
      false,
    );
  });

  it("the execution role pulls from the app's ECR repository and writes the task's log streams, nothing else", async () => {
    const repo = `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/shop/api`;
    assert.equal((await canPerform([execPolicy], "ecr:BatchGetImage", repo)).allowed, true);
    assert.equal(
      (await canPerform([execPolicy], "ecr:BatchGetImage", `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/other`))
        .allowed,
      false,
    );
    assert.equal((await canPerform([execPolicy], "ecr:PutImage", repo)).allowed, false);
    const stream = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/secret-mount/shop/shop-logs-1a2b3c4:log-stream:app/api/abc`;
    assert.equal((await canPerform([execPolicy], "logs:PutLogEvents", stream)).allowed, true);
    assert.equal(
      (
        await canPerform(
          [execPolicy],
          "logs:PutLogEvents",
          `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/other:log-stream:x`,
        )
      ).allowed,
      false,
    );
  });

  it("trust: only ecs-tasks, with the account and this account's ECS resources as source", async () => {
    const r = await trustEvaluation(trust, { service: "ecs-tasks.amazonaws.com" }, "sts:AssumeRole", taskRoleArn);
    assert.equal(r.allowedIfConditionsHold, true);
    assert.deepEqual(
      r.conditions.map((way) => way.map((c) => [c.op, c.key, c.values]).sort()),
      [
        [
          ["ArnLike", "aws:SourceArn", [`arn:aws:ecs:eu-west-1:${ACCOUNT}:*`]],
          ["StringEquals", "aws:SourceAccount", [ACCOUNT]],
        ],
      ],
    );
  });

  it("trust: admits a task of this account and region; not another account, region, service or caller", async () => {
    const admit = async (service: string, account: string, sourceArn: string) =>
      (
        await trustEvaluation(trust, { service }, "sts:AssumeRole", taskRoleArn, {
          "aws:SourceAccount": account,
          "aws:SourceArn": sourceArn,
        })
      ).admitted;
    const task = (acct: string, region = "eu-west-1") =>
      `arn:aws:ecs:${region}:${acct}:task/prod/0123456789abcdef0123456789abcdef`;
    assert.equal(await admit("ecs-tasks.amazonaws.com", ACCOUNT, task(ACCOUNT)), true);
    assert.equal(await admit("ecs-tasks.amazonaws.com", "444455556666", task("444455556666")), false);
    assert.equal(await admit("ecs-tasks.amazonaws.com", ACCOUNT, task(ACCOUNT, "us-east-1")), false);
    assert.equal(await admit("ec2.amazonaws.com", ACCOUNT, task(ACCOUNT)), false);
    assert.equal(await admit("lambda.amazonaws.com", ACCOUNT, `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:x`), false);
  });
});
