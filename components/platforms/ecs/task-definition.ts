/**
 * The ECS task wiring: container definitions and volumes as RegisterTaskDefinition takes them.
 * Pure: every Input is resolved by the caller.
 */
import { FETCH_IMAGE_VOLUME_MODE, FETCH_UID } from "../../core/file-access";
import { FETCH_CONTAINER_NAME } from "../../core/containers";
import { FETCH_SPEC_ENV } from "../../../spec/fetch-spec";
import type { EcsHealthCheckArgs, EcsLogConfigurationArgs, EcsPortMappingArgs } from "./args";
import { ECS_TASK_DEFINITION_MAX_BYTES, ECS_VOLUME_NAME, type EcsDeclaration } from "./plan";
import { DeclarationError } from "../../core/declaration-error";

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type ContainerDefinition = { [k: string]: Json };

/** An app container with its Inputs resolved. */
export interface ResolvedContainer {
  name: string;
  image: string;
  user?: string;
  command?: string[];
  entryPoint?: string[];
  workingDirectory?: string;
  environment?: { [name: string]: string };
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  portMappings?: EcsPortMappingArgs[];
  healthCheck?: EcsHealthCheckArgs;
  logConfiguration?: { logDriver: EcsLogConfigurationArgs["logDriver"]; options?: { [k: string]: string } };
  readonlyRootFilesystem: boolean;
  essential: boolean;
}

export interface ResolvedTask {
  containers: ResolvedContainer[];
  fetchImage: string;
  /** The FetchSpec JSON. */
  spec: string;
  region: string;
  logGroupName: string;
  /** Names what the task must read (a hash of version ids): a new secret version yields a new revision. */
  revision: string;
  /** `valueFrom` of each native secret, parallel to `decl.native`. */
  nativeValueFrom: string[];
}

/** `valueFrom` of a natively injected secret (ECS: `arn:…:secret:name-AbCdEf:json-key:version-stage:version-id`). */
export function nativeValueFrom(store: "secrets-manager" | "ssm-parameter", arn: string, jsonKey?: string): string {
  if (store === "ssm-parameter" || jsonKey === undefined) return arn;
  return `${arn}:${jsonKey}::`;
}

const env = (vars: { [k: string]: string }) =>
  Object.keys(vars)
    .sort()
    .map((name) => ({ name, value: vars[name] }));

/** The container definitions: the fetch container first, then the apps, in declaration order. */
export function containerDefinitions(decl: EcsDeclaration, r: ResolvedTask): ContainerDefinition[] {
  const ec2 = decl.launchType === "EC2";
  const awslogs = (prefix: string) => ({
    logDriver: "awslogs",
    options: { "awslogs-group": r.logGroupName, "awslogs-region": r.region, "awslogs-stream-prefix": prefix },
  });
  const fetch: ContainerDefinition = {
    name: FETCH_CONTAINER_NAME,
    image: r.fetchImage,
    // Not essential: it exits 0 once every file is written, and the task keeps running.
    essential: false,
    user: `${FETCH_UID}:${FETCH_UID}`,
    readonlyRootFilesystem: true,
    memoryReservation: decl.fetch.memoryReservation,
    memory: decl.fetch.memory,
    environment: env({
      [FETCH_SPEC_ENV]: r.spec,
      // The fetcher reads with the task role only, never the instance's.
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_REGION: r.region,
      SECRET_MOUNT_REVISION: r.revision,
    }),
    // Exactly the image's VOLUME path: Fargate then gives the volume the image directory's owner
    // (65532) and mode instead of root 0755 (ECS developer guide, "Use bind mounts with Amazon ECS").
    mountPoints: [{ sourceVolume: ECS_VOLUME_NAME, containerPath: decl.files.mountPath, readOnly: false }],
    // No initProcessEnabled: the fetcher is PID 1, handles SIGTERM itself, starts no children and exits.
    linuxParameters: { capabilities: { drop: ["ALL"] } },
    // Fargate has no dockerSecurityOptions; there the image (distroless, no setuid binaries) and the
    // dropped capabilities leave a privilege escalation nothing to use.
    ...(ec2 ? { dockerSecurityOptions: ["no-new-privileges"] } : {}),
    logConfiguration: awslogs("secret-mount"),
  };
  let n = 0;
  const apps = r.containers.map((c, i): ContainerDefinition => {
    const d = decl.containers[i];
    const natives = d.nativeSecrets.map((ns) => ({
      name: ns.name,
      valueFrom: r.nativeValueFrom[decl.native.indexOf(ns)],
    }));
    n += natives.length;
    const def: ContainerDefinition = {
      name: c.name,
      image: c.image,
      essential: c.essential,
      ...(c.user !== undefined ? { user: c.user } : {}),
      readonlyRootFilesystem: c.readonlyRootFilesystem,
      // A container mountInto leaves out neither mounts the volume nor waits for the fetcher.
      ...(d.mounts
        ? {
            // SUCCESS, never COMPLETE: the app starts only when the fetcher exited 0.
            dependsOn: [{ containerName: FETCH_CONTAINER_NAME, condition: "SUCCESS" }],
            mountPoints: [{ sourceVolume: ECS_VOLUME_NAME, containerPath: decl.all.mountPath, readOnly: true }],
          }
        : {}),
      logConfiguration: (c.logConfiguration ?? awslogs("app")) as unknown as Json,
    };
    if (c.command) def.command = c.command;
    if (c.entryPoint) def.entryPoint = c.entryPoint;
    if (c.workingDirectory) def.workingDirectory = c.workingDirectory;
    if (c.environment && Object.keys(c.environment).length) def.environment = env(c.environment);
    if (natives.length) def.secrets = natives;
    if (c.cpu !== undefined) def.cpu = c.cpu;
    if (c.memory !== undefined) def.memory = c.memory;
    if (c.memoryReservation !== undefined) def.memoryReservation = c.memoryReservation;
    if (c.portMappings?.length) {
      def.portMappings = c.portMappings.map((p) => ({
        containerPort: p.containerPort,
        hostPort: p.containerPort,
        protocol: p.protocol ?? "tcp",
        ...(p.name ? { name: p.name } : {}),
      }));
    }
    if (c.healthCheck) {
      const h = c.healthCheck;
      def.healthCheck = {
        command: h.command,
        interval: h.interval ?? 30,
        timeout: h.timeout ?? 5,
        retries: h.retries ?? 3,
        startPeriod: h.startPeriod ?? 0,
      };
    }
    return def;
  });
  if (n !== decl.native.length) throw new Error("secret-mount: a native secret was not placed in its container");
  return [fetch, ...apps];
}

