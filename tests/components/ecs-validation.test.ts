import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DeclarationError, SecretMountedTask, type SecretMountedTaskArgs } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { APP_IMAGE, mockTask, taskArgs } from "./ecs-mock";
import { firstUnhandledRejection } from "./capture";
import { assertRefused } from "./mock-component";

type Case = [description: string, args: SecretMountedTaskArgs, field: string, message: RegExp, name?: string];
const app = taskArgs().containers![0];
const pw = { name: "db-password", generate: { type: "password" as const } };
const stripe = {
  name: "stripe",
  existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/stripe-Xy12Ab" },
};
const flags = { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" as const } };
const ec2 = (over: Partial<SecretMountedTaskArgs> = {}) => taskArgs({ launchType: "EC2", memory: 512, ...over });
const manyFiles = Array.from({ length: 150 }, (_, i) => ({
  path: `keys/key-${String(i).padStart(3, "0")}`,
  jsonKey: `key${i}`,
}));

/** Every mistake a user can make in an ECS task declaration, with the field and fix its error must name. */
const CASES: Case[] = [
  // shape
  [
    "a Kubernetes-only field",
    { ...taskArgs(), refresh: { intervalSeconds: 60 } } as never,
    "refresh",
    /not a known field/,
  ],
  [
    "Kubernetes resources on the fetch container",
    taskArgs({ fetch: { resources: {} } as never }),
    "fetch.resources",
    /not a known field/,
  ],
  ["launch type", taskArgs({ launchType: "EXTERNAL" as never }), "launchType", /"FARGATE" or "EC2"/],
  [
    "family from the component name",
    taskArgs(),
    "name (the component name, used as the task definition family)",
    /not a task definition family/,
    "shop.api",
  ],
  ["shared secret rules apply (no secrets)", taskArgs({ secrets: [] }), "secrets", /at least one secret/],
  ["no args", undefined as never, "args", /are required: declare at least `secrets` and `containers`/],
  ["explicit family", taskArgs({ family: "shop/api" }), "family", /"shop\/api" is not a task definition family/],
  ["file group 0", ec2({ fileGroup: 0 }), "fileGroup", /is 0; use a non-zero GID such as 65532/],
  [
    "permissions boundary not a policy ARN",
    taskArgs({ permissionsBoundaryArn: "arn:aws:iam::111122223333:role/x" }),
    "permissionsBoundaryArn",
    /not an IAM policy ARN/,
  ],
  ["no app container", taskArgs({ containers: [] }), "containers", /at least one application container/],
  [
    "app container not an object",
    taskArgs({ containers: [null as never] }),
    "containers[0]",
    /must be an object with at least name, image and \(when it mounts the secrets\) user/,
  ],
  // the volume
  [
    "Fargate + tmpfs requested",
    taskArgs({ volumeSizeMiB: 4 }),
    "volumeSizeMiB",
    /Fargate cannot share.*ephemeral storage on disk.*nativeSecrets.*launchType "EC2"/,
  ],
  [
    "Fargate + another file group",
    taskArgs({ fileGroup: 3000 }),
    "fileGroup",
    /on Fargate ECS creates the shared volume.*65532/,
  ],
  [
    "EC2 volume smaller than the secrets may need",
    ec2({
      secrets: Array.from({ length: 9 }, (_, i) => ({ name: `s${i}`, existing: { name: `prod/s${i}` } })),
      volumeSizeMiB: 1,
    }),
    "volumeSizeMiB",
    /is 1 MiB, smaller than the declared secrets may need \(2 MiB/,
  ],
  [
    "EC2 fetch memory too small for the volume",
    ec2({ volumeSizeMiB: 64, fetch: { image: taskArgs().fetch!.image, memory: 100 } }),
    "fetch.memory",
    /too small for the volume.*64 MiB.*at least 128/,
  ],
  [
    "task memory too small for the containers",
    taskArgs({ containers: [{ ...app, memoryReservation: 500 }] }),
    "memory",
    /512 MiB, too small for the containers: they reserve 532 MiB/,
  ],
  [
    "EC2 task memory too small for the fetch container's tmpfs",
    ec2({ memory: 128, volumeSizeMiB: 64, containers: [{ ...app, memoryReservation: 64 }] }),
    "memory",
    /largest hard limit is 160 MiB, the fetch container's including the 64 MiB tmpfs volume/,
  ],
  [
    "EC2 without task memory and a container without memory",
    ec2({ memory: undefined }),
    "containers[0].memoryReservation",
    /required on EC2 without a task-level memory/,
  ],
  [
    "EC2 volume size not a whole number",
    ec2({ volumeSizeMiB: 1.5 }),
    "volumeSizeMiB",
    /is 1\.5; use a whole number of MiB/,
  ],
  [
    "fetch memory not a whole number",
    taskArgs({ fetch: { image: taskArgs().fetch!.image, memory: 0 } }),
    "fetch.memory",
    /is 0; use a whole number of MiB/,
  ],
  [
    "fetch reservation above its limit",
    taskArgs({ fetch: { image: taskArgs().fetch!.image, memory: 64, memoryReservation: 80 } }),
    "fetch.memoryReservation",
    /is 80 MiB, above fetch.memory 64 MiB/,
  ],
  ["EC2 task CPU too small", ec2({ cpu: 64 }), "cpu", /is 64; use at least 128 CPU units/],
  ["EC2 task memory too small", ec2({ memory: 64 }), "memory", /is 64; use at least 128 MiB/],
  [
    "container CPU not a whole number",
    taskArgs({ containers: [{ ...app, cpu: -1 }] }),
    "containers[0].cpu",
    /whole number > 0 \(CPU units, 1024 = one vCPU\)/,
  ],
  [
    "EC2 without task memory, the one container without memory (named as written)",
    ec2({ memory: undefined, containers: undefined, container: app }),
    "container.memoryReservation",
    /required on EC2 without a task-level memory/,
  ],
  [
    "neither containers nor container",
    taskArgs({ containers: undefined }),
    "containers",
    /at least one application container.*or declare one with `container`/,
  ],
  [
    "both container and containers",
    taskArgs({ container: app }),
    "container",
    /is set together with containers; set one of the two/,
  ],
  [
    "the one container not essential (named as written)",
    taskArgs({ containers: undefined, container: { ...app, essential: false } }),
    "container",
    /has no essential container/,
  ],
  [
    "the one container's user (named as written)",
    taskArgs({ containers: undefined, container: { ...app, user: "0:65532" } }),
    "container.user",
    /runs as root/,
  ],
  ["Fargate CPU", taskArgs({ cpu: 300 }), "cpu", /Fargate takes 256, 512, 1024/],
  [
    "Fargate memory for the CPU",
    taskArgs({ cpu: 256, memory: 4096 }),
    "memory",
    /not offer with 256 CPU units; use 512-2048 MiB/,
  ],
  [
    "container reservation above its limit",
    taskArgs({ containers: [{ ...app, memory: 128, memoryReservation: 256 }] }),
    "containers[0].memoryReservation",
    /above the container's hard limit/,
  ],
  // app containers
  [
    "app without user",
    taskArgs({ containers: [{ name: "api", image: APP_IMAGE } as never] }),
    "containers[0].user",
    /required on ECS.*cannot add a supplementary group.*"10001:65532"/,
  ],
  [
    "app user by name",
    taskArgs({ containers: [{ ...app, user: "nobody" }] }),
    "containers[0].user",
    /not "<uid>:<gid>" with numeric ids/,
  ],
  ["app as root", taskArgs({ containers: [{ ...app, user: "0:65532" }] }), "containers[0].user", /runs as root/],
  [
    "app in another group",
    taskArgs({ containers: [{ ...app, user: "10001:10001" }] }),
    "containers[0].user",
    /cannot read files with mode 0440 owned by 65532:65532: use gid 65532, e.g. "10001:65532"/,
  ],
  [
    "app group without group read",
    taskArgs({ fileMode: "0400" }),
    "containers[0].user",
    /cannot read files with mode 0400.*give the group read/,
  ],
  [
    "container name",
    taskArgs({ containers: [{ ...app, name: "api.v2" }] }),
    "containers[0].name",
    /not an ECS container name/,
  ],
  [
    "container named like the fetch container",
    taskArgs({ containers: [{ ...app, name: "secret-mount-fetch" }] }),
    "containers[0].name",
    /fetch container's name/,
  ],
  [
    "duplicate container names",
    taskArgs({ containers: [app, app] }),
    "containers[1].name",
    /also the name of containers\[0\]/,
  ],
  ["container without image", taskArgs({ containers: [{ ...app, image: "" }] }), "containers[0].image", /is required/],
  [
    "environment name",
    taskArgs({ containers: [{ ...app, environment: { "1X": "y" } }] }),
    "containers[0].environment.1X",
    /environment variable name/,
  ],
  [
    "relative working directory",
    taskArgs({ containers: [{ ...app, workingDirectory: "srv" }] }),
    "containers[0].workingDirectory",
    /"srv" must be an absolute path/,
  ],
  [
    "port mapping name",
    taskArgs({ containers: [{ ...app, portMappings: [{ containerPort: 8080, name: "HTTP_1" }] }] }),
    "containers[0].portMappings[0].name",
    /not a port mapping name/,
  ],
  [
    "health check timeout",
    taskArgs({ containers: [{ ...app, healthCheck: { command: ["CMD", "true"], timeout: 61 } }] }),
    "containers[0].healthCheck.timeout",
    /ECS takes 2-60/,
  ],
  [
    "unknown log driver",
    taskArgs({ containers: [{ ...app, logConfiguration: { logDriver: "syslog-ng" as never } }] }),
    "containers[0].logConfiguration.logDriver",
    /is "syslog-ng"; use one of awslogs/,
  ],
  [
    "no essential app container",
    taskArgs({ containers: [{ ...app, essential: false }] }),
    "containers",
    /no essential container/,
  ],
  [
    "host port differs in awsvpc",
    taskArgs({ containers: [{ ...app, portMappings: [{ containerPort: 8080, hostPort: 80 }] }] }),
    "containers[0].portMappings[0].hostPort",
    /must equal containerPort \(8080\)/,
  ],
  [
    "port protocol",
    taskArgs({ containers: [{ ...app, portMappings: [{ containerPort: 8080, protocol: "sctp" as never }] }] }),
    "containers[0].portMappings[0].protocol",
    /"tcp" or "udp"/,
  ],
  [
    "port number",
    taskArgs({ containers: [{ ...app, portMappings: [{ containerPort: 0 }] }] }),
    "containers[0].portMappings[0].containerPort",
    /1-65535/,
  ],
  [
    "health check command",
    taskArgs({ containers: [{ ...app, healthCheck: { command: ["curl", "-f", "http://x"] } }] }),
    "containers[0].healthCheck.command",
    /start with "CMD" or "CMD-SHELL"/,
  ],
  [
    "health check interval",
    taskArgs({ containers: [{ ...app, healthCheck: { command: ["CMD", "true"], interval: 1 } }] }),
    "containers[0].healthCheck.interval",
    /ECS takes 5-300/,
  ],
  [
    "log driver Fargate lacks",
    taskArgs({ containers: [{ ...app, logConfiguration: { logDriver: "fluentd" } }] }),
    "containers[0].logConfiguration.logDriver",
    /not available on Fargate/,
  ],
  // mountInto
  [
    "mountInto empty",
    taskArgs({ mountInto: [] }),
    "mountInto",
    /must name at least one app container, or be omitted to mount into every app container/,
  ],
  [
    "mountInto not a list",
    taskArgs({ mountInto: "api" as never }),
    "mountInto",
    /must name at least one app container/,
  ],
  [
    "mountInto names no container",
    taskArgs({ mountInto: ["web"] }),
    "mountInto[0]",
    /"web" is not an app container; declared: api/,
  ],
  [
    "mountInto names a container twice",
    taskArgs({ containers: [app, { ...app, name: "otel" }], mountInto: ["api", "api"] }),
    "mountInto[1]",
    /"api" is named twice/,
  ],
  [
    "mountInto names the fetch container",
    taskArgs({ mountInto: ["secret-mount-fetch"] }),
    "mountInto[0]",
    /"secret-mount-fetch" is not an app container; declared: api/,
  ],
  [
    "a mounting container still needs its user",
    taskArgs({
      containers: [{ name: "api", image: APP_IMAGE } as never, { name: "otel", image: APP_IMAGE }],
      mountInto: ["api"],
    }),
    "containers[0].user",
    /required on ECS/,
  ],
  [
    "a left-out container's user is still a string",
    taskArgs({ containers: [app, { name: "otel", image: APP_IMAGE, user: "" }], mountInto: ["api"] }),
    "containers[1].user",
    /not an ECS user/,
  ],
  // native secrets
  [
    "native: unknown secret",
    taskArgs({ nativeSecrets: [{ secret: "nope", container: "api", name: "X" }] }),
    "nativeSecrets[0].secret",
    /not a declared secret; declared: db-password/,
  ],
  [
    "native: a secret with files",
    taskArgs({
      secrets: [pw, { ...stripe, files: [{ path: "k", jsonKey: "k" }] }],
      nativeSecrets: [{ secret: "stripe", container: "api", name: "X" }],
    }),
    "nativeSecrets[0].secret",
    /declares files/,
  ],
  [
    "native: unknown container",
    taskArgs({ secrets: [pw, stripe], nativeSecrets: [{ secret: "stripe", container: "web", name: "X" }] }),
    "nativeSecrets[0].container",
    /not an app container; declared: api/,
  ],
  [
    "native: name also in environment",
    taskArgs({
      secrets: [pw, stripe],
      containers: [{ ...app, environment: { X: "1" } }],
      nativeSecrets: [{ secret: "stripe", container: "api", name: "X" }],
    }),
    "nativeSecrets[0].name",
    /both environment and secrets/,
  ],
  [
    "native: jsonKey on SSM",
    taskArgs({ secrets: [pw, flags], nativeSecrets: [{ secret: "flags", container: "api", name: "F", jsonKey: "a" }] }),
    "nativeSecrets[0].jsonKey",
    /Secrets Manager only/,
  ],
  [
    "native: key pair without jsonKey",
    taskArgs({
      secrets: [pw, { name: "tls", generate: { type: "ecdsa" } }],
      nativeSecrets: [{ secret: "tls", container: "api", name: "K" }],
    }),
    "nativeSecrets[0].jsonKey",
    /required for a generated ecdsa key pair/,
  ],
  [
    "native: not a list",
    taskArgs({ nativeSecrets: {} as never }),
    "nativeSecrets",
    /must be a list of \{ secret, container, name \}/,
  ],
  [
    "native: variable name",
    taskArgs({ secrets: [pw, stripe], nativeSecrets: [{ secret: "stripe", container: "api", name: "1X" }] }),
    "nativeSecrets[0].name",
    /environment variable name/,
  ],
  [
    "native: injected twice",
    taskArgs({
      secrets: [pw, stripe],
      nativeSecrets: [
        { secret: "stripe", container: "api", name: "X" },
        { secret: "stripe", container: "api", name: "X" },
      ],
    }),
    "nativeSecrets[1].name",
    /"X" is injected twice into "api"/,
  ],
  [
    "native: jsonKey with a colon",
    taskArgs({
      secrets: [pw, stripe],
      nativeSecrets: [{ secret: "stripe", container: "api", name: "X", jsonKey: "a:b" }],
    }),
    "nativeSecrets[0].jsonKey",
    /without ":"/,
  ],
  [
    "native: jsonKey on a generated password",
    taskArgs({
      secrets: [pw, { name: "token", generate: { type: "password" } }],
      nativeSecrets: [{ secret: "token", container: "api", name: "T", jsonKey: "k" }],
    }),
    "nativeSecrets[0].jsonKey",
    /plain text, not JSON; remove jsonKey/,
  ],
  [
    "native: every secret",
    taskArgs({ nativeSecrets: [{ secret: "db-password", container: "api", name: "DB" }] }),
    "nativeSecrets",
    /every secret natively/,
  ],
  [
    "native: envFile uses it",
    taskArgs({
      secrets: [pw, stripe],
      envFile: { vars: { S: "stripe" } },
      nativeSecrets: [{ secret: "stripe", container: "api", name: "X" }],
    }),
    "envFile.vars.S",
    /delivers as an environment variable instead/,
  ],
  // service and logs
  [
    "service without network",
    taskArgs({ service: { cluster: "prod" } as never }),
    "service.network",
    /awsvpc networking/,
  ],
  [
    "service without subnets",
    taskArgs({ service: { cluster: "prod", network: { subnets: [] } } }),
    "service.network.subnets",
    /at least one subnet/,
  ],
  [
    "service desired count",
    taskArgs({ service: { cluster: "prod", desiredCount: -1, network: { subnets: ["s"] } } }),
    "service.desiredCount",
    /whole number ≥ 0/,
  ],
  [
    "service without cluster",
    taskArgs({ service: { cluster: "", network: { subnets: ["s"] } } }),
    "service.cluster",
    /is required: the name or ARN of the ECS cluster/,
  ],
  [
    "service name",
    taskArgs({ service: { cluster: "prod", name: "shop api", network: { subnets: ["s"] } } }),
    "service.name",
    /not a service name/,
  ],
  ["log retention", taskArgs({ logRetentionInDays: 10 }), "logRetentionInDays", /CloudWatch takes 1, 3, 5, 7, 14, 30/],
  // size
  [
    "a FetchSpec the task definition cannot hold",
    taskArgs({ secrets: [{ ...stripe, files: manyFiles }] }),
    "secrets",
    /150 files, whose FetchSpec may take up to \d+ KiB.*more than the 48 KiB.*64 KiB.*Split the secrets over several tasks/,
  ],
];

describe("ECS declaration errors: named field, the fix, and nothing registered", () => {
  for (const [description, args, field, message, name] of CASES) {
    it(description, () =>
      assertRefused(() => new SecretMountedTask(name ?? "shop", args), name ?? "shop", field, message, assert),
    );
  }

  it("`container` declares the same task definition as `containers` with that one container", async () => {
    const { containers, ...rest } = taskArgs();
    const defs = async (args: SecretMountedTaskArgs) => (await mockTask("shop", args)).outputs.containerDefinitions;
    assert.equal(await defs({ ...rest, container: containers![0] }), await defs({ ...rest, containers }));
  });

  it("the base declarations used above are valid (Fargate and EC2)", () => {
    assert.doesNotThrow(() => new SecretMountedTask("shop", taskArgs()));
    assert.doesNotThrow(() => new SecretMountedTask("shop2", ec2()));
  });

  it("80 fanned-out files still fit, and their real container definitions stay well under 64 KiB", async () => {
    const t = await mockTask("shop", taskArgs({ secrets: [{ ...stripe, files: manyFiles.slice(0, 80) }] }));
    const bytes = Buffer.byteLength(t.outputs.containerDefinitions, "utf8");
    assert.ok(bytes < 32 * 1024, `${bytes} bytes`);
  });
});

describe("ECS declaration errors known only when values resolve (pulumi up / preview with known values)", () => {
  const registered = (mocks: OfflineMocks, type: string) => mocks.resources.filter((r) => r.type === type);

  it("container definitions past what a task definition holds (a large plain environment the preview bound does not count): refused naming that container, before the task definition is registered", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const err = await firstUnhandledRejection(() => {
      new SecretMountedTask(
        "shop",
        taskArgs({ containers: [{ ...app, environment: { BIG: pulumi.output("x".repeat(70_000)) } }] }),
      );
    });
    assert.ok(err instanceof DeclarationError, String(err));
    assert.equal(err.field, "containers[0]");
    assert.match(
      err.message,
      /makes container definitions of \d+ bytes \(its own definition takes \d+ of them, the FetchSpec \d+\), over the 63488 an ECS task definition leaves them \(ECS refuses task definitions over 64 KiB\); shorten its environment/,
    );
    assert.deepEqual(registered(mocks, "aws:ecs/taskDefinition:TaskDefinition"), []);
  });

  it("a permissions boundary that resolves to something else than a policy ARN: refused before either role is registered", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const err = await firstUnhandledRejection(() => {
      new SecretMountedTask(
        "shop",
        taskArgs({ permissionsBoundaryArn: pulumi.output("arn:aws:iam::111122223333:role/boundary") }),
      );
    });
    assert.ok(err instanceof DeclarationError, String(err));
    assert.equal(err.field, "permissionsBoundaryArn");
    assert.match(err.message, /not an IAM policy ARN.*\(checked when the value resolved\)/);
    assert.deepEqual(registered(mocks, "aws:iam/role:Role"), []);
  });

  it("a valid permissions boundary is set on both roles", async () => {
    const boundary = "arn:aws:iam::111122223333:policy/team-boundary";
    const t = await mockTask("shop", taskArgs({ permissionsBoundaryArn: pulumi.output(boundary) }));
    assert.deepEqual(
      t
        .all("aws:iam/role:Role")
        .map((r) => [r.name, r.inputs.permissionsBoundary])
        .sort(),
      [
        ["shop-execution-role", boundary],
        ["shop-task-role", boundary],
      ],
    );
  });
});

describe("by default every app container mounts the volume read-only and waits for SUCCESS (mountInto names others)", () => {
  it("two app containers, one not essential", async () => {
    const t = await mockTask("shop", taskArgs({ containers: [app, { ...app, name: "worker", essential: false }] }));
    const defs = JSON.parse(t.outputs.containerDefinitions) as Record<string, any>[];
    assert.deepEqual(
      defs.map((d) => d.name),
      ["secret-mount-fetch", "api", "worker"],
    );
    for (const d of defs.slice(1)) {
      assert.deepEqual(
        d.mountPoints,
        [{ sourceVolume: "secret-mount", containerPath: "/run/secrets/app", readOnly: true }],
        d.name,
      );
      assert.deepEqual(d.dependsOn, [{ containerName: "secret-mount-fetch", condition: "SUCCESS" }], d.name);
    }
  });
});
