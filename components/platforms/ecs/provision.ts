import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ecs from "@pulumi/aws/ecs";
import * as iam from "@pulumi/aws/iam";
import { buildFetchSpec } from "../../core/build-fetch-spec";
import { DeclarationError } from "../../core/declaration-error";
import { refuseSecret } from "../../core/plain-inputs";
import { specBytesBound } from "../../core/spec-delivery";
import type { SecretSource } from "../../../spec/fetch-spec";
import { policyArnProblem, type Scope } from "../../clouds/aws/arns";
import type { EcsLogConfigurationArgs } from "./args";
import { ECS_SPEC_MAX_BYTES, type EcsDeclaration } from "./plan";
import { ecrRepositoryArn, ecsTasksTrustPolicy, executionPolicy } from "./policies";
import {
  containerDefinitions,
  containerDefinitionsJson,
  nativeValueFrom,
  taskVolumes,
  type ResolvedContainer,
} from "./task-definition";
import { revisionOf } from "../../core/revision";
import { checkedWhenResolved } from "../../core/checked-input";
import { policyFor, type GrantItem } from "../../clouds/aws/policy-split";
import { attachReadPolicies } from "../../clouds/aws/read-policies";
import { provisionAwsSecret } from "../../stores/aws/secrets";

/**
 * JSON inside JSON: the FetchSpec travels as a string in the container definitions, where every
 * `"` gains a `\`. The bound counts that at a quarter of the spec's bytes.
 */
const ESCAPING = 1.25;

/** Why a Pulumi secret may not be a container definition value, and where it belongs instead. */
const IN_TASK_DEFINITION =
  "it would sit in clear text in the task definition (readable by anyone who may call " +
  "ecs:DescribeTaskDefinition). Declare it under `secrets` and read it from its file under mountPath, or inject it with nativeSecrets";

/** Why a Pulumi secret may not be a log driver option. */
const IN_LOG_OPTIONS =
  "it would sit in clear text in the task definition (readable by anyone who may call " +
  "ecs:DescribeTaskDefinition). A log driver's credential (e.g. splunk-token) belongs in ECS's logConfiguration.secretOptions, " +
  "which SecretMountedTask does not render: use the awslogs driver (the default), or awsfirelens with a log router that reads its credential itself";

/** At preview: the FetchSpec's worst case against what a task definition can hold. */
export function checkEcsSpecBound(decl: EcsDeclaration): number {
  const references: (string | undefined)[] = [];
  for (const p of decl.aws.secrets) {
    references[p.secret.index] =
      p.storeName ?? (typeof p.secret.existing?.arn === "string" ? p.secret.existing.arn : undefined);
  }
  const bound = Math.ceil(specBytesBound(decl.files, references) * ESCAPING);
  if (bound > ECS_SPEC_MAX_BYTES) {
    const files = decl.files.secrets.reduce((n, s) => n + s.files.length, 0);
    throw new DeclarationError(
      "secrets",
      `declare ${files} files, whose FetchSpec may take up to ${Math.ceil(bound / 1024)} KiB in the fetch container's environment: ` +
        `more than the ${ECS_SPEC_MAX_BYTES / 1024} KiB secret-mount leaves it of an ECS task definition (ECS refuses task definitions over 64 KiB). ` +
        "Split the secrets over several tasks, or store related values as JSON keys of one secret and fan them out with files[].jsonKey",
      decl.name,
    );
  }
  return bound;
}

export interface EcsProvisioned {
  taskDefinition: ecs.TaskDefinition;
  service?: ecs.Service;
  taskRole: iam.Role;
  executionRole: iam.Role;
  logGroup: cloudwatch.LogGroup;
  fetchSpec: pulumi.Output<string>;
  containerDefinitions: pulumi.Output<string>;
  taskRoleTrustPolicy: pulumi.Output<string>;
  taskRolePolicy: pulumi.Output<string>;
  executionRoleTrustPolicy: pulumi.Output<string>;
  executionRolePolicy: pulumi.Output<string>;
}

