import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DeclarationError, SecretMountedTask, type TaskContainerArgs } from "../../components";
import { DEFAULT_SCOPE, OfflineMocks } from "../../components/render/offline-engine";
import { buildArtifacts, formatReview } from "../../components/render/artifacts";
import { firstUnhandledRejection } from "./capture";
import { FETCH_IMAGE, VersionedMocks } from "./mock-run";
import { APP_IMAGE, mockTask, taskArgs, type MockedTask } from "./ecs-mock";
import { botocoreErrors } from "../helpers/botocore";
import { fetchImageVolumes } from "../helpers/fetch-image-volume";

const ACCOUNT = "111122223333";
const EXISTING = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/stripe-Xy12Ab`;
const CREATED = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:proj/dev/shop/db-password-AbCdEf`;
const LOG_GROUP = "/secret-mount/shop/shop-logs-1a2b3c4";
const LOG_GROUP_ARN = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${LOG_GROUP}`;

const defs = (t: MockedTask) => JSON.parse(t.outputs.containerDefinitions) as Record<string, any>[];
const awslogs = (prefix: string) => ({
  logDriver: "awslogs",
  options: { "awslogs-group": LOG_GROUP, "awslogs-region": "eu-west-1", "awslogs-stream-prefix": prefix },
});

/** What the TaskDefinition resource sends to RegisterTaskDefinition, from its recorded inputs. */
function registerRequest(t: MockedTask): Record<string, unknown> {
  const td = t.one("aws:ecs/taskDefinition:TaskDefinition");
  const req: Record<string, unknown> = { ...td, containerDefinitions: JSON.parse(td.containerDefinitions) };
  delete req.tags;
  return JSON.parse(JSON.stringify(req));
}

describe("SecretMountedTask on Fargate (the default): exact inputs of every child", () => {
  let t: MockedTask;
  before(async () => {
    t = await mockTask(
      "shop",
      taskArgs({
        secrets: [
          { name: "db-password", generate: { type: "password" } },
          { name: "stripe", existing: { arn: EXISTING }, files: [{ path: "stripe/api-key", jsonKey: "apiKey" }] },
        ],
        containers: [
          {
            name: "api",
            image: APP_IMAGE,
            user: "10001:65532",
            command: ["/app/serve"],
            environment: { PORT: "8080" },
            portMappings: [{ containerPort: 8080, name: "http" }],
            healthCheck: {
              command: ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"],
              startPeriod: 10,
            },
            memoryReservation: 256,
          },
        ],
      }),
    );
  });

  it("creates exactly the secrets, both roles with their policies, the log group and the task definition, each parented to the component", () => {
    assert.deepEqual(t.resources.map((r) => `${r.type} ${r.name}`).sort(), [
      "aws:cloudwatch/logGroup:LogGroup shop-logs",
      "aws:ecs/taskDefinition:TaskDefinition shop-task",
      "aws:iam/role:Role shop-execution-role",
      "aws:iam/role:Role shop-task-role",
      "aws:iam/rolePolicy:RolePolicy shop-execution",
      "aws:iam/rolePolicy:RolePolicy shop-task-read",
      "aws:secretsmanager/secret:Secret shop-db-password",
      "aws:secretsmanager/secretVersion:SecretVersion shop-db-password-value",
      "random:index/randomPassword:RandomPassword shop-db-password-password",
      "secret-mount:index:SecretMountedTask shop",
    ]);
    for (const r of t.resources) if (r.custom) assert.equal(t.parents.get(r.name), "shop", r.name);
    assert.deepEqual(t.dependsOn.get("shop-task")!.sort(), [
      "shop-db-password-value",
      "shop-execution",
      "shop-task-read",
    ]);
  });

  it("task definition: awsvpc, Fargate 256/512, task and execution roles, the volume on ephemeral storage", () => {
    const td = t.one("aws:ecs/taskDefinition:TaskDefinition");
    assert.deepEqual(
      { ...td, containerDefinitions: undefined, tags: undefined },
      {
        family: "shop",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-task-role-1a2b3c4`,
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/shop-execution-role-1a2b3c4`,
        volumes: [{ name: "secret-mount" }],
        runtimePlatform: { operatingSystemFamily: "LINUX" },
        containerDefinitions: undefined,
        tags: undefined,
      },
    );
    assert.deepEqual(td.tags, { "managed-by": "secret-mount", "secret-mount/component": "shop" });
  });

  it("container definitions: the hardened fetch container (not essential), the app after SUCCESS with the volume read-only", () => {
    const [fetch] = defs(t);
    const spec = fetch.environment.find((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC").value;
    assert.deepEqual(JSON.parse(spec), {
      version: 1,
      dir: "/secret-mount",
      mode: "init",
      fileMode: "0440",
      timeoutSeconds: 60,
      files: [
        { path: "db-password", source: { type: "aws-secretsmanager", secretId: CREATED, region: "eu-west-1" } },
        {
          path: "stripe/api-key",
          source: { type: "aws-secretsmanager", secretId: EXISTING, region: "eu-west-1" },
          jsonKey: "apiKey",
        },
      ],
    });
    const revision = fetch.environment.find((e: { name: string }) => e.name === "SECRET_MOUNT_REVISION").value;
    assert.match(revision, /^[0-9a-f]{16}$/);
    assert.deepEqual(defs(t), [
      {
        name: "secret-mount-fetch",
        image: FETCH_IMAGE,
        essential: false,
        user: "65532:65532",
        readonlyRootFilesystem: true,
        memoryReservation: 32,
        memory: 96,
        environment: [
          { name: "AWS_EC2_METADATA_DISABLED", value: "true" },
          { name: "AWS_REGION", value: "eu-west-1" },
          { name: "SECRET_MOUNT_REVISION", value: revision },
          { name: "SECRET_MOUNT_SPEC", value: spec },
        ],
        mountPoints: [{ sourceVolume: "secret-mount", containerPath: "/secret-mount", readOnly: false }],
        linuxParameters: { capabilities: { drop: ["ALL"] } },
        logConfiguration: awslogs("secret-mount"),
      },
      {
        name: "api",
        image: APP_IMAGE,
        essential: true,
        user: "10001:65532",
        readonlyRootFilesystem: true,
        dependsOn: [{ containerName: "secret-mount-fetch", condition: "SUCCESS" }],
        mountPoints: [{ sourceVolume: "secret-mount", containerPath: "/run/secrets/app", readOnly: true }],
        logConfiguration: awslogs("app"),
        command: ["/app/serve"],
        environment: [{ name: "PORT", value: "8080" }],
        memoryReservation: 256,
        portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp", name: "http" }],
        healthCheck: {
          command: ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 10,
        },
      },
    ]);
    assert.equal(t.outputs.fetchSpec, spec);
  });

  it("task role: trusted by ecs-tasks of this account and region only; reads exactly the two secrets", () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EcsTasksOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            ArnLike: { "aws:SourceArn": `arn:aws:ecs:eu-west-1:${ACCOUNT}:*` },
            StringEquals: { "aws:SourceAccount": ACCOUNT },
          },
        },
      ],
    };
    const roles = t.all("aws:iam/role:Role");
    for (const r of roles) assert.deepEqual(JSON.parse(r.inputs.assumeRolePolicy as string), trust, r.name);
    const read = t.all("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "shop-task-read")!.inputs;
    assert.equal(read.role, "shop-task-role-id");
    assert.deepEqual(JSON.parse(read.policy as string), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadDeclaredSecrets",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: [EXISTING, CREATED],
        },
        {
          Sid: "BatchReadDeclaredSecrets",
          Effect: "Allow",
          Action: "secretsmanager:BatchGetSecretValue",
          Resource: "*",
        },
      ],
    });
    assert.deepEqual(JSON.parse(t.outputs.taskRolePolicy), JSON.parse(read.policy as string));
  });

  it("execution role: pulls the app's ECR repository, writes the task's log group, reads no secret", () => {
    const exec = t.all("aws:iam/rolePolicy:RolePolicy").find((r) => r.name === "shop-execution")!.inputs;
    assert.equal(exec.role, "shop-execution-role-id");
    assert.deepEqual(JSON.parse(exec.policy as string), {
      Version: "2012-10-17",
      Statement: [
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
          Sid: "PullTaskImages",
          Effect: "Allow",
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          Resource: `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/shop/api`,
        },
        {
          Sid: "WriteTaskLogs",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${LOG_GROUP_ARN}:log-stream:*`,
        },
      ],
    });
  });

  it("log group: retention 30 days under /secret-mount/<family>/", () => {
    const lg = t.one("aws:cloudwatch/logGroup:LogGroup");
    assert.deepEqual(
      { namePrefix: lg.namePrefix, retentionInDays: lg.retentionInDays },
      { namePrefix: "/secret-mount/shop/", retentionInDays: 30 },
    );
  });

  it("the RegisterTaskDefinition request passes botocore's client-side validation (the AWS CLI's)", () => {
    const { errors } = botocoreErrors("ecs", "RegisterTaskDefinition", registerRequest(t));
    assert.equal(errors, "");
  });

  it("botocore's validation is not a rubber stamp: it refuses the request with a wrong type and an unknown dependsOn condition", () => {
    const req = registerRequest(t) as { containerDefinitions: Record<string, any>[] };
    req.containerDefinitions[0].essential = "false";
    req.containerDefinitions[1].dependsOn[0].condition = "EXITED";
    const { errors } = botocoreErrors("ecs", "RegisterTaskDefinition", req);
    assert.match(errors, /containerDefinitions\[0\]\.essential/);
    assert.match(errors, /dependsOn\[0\]\.condition: 'EXITED'/);
  });
});

