/** Validates and defaults an ECS task declaration. Pure: throws DeclarationError before anything is registered. */
import type * as pulumi from "@pulumi/pulumi";
import { Problems } from "../../core/problems";
import { FETCH_IMAGE_VOLUME, FETCH_UID } from "../../core/file-access";
import { envNameProblem } from "../../core/names";
import { FETCH_CONTAINER_NAME } from "../../core/containers";
import { normalizeSecretSet, type SecretSetDeclaration } from "../../core/secret-set";
import { unknownFields } from "../../core/unknown-fields";
import { oneOrMany } from "../../core/one-or-many";
import { requiredVolumeBytes } from "../../core/volume-size";
import { parseFileMode } from "../../../spec/fetch-spec";
import type { SecretMountedTaskArgs } from "./task-args";
import type { EcsHealthCheckArgs, EcsLogConfigurationArgs, EcsPortMappingArgs, TaskContainerArgs } from "./args";
import { planAwsSecrets, type AwsSecretPlan, type AwsSecretsPlan } from "../../stores/aws/plan";
import { policyArnProblem } from "../../clouds/aws/arns";

/** How ECS words a secret's options for another store (the rule: core/store-options.ts); the wording EKS's has always had. */
const ECS_OTHER_STORE_OPTIONS = {
  gcp: "holds Google Secret Manager options, but the platform is eks; use aws options (or remove it)",
  azure: "holds Azure Key Vault options; on EKS use secrets[].aws (or remove it)",
};

export const ECS_VOLUME_NAME = "secret-mount";
/** ECS refuses a task definition larger than 64 KiB (RegisterTaskDefinition "TaskDefinition size"). */
export const ECS_TASK_DEFINITION_MAX_BYTES = 64 * 1024;
/** What the FetchSpec may take of it: the rest is kept for the other container definitions and fields. */
export const ECS_SPEC_MAX_BYTES = 48 * 1024;
/** The fetcher's own memory (Node, the SDKs): what the hard limit needs beyond the volume. */
export const FETCH_BASE_MEMORY_MIB = 64;
export const FETCH_DEFAULT_MEMORY_MIB = 96;
export const FETCH_DEFAULT_RESERVATION_MIB = 32;
const MIB = 1024 * 1024;
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const LOG_DRIVERS = ["awslogs", "awsfirelens", "splunk", "fluentd", "gelf", "journald", "json-file", "syslog"];
const FARGATE_LOG_DRIVERS = ["awslogs", "awsfirelens", "splunk"];
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Fargate's CPU/memory pairs (ECS developer guide, "Task CPU and memory"). */
const FARGATE_SIZES: { cpu: number; memory: number[] }[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1024, 4096, 1024) },
  { cpu: 1024, memory: range(2048, 8192, 1024) },
  { cpu: 2048, memory: range(4096, 16384, 1024) },
  { cpu: 4096, memory: range(8192, 30720, 1024) },
  { cpu: 8192, memory: range(16384, 61440, 4096) },
  { cpu: 16384, memory: range(32768, 122880, 8192) },
];
function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

export interface NormalizedTaskContainer extends TaskContainerArgs {
  readonlyRootFilesystem: boolean;
  essential: boolean;
  /** The field that declared it, for messages: `containers[i]`, or `container`. */
  field: string;
  /** Native secrets injected into this container, by env name. */
  nativeSecrets: NativeSecretPlan[];
  /** Mounts the secrets and waits for the fetch container (every app container unless `mountInto` names others). */
  mounts: boolean;
}

export interface NativeSecretPlan {
  plan: AwsSecretPlan;
  container: string;
  name: string;
  jsonKey?: string;
}

export interface EcsDeclaration {
  name: string;
  family: string;
  launchType: "FARGATE" | "EC2";
  cpu?: number;
  memory?: number;
  /** Every declared secret. */
  all: SecretSetDeclaration;
  /**
   * The secrets the fetcher writes as files (not delivered natively), indices as declared, with
   * `mountPath` the fetch container's own: FETCH_IMAGE_VOLUME (the app containers use `all.mountPath`).
   */
  files: SecretSetDeclaration;
  /** Store plans of every secret; the policy layout covers the file secrets (the task role's). */
  aws: AwsSecretsPlan;
  fileGroup: number;
  /** EC2: tmpfs size in MiB. Fargate: undefined (ephemeral storage). */
  volumeMiB?: number;
  fetch: { image?: pulumi.Input<string>; memoryReservation: number; memory: number };
  containers: NormalizedTaskContainer[];
  native: NativeSecretPlan[];
  service?: SecretMountedTaskArgs["service"] & { desiredCount: number; name: string; assignPublicIp: boolean };
  logRetentionInDays: number;
  permissionsBoundaryArn?: pulumi.Input<string>;
  tags: { [key: string]: pulumi.Input<string> };
}