/** The secrets, both roles, the log group, the task definition and the optional Service. */
export function provisionEcsTask(
  parent: pulumi.Resource,
  decl: EcsDeclaration,
  fetchImage: pulumi.Input<string>,
): EcsProvisioned {
  const name = decl.name;
  const opts = { parent };
  const scope: pulumi.Output<Scope> = pulumi
    .all([getRegionOutput({}, opts), getCallerIdentityOutput({}, opts), getPartitionOutput({}, opts)])
    .apply(([r, c, p]) => ({
      region: r.region,
      accountId: c.accountId,
      partition: p.partition,
      dnsSuffix: p.dnsSuffix,
    }));
  const tags = { "managed-by": "secret-mount", "secret-mount/component": name, ...decl.tags };

  const secrets = decl.aws.secrets.map((p) => provisionAwsSecret(parent, name, p, scope, tags));
  const byName = new Map(secrets.map((s) => [s.plan.secret.name, s]));
  const grantOf = (s: (typeof secrets)[number]) =>
    pulumi
      .all([s.policyArn, s.kms])
      .apply(([arn, kms]): GrantItem => ({ store: s.plan.store, arn, ...(kms ? { kms } : {}) }));
  const fileSecrets = decl.files.secrets.map((s) => byName.get(s.name)!);
  const taskGrants = pulumi.all(fileSecrets.map(grantOf));
  const nativeSecrets = [...new Set(decl.native.map((n) => n.plan.secret.name))].map((n) => byName.get(n)!);
  const nativeGrants = pulumi.all(nativeSecrets.map(grantOf));

  const trust = scope.apply((s) => JSON.stringify(ecsTasksTrustPolicy(s), null, 2));
  const boundary =
    decl.permissionsBoundaryArn === undefined
      ? undefined
      : checkedWhenResolved(decl.permissionsBoundaryArn, policyArnProblem, "permissionsBoundaryArn", name);

  const taskRole = new iam.Role(
    `${name}-task-role`,
    {
      description: `secret-mount: the ${decl.family} task's role; reads its secrets`,
      assumeRolePolicy: trust,
      permissionsBoundary: boundary,
      maxSessionDuration: 3600,
      tags,
    },
    opts,
  );
  const ready = attachReadPolicies(
    parent,
    `${name}-task`,
    taskRole,
    taskGrants,
    decl.aws.policyLayout,
    fileSecrets.length,
    `the ${decl.family} task`,
    tags,
  );
  for (const s of secrets) if (s.version) ready.push(s.version);

  const logGroup = new cloudwatch.LogGroup(
    `${name}-logs`,
    {
      namePrefix: `/secret-mount/${decl.family}/`,
      retentionInDays: decl.logRetentionInDays,
      tags,
    },
    opts,
  );

  const executionRole = new iam.Role(
    `${name}-execution-role`,
    {
      description: `secret-mount: pulls the ${decl.family} task's images and writes its logs`,
      assumeRolePolicy: trust,
      permissionsBoundary: boundary,
      maxSessionDuration: 3600,
      tags,
    },
    opts,
  );
  const images = pulumi.all([fetchImage, ...decl.containers.map((c) => c.image)]);
  const executionRolePolicy = pulumi
    .all([images, scope, logGroup.arn, nativeGrants])
    .apply(([imgs, sc, logGroupArn, native]) =>
      JSON.stringify(
        executionPolicy({
          repositoryArns: imgs
            .map((i) => ecrRepositoryArn(i, sc.partition))
            .filter((a): a is string => a !== undefined),
          logGroupArn,
          native,
        }),
        null,
        2,
      ),
    );
  const executionPolicyResource = new iam.RolePolicy(
    `${name}-execution`,
    { role: executionRole.id, policy: executionRolePolicy },
    opts,
  );

  const sources: pulumi.Output<SecretSource[]> = pulumi.all(fileSecrets.map((s) => s.source));
  const fetchSpec = sources.apply((src) => JSON.stringify(buildFetchSpec(decl.files, src)));
  const revision = revisionOf(
    decl.all.secrets.map((s) => s.name),
    secrets.map((s) => s.versionId),
  );
  // An existing secret named without ARN is granted as `name-??????`; ECS takes the partial ARN.
  const nativeFrom = pulumi.all(
    decl.native.map((n) =>
      byName
        .get(n.plan.secret.name)!
        .policyArn.apply((arn) => nativeValueFrom(n.plan.store, arn.replace(/-\?{6}$/, ""), n.jsonKey)),
    ),
  );
  const plain = (v: pulumi.Input<string>, field: string) => refuseSecret(v, field, name, IN_TASK_DEFINITION);
  const plainList = (vs: pulumi.Input<string>[] | undefined, field: string) =>
    vs?.map((v, j) => plain(v, `${field}[${j}]`));
  const plainMap = (vs: { [k: string]: pulumi.Input<string> }, field: string, problem = IN_TASK_DEFINITION) =>
    Object.fromEntries(Object.entries(vs).map(([k, v]) => [k, refuseSecret(v, `${field}.${k}`, name, problem)]));
  const logConfiguration = (l: EcsLogConfigurationArgs, field: string) => ({
    logDriver: l.logDriver,
    ...(l.options ? { options: plainMap(l.options, `${field}.options`, IN_LOG_OPTIONS) } : {}),
  });
  const containers = pulumi.output(
    decl.containers.map((c) => ({
      name: c.name,
      image: plain(c.image, `${c.field}.image`),
      user: c.user,
      command: plainList(c.command, `${c.field}.command`),
      entryPoint: plainList(c.entryPoint, `${c.field}.entryPoint`),
      workingDirectory: c.workingDirectory,
      environment: c.environment && plainMap(c.environment, `${c.field}.environment`),
      cpu: c.cpu,
      memory: c.memory,
      memoryReservation: c.memoryReservation,
      portMappings: c.portMappings,
      healthCheck: c.healthCheck,
      logConfiguration: c.logConfiguration && logConfiguration(c.logConfiguration, `${c.field}.logConfiguration`),
      readonlyRootFilesystem: c.readonlyRootFilesystem,
      essential: c.essential,
    })),
  ) as unknown as pulumi.Output<ResolvedContainer[]>;
  const definitions = pulumi
    .all([containers, fetchImage, fetchSpec, scope, logGroup.name, revision, nativeFrom])
    .apply(([cs, image, spec, sc, logGroupName, rev, from]) =>
      containerDefinitionsJson(
        decl,
        containerDefinitions(decl, {
          containers: cs,
          fetchImage: image,
          spec,
          region: sc.region,
          logGroupName,
          revision: rev,
          nativeValueFrom: from,
        }),
      ),
    );

  const taskDefinition = new ecs.TaskDefinition(
    `${name}-task`,
    {
      family: decl.family,
      containerDefinitions: definitions,
      networkMode: "awsvpc",
      requiresCompatibilities: [decl.launchType],
      cpu: decl.cpu === undefined ? undefined : String(decl.cpu),
      memory: decl.memory === undefined ? undefined : String(decl.memory),
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      volumes: taskVolumes(decl) as unknown as ecs.TaskDefinitionArgs["volumes"],
      runtimePlatform: decl.launchType === "FARGATE" ? { operatingSystemFamily: "LINUX" } : undefined,
      tags,
    },
    { parent, dependsOn: [...ready, executionPolicyResource] },
  );

  let service: ecs.Service | undefined;
  if (decl.service) {
    const s = decl.service;
    service = new ecs.Service(
      `${name}-service`,
      {
        name: s.name,
        cluster: s.cluster,
        taskDefinition: taskDefinition.arn,
        desiredCount: s.desiredCount,
        launchType: decl.launchType,
        networkConfiguration: {
          subnets: s.network.subnets,
          securityGroups: s.network.securityGroups,
          assignPublicIp: s.assignPublicIp,
        },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        propagateTags: "TASK_DEFINITION",
        tags,
      },
      opts,
    );
  }

  return {
    taskDefinition,
    service,
    taskRole,
    executionRole,
    logGroup,
    fetchSpec,
    containerDefinitions: definitions,
    taskRoleTrustPolicy: trust,
    taskRolePolicy: taskGrants.apply((items) => JSON.stringify(policyFor(items), null, 2)),
    executionRoleTrustPolicy: trust,
    executionRolePolicy,
  };
}