describe("SecretMountedTask on EC2: a task-scoped tmpfs volume", () => {
  let t: MockedTask;
  before(async () => {
    t = await mockTask(
      "shop",
      taskArgs({
        launchType: "EC2",
        memory: 512,
        fileGroup: 3000,
        containers: [{ name: "api", image: APP_IMAGE, user: "10001:3000", memoryReservation: 128 }],
      }),
    );
  });

  it("the volume is a task-scoped local Docker volume on tmpfs owned by the fetcher and fileGroup (setgid)", () => {
    const td = t.one("aws:ecs/taskDefinition:TaskDefinition");
    assert.deepEqual(td.volumes, [
      {
        name: "secret-mount",
        dockerVolumeConfiguration: {
          scope: "task",
          driver: "local",
          driverOpts: { type: "tmpfs", device: "tmpfs", o: "size=1m,uid=65532,gid=3000,mode=2750,noexec,nosuid,nodev" },
        },
      },
    ]);
    assert.deepEqual(td.requiresCompatibilities, ["EC2"]);
    assert.equal(td.cpu, undefined);
    assert.equal(td.memory, "512");
    assert.equal(td.runtimePlatform, undefined);
  });

  it("the fetch container gets no-new-privileges and a memory limit that holds the volume", () => {
    const [fetch] = defs(t);
    assert.deepEqual(fetch.dockerSecurityOptions, ["no-new-privileges"]);
    assert.equal(fetch.memory, 97);
  });

  it("the RegisterTaskDefinition request passes botocore's validation", () => {
    assert.equal(botocoreErrors("ecs", "RegisterTaskDefinition", registerRequest(t)).errors, "");
  });
});