const TOP_LEVEL: (keyof SecretMountedTaskArgs)[] = [
  "secrets",
  "containers",
  "container",
  "launchType",
  "family",
  "cpu",
  "memory",
  "mountInto",
  "mountPath",
  "fileMode",
  "fileGroup",
  "volumeSizeMiB",
  "envFile",
  "fetch",
  "secretNamePrefix",
  "nativeSecrets",
  "service",
  "logRetentionInDays",
  "permissionsBoundaryArn",
  "tags",
];
const CONTAINER: (keyof TaskContainerArgs)[] = [
  "name",
  "image",
  "user",
  "command",
  "entryPoint",
  "workingDirectory",
  "environment",
  "cpu",
  "memory",
  "memoryReservation",
  "portMappings",
  "healthCheck",
  "logConfiguration",
  "readonlyRootFilesystem",
  "essential",
];

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/**
 * Why Vault is refused on ECS: a task has no Kubernetes ServiceAccount token to log in with, and
 * Vault's `aws` auth method (the fetcher signing sts:GetCallerIdentity with the task role, a Vault
 * role bound to that role's ARN) is not built. Refused whole rather than half-built.
 */
export const VAULT_ON_ECS_REASON =
  "Vault is not supported on ECS: a task has no Kubernetes ServiceAccount token to log in to Vault with, and Vault's aws auth method " +
  "(the fetcher signing sts:GetCallerIdentity with the task role, logging in to a Vault role bound to that role's ARN) is not built yet; keep this " +
  "task's secrets in Secrets Manager or SSM Parameter Store, or run the workload on Kubernetes with SecretMountedWorkload";

/** Refuses `vault` and every secret's `vault` at preview, with the reason. */
function refuseVaultOnEcs(a: SecretMountedTaskArgs, fail: (field: string, problem: string) => never): void {
  if ((a as { vault?: unknown }).vault !== undefined) fail("vault", VAULT_ON_ECS_REASON);
  (Array.isArray(a.secrets) ? a.secrets : []).forEach((s, i) => {
    if (s && typeof s === "object" && (s as { vault?: unknown }).vault !== undefined)
      fail(`secrets[${i}].vault`, VAULT_ON_ECS_REASON);
  });
}

