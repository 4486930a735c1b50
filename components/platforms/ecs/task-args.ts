import type * as pulumi from "@pulumi/pulumi";
import type { EnvFileArgs, SecretArgs } from "../../core/args";
import type {
  EcsFetchContainerArgs,
  EcsLaunchType,
  EcsNativeSecretArgs,
  EcsServiceArgs,
  TaskContainerArgs,
} from "./args";

/** Arguments of SecretMountedTask: an ECS task definition (and optionally a Service) with its secrets. */
export interface SecretMountedTaskArgs {
  /** The secrets the task reads. At least one (at least one of them delivered as files). */
  secrets: SecretArgs[];
  /** The application containers: at least one, here or as `container`. */
  containers?: TaskContainerArgs[];
  /** The one application container, instead of `containers` (set one of the two). */
  container?: TaskContainerArgs;
  /**
   * `FARGATE` (default) or `EC2`.
   * @default `FARGATE`
   */
  launchType?: EcsLaunchType;
  /**
   * Task definition family: letters, digits, `_` and `-`, at most 255 (default: the component name).
   * @default the component's `name`
   */
  family?: string;
  /**
   * Task CPU units (1024 = one vCPU). Fargate: 256, 512, 1024, 2048, 4096, 8192 or 16384 (default 256).
   * EC2: optional.
   * @default `256` on Fargate; none on EC2
   */
  cpu?: number;
  /**
   * Task memory in MiB. Fargate: a size valid for `cpu` (default 512). EC2: optional.
   * @default the smallest size valid for `cpu` on Fargate (`512` for 256 CPU units); none on EC2
   */
  memory?: number;
  /**
   * App containers that mount the secrets, by name (at least one). Default: every app container.
   * A container left out (e.g. an OpenTelemetry collector) gets no mount, does not wait for the
   * fetch container and needs no `user`. It can still obtain the task role's credentials, which ECS
   * gives every container of the task: leaving it out keeps the files from it, not the access.
   * @default every app container
   */
  mountInto?: string[];
  /**
   * Where the secrets appear in the app containers that mount them (default `/run/secrets/app`).
   * @default `/run/secrets/app`
   */
  mountPath?: string;
  /**
   * Default octal mode of secret files (default `0440`: owner 65532 and `fileGroup` may read).
   * @default `0440`: owner 65532 and `fileGroup` may read
   */
  fileMode?: string;
  /**
   * EC2: the GID that owns the tmpfs volume and, through its setgid bit, every file (default
   * 65532). App containers read through it, so their `user` gid must be this one. Fargate: ECS
   * creates the volume and the files get the fetcher's group, 65532, which is the only value allowed.
   * @default `65532`
   */
  fileGroup?: number;
  /**
   * EC2: size of the tmpfs volume in MiB (default: enough for the declared secrets, at least 1). Refused on Fargate.
   * @default enough for the declared secrets, at least `1`
   */
  volumeSizeMiB?: number;
  /** Also write a dotenv file built from secret files. */
  envFile?: EnvFileArgs;
  /** The fetch container. */
  fetch?: EcsFetchContainerArgs;
  /**
   * Prefix of created secrets' store names (default `<project>/<stack>/<component name>`).
   * @default `<project>/<stack>/<component name>`
   */
  secretNamePrefix?: string;
  /** Secrets delivered with ECS's native `secrets` (environment variables) instead of files; see the trade-off there. */
  nativeSecrets?: EcsNativeSecretArgs[];
  /** Run the task as an ECS Service. */
  service?: EcsServiceArgs;
  /**
   * Days CloudWatch keeps the task's logs (default 30).
   * @default `30`
   */
  logRetentionInDays?: number;
  /** ARN of a permissions boundary for both roles, when your account requires one. */
  permissionsBoundaryArn?: pulumi.Input<string>;
  /** Tags for the AWS resources created. */
  tags?: { [key: string]: pulumi.Input<string> };
}
