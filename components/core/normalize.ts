import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_FILE_MODE, DEFAULT_GENERATION_FILE, DEFAULT_REFRESH_SECONDS, DEFAULT_TIMEOUT_SECONDS, FetchSpecError, MIN_REFRESH_SECONDS, fileModeProblem, filePathProblem, normalizeFileMode, parseNotify, pathCollision, type NotifySpec } from "../spec/fetch-spec";
import type { SecretMountedWorkloadArgs } from "../workload-args";
import type { ContainerArgs, GenerateArgs, ResourcesArgs, SecretArgs, SecretFileArgs } from "./args";
import { FETCH_UID, fileModeDeniesProblem } from "./file-access";
import { oneOrMany } from "./one-or-many";
import { FETCH_SPEC_DIR } from "./spec-delivery";
import { dns1123LabelProblem, dns1123SubdomainProblem, envNameProblem, portNameProblem } from "./names";
import { quantityBytes } from "./quantity";
import { normalizePodLabels, normalizePodSettings, POD_SETTING_FIELDS, type PodSettings } from "./pod-settings";
import { Problems } from "./problems";

/** The platforms a declaration can choose; exactly one must be set. */
export const PLATFORMS = ["eks", "aks", "gke"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const DEFAULT_MOUNT_PATH = "/run/secrets/app";
export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_FS_GROUP = 65532;
export const DEFAULT_ENV_FILE = "secrets.env";
export const FETCH_CONTAINER_NAME = "secret-mount-fetch";
/** Longest rotation period of a generated secret, in days (ten years). */
export const MAX_ROTATE_EVERY_DAYS = 3650;
export const KEY_PAIR_JSON_KEYS = { private: "privateKeyPem", public: "publicKeyPem" } as const;

export interface NormalizedGenerate {
  type: "password" | "rsa" | "ecdsa";
  length: number;
  lower: boolean;
  upper: boolean;
  numeric: boolean;
  special: boolean;
  specialCharacters: string;
  rsaBits: number;
  ecdsaCurve: "P256" | "P384" | "P521";
  /** Days between rotations; absent: never rotated. */
  rotateEveryDays?: number;
}

export interface NormalizedFile {
  path: string;
  jsonKey?: string;
  decode?: "base64";
  mode?: string;
}

export interface NormalizedSecret {
  /** Index in `secrets`, for error messages (`secrets[i]`). */
  index: number;
  name: string;
  kind: "value" | "generate" | "existing";
  value?: pulumi.Input<string>;
  generate?: NormalizedGenerate;
  existing?: { arn?: pulumi.Input<string>; name?: string; kmsKeyArn?: pulumi.Input<string> };
  /** Whether the value is known to be a JSON object (key pairs), known not to be (passwords), or unknown. */
  isJson: boolean | undefined;
  /** Upper bound of the generated value's size, when generated. */
  generatedMaxBytes?: number;
  files: NormalizedFile[];
  description?: string;
  args: SecretArgs;
}

export interface NormalizedContainer extends ContainerArgs {
  readOnlyRootFilesystem: boolean;
  /** The field that declared it, for messages: `containers[i]`, or `container`. */
  field: string;
}

/**
 * The platform-neutral half of a declaration: the secrets, their files and how the fetcher writes
 * them. Shared by SecretMountedWorkload (Kubernetes) and SecretMountedTask (ECS).
 */
export interface SecretSetDeclaration {
  name: string;
  mountPath: string;
  fileMode: string;
  refresh?: { intervalSeconds: number; notify?: NotifySpec };
  envFile?: { path: string; vars: { [name: string]: string } };
  fetch: { image?: pulumi.Input<string>; timeoutSeconds: number; resources?: ResourcesArgs };
  secretNamePrefix?: string;
  secrets: NormalizedSecret[];
}

/** The args the secret-set normalizer reads (a subset of both components' args). */
export interface SecretSetArgs {
  secrets: SecretArgs[];
  mountPath?: string;
  fileMode?: string;
  refresh?: SecretMountedWorkloadArgs["refresh"];
  envFile?: SecretMountedWorkloadArgs["envFile"];
  fetch?: SecretMountedWorkloadArgs["fetch"];
  secretNamePrefix?: string;
}

/** A validated, defaulted declaration: plain data, no resources. */
export interface Declaration extends SecretSetDeclaration {
  /** The cloud platform holding the secrets that are not in Vault; undefined when every secret is in Vault. */
  platform?: Platform;
  namespace: string;
  createNamespace: boolean;
  serviceAccountName: string;
  deploymentName: string;
  replicas: number;
  labels: { [key: string]: string };
  /** Requested sizeLimit in bytes, if the user set one. */
  volumeSizeLimit?: string;
  fsGroup: number;
  containers: NormalizedContainer[];
  /** SecretMountedWorkload: annotations, scheduling, pull secrets, priority and grace period of its pods. */
  podSettings?: PodSettings;
}

const TOP_LEVEL_FIELDS: (keyof SecretMountedWorkloadArgs)[] = [
  "secrets", "containers", "container", "namespace", "createNamespace", "serviceAccountName", "deploymentName", "kind", "replicas", "serviceName", "schedule", "backoffLimit", "labels",
  "mountPath", "volumeSizeLimit", "fileMode", "fsGroup", "refresh", "envFile", "fetch", "secretNamePrefix", ...POD_SETTING_FIELDS, ...PLATFORMS, "vault",
];
const SECRET_FIELDS: (keyof SecretArgs)[] = ["name", "value", "generate", "existing", "files", "description", "aws", "azure", "gcp", "vault"];
const CONTAINER_FIELDS: (keyof ContainerArgs)[] = [
  "name", "image", "command", "args", "workingDir", "env", "ports", "resources", "livenessProbe", "readinessProbe",
  "startupProbe", "runAsUser", "runAsGroup", "readOnlyRootFilesystem",
];
/**
 * System directories a mount may not replace: the root, the directories every image's programs and
 * libraries live in, the kernel's and runtime's virtual file systems, and the scratch directories
 * programs write to. Their subdirectories are fine (`/etc/secrets` is what teams migrating from
 * Kubernetes Secret volumes keep), except under the virtual file systems.
 */
export const SYSTEM_DIRECTORIES = [
  "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/root", "/run",
  "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin", "/usr/share", "/var", "/var/lib",
  "/var/run", "/var/tmp",
];
/** Kernel and runtime file systems: nothing may be mounted inside them either. */
const VIRTUAL_FILE_SYSTEMS = ["/dev", "/proc", "/sys"];
/** Files the kubelet itself mounts into every container. */
const KUBELET_FILES = ["/etc/hosts", "/etc/hostname", "/etc/resolv.conf"];
/** Projected service-account and cloud identity token directories (/var/run is /run in most images). */
export const TOKEN_DIRECTORIES = ["/var/run", "/run"].flatMap((r) => [
  `${r}/secrets/kubernetes.io/serviceaccount`, `${r}/secrets/eks.amazonaws.com/serviceaccount`,
  `${r}/secrets/pods.eks.amazonaws.com/serviceaccount`, `${r}/secrets/azure/tokens`, `${r}/secrets/secret-mount`,
]);
/** Namespaces the cluster owns; a workload's secrets never belong there. */
export const RESERVED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

const within = (path: string, dir: string) => dir === "/" || path.startsWith(`${dir}/`);

/** Why a mount path would hide something a container needs, or undefined. */
export function mountPathProblem(mountPath: string): string | undefined {
  const fix = `use a dedicated directory such as "${DEFAULT_MOUNT_PATH}" or "/etc/secrets"`;
  if (SYSTEM_DIRECTORIES.includes(mountPath)) return `"${mountPath}" would hide the system directory itself; ${fix}`;
  const vfs = VIRTUAL_FILE_SYSTEMS.find((d) => within(mountPath, d));
  if (vfs) return `"${mountPath}" is inside ${vfs}, which the container runtime provides; ${fix}`;
  if (KUBELET_FILES.includes(mountPath)) return `"${mountPath}" is a file the kubelet mounts into every container; ${fix}`;
  if (mountPath === FETCH_SPEC_DIR || within(mountPath, FETCH_SPEC_DIR) || within(FETCH_SPEC_DIR, mountPath)) {
    return `"${mountPath}" collides with ${FETCH_SPEC_DIR}, where the fetch container reads a large FetchSpec; ${fix}`;
  }
  const token = TOKEN_DIRECTORIES.find((t) => t === mountPath || within(t, mountPath) || within(mountPath, t));
  if (token) return `"${mountPath}" would hide or sit inside the projected token directory ${token}; ${fix}`;
  return undefined;
}

/**
 * Validates and defaults a declaration. Throws one DeclarationError holding every problem found,
 * each naming the field and the fix (independent parts are checked in sections, see Problems).
 */
export function normalizeDeclaration(name: string, args: SecretMountedWorkloadArgs | undefined): Declaration {
  const problems = new Problems(name);
  const { fail } = problems;
  if (!args || typeof args !== "object") fail("args", "are required: declare at least `secrets`, `containers` (or `container`) and one platform");
  const a = args as SecretMountedWorkloadArgs;
  unknownFields(a as object, TOP_LEVEL_FIELDS, "", problems);

  const platform = choosePlatform(a, problems.add, " (e.g. eks: { oidcProviderArn, oidcIssuerUrl }, or aks: { oidcIssuerUrl, resourceGroupName })");

  const deploymentName = a.deploymentName ?? name;
  const dnsField = a.deploymentName === undefined ? "name (the component name, used as the Deployment name)" : "deploymentName";
  problems.section(() => check(dns1123SubdomainProblem(deploymentName), dnsField, problems));
  const serviceAccountName = a.serviceAccountName ?? name;
  problems.section(() => check(dns1123SubdomainProblem(serviceAccountName), a.serviceAccountName === undefined ? "name (the component name, used as the ServiceAccount name)" : "serviceAccountName", problems));
  const namespace = a.namespace ?? DEFAULT_NAMESPACE;
  problems.section(() => {
    check(dns1123LabelProblem(namespace), "namespace", problems);
    if (RESERVED_NAMESPACES.includes(namespace)) fail("namespace", `"${namespace}" belongs to the cluster itself; deploy the workload into its own namespace`);
  });

  const replicas = a.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 0) problems.add("replicas", `is ${JSON.stringify(replicas)}; use a whole number ≥ 0`);

  const checkedSet = problems.section(() => normalizeSecretSet(name, a, problems));
  const fsGroup = a.fsGroup ?? DEFAULT_FS_GROUP;
  if (!Number.isInteger(fsGroup) || fsGroup < 1 || fsGroup > 2147483647) problems.add("fsGroup", `is ${JSON.stringify(fsGroup)}; use a non-zero GID such as ${DEFAULT_FS_GROUP}`);

  if (a.volumeSizeLimit !== undefined && quantityBytes(a.volumeSizeLimit) === undefined) {
    problems.add("volumeSizeLimit", `"${a.volumeSizeLimit}" is not a Kubernetes quantity; use e.g. "1Mi" or "512Ki"`);
  }

  const labels = problems.section(() => normalizePodLabels(a.labels, problems));

  const apps = problems.section(() => oneOrMany(a.container, a.containers, { one: "container", many: "containers" }, problems));
  if (apps?.items.length === 0) problems.add("containers", "must list at least one application container, e.g. [{ name: \"app\", image: \"…\" }] (or declare one with `container`)");
  const containerNames = new Map<string, string>();
  const checked = (apps?.items ?? []).map(({ item: c, at }) => problems.section((): NormalizedContainer => {
    if (!c || typeof c !== "object") fail(at, "must be an object with at least name and image");
    unknownFields(c, CONTAINER_FIELDS, at, problems);
    check(dns1123LabelProblem(c.name), `${at}.name`, problems);
    if (c.name === FETCH_CONTAINER_NAME) fail(`${at}.name`, `"${FETCH_CONTAINER_NAME}" is the fetch container's name; choose another`);
    const prior = containerNames.get(c.name);
    if (prior !== undefined) fail(`${at}.name`, `"${c.name}" is also the name of ${prior}; container names must be unique`);
    containerNames.set(c.name, at);
    if (c.image === undefined || c.image === null || (typeof c.image === "string" && c.image.trim() === "")) fail(`${at}.image`, "is required: give the image reference, ideally pinned by digest");
    for (const k of Object.keys(c.env ?? {})) check(envNameProblem(k), `${at}.env.${k}`, problems);
    const portNames = new Set<string>();
    (c.ports ?? []).forEach((p, j) => {
      if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) fail(`${at}.ports[${j}].containerPort`, `is ${JSON.stringify(p.containerPort)}; use 1-65535`);
      if (p.name !== undefined) {
        check(portNameProblem(p.name), `${at}.ports[${j}].name`, problems);
        if (portNames.has(p.name)) fail(`${at}.ports[${j}].name`, `"${p.name}" is used twice in this container`);
        portNames.add(p.name);
      }
    });
    if (c.runAsUser !== undefined && (!Number.isInteger(c.runAsUser) || c.runAsUser <= 0)) fail(`${at}.runAsUser`, `is ${JSON.stringify(c.runAsUser)}; the restricted Pod Security Standard needs a non-zero UID`);
    if (c.runAsGroup !== undefined && (!Number.isInteger(c.runAsGroup) || c.runAsGroup < 0)) fail(`${at}.runAsGroup`, `is ${JSON.stringify(c.runAsGroup)}; use a GID ≥ 0`);
    checkResources(c.resources, `${at}.resources`, problems);
    return { ...c, readOnlyRootFilesystem: c.readOnlyRootFilesystem ?? true, field: at };
  }));
  // Pod settings name containers (an AppArmor annotation): the names as written, whether or not each container passed.
  const podSettings = problems.section(() => normalizePodSettings(a, [FETCH_CONTAINER_NAME, ...(apps?.items ?? []).map(({ item }) => item?.name)], unknownFields, problems));
  // What follows relates the secrets to the containers: it needs both right.
  problems.stopIfAny();
  const set = checkedSet as SecretSetDeclaration;
  const { fileMode, secrets } = set;
  const containers = checked as NormalizedContainer[];

  // A signal reaches only processes of the fetcher's own UID: the restricted standard forbids CAP_KILL.
  const unsignalled = set.refresh?.notify?.signal ? containers.findIndex((c) => c.runAsUser !== FETCH_UID) : -1;
  if (unsignalled >= 0) {
    const c = containers[unsignalled];
    fail("refresh.notify.signal", `${c.field} ("${c.name}") runs as ${c.runAsUser === undefined ? "its image's user" : `UID ${c.runAsUser}`}: the fetcher (UID ${FETCH_UID}) may signal only processes of its own UID, since the restricted Pod Security Standard forbids the CAP_KILL capability that would allow more; set runAsUser: ${FETCH_UID} on every app container, or notify with http or generationFile instead`);
  }

  // Every app container must be able to read every file: check the default mode and each file's own.
  check(fileModeDeniesProblem(fileMode, containers, fsGroup), "fileMode", problems);
  for (const s of secrets) s.files.forEach((f, j) => f.mode !== undefined && check(fileModeDeniesProblem(f.mode, containers, fsGroup), `secrets[${s.index}].files[${j}].mode`, problems));
  problems.throwIfAny();

  return {
    ...set, platform, namespace, createNamespace: a.createNamespace ?? false, serviceAccountName, deploymentName, replicas,
    labels: labels as Declaration["labels"], volumeSizeLimit: a.volumeSizeLimit, fsGroup, containers, podSettings,
  };
}

