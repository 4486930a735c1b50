import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { canPerform } from "../helpers/iam";
import { mockTask, taskArgs } from "../components/ecs-mock";
import { AwsDouble } from "../runtime/doubles/aws";
import { isolatedEnv, listTree, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";

type Condition = "START" | "COMPLETE" | "SUCCESS" | "HEALTHY";
/** When the ECS agent starts a dependent container (ECS developer guide, "Container dependency"). */
function agentStartsApp(condition: Condition | string, fetchExit: number | null): boolean {
  if (condition === "START") return true;
  if (condition === "COMPLETE") return fetchExit !== null;
  if (condition === "SUCCESS") return fetchExit === 0;
  return false;
}

/**
 * Both halves together: the task definition the component renders, run as the ECS agent would
 * run its fetch container: the container's environment from the rendered definitions plus what
 * the agent adds (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, whose 169.254.170.2 address the agent
 * routes to itself), against the loopback AWS double.
 */
describe("integration: the rendered ECS task's fetch container against the AWS double", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  async function rendered(mount: string, dbArn: string, stripeArn: string) {
    const t = await mockTask("shop", taskArgs({
      mountPath: mount,
      secrets: [
        { name: "db", existing: { arn: dbArn } },
        { name: "stripe", existing: { arn: stripeArn }, files: [{ path: "stripe/key", jsonKey: "apiKey" }] },
        { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
      ],
      envFile: { vars: { DB_PASSWORD: "db" } },
    }));
    const [fetch, app] = JSON.parse(t.outputs.containerDefinitions) as Record<string, any>[];
    const env = Object.fromEntries((fetch.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    return { t, fetch, app, env };
  }

  it("with the task role's credentials from the ECS endpoint: every file appears, and the app's dependency (SUCCESS) lets it start", async () => {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const stripeArn = aws.putSecret("prod/stripe", JSON.stringify({ apiKey: `${SECRET_MARKER}-key` }));
    aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
    const mount = tempDir("sm-ecs-");
    const { t, app, env } = await rendered(mount, dbArn, stripeArn);
    assert.equal(env.AWS_EC2_METADATA_DISABLED, "true");

    const r = await runFetch({ env: isolatedEnv({ ...aws.ecsTaskEnv(), ...env }) });
    assert.equal(r.code, 0, r.stderr);
    const read = (p: string) => fs.readFileSync(path.join(mount, p), "utf8");
    assert.equal(read("db"), `${SECRET_MARKER}-db`);
    assert.equal(read("stripe/key"), `${SECRET_MARKER}-key`);
    assert.equal(read("flags"), `${SECRET_MARKER}-flags`);
    assert.equal(read("secrets.env"), `DB_PASSWORD=${SECRET_MARKER}-db\n`);
    assert.deepEqual(["db", "stripe/key", "flags"].map((p) => (fs.statSync(path.join(mount, p)).mode & 0o777).toString(8)), ["440", "440", "440"]);

    // The credentials came from the ECS agent's endpoint, and every request was signed with them.
    assert.ok(aws.callsOf("ecs-task-credentials").length >= 1);
    assert.equal(aws.callsOf("container-credentials").length, 0);
    assert.equal(aws.callsOf("sts.AssumeRoleWithWebIdentity").length, 0);

    // Every secret the fetcher asked for is one the rendered task role allows.
    const policy = JSON.parse(t.outputs.taskRolePolicy);
    const asked = aws.calls.flatMap((c) => {
      if (c.op === "secretsmanager.BatchGetSecretValue") return (c.body.SecretIdList as string[]).map((id) => ["secretsmanager:GetSecretValue", id]);
      if (c.op === "secretsmanager.GetSecretValue") return [["secretsmanager:GetSecretValue", c.body.SecretId as string]];
      if (c.op === "ssm.GetParameters") return (c.body.Names as string[]).map((n) => ["ssm:GetParameters", `arn:aws:ssm:eu-west-1:111122223333:parameter${n}`]);
      return [];
    });
    assert.deepEqual(asked.map(([, res]) => res).sort(), [dbArn, stripeArn, "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/flags"].sort());
    for (const [action, resource] of asked) assert.equal((await canPerform([policy], action, resource)).allowed, true, `${action} ${resource}`);

    assert.deepEqual(app.dependsOn, [{ containerName: "secret-mount-fetch", condition: "SUCCESS" }]);
    assert.equal(agentStartsApp(app.dependsOn[0].condition, r.code), true);
  });

  it("a failed fetch exits non-zero, writes nothing, and leaves the app not started (the seed's COMPLETE would have started it)", async () => {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const stripeArn = aws.putSecret("prod/stripe", JSON.stringify({ apiKey: `${SECRET_MARKER}-key` }));
    aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
    aws.denied.add("prod/stripe");
    const mount = tempDir("sm-ecs-");
    const { app, env } = await rendered(mount, dbArn, stripeArn);

    const r = await runFetch({ env: isolatedEnv({ ...aws.ecsTaskEnv(), ...env }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /prod\/stripe/);
    assert.deepEqual(listTree(mount).filter((f) => !f.startsWith(".")), []);
    assert.equal(agentStartsApp(app.dependsOn[0].condition, r.code), false);
    assert.equal(agentStartsApp("COMPLETE", r.code), true, "the seed's COMPLETE starts the app without its secrets");
  });

  it("without the ECS agent's credentials the fetcher does not fall back to the instance's: it fails", async () => {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const stripeArn = aws.putSecret("prod/stripe", JSON.stringify({ apiKey: `${SECRET_MARKER}-key` }));
    aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
    const mount = tempDir("sm-ecs-");
    const { env } = await rendered(mount, dbArn, stripeArn);
    const r = await runFetch({ env: isolatedEnv({ ...aws.endpointEnv(), ...env }) });
    assert.notEqual(r.code, 0);
    assert.equal(aws.calls.filter((c) => c.op?.startsWith("secretsmanager") || c.op?.startsWith("ssm")).filter((c) => c.status === 200).length, 0);
  });
});