/** Validates and defaults a SecretMountedTask declaration. Throws DeclarationError naming the field and the fix. */
export function planEcsTask(name: string, args: SecretMountedTaskArgs | undefined): EcsDeclaration {
  const problems = new Problems(name);
  const { fail } = problems;
  if (!args || typeof args !== "object")
    fail("args", "are required: declare at least `secrets` and `containers` (or `container`)");
  const a = args as SecretMountedTaskArgs;
  refuseVaultOnEcs(a, fail);
  unknownFields(a as object, TOP_LEVEL, "", problems);

  const launchType = a.launchType ?? "FARGATE";
  if (launchType !== "FARGATE" && launchType !== "EC2")
    fail("launchType", `is ${JSON.stringify(launchType)}; use "FARGATE" or "EC2"`);
  const fargate = launchType === "FARGATE";
  const family = a.family ?? name;
  if (typeof family !== "string" || !NAME.test(family)) {
    fail(
      a.family === undefined ? "name (the component name, used as the task definition family)" : "family",
      `${JSON.stringify(family)} is not a task definition family: use 1-255 letters, digits, "_" and "-"`,
    );
  }

  const fetchArgs = a.fetch ?? {};
  unknownFields(fetchArgs, ["image", "timeoutSeconds", "memoryReservation", "memory"], "fetch", problems);
  const all = normalizeSecretSet(
    name,
    {
      secrets: a.secrets,
      mountPath: a.mountPath,
      fileMode: a.fileMode,
      envFile: a.envFile,
      secretNamePrefix: a.secretNamePrefix,
      fetch: { image: fetchArgs.image, timeoutSeconds: fetchArgs.timeoutSeconds },
    },
    problems,
  );

  const fileGroup = a.fileGroup ?? FETCH_UID;
  if (!Number.isInteger(fileGroup) || fileGroup < 1 || fileGroup > 2147483647)
    fail("fileGroup", `is ${JSON.stringify(a.fileGroup)}; use a non-zero GID such as ${FETCH_UID}`);
  if (fargate && fileGroup !== FETCH_UID) {
    fail(
      "fileGroup",
      `is ${fileGroup}, but on Fargate ECS creates the shared volume and the files get the fetcher's group ${FETCH_UID}; remove fileGroup and run app containers as "<uid>:${FETCH_UID}", or use launchType "EC2"`,
    );
  }

  // Which secrets are delivered natively (by name), checked before the store plans so a native
  // secret's files are never claimed.
  const nativeArgs = a.nativeSecrets ?? [];
  if (!Array.isArray(nativeArgs)) fail("nativeSecrets", "must be a list of { secret, container, name }");
  const bySecret = new Map(all.secrets.map((s) => [s.name, s]));
  const nativeNames = new Set<string>();
  nativeArgs.forEach((n, i) => {
    const at = `nativeSecrets[${i}]`;
    unknownFields(n, ["secret", "container", "name", "jsonKey"], at, problems);
    const s = bySecret.get(n.secret);
    if (!s)
      fail(`${at}.secret`, `"${n.secret}" is not a declared secret; declared: ${[...bySecret.keys()].join(", ")}`);
    if (s!.args.files !== undefined)
      fail(
        `${at}.secret`,
        `"${n.secret}" declares files; a natively injected secret becomes an environment variable, not files: remove its files or this entry`,
      );
    nativeNames.add(n.secret);
  });
  const fileSecrets = all.secrets.filter((s) => !nativeNames.has(s.name));
  if (fileSecrets.length === 0) {
    fail(
      "nativeSecrets",
      "delivers every secret natively, so there is nothing for the fetch container to write; keep at least one secret as files, or use ECS task definitions without secret-mount",
    );
  }
  if (all.envFile) {
    for (const [k, target] of Object.entries(all.envFile.vars)) {
      const owner = all.secrets.find((s) => s.files.some((f) => f.path === target));
      if (owner && nativeNames.has(owner.name))
        fail(
          `envFile.vars.${k}`,
          `refers to "${target}", a file of "${owner.name}", which nativeSecrets delivers as an environment variable instead; drop one of the two`,
        );
    }
  }
  // The fetch container writes at its image's VOLUME path, whatever mountPath the apps use: the
  // writer's links are relative, so the same volume reads the same at any path.
  const files: SecretSetDeclaration = { ...all, secrets: fileSecrets, mountPath: FETCH_IMAGE_VOLUME };
  const aws = planAwsSecrets(all, ECS_OTHER_STORE_OPTIONS, problems, (s) => !nativeNames.has(s.name));
  const planOf = new Map(aws.secrets.map((p) => [p.secret.name, p]));

  if (typeof a.permissionsBoundaryArn === "string") {
    const problem = policyArnProblem(a.permissionsBoundaryArn);
    if (problem) fail("permissionsBoundaryArn", problem);
  }

  // App containers.
  const apps = oneOrMany(a.container, a.containers, { one: "container", many: "containers" }, problems);
  if (apps.items.length === 0)
    fail(
      "containers",
      'must list at least one application container, e.g. [{ name: "app", image: "…", user: "10001:65532" }] (or declare one with `container`)',
    );
  const mountInto = a.mountInto;
  if (mountInto !== undefined && (!Array.isArray(mountInto) || mountInto.length === 0)) {
    fail("mountInto", "must name at least one app container, or be omitted to mount into every app container");
  }
  const mounts = (c: string) => mountInto === undefined || mountInto.includes(c);
  const names = new Map<string, string>();
  const checked = apps.items.map(({ item: c, at }) =>
    problems.section((): NormalizedTaskContainer => {
      if (!c || typeof c !== "object")
        fail(at, "must be an object with at least name, image and (when it mounts the secrets) user");
      unknownFields(c, CONTAINER, at, problems);
      if (typeof c.name !== "string" || !NAME.test(c.name))
        fail(
          `${at}.name`,
          `${JSON.stringify(c.name)} is not an ECS container name: use 1-255 letters, digits, "_" and "-"`,
        );
      if (c.name === FETCH_CONTAINER_NAME)
        fail(`${at}.name`, `"${FETCH_CONTAINER_NAME}" is the fetch container's name; choose another`);
      const prior = names.get(c.name);
      if (prior !== undefined)
        fail(`${at}.name`, `"${c.name}" is also the name of ${prior}; container names must be unique`);
      names.set(c.name, at);
      if (c.image === undefined || c.image === null || (typeof c.image === "string" && c.image.trim() === ""))
        fail(`${at}.image`, "is required: give the image reference, ideally pinned by digest");
      if (mounts(c.name)) checkUser(c.user, `${at}.user`, fileGroup, all, problems);
      else if (c.user !== undefined && (typeof c.user !== "string" || c.user.trim() === ""))
        fail(
          `${at}.user`,
          `${JSON.stringify(c.user)} is not an ECS user; give "<uid>:<gid>", a user name, or leave it out`,
        );
      for (const k of Object.keys(c.environment ?? {})) {
        const problem = envNameProblem(k);
        if (problem) fail(`${at}.environment.${k}`, problem);
      }
      for (const k of ["cpu", "memory", "memoryReservation"] as const) {
        if (c[k] !== undefined && !positiveInt(c[k]))
          fail(
            `${at}.${k}`,
            `is ${JSON.stringify(c[k])}; use a whole number > 0 (${k === "cpu" ? "CPU units, 1024 = one vCPU" : "MiB"})`,
          );
      }
      if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory) {
        fail(
          `${at}.memoryReservation`,
          `is ${c.memoryReservation} MiB, above the container's hard limit memory ${c.memory} MiB; lower it or raise memory`,
        );
      }
      (c.portMappings ?? []).forEach((p, j) => checkPort(p, `${at}.portMappings[${j}]`, problems));
      if (c.healthCheck) checkHealthCheck(c.healthCheck, `${at}.healthCheck`, problems);
      if (c.logConfiguration) checkLogConfiguration(c.logConfiguration, `${at}.logConfiguration`, fargate, problems);
      if (
        c.workingDirectory !== undefined &&
        (typeof c.workingDirectory !== "string" || !c.workingDirectory.startsWith("/"))
      )
        fail(`${at}.workingDirectory`, `${JSON.stringify(c.workingDirectory)} must be an absolute path`);
      return {
        ...c,
        readonlyRootFilesystem: c.readonlyRootFilesystem ?? true,
        essential: c.essential ?? true,
        field: at,
        nativeSecrets: [],
        mounts: mounts(c.name),
      };
    }),
  );
  // Each container is checked on its own; what follows relates them to each other and to the secrets.
  problems.stopIfAny();
  const containers = checked as NormalizedTaskContainer[];
  if (!containers.some((c) => c.essential))
    fail(
      apps.field,
      "has no essential container; ECS needs one (the fetch container is not essential), so keep essential true on the app",
    );
  (mountInto ?? []).forEach((n, i) => {
    if (!containers.some((c) => c.name === n))
      fail(
        `mountInto[${i}]`,
        `${JSON.stringify(n)} is not an app container; declared: ${containers.map((c) => c.name).join(", ")}`,
      );
    if (mountInto!.indexOf(n) !== i) fail(`mountInto[${i}]`, `"${n}" is named twice; name each container once`);
  });

  const native: NativeSecretPlan[] = nativeArgs.map((n, i) => {
    const at = `nativeSecrets[${i}]`;
    const c = containers.find((x) => x.name === n.container);
    if (!c)
      fail(
        `${at}.container`,
        `"${n.container}" is not an app container; declared: ${containers.map((x) => x.name).join(", ")}`,
      );
    const problem = envNameProblem(n.name);
    if (problem) fail(`${at}.name`, problem);
    if (c!.environment?.[n.name] !== undefined)
      fail(
        `${at}.name`,
        `"${n.name}" is also a plain environment variable of "${c!.name}"; ECS refuses a name in both environment and secrets`,
      );
    if (c!.nativeSecrets.some((x) => x.name === n.name))
      fail(`${at}.name`, `"${n.name}" is injected twice into "${c!.name}"`);
    const plan = planOf.get(n.secret)!;
    if (n.jsonKey !== undefined) {
      if (plan.store !== "secrets-manager")
        fail(
          `${at}.jsonKey`,
          "selects a JSON key, which ECS supports for Secrets Manager only; an SSM parameter is injected whole",
        );
      if (typeof n.jsonKey !== "string" || !/^[^:]+$/.test(n.jsonKey))
        fail(
          `${at}.jsonKey`,
          `${JSON.stringify(n.jsonKey)} must be a non-empty key without ":" (ECS separates the valueFrom parts with ":")`,
        );
      if (plan.secret.generate?.type === "password")
        fail(`${at}.jsonKey`, "a generated password is plain text, not JSON; remove jsonKey");
    } else if (plan.secret.generate && plan.secret.generate.type !== "password") {
      fail(
        `${at}.jsonKey`,
        `is required for a generated ${plan.secret.generate.type} key pair (stored as JSON): use "privateKeyPem" or "publicKeyPem"`,
      );
    }
    const out: NativeSecretPlan = {
      plan,
      container: c!.name,
      name: n.name,
      ...(n.jsonKey !== undefined ? { jsonKey: n.jsonKey } : {}),
    };
    c!.nativeSecrets.push(out);
    return out;
  });

  // Memory: the fetch container, the volume, the task.
  for (const k of ["memoryReservation", "memory"] as const) {
    if (fetchArgs[k] !== undefined && !positiveInt(fetchArgs[k]))
      fail(`fetch.${k}`, `is ${JSON.stringify(fetchArgs[k])}; use a whole number of MiB`);
  }
  const requiredMiB = Math.max(1, Math.ceil(requiredVolumeBytes(files, aws.maxValueBytesOfFile) / MIB));
  let volumeMiB: number | undefined;
  if (fargate) {
    if (a.volumeSizeMiB !== undefined) {
      fail(
        "volumeSizeMiB",
        "sets the size of a tmpfs volume, which Fargate cannot share between containers (its task volumes are ephemeral storage on disk, encrypted at rest); " +
          'remove it to accept that, deliver sensitive secrets with nativeSecrets, or use launchType "EC2" for a memory volume',
      );
    }
  } else {
    volumeMiB = a.volumeSizeMiB ?? requiredMiB;
    if (!positiveInt(volumeMiB))
      fail("volumeSizeMiB", `is ${JSON.stringify(a.volumeSizeMiB)}; use a whole number of MiB`);
    if (volumeMiB < requiredMiB) {
      fail(
        "volumeSizeMiB",
        `is ${volumeMiB} MiB, smaller than the declared secrets may need (${requiredMiB} MiB: each file at its store's maximum size, in whole 4 KiB pages, twice for the atomic swap); set at least ${requiredMiB} or omit it`,
      );
    }
  }
  const fetchMemory = fetchArgs.memory ?? FETCH_DEFAULT_MEMORY_MIB + (volumeMiB ?? 0);
  if (volumeMiB !== undefined && fetchMemory < FETCH_BASE_MEMORY_MIB + volumeMiB) {
    fail(
      "fetch.memory",
      `is ${fetchMemory} MiB, too small for the volume: the fetcher needs about ${FETCH_BASE_MEMORY_MIB} MiB and the ${volumeMiB} MiB it writes to tmpfs are charged to it; set at least ${FETCH_BASE_MEMORY_MIB + volumeMiB} or omit it`,
    );
  }
  const fetchReservation = fetchArgs.memoryReservation ?? Math.min(FETCH_DEFAULT_RESERVATION_MIB, fetchMemory);
  if (fetchReservation > fetchMemory)
    fail("fetch.memoryReservation", `is ${fetchReservation} MiB, above fetch.memory ${fetchMemory} MiB`);

  let cpu = a.cpu;
  let memory = a.memory;
  if (fargate) {
    cpu = cpu ?? 256;
    memory = memory ?? FARGATE_SIZES.find((s) => s.cpu === cpu)?.memory[0] ?? 512;
    const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
    if (!size)
      fail("cpu", `is ${JSON.stringify(a.cpu)}; Fargate takes ${FARGATE_SIZES.map((s) => s.cpu).join(", ")} CPU units`);
    if (!size!.memory.includes(memory)) {
      fail(
        "memory",
        `is ${JSON.stringify(memory)} MiB, which Fargate does not offer with ${cpu} CPU units; use ${size!.memory[0]}-${size!.memory[size!.memory.length - 1]} MiB in steps of ${size!.memory[1] - size!.memory[0]}`,
      );
    }
  } else {
    if (cpu !== undefined && (!positiveInt(cpu) || cpu < 128))
      fail("cpu", `is ${JSON.stringify(cpu)}; use at least 128 CPU units (1024 = one vCPU)`);
    if (memory !== undefined && (!positiveInt(memory) || memory < 128))
      fail("memory", `is ${JSON.stringify(memory)}; use at least 128 MiB`);
    // On EC2 without a task size, ECS needs a memory or memoryReservation on every container.
    if (memory === undefined) {
      const i = containers.findIndex((c) => c.memory === undefined && c.memoryReservation === undefined);
      if (i >= 0)
        fail(
          `${containers[i].field}.memoryReservation`,
          "is required on EC2 without a task-level memory: set memoryReservation (or memory) on the container, or memory on the task",
        );
    }
  }
  if (memory !== undefined) {
    const reserved = fetchReservation + containers.reduce((n, c) => n + (c.memoryReservation ?? c.memory ?? 0), 0);
    const hardest = Math.max(fetchMemory, ...containers.map((c) => c.memory ?? 0));
    if (reserved > memory || hardest > memory) {
      fail(
        "memory",
        `is ${memory} MiB, too small for the containers: they reserve ${reserved} MiB (the fetch container ${fetchReservation}) and the largest hard limit is ${hardest} MiB` +
          `${volumeMiB !== undefined ? `, the fetch container's including the ${volumeMiB} MiB tmpfs volume` : ""}; raise memory or lower the containers'`,
      );
    }
  }

  let service: EcsDeclaration["service"];
  if (a.service) {
    const s = a.service;
    unknownFields(s, ["cluster", "desiredCount", "network", "name"], "service", problems);
    if (s.cluster === undefined || s.cluster === null || s.cluster === "")
      fail("service.cluster", "is required: the name or ARN of the ECS cluster");
    const desiredCount = s.desiredCount ?? 1;
    if (!Number.isInteger(desiredCount) || desiredCount < 0)
      fail("service.desiredCount", `is ${JSON.stringify(desiredCount)}; use a whole number ≥ 0`);
    if (!s.network)
      fail("service.network", "is required: the task uses awsvpc networking, so give subnets (and security groups)");
    unknownFields(s.network, ["subnets", "securityGroups", "assignPublicIp"], "service.network", problems);
    if (!Array.isArray(s.network.subnets) || s.network.subnets.length === 0)
      fail("service.network.subnets", "must list at least one subnet id");
    const serviceName = s.name ?? name;
    if (!NAME.test(serviceName))
      fail(
        "service.name",
        `${JSON.stringify(serviceName)} is not a service name: use 1-255 letters, digits, "_" and "-"`,
      );
    service = { ...s, desiredCount, name: serviceName, assignPublicIp: s.network.assignPublicIp ?? false };
  }

  const logRetentionInDays = a.logRetentionInDays ?? 30;
  if (!LOG_RETENTION_DAYS.includes(logRetentionInDays))
    fail(
      "logRetentionInDays",
      `is ${JSON.stringify(logRetentionInDays)}; CloudWatch takes ${LOG_RETENTION_DAYS.join(", ")}`,
    );

  problems.throwIfAny();
  return {
    name,
    family,
    launchType,
    cpu,
    memory,
    all,
    files,
    aws,
    fileGroup,
    volumeMiB,
    fetch: { image: all.fetch.image, memoryReservation: fetchReservation, memory: fetchMemory },
    containers,
    native,
    service,
    logRetentionInDays,
    permissionsBoundaryArn: a.permissionsBoundaryArn,
    tags: a.tags ?? {},
  };
}

/**
 * ECS has no fsGroup: a container's only groups are its user's primary group (`"<uid>:<gid>"`).
 * The files are owned by 65532 and `fileGroup`, so an app reads them as uid 65532 through the
 * owner bits or with gid `fileGroup` through the group bits.
 */
function checkUser(
  user: unknown,
  field: string,
  fileGroup: number,
  set: SecretSetDeclaration,
  problems: Problems,
): void {
  const { fail } = problems;
  const example = `"10001:${fileGroup}"`;
  if (user === undefined)
    fail(
      field,
      `is required on ECS: the secret files are owned by ${FETCH_UID}:${fileGroup} with mode ${set.fileMode}, and ECS cannot add a supplementary group, so run the app as "<uid>:${fileGroup}", e.g. ${example}`,
    );
  const m = typeof user === "string" ? /^(\d+):(\d+)$/.exec(user) : null;
  if (!m)
    fail(
      field,
      `${JSON.stringify(user)} is not "<uid>:<gid>" with numeric ids, e.g. ${example}: names cannot be checked against the files' owner at preview`,
    );
  const uid = Number(m![1]);
  const gid = Number(m![2]);
  if (uid === 0) fail(field, `${JSON.stringify(user)} runs as root; use a non-root uid, e.g. ${example}`);
  const modes = [
    set.fileMode,
    ...set.secrets.flatMap((s) => s.files.map((f) => f.mode).filter((x): x is string => x !== undefined)),
  ];
  for (const mode of modes) {
    const bits = parseFileMode(mode)!;
    const readable = uid === FETCH_UID ? (bits & 0o400) !== 0 : gid === fileGroup && (bits & 0o040) !== 0;
    if (!readable) {
      fail(
        field,
        `${JSON.stringify(user)} cannot read files with mode ${mode} owned by ${FETCH_UID}:${fileGroup}: ${gid !== fileGroup && uid !== FETCH_UID ? `use gid ${fileGroup}, e.g. "${uid}:${fileGroup}"` : "give the group read (0440)"}`,
      );
    }
  }
}

function checkPort(p: EcsPortMappingArgs, at: string, problems: Problems): void {
  const { fail } = problems;
  unknownFields(p, ["containerPort", "hostPort", "protocol", "name"], at, problems);
  if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535)
    fail(`${at}.containerPort`, `is ${JSON.stringify(p.containerPort)}; use 1-65535`);
  if (p.hostPort !== undefined && p.hostPort !== p.containerPort)
    fail(
      `${at}.hostPort`,
      `is ${JSON.stringify(p.hostPort)}; in awsvpc mode it must equal containerPort (${p.containerPort}) or be omitted`,
    );
  if (p.protocol !== undefined && p.protocol !== "tcp" && p.protocol !== "udp")
    fail(`${at}.protocol`, `is ${JSON.stringify(p.protocol)}; use "tcp" or "udp"`);
  if (p.name !== undefined && (typeof p.name !== "string" || !/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/.test(p.name)))
    fail(
      `${at}.name`,
      `${JSON.stringify(p.name)} is not a port mapping name: at most 64 lower-case letters, digits and "-"`,
    );
}