/** The shared volume: tmpfs on EC2 (never on disk); on Fargate a bind mount on task ephemeral storage. */
export function taskVolumes(decl: EcsDeclaration): { [k: string]: Json }[] {
  if (decl.launchType === "FARGATE") return [{ name: ECS_VOLUME_NAME }];
  return [
    {
      name: ECS_VOLUME_NAME,
      dockerVolumeConfiguration: {
        scope: "task",
        driver: "local",
        driverOpts: {
          type: "tmpfs",
          device: "tmpfs",
          // Owned by the fetcher, group fileGroup with setgid so every file inherits it.
          o: `size=${decl.volumeMiB}m,uid=${FETCH_UID},gid=${decl.fileGroup},mode=${FETCH_IMAGE_VOLUME_MODE.toString(8)},noexec,nosuid,nodev`,
        },
      },
    },
  ];
}

/** The RegisterTaskDefinition request (what the TaskDefinition resource sends), for review and validation. */
export function registerTaskDefinitionInput(
  decl: EcsDeclaration,
  defs: ContainerDefinition[],
  roles: { taskRoleArn: string; executionRoleArn: string },
): { [k: string]: Json } {
  return {
    family: decl.family,
    taskRoleArn: roles.taskRoleArn,
    executionRoleArn: roles.executionRoleArn,
    networkMode: "awsvpc",
    requiresCompatibilities: [decl.launchType],
    ...(decl.cpu !== undefined ? { cpu: String(decl.cpu) } : {}),
    ...(decl.memory !== undefined ? { memory: String(decl.memory) } : {}),
    containerDefinitions: defs,
    volumes: taskVolumes(decl),
    ...(decl.launchType === "FARGATE" ? { runtimePlatform: { operatingSystemFamily: "LINUX" } } : {}),
  };
}

/** The container definitions as JSON, refused when the task definition would pass ECS's 64 KiB. */
export function containerDefinitionsJson(decl: EcsDeclaration, defs: ContainerDefinition[]): string {
  const json = JSON.stringify(defs);
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > ECS_TASK_DEFINITION_MAX_BYTES - 2048) {
    const spec = Buffer.byteLength(
      JSON.stringify(
        (defs[0].environment as { name: string; value: string }[]).find((e) => e.name === FETCH_SPEC_ENV)!.value,
      ),
      "utf8",
    );
    // Name what takes the room: the largest app container when it outweighs the FetchSpec.
    const apps = decl.containers.map((c) => ({
      c,
      size: Buffer.byteLength(JSON.stringify(defs.find((d) => d.name === c.name) ?? {}), "utf8"),
    }));
    const largest = apps.reduce((a, b) => (b.size > a.size ? b : a), apps[0]);
    if (largest && largest.size > spec) {
      throw new DeclarationError(
        largest.c.field,
        `makes container definitions of ${bytes} bytes (its own definition takes ${largest.size} of them, the FetchSpec ${spec}), over the ${ECS_TASK_DEFINITION_MAX_BYTES - 2048} ` +
          `an ECS task definition leaves them (ECS refuses task definitions over ${ECS_TASK_DEFINITION_MAX_BYTES / 1024} KiB); shorten its environment, command or log options, or move large configuration into a file or a secret`,
        decl.name,
      );
    }
    throw new DeclarationError(
      "secrets",
      `make container definitions of ${bytes} bytes (the FetchSpec takes ${spec} of them), over the ${ECS_TASK_DEFINITION_MAX_BYTES - 2048} ` +
        `an ECS task definition leaves them (ECS refuses task definitions over ${ECS_TASK_DEFINITION_MAX_BYTES / 1024} KiB); split the secrets over several tasks, or store related values as JSON keys of one secret and fan them out with files[].jsonKey`,
      decl.name,
    );
  }
  return json;
}