/** Whether a secret declares the `vault` field (it lives in Vault, not in the platform's store). */
export function declaresVault(s: unknown): boolean {
  return !!s && typeof s === "object" && (s as { vault?: unknown }).vault !== undefined && (s as { vault?: unknown }).vault !== null;
}

/**
 * The cloud platform of a declaration: exactly one when a secret lives in a cloud store; none when
 * every secret lives in Vault (a Vault-only workload creates no cloud identity, so a platform set
 * then is refused rather than left creating an identity that reads nothing).
 */
export function choosePlatform(a: { secrets?: unknown } & { [p in Platform]?: unknown }, report: (field: string, problem: string) => void, example = ""): Platform | undefined {
  const platforms = PLATFORMS.filter((p) => a[p] !== undefined && a[p] !== null);
  if (platforms.length > 1) report(platforms.join(", "), `${platforms.join(" and ")} are all set; set exactly one platform`);
  const secrets = Array.isArray(a.secrets) ? a.secrets : [];
  const vaultOnly = secrets.length > 0 && secrets.every(declaresVault);
  if (vaultOnly && platforms.length === 1) {
    report(platforms[0], `is set, but every secret lives in Vault: the platform would create a cloud identity that reads nothing; remove ${platforms[0]} (a Vault-only workload logs in with its ServiceAccount token alone)`);
  }
  if (!vaultOnly && platforms.length === 0) {
    report("platform", `no platform is set; set exactly one of ${PLATFORMS.join(", ")}${example}, or put every secret in Vault (vault: {} on each)`);
  }
  return platforms[0];
}