function checkHealthCheck(h: EcsHealthCheckArgs, at: string, problems: Problems): void {
  const { fail } = problems;
  unknownFields(h, ["command", "interval", "timeout", "retries", "startPeriod"], at, problems);
  if (!Array.isArray(h.command) || h.command.length < 2 || !["CMD", "CMD-SHELL"].includes(h.command[0])) {
    fail(
      `${at}.command`,
      `${JSON.stringify(h.command)} must start with "CMD" or "CMD-SHELL" and the command, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`,
    );
  }
  const bounds = { interval: [5, 300], timeout: [2, 60], retries: [1, 10], startPeriod: [0, 300] } as const;
  for (const [k, [lo, hi]] of Object.entries(bounds)) {
    const v = (h as unknown as Record<string, unknown>)[k];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi))
      fail(`${at}.${k}`, `is ${JSON.stringify(v)}; ECS takes ${lo}-${hi}`);
  }
}

function checkLogConfiguration(l: EcsLogConfigurationArgs, at: string, fargate: boolean, problems: Problems): void {
  const { fail } = problems;
  unknownFields(l, ["logDriver", "options"], at, problems);
  if (!LOG_DRIVERS.includes(l.logDriver))
    fail(`${at}.logDriver`, `is ${JSON.stringify(l.logDriver)}; use one of ${LOG_DRIVERS.join(", ")}`);
  if (fargate && !FARGATE_LOG_DRIVERS.includes(l.logDriver))
    fail(`${at}.logDriver`, `"${l.logDriver}" is not available on Fargate; use ${FARGATE_LOG_DRIVERS.join(", ")}`);
}
