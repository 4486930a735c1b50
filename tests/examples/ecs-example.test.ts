import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parseFetchSpecJson } from "../../spec/fetch-spec";
import { runProgram } from "../../components/render/offline-engine";
import { botocoreErrors } from "../helpers/botocore";

const ROOT = path.resolve(__dirname, "../..");
/** The component's own ECS Service, without awsx (also what tests-real/engine-ecs.test.ts deploys). */
const OWN_SERVICE = "tests/components/fixtures/ecs-service-program";

/** Runs `npm run render -- <program>` as a user would, returning what it printed. */
async function renderCli(program: string, dir: string, stack = "example"): Promise<string> {
  const r = await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      "components/render/cli.ts",
      program,
      "--out",
      dir,
      "--stack",
      stack,
    ],
    { cwd: ROOT },
  );
  return r.stdout;
}

/** The entry render printed for one resource: its header line and the indented lines under it. */
const entryOf = (stdout: string, header: string) => {
  const at = stdout.indexOf(`${header}\n`);
  assert.ok(at >= 0, `render printed no entry ${header}`);
  return stdout.slice(at).split(/\n(?=\S)/)[0];
};

describe("examples/ecs renders offline (npm run render -- examples/ecs)", () => {
  let out: string;
  let stdout: string;
  const render = (dir: string, stack = "example") => renderCli("examples/ecs", dir, stack);
  before(async function () {
    this.timeout(60000);
    out = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-ecs-"));
    stdout = await render(out);
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes the task definition, its FetchSpec, and both roles' trust and permission policies", () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]));
    assert.deepEqual(files(out).sort(), [
      ".secret-mount-render",
      "README.md",
      "ecs/billing-api.task-definition.json",
      "fetch-spec/billing-api.json",
      "iam/billing-api-execution-role.trust-policy.json",
      "iam/billing-api-execution.permission-policy.json",
      "iam/billing-api-task-read.permission-policy.json",
      "iam/billing-api-task-role.trust-policy.json",
      "tags.json",
    ]);
    // The task definition file is the RegisterTaskDefinition request without its tags: they are in tags.json.
    const tagged = JSON.parse(fs.readFileSync(path.join(out, "tags.json"), "utf8")) as Array<{
      type: string;
      tags: Record<string, string>;
    }>;
    assert.equal(
      tagged.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")?.tags["managed-by"],
      "secret-mount",
    );
    const td = JSON.parse(fs.readFileSync(path.join(out, "ecs/billing-api.task-definition.json"), "utf8"));
    const spec = parseFetchSpecJson(fs.readFileSync(path.join(out, "fetch-spec/billing-api.json"), "utf8"));
    assert.equal(
      JSON.stringify(spec),
      td.containerDefinitions[0].environment.find((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC").value,
    );
    assert.deepEqual(td.containerDefinitions[1].dependsOn, [
      { containerName: "secret-mount-fetch", condition: "SUCCESS" },
    ]);
  });

  it("the rendered task definition passes botocore's RegisterTaskDefinition validation", () => {
    const td = JSON.parse(fs.readFileSync(path.join(out, "ecs/billing-api.task-definition.json"), "utf8"));
    assert.equal(botocoreErrors("ecs", "RegisterTaskDefinition", td).errors, "");
  });

  it("the summary calls out Fargate's on-disk volume", () => {
    const task = entryOf(stdout, "aws:ecs/taskDefinition:TaskDefinition  billing-api-task");
    assert.match(task, /shared volume\s+ON DISK: Fargate task ephemeral storage, encrypted at rest/);
    assert.match(
      task,
      /fetch writes at\s+\/secret-mount\s+the volume is root-owned unless the fetch image declares this path as its\s+VOLUME/,
    );
    assert.match(task, /apps start after\s+api: secret-mount-fetch SUCCESS/);
    assert.match(task, /app mounts\s+api: read-only/);
  });

  it("awsx's network, load balancer and service: each one remote component with its inputs, the service running the component's task definition", async () => {
    const run = await runProgram(path.join(ROOT, "examples/ecs"));
    const td = run.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")!;
    const remote = run.resources.filter((r) => r.remote).map((r) => `${r.type} ${r.name}`);
    assert.deepEqual(remote, [
      "awsx:ec2:Vpc billing",
      "awsx:lb:ApplicationLoadBalancer billing",
      "awsx:ecs:FargateService billing-api",
    ]);
    // The component makes no service of its own: awsx runs its task definition.
    assert.deepEqual(
      run.resources.filter((r) => r.type === "aws:ecs/service:Service"),
      [],
    );
    const service = run.resources.find((r) => r.type === "awsx:ecs:FargateService")!;
    assert.equal(service.inputs.taskDefinition, td.outputs!.arn);
    // The load balancer sends to a container and port the task definition declares.
    const [target] = service.inputs.loadBalancers as Array<{ containerName: string; containerPort: number }>;
    const app = JSON.parse(td.inputs.containerDefinitions as string).find(
      (c: { name: string }) => c.name === target.containerName,
    );
    assert.ok(
      app?.portMappings.some((p: { containerPort: number }) => p.containerPort === target.containerPort),
      JSON.stringify(target),
    );
    // What the review prints: none of the resources awsx makes, and why.
    const svc = entryOf(stdout, "awsx:ecs:FargateService  billing-api");
    assert.match(
      svc,
      /remote component\s+made at pulumi up by the awsx plugin, which render does not run:\s+its resources are not shown, only its inputs/,
    );
    assert.match(svc, /taskDefinition =\s+arn:aws:ecs:eu-west-1:111122223333:task-definition\/billing-api:1/);
    assert.match(svc, /networkConfiguration\.securityGroups\[0\] = <id of billing-api>/);
    assert.doesNotMatch(stdout, /aws:ecs\/service:Service|aws:lb\/loadBalancer:LoadBalancer|aws:ec2\/vpc:Vpc/);
  });

  it("the EC2 variant renders a tmpfs volume (not a host-disk volume)", async function () {
    this.timeout(60000);
    const stackFile = path.join(ROOT, "examples/ecs/Pulumi.ec2-test.yaml");
    const base = fs.readFileSync(path.join(ROOT, "examples/ecs/Pulumi.example.yaml"), "utf8");
    fs.writeFileSync(stackFile, base.replace("config:\n", "config:\n  secret-mount-ecs:launchType: EC2\n"));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-ecs2-"));
    try {
      const text = await render(dir, "ec2-test");
      assert.match(text, /shared volume\s+tmpfs \(memory, size=1m,uid=65532,gid=65532,mode=2750,noexec,nosuid,nodev\)/);
      assert.match(text, /fetch writes at\s+\/secret-mount\s+owner and mode from the tmpfs options/);
      // An EC2 task definition runs in awsx's EC2 service (Fargate would refuse it).
      assert.match(text, /\nawsx:ecs:EC2Service  billing-api\n/);
      assert.doesNotMatch(text, /awsx:ecs:FargateService/);
      const td = JSON.parse(fs.readFileSync(path.join(dir, "ecs/billing-api.task-definition.json"), "utf8"));
      assert.deepEqual(td.volumes[0].dockerVolumeConfiguration.scope, "task");
      assert.equal(botocoreErrors("ecs", "RegisterTaskDefinition", td).errors, "");
    } finally {
      fs.rmSync(stackFile, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the component's own ECS Service renders offline (a program with `service:`, no awsx)", () => {
  it("the summary shows the service in its cluster, no public IP, the circuit breaker with rollback", async function () {
    this.timeout(60000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "sm-render-ecs-service-"));
    try {
      const stdout = await renderCli(OWN_SERVICE, out);
      const svc = entryOf(stdout, "aws:ecs/service:Service  billing-api-service");
      assert.match(svc, /service\s+billing-api in prod x1 FARGATE/);
      assert.match(svc, /public IP\s+off/);
      assert.match(svc, /circuit breaker\s+on with rollback/);
      assert.doesNotMatch(stdout, /remote component/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
