import type * as pulumi from "@pulumi/pulumi";

/** Where ECS runs the task. */
export const EcsLaunchType = {
  /** AWS Fargate (the default): the shared volume is task ephemeral storage, on disk, encrypted at rest. */
  Fargate: "FARGATE",
  /** EC2 container instances: the shared volume is a task-scoped Docker volume on tmpfs (memory). */
  Ec2: "EC2",
} as const;
/** Where ECS runs the task: `FARGATE` (default) or `EC2`. */
export type EcsLaunchType = (typeof EcsLaunchType)[keyof typeof EcsLaunchType];

/** The protocol of an ECS port mapping. */
export const EcsPortProtocol = {
  /** TCP (the default). */
  Tcp: "tcp",
  /** UDP. */
  Udp: "udp",
} as const;
/** The protocol of an ECS port mapping: `tcp` (default) or `udp`. */
export type EcsPortProtocol = (typeof EcsPortProtocol)[keyof typeof EcsPortProtocol];

/** An ECS log driver. */
export const EcsLogDriver = {
  /** CloudWatch Logs. */
  Awslogs: "awslogs",
  /** FireLens (Fluent Bit / Fluentd sidecar). */
  Awsfirelens: "awsfirelens",
  /** Splunk. */
  Splunk: "splunk",
  /** Fluentd (EC2 only). */
  Fluentd: "fluentd",
  /** GELF (EC2 only). */
  Gelf: "gelf",
  /** journald (EC2 only). */
  Journald: "journald",
  /** JSON files on the instance (EC2 only). */
  JsonFile: "json-file",
  /** syslog (EC2 only). */
  Syslog: "syslog",
} as const;
/** An ECS log driver: `awslogs`, `awsfirelens`, `splunk`, or on EC2 also `fluentd`, `gelf`, `journald`, `json-file`, `syslog`. */
export type EcsLogDriver = (typeof EcsLogDriver)[keyof typeof EcsLogDriver];

/** A port mapping of an app container (task network mode `awsvpc`). */
export interface EcsPortMapping {
  /** The port the container listens on (1-65535). */
  containerPort: number;
  /**
   * Must equal `containerPort` in `awsvpc` mode (default: the same).
   * @default `containerPort`
   */
  hostPort?: number;
  /**
   * `tcp` (default) or `udp`.
   * @default `tcp`
   */
  protocol?: EcsPortProtocol;
  /** Name of the mapping (for Service Connect), letters, digits and `-`, at most 64. */
  name?: string;
}
/** {@link EcsPortMapping} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsPortMappingArgs = EcsPortMapping;

/** The container health check ECS runs (Docker HEALTHCHECK). */
export interface EcsHealthCheck {
  /** `["CMD", "curl", "-f", "http://localhost/"]` or `["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`. */
  command: string[];
  /**
   * Seconds between checks, 5-300 (default 30).
   * @default `30`
   */
  interval?: number;
  /**
   * Seconds before one check fails, 2-60 (default 5).
   * @default `5`
   */
  timeout?: number;
  /**
   * Consecutive failures before unhealthy, 1-10 (default 3).
   * @default `3`
   */
  retries?: number;
  /**
   * Grace period in seconds before failures count, 0-300 (default 0).
   * @default `0`
   */
  startPeriod?: number;
}
/** {@link EcsHealthCheck} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsHealthCheckArgs = EcsHealthCheck;

/** A container's log configuration, as ECS takes it. */
export interface EcsLogConfiguration {
  /** The log driver. */
  logDriver: EcsLogDriver;
  /**
   * Driver options (e.g. `awslogs-group`). Plain values only: they sit in clear text in the task
   * definition, so a Pulumi secret here is refused (ECS's `secretOptions` is not rendered).
   */
  options?: { [key: string]: pulumi.Input<string> };
}
/** {@link EcsLogConfiguration} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsLogConfigurationArgs = EcsLogConfiguration;

/**
 * One application container of the task. Unless `mountInto` leaves it out, it mounts the secrets
 * volume read-only at `mountPath` and starts only after the fetch container exited 0 (`dependsOn`
 * condition `SUCCESS`).
 */