/**
 * Validates and defaults the secrets, their files, the mount path and the fetcher's settings: the
 * part of a declaration every platform shares. Reports to `problems`: each secret, and each group of
 * fields, is checked on its own before the checks that relate them.
 */
export function normalizeSecretSet(name: string, a: SecretSetArgs, problems: Problems): SecretSetDeclaration {
  const { fail } = problems;
  const mountPath = problems.section(() => {
    const given = a.mountPath ?? DEFAULT_MOUNT_PATH;
    if (typeof given !== "string") fail("mountPath", `must be a string such as "${DEFAULT_MOUNT_PATH}"`);
    const collapsed = given.replace(/\/{2,}/g, "/");
    const mountPath = collapsed.length > 1 ? collapsed.replace(/\/$/, "") : collapsed;
    if (!mountPath.startsWith("/") || mountPath.split("/").some((s) => s === ".." || s === ".") || mountPath.includes(":")) {
      fail("mountPath", `"${a.mountPath}" must be an absolute path without "." or ".." segments or ":", e.g. "${DEFAULT_MOUNT_PATH}"`);
    }
    check(mountPathProblem(mountPath), "mountPath", problems);
    return mountPath;
  });

  const fileMode = a.fileMode ?? DEFAULT_FILE_MODE;
  problems.section(() => check(fileModeProblem(fileMode), "fileMode", problems));
  let refresh: Declaration["refresh"];
  const givenRefresh = a.refresh;
  if (givenRefresh) problems.section(() => {
    unknownFields(givenRefresh, ["intervalSeconds", "notify"], "refresh", problems);
    const intervalSeconds = givenRefresh.intervalSeconds ?? DEFAULT_REFRESH_SECONDS;
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < MIN_REFRESH_SECONDS || intervalSeconds > 7 * 86400) {
      fail("refresh.intervalSeconds", `is ${JSON.stringify(intervalSeconds)}; use whole seconds from ${MIN_REFRESH_SECONDS} to ${7 * 86400}`);
    }
    refresh = { intervalSeconds };
    if (givenRefresh.notify !== undefined) {
      // The FetchSpec's own rules (one definition); its field paths start at "notify".
      try {
        refresh.notify = parseNotify(JSON.parse(JSON.stringify(givenRefresh.notify)));
      } catch (e) {
        if (e instanceof FetchSpecError) fail(`refresh.${e.field}`, e.problem);
        throw e;
      }
    }
  });

  const fetch = a.fetch ?? {};
  const timeoutSeconds = fetch.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  problems.section(() => {
    unknownFields(fetch, ["image", "timeoutSeconds", "resources"], "fetch", problems);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600) problems.add("fetch.timeoutSeconds", `is ${JSON.stringify(timeoutSeconds)}; use whole seconds from 1 to 3600`);
    if (fetch.image !== undefined && typeof fetch.image === "string" && fetch.image.trim() === "") problems.add("fetch.image", "is empty; give an image reference pinned by digest (<repository>@sha256:<digest>), or omit it to use the released default");
    checkResources(fetch.resources, "fetch.resources", problems);
  });

  if (!Array.isArray(a.secrets) || a.secrets.length === 0) fail("secrets", "must list at least one secret, e.g. [{ name: \"db-password\", generate: { type: \"password\" } }]");
  const checkedSecrets = a.secrets.map((s, i) => problems.section(() => normalizeSecret(s, i, problems)));
  // What follows relates the secrets and files to each other: it needs each of them right.
  problems.stopIfAny();
  const secrets = checkedSecrets as NormalizedSecret[];
  const secretNames = new Map<string, number>();
  secrets.forEach((s) => {
    const prior = secretNames.get(s.name);
    if (prior !== undefined) fail(`secrets[${s.index}].name`, `"${s.name}" is also the name of secrets[${prior}]; give each secret its own name`);
    secretNames.set(s.name, s.index);
  });

  const filePaths = new Map<string, string>();
  const claimPath = (path: string, field: string) => {
    check(filePathProblem(path), field, problems);
    for (const [other, otherField] of filePaths) {
      const collision = pathCollision(path, other);
      if (collision === "same") fail(field, `"${path}" is also the path of ${otherField}; every file needs its own path`);
      if (collision === "nested") fail(field, `"${path}" and ${otherField} ("${other}") collide: one would be both a file and a directory`);
    }
    filePaths.set(path, field);
  };
  for (const s of secrets) s.files.forEach((f, j) => claimPath(f.path, `secrets[${s.index}].files[${j}].path`));

  let envFile: Declaration["envFile"];
  if (a.envFile) {
    unknownFields(a.envFile, ["path", "vars"], "envFile", problems);
    const path = a.envFile.path ?? DEFAULT_ENV_FILE;
    claimPath(path, "envFile.path");
    const vars = a.envFile.vars ?? {};
    if (Object.keys(vars).length === 0) fail("envFile.vars", "must name at least one variable, e.g. { DB_PASSWORD: \"db-password\" }");
    for (const [k, target] of Object.entries(vars)) {
      check(envNameProblem(k), `envFile.vars.${k}`, problems);
      const owner = filePaths.get(target);
      if (owner === undefined || owner === "envFile.path") {
        fail(`envFile.vars.${k}`, `refers to "${target}", which is not the path of any secret file; declared paths: ${[...filePaths.keys()].filter((p) => p !== path).join(", ")}`);
      }
    }
    envFile = { path, vars: { ...vars } };
  }
  if (refresh?.notify?.generationFile) claimPath(refresh.notify.generationFile.path ?? DEFAULT_GENERATION_FILE, "refresh.notify.generationFile.path");

  const prefix = a.secretNamePrefix;
  if (prefix !== undefined && (typeof prefix !== "string" || !/^[A-Za-z0-9/_+=.@-]{1,256}$/.test(prefix))) {
    fail("secretNamePrefix", `"${prefix}" may use only letters, digits and / _ + = . @ - (at most 256)`);
  }
  problems.stopIfAny();

  return {
    name, mountPath: mountPath as string, fileMode: normalizeFileMode(fileMode), refresh, envFile,
    fetch: { image: fetch.image, timeoutSeconds, resources: fetch.resources }, secretNamePrefix: prefix, secrets,
  };
}