describe("SecretMountedTask: the fetch container writes into the fetch image's VOLUME directory", () => {
  const [volume] = fetchImageVolumes();
  const mountOf = (d: Record<string, any>) =>
    d.mountPoints.find((m: { sourceVolume: string }) => m.sourceVolume === "secret-mount");

  it("the fetch image declares one VOLUME, made owned by the fetcher (65532:65532), group read and traverse, nothing for others", () => {
    assert.deepEqual(
      fetchImageVolumes().map((v) => v.path),
      ["/secret-mount"],
    );
    assert.equal(volume.uid, 65532);
    assert.equal(volume.gid, 65532);
    assert.equal(volume.mode & 0o777, 0o750);
  });

  for (const launchType of ["FARGATE", "EC2"] as const) {
    it(`${launchType}: the fetch container mounts the shared volume at exactly that path and the FetchSpec writes there; the apps mount it at mountPath`, async () => {
      const t = await mockTask(
        "shop",
        taskArgs({
          launchType,
          mountPath: "/etc/shop/secrets",
          ...(launchType === "EC2"
            ? {
                memory: 512,
                containers: [{ name: "api", image: APP_IMAGE, user: "10001:65532", memoryReservation: 128 }],
              }
            : {}),
        }),
      );
      const [fetch, app] = defs(t);
      assert.deepEqual(mountOf(fetch), { sourceVolume: "secret-mount", containerPath: volume.path, readOnly: false });
      assert.equal(JSON.parse(t.outputs.fetchSpec).dir, volume.path);
      assert.deepEqual(mountOf(app), {
        sourceVolume: "secret-mount",
        containerPath: "/etc/shop/secrets",
        readOnly: true,
      });
      assert.equal(t.outputs.mountPath, "/etc/shop/secrets");
    });
  }

  it("EC2: the tmpfs volume is created with the image directory's owner and mode (uid 65532, gid fileGroup, the same mode)", async () => {
    const t = await mockTask(
      "shop",
      taskArgs({
        launchType: "EC2",
        memory: 512,
        containers: [{ name: "api", image: APP_IMAGE, user: "10001:65532", memoryReservation: 128 }],
      }),
    );
    const o = t.one("aws:ecs/taskDefinition:TaskDefinition").volumes[0].dockerVolumeConfiguration.driverOpts
      .o as string;
    const opts = Object.fromEntries(o.split(",").map((kv) => kv.split("=")));
    assert.equal(opts.uid, String(volume.uid));
    assert.equal(opts.gid, String(volume.gid));
    assert.equal(parseInt(opts.mode, 8), volume.mode);
  });
});