export interface TaskContainer {
  /** Container name: letters, digits, `_` and `-`, at most 255. */
  name: string;
  /** Image reference; pin it by digest (`repo@sha256:…`). */
  image: pulumi.Input<string>;
  /**
   * The user to run as, `"<uid>:<gid>"` (numeric, uid not 0); required when the container mounts
   * the secrets. The secret files are owned by 65532:`fileGroup` with mode `fileMode` (default
   * `0440`), and ECS cannot add a supplementary group, so the gid must be `fileGroup` (default
   * 65532), or the uid 65532. A container `mountInto` leaves out takes any ECS `user` (or none).
   */
  user?: string;
  /** Overrides the image's `CMD`. */
  command?: pulumi.Input<string>[];
  /** Overrides the image's `ENTRYPOINT`. */
  entryPoint?: pulumi.Input<string>[];
  /**
   * Working directory (the image's by default).
   * @default the image's (`WORKDIR`)
   */
  workingDirectory?: string;
  /** Plain (non-secret) environment variables. Secrets belong in files, or in `nativeSecrets`. */
  environment?: { [name: string]: pulumi.Input<string> };
  /** CPU units reserved for the container (1024 = one vCPU). */
  cpu?: number;
  /** Hard memory limit in MiB: the container is killed above it. */
  memory?: number;
  /** Soft memory reservation in MiB. */
  memoryReservation?: number;
  /** Ports the container listens on. */
  portMappings?: EcsPortMappingArgs[];
  /** Health check run by the container agent. */
  healthCheck?: EcsHealthCheckArgs;
  /**
   * Log configuration (default: `awslogs` to the task's log group, stream prefix `app`).
   * @default `awslogs` to the task's log group, stream prefix `app`
   */
  logConfiguration?: EcsLogConfigurationArgs;
  /**
   * Keep the container's root file system read-only (default true).
   * @default `true`
   */
  readonlyRootFilesystem?: boolean;
  /**
   * Stop the task when this container stops (default true). At least one app container is essential.
   * @default `true`
   */
  essential?: boolean;
}
/** {@link TaskContainer} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type TaskContainerArgs = TaskContainer;

/**
 * Deliver one declared secret with ECS's native `secrets` instead of a file: the ECS agent reads it
 * with the execution role at task start and injects it as an environment variable of one
 * container. Trade-off: the value lives in that container's environment (visible to everything
 * in it that can read `/proc/<pid>/environ`, and to `docker inspect` on EC2), and the execution
 * role is granted read on exactly this secret; in exchange nothing is written to disk, which is
 * what Fargate's shared volume cannot avoid.
 */
export interface EcsNativeSecret {
  /** Name of a declared secret (`secrets[].name`). It then gets no file and the task role no read. */
  secret: string;
  /** The app container that gets the variable. */
  container: string;
  /** Environment variable name. */
  name: string;
  /** Secrets Manager only: inject only this key of the secret's JSON value. */
  jsonKey?: string;
}
/** {@link EcsNativeSecret} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsNativeSecretArgs = EcsNativeSecret;

/** The fetch container on ECS. */
export interface EcsFetchContainer {
  /** Image reference; pin by digest. Default: see docs/fetch-image.md. */
  image?: pulumi.Input<string>;
  /**
   * Overall deadline of one fetch, in seconds (default 60).
   * @default `60`
   */
  timeoutSeconds?: number;
  /**
   * Soft memory reservation in MiB (default 32).
   * @default `32`, or `memory` if that is smaller
   */
  memoryReservation?: number;
  /**
   * Hard memory limit in MiB (default 96, plus the volume's size on EC2: tmpfs pages are charged
   * to the container that writes them).
   * @default `96`, plus the volume's size on EC2 (tmpfs pages are charged to the container that writes them)
   */
  memory?: number;
}
/** {@link EcsFetchContainer} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsFetchContainerArgs = EcsFetchContainer;

/** The Service's network (`awsvpc`). */
export interface EcsNetwork {
  /** Subnet ids for the tasks' network interfaces. At least one. */
  subnets: pulumi.Input<string>[];
  /**
   * Security group ids (default: the VPC's default security group).
   * @default `undefined`: the VPC's default security group
   */
  securityGroups?: pulumi.Input<string>[];
  /**
   * Give tasks a public IP (default false: use private subnets with a NAT or VPC endpoints).
   * @default `false`: use private subnets with a NAT or VPC endpoints
   */
  assignPublicIp?: boolean;
}
/** {@link EcsNetwork} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsNetworkArgs = EcsNetwork;

/** An ECS Service running the task. */
export interface EcsService {
  /** The cluster's name or ARN. */
  cluster: pulumi.Input<string>;
  /**
   * Tasks to keep running (default 1).
   * @default `1`
   */
  desiredCount?: number;
  /** Network configuration (required: the task uses `awsvpc`). */
  network: EcsNetworkArgs;
  /**
   * Service name (default: the component name).
   * @default the component's `name`
   */
  name?: string;
}
/** {@link EcsService} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type EcsServiceArgs = EcsService;