function normalizeSecret(s: SecretArgs, i: number, problems: Problems): NormalizedSecret {
  const { fail } = problems;
  const at = `secrets[${i}]`;
  if (!s || typeof s !== "object") fail(at, "must be an object with a name and one of value, generate, existing");
  unknownFields(s, SECRET_FIELDS, at, problems);
  check(dns1123LabelProblem(s.name), `${at}.name`, problems);
  const given = (["value", "generate", "existing"] as const).filter((k) => s[k] !== undefined && s[k] !== null);
  if (given.length !== 1) {
    fail(at, given.length
      ? `sets ${given.join(" and ")}; a secret takes exactly one of value, generate, existing`
      : "has no value; set exactly one of value (a Pulumi secret), generate, or existing (an ARN or name)");
  }
  const kind = given[0];
  const out: NormalizedSecret = { index: i, name: s.name, kind, isJson: undefined, files: [], description: s.description, args: s };

  if (kind === "value") out.value = s.value;
  if (kind === "existing") {
    const e = s.existing!;
    unknownFields(e, ["arn", "name", "kmsKeyArn"], `${at}.existing`, problems);
    if ((e.arn === undefined) === (e.name === undefined)) fail(`${at}.existing`, "set exactly one of arn and name");
    if (e.name !== undefined && (typeof e.name !== "string" || e.name.length === 0)) fail(`${at}.existing.name`, "must be a non-empty name");
    out.existing = { arn: e.arn, name: e.name, kmsKeyArn: e.kmsKeyArn };
  }
  if (kind === "generate") {
    out.generate = normalizeGenerate(s.generate!, `${at}.generate`, problems);
    out.isJson = out.generate.type !== "password";
    out.generatedMaxBytes = generatedMaxBytes(out.generate);
  }

  if (s.files !== undefined) {
    if (!Array.isArray(s.files) || s.files.length === 0) fail(`${at}.files`, "must list at least one file, or be omitted for one file named after the secret");
    out.files = s.files.map((f, j) => normalizeFile(f, `${at}.files[${j}]`, problems));
  } else if (out.generate && out.generate.type !== "password") {
    out.files = [{ path: `${s.name}.key`, jsonKey: KEY_PAIR_JSON_KEYS.private }, { path: `${s.name}.pub`, jsonKey: KEY_PAIR_JSON_KEYS.public }];
  } else {
    out.files = [{ path: s.name }];
  }

  out.files.forEach((f, j) => {
    if (f.jsonKey === undefined) return;
    if (out.isJson === false) {
      fail(`${at}.files[${j}].jsonKey`, `a generated ${out.generate!.type} is plain text, not JSON; remove jsonKey (the file gets the whole value)`);
    }
    if (out.generate && out.isJson && !Object.values(KEY_PAIR_JSON_KEYS).includes(f.jsonKey as never)) {
      fail(`${at}.files[${j}].jsonKey`, `"${f.jsonKey}" is not a key of a generated key pair; use "${KEY_PAIR_JSON_KEYS.private}" or "${KEY_PAIR_JSON_KEYS.public}"`);
    }
  });
  if (out.generate && out.isJson && out.files.some((f) => f.jsonKey === undefined)) {
    const j = out.files.findIndex((f) => f.jsonKey === undefined);
    fail(`${at}.files[${j}].jsonKey`, `a generated key pair is stored as JSON; pick "${KEY_PAIR_JSON_KEYS.private}" or "${KEY_PAIR_JSON_KEYS.public}" so the file holds a PEM`);
  }
  return out;
}

