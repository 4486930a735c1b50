import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildArtifacts } from "../components/render/artifacts";
import { runProgram } from "../components/render/offline-engine";
import { engineProgram, managed, secretsInState, UNKNOWN, type EngineProgram } from "./helpers/engine";
import { ROOT } from "./helpers/rendered";
import { needTool, tool } from "./helpers/tools";

// The real Pulumi engine (CLI built from the Go module proxy) runs an ECS program through preview, up,
// a change that must register a new task definition revision, and destroy. The program is
// tests/components/fixtures/ecs-service-program (the component's own Service), not examples/ecs:
// the example's network, load balancer and service are awsx remote components, which need the awsx
// plugin (pulumi-resource-awsx) at `pulumi up`, and no awsx plugin is built here. ECS has no Kubernetes
// half: every resource goes to the recording aws/random stand-in providers (tests-real/stand-ins/),
// which compute ARNs, revisions and names as the real aws provider does and replace a task
// definition on any change of its definition (ForceNew in the provider's schema).

type Obj = Record<string, any>;
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";
const NEW_IMAGE = "public.ecr.aws/docker/library/busybox:1.36";
const PROGRAM = path.join(ROOT, "tests/components/fixtures/ecs-service-program");

describe("the real Pulumi engine runs an ECS program (the component's own Service): preview, up, a new task definition revision, destroy", function () {
  let p: EngineProgram;
  let work = "";
  let created = 0;
  const pulumi = (args: string[]) => p.pulumi(args);
  const ofType = (rs: Obj[], type: string) => rs.filter((r) => r.type === type);
  const one = (rs: Obj[], type: string) => {
    const found = ofType(rs, type);
    assert.equal(found.length, 1, `one ${type}`);
    return found[0];
  };
  const definitionsOf = (json: string) => JSON.parse(json) as Obj[];

  before(function () {
    this.timeout(0);
    const pulumiBin = needTool(this, "pulumi");
    // The real Node language host when the proxy serves it; otherwise the stand-in, said aloud.
    const host = tool("pulumi-language-nodejs");
    if (!host.ok) console.log(`      using the stand-in Node language host: ${host.reason}`);
    // The program imports the library by its package name: the npm package's compiled entry point.
    if (!fs.existsSync(path.join(ROOT, "dist/components/index.js")))
      execFileSync("npm", ["run", "build:lib"], { cwd: ROOT, stdio: "ignore" });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-engine-ecs-"));
    p = engineProgram(work, PROGRAM, pulumiBin, { path: host.ok ? `${host.dir}:` : "" });
    // The program's stack config (Pulumi.example.yaml): a cluster, so the Service is declared too.
    pulumi(["stack", "init", "example"]);
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("preview: only creates, the task definition's ARN and what the providers compute still unknown", function () {
    this.timeout(600_000);
    const preview = JSON.parse(pulumi(["preview", "--json"])) as { steps: Obj[]; changeSummary: Obj };
    created = preview.changeSummary.create;
    assert.deepEqual(Object.keys(preview.changeSummary), ["create"]);
    const news = preview.steps.map((s) => s.newState).filter(Boolean) as Obj[];
    assert.equal(ofType(news, ROLE).length, 2, "the task role and the execution role");
    const td = one(news, TASK_DEFINITION);
    one(news, LOG_GROUP);
    const service = one(news, SERVICE);
    // The roles' ARNs and the log group's name come from the providers: unknown until `up`.
    assert.equal(td.inputs.taskRoleArn, UNKNOWN);
    assert.equal(td.inputs.executionRoleArn, UNKNOWN);
    assert.equal(
      td.inputs.containerDefinitions,
      UNKNOWN,
      "the definitions name the log group, whose name the provider picks",
    );
    assert.equal(service.inputs.taskDefinition, UNKNOWN, "the service runs a revision not registered yet");
  });

  it("up: every resource announced is in the state, the task definition recorded as render writes it, no secret in clear", async function () {
    this.timeout(600_000);
    pulumi(["up", "--yes", "--skip-preview"]);
    const resources = p.exported();
    assert.equal(managed(resources).length, created - 1, "resources in the state = created at preview less the stack");
    const creates = p.recorded().filter((e) => e.op === "create");
    for (const t of [TASK_DEFINITION, SERVICE, LOG_GROUP])
      assert.equal(ofType(creates, t).length, 1, `the aws provider created one ${t}`);
    assert.equal(ofType(creates, ROLE).length, 2, "the aws provider created both roles");

    const td = one(resources, TASK_DEFINITION).outputs;
    const logGroup = one(resources, LOG_GROUP).outputs;
    const taskRole = resources.find((r) => r.type === ROLE && r.urn.endsWith("billing-api-task-role"))!.outputs;
    const recordedTd = one(creates, TASK_DEFINITION).inputs;
    assert.equal(recordedTd.taskRoleArn, taskRole.arn);
    assert.equal(td.arn, `${td.arnWithoutRevision}:1`);
    assert.equal(td.revision, 1);
    assert.equal(one(creates, SERVICE).inputs.taskDefinition, td.arn, "the service runs the registered revision");
    const outputs = JSON.parse(pulumi(["stack", "output", "--json"])) as Obj;
    assert.equal(outputs.taskDefinitionArn, td.arn);
    assert.equal(outputs.logGroupName, logGroup.name);

    // What the aws provider was asked to register is what `npm run render` writes for the program,
    // apart from the values the providers compute: the log group's name and the secret versions' revision.
    const recorded = definitionsOf(recordedTd.containerDefinitions);
    const run = await runProgram(PROGRAM);
    const artifact = buildArtifacts(run.resources).artifacts.find((a) => a.path.endsWith(".task-definition.json"))!;
    const rendered = JSON.parse(artifact.content) as Obj;
    const revision = (defs: Obj[]) =>
      defs.flatMap((d) => d.environment ?? []).find((e: Obj) => e.name === "SECRET_MOUNT_REVISION")?.value as string;
    assert.match(revision(recorded), /^[0-9a-f]{16}$/);
    const renderedLogGroup = rendered.containerDefinitions[0].logConfiguration.options["awslogs-group"] as string;
    const expected = JSON.parse(
      JSON.stringify(rendered.containerDefinitions)
        .replaceAll(renderedLogGroup, logGroup.name)
        .replaceAll(revision(rendered.containerDefinitions), revision(recorded)),
    );
    assert.deepEqual(recorded, expected);
    // Every app container starts only once the fetch container exited 0.
    const fetch = recorded.find((c) => c.essential === false)!;
    for (const app of recorded.filter((c) => c !== fetch))
      assert.deepEqual(app.dependsOn, [{ containerName: fetch.name, condition: "SUCCESS" }]);

    const found = secretsInState(p);
    assert.ok(found.secrets >= 2, "the generated secrets are held as secrets in the state");
    // The detector can fail: a copy of the state with every secret unwrapped holds each of them.
    assert.equal(found.inLeakyCopy, found.secrets);
    assert.equal(found.leaked, 0, `${found.leaked} secret value(s) in clear in the state file`);
  });

  it("a new app image replaces the task definition (a new revision) and updates the service in place", function () {
    this.timeout(600_000);
    const old = one(p.exported(), TASK_DEFINITION).outputs;
    pulumi(["config", "set", "image", NEW_IMAGE]);
    const preview = JSON.parse(pulumi(["preview", "--json", "--diff"])) as { steps: Obj[]; changeSummary: Obj };
    const tdStep = preview.steps.find((s) => s.newState?.type === TASK_DEFINITION && s.op !== "same")!;
    // containerDefinitions is ForceNew in the aws provider's schema: ECS revisions are immutable.
    assert.equal(tdStep.op, "replace", JSON.stringify(preview.changeSummary));
    assert.deepEqual(tdStep.replaceReasons, ["containerDefinitions"]);
    const svcStep = preview.steps.find((s) => s.newState?.type === SERVICE)!;
    assert.equal(svcStep.op, "update", "the service moves to the new revision in place");
    assert.equal(preview.changeSummary.replace, 1, JSON.stringify(preview.changeSummary));
    assert.equal(preview.changeSummary.update, 1, JSON.stringify(preview.changeSummary));

    const mark = p.recorded().length;
    pulumi(["up", "--yes", "--skip-preview"]);
    const resources = p.exported();
    const td = one(resources, TASK_DEFINITION).outputs;
    assert.equal(td.revision, old.revision + 1);
    assert.equal(td.arn, `${old.arnWithoutRevision}:${old.revision + 1}`);
    assert.ok(definitionsOf(td.containerDefinitions).some((c) => c.image === NEW_IMAGE));
    assert.equal(one(resources, SERVICE).outputs.taskDefinition, td.arn);
    // Create before delete: the new revision is registered, then the old one deregistered.
    const ops = p
      .recorded()
      .slice(mark)
      .filter((e) => e.type === TASK_DEFINITION)
      .map((e) => e.op);
    assert.deepEqual(ops, ["create", "delete"]);
  });

  it("destroy: nothing left in the state, every resource deleted by its provider", function () {
    this.timeout(600_000);
    const before = managed(p.exported()).filter((r) => r.custom);
    assert.ok(before.length >= 8, `${before.length} resources`);
    const mark = p.recorded().length;
    pulumi(["destroy", "--yes", "--skip-preview"]);
    assert.equal(managed(p.exported()).length, 0);
    const deleted = p
      .recorded()
      .slice(mark)
      .filter((e) => e.op === "delete")
      .map((e) => `${e.type}::${e.name}`)
      .sort();
    assert.deepEqual(deleted, before.map((r) => `${r.type}::${r.urn.split("::").pop()}`).sort());
  });
});