describe("SecretMountedTask: a secret chosen for ECS native injection", () => {
  let t: MockedTask;
  const PARAM = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop/flags`;
  before(async () => {
    t = await mockTask(
      "shop",
      taskArgs({
        secrets: [
          { name: "db-password", generate: { type: "password" } },
          { name: "stripe", existing: { arn: EXISTING } },
          { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
        ],
        nativeSecrets: [
          { secret: "stripe", container: "api", name: "STRIPE_API_KEY", jsonKey: "apiKey" },
          { secret: "flags", container: "api", name: "FLAGS" },
        ],
      }),
    );
  });

  it("the app gets ECS secrets with valueFrom arn:…:json-key:version-stage:version-id, the fetcher no longer fetches them", () => {
    const [fetch, app] = defs(t);
    assert.deepEqual(app.secrets, [
      { name: "STRIPE_API_KEY", valueFrom: `${EXISTING}:apiKey::` },
      { name: "FLAGS", valueFrom: PARAM },
    ]);
    const spec = JSON.parse(fetch.environment.find((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC").value);
    assert.deepEqual(
      spec.files.map((f: { path: string }) => f.path),
      ["db-password"],
    );
  });

  it("the execution role reads exactly the native secrets; the task role only the file secret", () => {
    const exec = JSON.parse(t.outputs.executionRolePolicy);
    assert.deepEqual(exec.Statement.slice(3), [
      {
        Sid: "NativeReadDeclaredSecrets",
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: [EXISTING],
      },
      {
        Sid: "NativeReadDeclaredParameters",
        Effect: "Allow",
        Action: ["ssm:GetParameter", "ssm:GetParameters"],
        Resource: [PARAM],
      },
    ]);
    assert.deepEqual(JSON.parse(t.outputs.taskRolePolicy).Statement, [
      { Sid: "ReadDeclaredSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [CREATED] },
    ]);
  });

  it("the RegisterTaskDefinition request passes botocore's validation", () => {
    assert.equal(botocoreErrors("ecs", "RegisterTaskDefinition", registerRequest(t)).errors, "");
  });
});

describe("SecretMountedTask: mountInto leaves a sidecar that needs no secrets out", () => {
  const OTEL = "public.ecr.aws/aws-observability/aws-otel-collector@sha256:" + "b".repeat(64);
  let t: MockedTask;
  before(async () => {
    t = await mockTask(
      "shop",
      taskArgs({
        containers: [
          { name: "api", image: APP_IMAGE, user: "10001:65532" },
          { name: "otel", image: OTEL, essential: false }, // no user: it reads no secret file
        ],
        mountInto: ["api"],
      }),
    );
  });

  it("the collector gets no mount, no dependsOn on the fetch container and no user; the app still mounts read-only and waits for SUCCESS", () => {
    const [fetch, api, otel] = defs(t);
    assert.equal(fetch.name, "secret-mount-fetch");
    assert.deepEqual(api.mountPoints, [
      { sourceVolume: "secret-mount", containerPath: "/run/secrets/app", readOnly: true },
    ]);
    assert.deepEqual(api.dependsOn, [{ containerName: "secret-mount-fetch", condition: "SUCCESS" }]);
    assert.equal(api.user, "10001:65532");
    assert.deepEqual(otel, {
      name: "otel",
      image: OTEL,
      essential: false,
      readonlyRootFilesystem: true,
      logConfiguration: awslogs("app"),
    });
  });

  it("the RegisterTaskDefinition request passes botocore's validation", () => {
    assert.equal(botocoreErrors("ecs", "RegisterTaskDefinition", registerRequest(t)).errors, "");
  });

  it("the render review says the collector mounts no secrets and starts at once, the app read-only after SUCCESS", () => {
    const { entries, notes } = buildArtifacts(t.resources, {
      project: "p",
      stack: "dev",
      placeholders: [],
      scope: { ...DEFAULT_SCOPE, regionConfigured: true },
    });
    const text = formatReview("p (stack dev)", entries, notes).replace(/\n {20,}/g, " ");
    assert.match(text, /apps start after +api: secret-mount-fetch SUCCESS otel: nothing \(mounts no secrets\)/);
    assert.match(text, /app mounts +api: read-only otel: none \(no secrets: left out by mountInto\)/);
  });

  it("an app container with a user ECS takes but the files could not check (a name) is fine when left out", async () => {
    const named = await mockTask(
      "shop",
      taskArgs({
        containers: [taskArgs().containers![0], { name: "otel", image: OTEL, user: "otel" }],
        mountInto: ["api"],
      }),
    );
    assert.equal(JSON.parse(named.outputs.containerDefinitions)[2].user, "otel");
  });
});

describe("SecretMountedTask: the optional Service", () => {
  it("an ECS Service in the cluster, private networking, circuit breaker with rollback", async () => {
    const t = await mockTask(
      "shop",
      taskArgs({
        service: {
          cluster: "prod",
          desiredCount: 2,
          network: { subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"] },
        },
      }),
    );
    const s = t.one("aws:ecs/service:Service");
    assert.deepEqual(
      { ...s, tags: undefined },
      {
        name: "shop",
        cluster: "prod",
        taskDefinition: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/shop:1`,
        desiredCount: 2,
        launchType: "FARGATE",
        networkConfiguration: { subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"], assignPublicIp: false },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        propagateTags: "TASK_DEFINITION",
        tags: undefined,
      },
    );
    assert.equal(t.outputs.serviceName, "shop");
    assert.equal(t.parents.get("shop-service"), "shop");
  });

  it("without service: no Service, serviceName is empty", async () => {
    const t = await mockTask("shop", taskArgs());
    assert.equal(t.all("aws:ecs/service:Service").length, 0);
    assert.equal(t.outputs.serviceName, "");
  });
});