function normalizeFile(f: SecretFileArgs, at: string, problems: Problems): NormalizedFile {
  const { fail } = problems;
  if (!f || typeof f !== "object") fail(at, "must be an object with a path");
  unknownFields(f, ["path", "jsonKey", "decode", "mode"], at, problems);
  const out: NormalizedFile = { path: f.path };
  if (f.jsonKey !== undefined) {
    if (typeof f.jsonKey !== "string" || f.jsonKey.length === 0) fail(`${at}.jsonKey`, "must be a non-empty key name");
    out.jsonKey = f.jsonKey;
  }
  if (f.decode !== undefined && f.decode !== "none") {
    if (f.decode !== "base64") fail(`${at}.decode`, `is ${JSON.stringify(f.decode)}; use "base64" or "none"`);
    out.decode = "base64";
  }
  if (f.mode !== undefined) {
    check(fileModeProblem(f.mode), `${at}.mode`, problems);
    out.mode = normalizeFileMode(f.mode);
  }
  return out;
}

function normalizeGenerate(g: GenerateArgs, at: string, problems: Problems): NormalizedGenerate {
  const { fail } = problems;
  unknownFields(g, ["type", "length", "lower", "upper", "numeric", "special", "specialCharacters", "rsaBits", "ecdsaCurve", "rotateEveryDays"], at, problems);
  if (!["password", "rsa", "ecdsa"].includes(g.type)) fail(`${at}.type`, `is ${JSON.stringify(g.type)}; use "password", "rsa" or "ecdsa"`);
  const isPassword = g.type === "password";
  const passwordOnly = (["length", "lower", "upper", "numeric", "special", "specialCharacters"] as const).filter((k) => g[k] !== undefined);
  if (!isPassword && passwordOnly.length) fail(`${at}.${passwordOnly[0]}`, `applies to passwords only; remove it for a ${g.type} key pair`);
  if (g.type !== "rsa" && g.rsaBits !== undefined) fail(`${at}.rsaBits`, `applies to type "rsa" only`);
  if (g.type !== "ecdsa" && g.ecdsaCurve !== undefined) fail(`${at}.ecdsaCurve`, `applies to type "ecdsa" only`);
  const out: NormalizedGenerate = {
    type: g.type, length: g.length ?? 32, lower: g.lower ?? true, upper: g.upper ?? true, numeric: g.numeric ?? true,
    special: g.special ?? true, specialCharacters: g.specialCharacters ?? "!#$%&*()-_=+[]{}<>:?", rsaBits: g.rsaBits ?? 4096, ecdsaCurve: g.ecdsaCurve ?? "P256",
  };
  if (!Number.isInteger(out.length) || out.length < 12 || out.length > 4096) fail(`${at}.length`, `is ${JSON.stringify(g.length)}; use a whole number from 12 to 4096`);
  if (isPassword && !(out.lower || out.upper || out.numeric || out.special)) fail(at, "excludes every character class; keep at least one of lower, upper, numeric, special");
  if (isPassword && out.special && out.specialCharacters.length === 0) fail(`${at}.specialCharacters`, "is empty; give some characters or set special: false");
  if (![2048, 3072, 4096].includes(out.rsaBits)) fail(`${at}.rsaBits`, `is ${JSON.stringify(g.rsaBits)}; use 2048, 3072 or 4096`);
  if (!["P256", "P384", "P521"].includes(out.ecdsaCurve)) fail(`${at}.ecdsaCurve`, `is ${JSON.stringify(g.ecdsaCurve)}; use "P256", "P384" or "P521"`);
  if (g.rotateEveryDays !== undefined) {
    if (!Number.isInteger(g.rotateEveryDays) || g.rotateEveryDays < 1 || g.rotateEveryDays > MAX_ROTATE_EVERY_DAYS) {
      fail(`${at}.rotateEveryDays`, `is ${JSON.stringify(g.rotateEveryDays)}; use whole days from 1 to ${MAX_ROTATE_EVERY_DAYS} (e.g. 30), or remove it to never regenerate`);
    }
    out.rotateEveryDays = g.rotateEveryDays;
  }
  return out;
}

/** Upper bound of a generated value's size in bytes (PEM sizes rounded up generously). */
function generatedMaxBytes(g: NormalizedGenerate): number {
  if (g.type === "password") return g.length;
  if (g.type === "rsa") return 2 * Math.ceil((g.rsaBits / 8) * 2.2) + 1024;
  return 1024;
}

function checkResources(r: ResourcesArgs | undefined, at: string, problems: Problems): void {
  const { fail } = problems;
  if (!r) return;
  unknownFields(r, ["requests", "limits"], at, problems);
  for (const kind of ["requests", "limits"] as const) {
    for (const [k, v] of Object.entries(r[kind] ?? {})) {
      if (!["cpu", "memory", "ephemeral-storage"].includes(k)) fail(`${at}.${kind}.${k}`, "is not a resource name; use cpu, memory or ephemeral-storage");
      if (k !== "cpu" && (typeof v !== "string" || quantityBytes(v) === undefined)) fail(`${at}.${kind}.${k}`, `${JSON.stringify(v)} is not a quantity; use e.g. "64Mi"`);
      if (k === "cpu" && (typeof v !== "string" || !/^[0-9]+(\.[0-9]+)?m?$/.test(v))) fail(`${at}.${kind}.cpu`, `${JSON.stringify(v)} is not a CPU quantity; use e.g. "100m" or "0.5"`);
    }
  }
}

function check(problem: string | undefined, field: string, problems: Problems): void {
  const { fail } = problems;
  if (problem) fail(field, problem);
}

export function unknownFields(o: object, allowed: readonly string[], at: string, problems: Problems): void {
  const { fail } = problems;
  if (!o || typeof o !== "object") fail(at || "args", "must be an object");
  for (const k of Object.keys(o)) {
    if ((o as Record<string, unknown>)[k] === undefined) continue;
    if (!allowed.includes(k)) {
      const near = allowed.find((x) => x.toLowerCase() === k.toLowerCase());
      problems.add(at ? `${at}.${k}` : k, `is not a known field${near ? `; did you mean "${near}"?` : `; known fields here: ${allowed.join(", ")}`}`);
    }
  }
}