describe("SecretMountedTask: a new secret version registers a new task definition revision", () => {
  it("SECRET_MOUNT_REVISION follows the created secret's version id, and nothing else", async () => {
    const rev = async (v: string) => {
      const t = await mockTask("shop", taskArgs(), new VersionedMocks({ "shop-db-password-value": v }));
      return defs(t)[0].environment.find((e: { name: string }) => e.name === "SECRET_MOUNT_REVISION").value as string;
    };
    const a = await rev("v1");
    assert.equal(await rev("v1"), a);
    assert.notEqual(await rev("v2"), a);
  });
});

describe("SecretMountedTask: no Pulumi secret in a container definition", () => {
  const SECRET_VALUE = "sm-canary-7f3a-env";
  const cases: [string, Partial<TaskContainerArgs>, string][] = [
    ["environment", { environment: { API_TOKEN: pulumi.secret(SECRET_VALUE) } }, "containers[0].environment.API_TOKEN"],
    ["command", { command: ["serve", pulumi.secret(SECRET_VALUE)] }, "containers[0].command[1]"],
  ];
  for (const [what, over, field] of cases) {
    it(`refuses a secret in a container's ${what} before the task definition is registered, pointing to files or nativeSecrets`, async () => {
      const mocks = new OfflineMocks();
      await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
      const err = await firstUnhandledRejection(() => {
        new SecretMountedTask("shop", taskArgs({ containers: [{ ...taskArgs().containers![0], ...over }] }));
      });
      assert.ok(err instanceof DeclarationError, String(err));
      assert.equal(err.field, field);
      assert.match(err.message, /is a Pulumi secret: .*task definition.*Declare it under `secrets`.*nativeSecrets/);
      assert.ok(!err.message.includes(SECRET_VALUE));
      assert.deepEqual(
        mocks.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition"),
        [],
      );
    });
  }

  it("refuses a secret among a container's log driver options before the task definition is registered, pointing away from options", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const err = await firstUnhandledRejection(() => {
      new SecretMountedTask(
        "shop",
        taskArgs({
          containers: [
            {
              ...taskArgs().containers![0],
              logConfiguration: {
                logDriver: "splunk",
                options: {
                  "splunk-url": "https://splunk.example.com:8088",
                  "splunk-token": pulumi.secret(SECRET_VALUE),
                },
              },
            },
          ],
        }),
      );
    });
    assert.ok(err instanceof DeclarationError, String(err));
    assert.equal(err.field, "containers[0].logConfiguration.options.splunk-token");
    assert.match(
      err.message,
      /is a Pulumi secret: it would sit in clear text in the task definition.*secretOptions, which SecretMountedTask does not render: use the awslogs driver/,
    );
    assert.ok(!err.message.includes(SECRET_VALUE));
    assert.deepEqual(
      mocks.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition"),
      [],
    );
  });

  it("plain log driver options, from Outputs too, pass through unchanged", async () => {
    const t = await mockTask(
      "shop",
      taskArgs({
        containers: [
          {
            ...taskArgs().containers![0],
            logConfiguration: {
              logDriver: "awslogs",
              options: {
                "awslogs-group": pulumi.output("/shop/api"),
                "awslogs-region": "eu-west-1",
                "awslogs-stream-prefix": "api",
              },
            },
          },
        ],
      }),
    );
    assert.deepEqual(defs(t)[1].logConfiguration, {
      logDriver: "awslogs",
      options: { "awslogs-group": "/shop/api", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "api" },
    });
  });

  it("plain environment values from Outputs pass through", async () => {
    const t = await mockTask(
      "shop",
      taskArgs({ containers: [{ ...taskArgs().containers![0], environment: { REGION: pulumi.output("eu-west-1") } }] }),
    );
    assert.deepEqual(defs(t)[1].environment, [{ name: "REGION", value: "eu-west-1" }]);
  });
});
