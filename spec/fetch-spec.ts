/**
 * The FetchSpec: the one contract between the Pulumi components (which render it) and the fetch
 * runtime (which obeys it). It travels as JSON in the `SECRET_MOUNT_SPEC` environment variable and
 * holds references only, never a secret value.
 *
 * This file is the single definition: the types, the validating parser, and (generated from these
 * types by `npm run schema`) `fetch-spec.schema.json`. Both halves import it; nothing else may
 * redefine it.
 */

import { regionOfArn } from "./arn";
import { firstDuplicateKey } from "./json-duplicate-keys";
import { kubeletEnvNameProblem } from "./kubelet-env-file";

/** The contract version this definition reads and writes. */
export const FETCH_SPEC_VERSION = 1;
/** The environment variable that carries the FetchSpec JSON into the fetch container. */
export const FETCH_SPEC_ENV = "SECRET_MOUNT_SPEC";
/** A file holding the FetchSpec, read when SECRET_MOUNT_SPEC is not set (specs too large for the environment). */
export const FETCH_SPEC_FILE_ENV = "SECRET_MOUNT_SPEC_FILE";
/** The pod's name, from the downward API: carried in every log line of the fetcher (audit). */
export const POD_NAME_ENV = "SECRET_MOUNT_POD_NAME";
/** The pod's namespace, from the downward API: carried in every log line of the fetcher (audit). */
export const POD_NAMESPACE_ENV = "SECRET_MOUNT_POD_NAMESPACE";
/** File mode when neither the spec nor the file sets one: owner and group may read. */
export const DEFAULT_FILE_MODE = "0440";
/** Refresh interval when the spec sets none. */
export const DEFAULT_REFRESH_SECONDS = 300;
/** Shortest refresh interval accepted. */
export const MIN_REFRESH_SECONDS = 10;
/** Deadline of one complete fetch when the spec sets none. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** AWS Secrets Manager secret, read with GetSecretValue / BatchGetSecretValue. */
export interface AwsSecretsManagerSource {
  /** Source kind. */
  type: "aws-secretsmanager";
  /**
   * Secret name, full ARN, or partial ARN (the ARN without its "-" and 6-character suffix, which
   * Secrets Manager resolves to the secret of exactly that name).
   */
  secretId: string;
  /** Region of the secret; defaults to the region in the ARN, then the SDK's default chain. Must agree with the ARN's. */
  region?: string;
  /** Staging label to read (default AWSCURRENT). Mutually exclusive with versionId. */
  versionStage?: string;
  /** Exact version id to read. Mutually exclusive with versionStage. */
  versionId?: string;
}

/** AWS Systems Manager Parameter Store parameter (SecureString is decrypted). */
export interface AwsSsmSource {
  /** Source kind. */
  type: "aws-ssm";
  /**
   * Parameter name (`/app/db/password`) or full ARN
   * (`arn:aws:ssm:<region>:<account>:parameter/app/db/password`). A parameter shared from another
   * account must be given by ARN: it is requested by that ARN, in the ARN's region.
   */
  name: string;
  /** Region of the parameter; defaults to the region in the ARN, then the SDK's default chain. Must agree with the ARN's. */
  region?: string;
}

/** Azure Key Vault secret, read with the pod's workload identity. */
export interface AzureKeyVaultSource {
  /** Source kind. */
  type: "azure-keyvault";
  /** Vault URL, e.g. `https://acme.vault.azure.net`. */
  vaultUrl: string;
  /** Secret name in the vault. */
  name: string;
  /** Secret version; the latest when absent. */
  version?: string;
  /**
   * Skip the check that the Key Vault challenge's resource matches the vault's domain. Only for
   * custom or sovereign endpoints; never on by default.
   */
  disableChallengeResourceVerification?: boolean;
}

/** Google Secret Manager secret version, read with the pod's GKE workload identity. */
export interface GcpSecretManagerSource {
  /** Source kind. */
  type: "gcp-secretmanager";
  /**
   * Full version name, the version always explicit: `projects/<p>/secrets/<s>/versions/<v|latest>`,
   * or for a regional secret `projects/<p>/locations/<l>/secrets/<s>/versions/<v|latest>` (read
   * through the regional endpoint `secretmanager.<l>.rep.googleapis.com`).
   */
  name: string;
}

/** HashiCorp Vault KV version 2 secret, read after a Kubernetes-auth login. */
export interface VaultKvSource {
  /** Source kind. */
  type: "vault-kv";
  /** Vault address, e.g. `https://vault.vault.svc:8200`. */
  address: string;
  /** Kubernetes auth role to log in as. */
  role: string;
  /** Path of the secret under the KV mount, e.g. `apps/billing/db`. */
  path: string;
  /** KV v2 mount (default `secret`). */
  mount?: string;
  /** Kubernetes auth mount (default `kubernetes`). */
  authMount?: string;
  /** Version to read; the latest when absent. */
  version?: number;
  /** Vault Enterprise namespace. */
  namespace?: string;
  /**
   * Allow an `http://` address. The ServiceAccount token and the secret values then cross the
   * network unencrypted; the fetcher logs a `vault-insecure-http` warning at start. Only for a
   * Vault reached over a link that is already encrypted (e.g. a service mesh). Default false:
   * `http://` is refused.
   */
  insecureHttp?: boolean;
}

/** Where one file's value comes from, by `type`. */
export type SecretSource =
  AwsSecretsManagerSource | AwsSsmSource | AzureKeyVaultSource | GcpSecretManagerSource | VaultKvSource;

/** The `type` of a source. */
export type SourceType = SecretSource["type"];
/** Every source `type` the runtime reads. */
export const SOURCE_TYPES: readonly SourceType[] = [
  "aws-secretsmanager",
  "aws-ssm",
  "azure-keyvault",
  "gcp-secretmanager",
  "vault-kv",
];

/** One file written under `dir`. */
export interface FetchFile {
  /** Path relative to `dir`; no `..`, no leading `/`, no segment starting with `..`. */
  path: string;
  /** Where the value comes from. */
  source: SecretSource;
  /** Parse the value as a JSON object and write only this key's value. */
  jsonKey?: string;
  /** `base64`: the (selected) value is base64 text; write the decoded bytes. */
  decode?: "base64";
  /**
   * Octal file mode for this file, e.g. `0440`; defaults to the spec's `fileMode`.
   * @pattern ^0?[0-7]{3}$
   */
  mode?: string;
}

/** An optional dotenv file built from files of the set, for apps that want environment variables. */
export interface EnvFileSpec {
  /** Path relative to `dir`. */
  path: string;
  /** Variable name -> path of a file in `files` whose (text) content becomes the value. */
  vars: { [name: string]: string };
}

/**
 * An env file in the format the kubelet parses for `env[].valueFrom.fileKeyRef` (Kubernetes 1.35+,
 * EnvFiles): `NAME='value'` lines. The pod's containers name it with `fileKeyRef { volumeName, path,
 * key }`; the kubelet reads it when each container starts. A value the format cannot carry (a `'`,
 * empty, over 32 KiB, not UTF-8: see kubelet-env-file.ts) fails the fetch, naming the variable.
 */
export interface KubeletEnvFileSpec {
  /** Path relative to `dir`. */
  path: string;
  /** Variable name (also the key in the file) -> path of a file in `files` whose text becomes the value. */
  vars: { [name: string]: string };
}

/** `init`: fetch once and exit. `refresh`: keep running as a sidecar and re-fetch. */
export type FetchMode = "init" | "refresh";

/** Tell the app by an HTTP request on the pod's loopback, `http://127.0.0.1:<port><path>`; retried briefly. */
export interface HttpNotifySpec {
  /** HTTP method (default `POST`). */
  method?: "POST" | "PUT" | "GET";
  /**
   * Port the app listens on, on 127.0.0.1.
   * @minimum 1
   * @maximum 65535
   */
  port: number;
  /**
   * Path of the request, starting with `/` (default `/`).
   * @pattern ^/[\x21-\x7e]*$
   */
  path?: string;
}

/**
 * Signal the app's process, found by name in the pod's shared process namespace
 * (`shareProcessNamespace: true`; the process must run as the fetcher's UID).
 */
export interface SignalNotifySpec {
  /**
   * Process name: the executable's base name in its command line, or its kernel name (`comm`, at most 15 characters).
   * @pattern ^[A-Za-z0-9._+-]{1,255}$
   */
  process: string;
  /** Signal to send (default `SIGHUP`). */
  signal?: "SIGHUP" | "SIGUSR1" | "SIGUSR2" | "SIGTERM";
}

/**
 * Write a generation file into each new set: `{"generation":<n>,"writtenAt":"<ISO time>"}`, `n`
 * counting the sets written into this volume. The app watches the mount directory for `..data`
 * being replaced (inotify IN_MOVED_TO / IN_CREATE) and then reads the file.
 */
export interface GenerationFileNotifySpec {
  /** Path of the file relative to `dir` (default `secret-mount.generation`). */
  path?: string;
}

/**
 * Restart the whole pod in place after a completed swap: the refresh sidecar exits with
 * RESTART_POD_EXIT_CODE, and the pod's restart rule on that container (action
 * `RestartAllContainers`, Kubernetes 1.36+) makes the kubelet restart every container on the same
 * node: the init fetch runs again, env vars (fileKeyRef) are read again, the pod keeps its UID, IP
 * and volumes. At most one restart per `minIntervalSeconds` (the time of the last one is kept in
 * the volume); a change that is undone before then (a store that flaps) restarts nothing.
 */
export interface RestartPodNotifySpec {
  /**
   * Least time between two restarts of the pod, in seconds. Default 300.
   * @minimum 30
   * @maximum 604800
   */
  minIntervalSeconds?: number;
}

/** The exit code of the refresh sidecar asking its pod's restart rule to restart all containers. */
export const RESTART_POD_EXIT_CODE = 75;
/** Least time between two restarts in place when the spec sets none. */
export const DEFAULT_RESTART_MIN_INTERVAL_SECONDS = 300;
/** Shortest `minIntervalSeconds` accepted. */
export const MIN_RESTART_INTERVAL_SECONDS = 30;

/** How the app learns that a new set was swapped in (refresh mode): exactly one of the four. */
export interface NotifySpec {
  /** An HTTP request to the app on localhost. */
  http?: HttpNotifySpec;
  /** A signal to the app's process. */
  signal?: SignalNotifySpec;
  /** A generation file the app watches. */
  generationFile?: GenerationFileNotifySpec;
  /** Restart all of the pod's containers in place (Kubernetes 1.36+). */
  restartPod?: RestartPodNotifySpec;
}

/** Default path of the generation file. */
export const DEFAULT_GENERATION_FILE = "secret-mount.generation";
/** Signals a notification may send. */
export const NOTIFY_SIGNALS = ["SIGHUP", "SIGUSR1", "SIGUSR2", "SIGTERM"] as const;
/** Methods an HTTP notification may use. */
export const NOTIFY_METHODS = ["POST", "PUT", "GET"] as const;

/** What the fetch container reads from `SECRET_MOUNT_SPEC`: references to secrets, never values. */
export interface FetchSpec {
  /** Contract version; this definition reads version 1. */
  version: 1;
  /** Absolute path of the shared memory volume's mount in the fetch container. */
  dir: string;
  /** `init`: fetch once and exit. `refresh`: keep running as a sidecar and re-fetch. */
  mode: FetchMode;
  /**
   * Refresh interval in seconds (refresh mode), jittered by the runtime. Default 300.
   * @minimum 10
   * @maximum 604800
   */
  refreshSeconds?: number;
  /**
   * Default octal file mode. Default `0440`.
   * @pattern ^0?[0-7]{3}$
   */
  fileMode?: string;
  /**
   * Overall deadline in seconds for one complete fetch, retries included. Default 60.
   * @minimum 1
   * @maximum 3600
   */
  timeoutSeconds?: number;
  /**
   * The files to write; at least one.
   * @minItems 1
   */
  files: FetchFile[];
  /** A dotenv file built from files of the set. */
  envFile?: EnvFileSpec;
  /** An env file the kubelet reads for `fileKeyRef` env vars (Kubernetes 1.35+). */
  kubeletEnvFile?: KubeletEnvFileSpec;
  /** Refresh mode: how the app learns of a new set, once per completed swap. */
  notify?: NotifySpec;
}

/** A spec (or a declaration being turned into one) is invalid. `field` is a JSON path. */
export class FetchSpecError extends Error {
  constructor(
    /** JSON path of the offending field, e.g. `files[2].path`. */
    readonly field: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "FetchSpecError";
  }
}

const MODE_RE = /^0?[0-7]{3}$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SEGMENT_RE = /^[A-Za-z0-9._-]+$/;
const GCP_VERSION_RE =
  /^projects\/[^/]+\/(locations\/[a-z]+(-[a-z]+)+[0-9]{1,2}\/)?secrets\/[A-Za-z0-9_-]{1,255}\/versions\/(latest|[0-9]+|[A-Za-z0-9_-]+)$/;
const AWS_REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** A parameter ARN: partition, ssm, region, 12-digit account, parameter/<name> (optional :version or :label selector). */
const SSM_PARAMETER_ARN_RE =
  /^arn:aws(-[a-z]+)*:ssm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:parameter\/[A-Za-z0-9_.\-/]+(:[A-Za-z0-9_.-]+)?$/;
const MAX_PATH_LENGTH = 255;

/**
 * Checks a file path relative to the volume. Returns the problem, or undefined when it is fine.
 * The same rules as the kubelet's projected volumes (CVE-2020-8567 was a `..` that got through).
 */
export function filePathProblem(path: string): string | undefined {
  if (typeof path !== "string" || path.length === 0) return "must be a non-empty relative path";
  if (path.length > MAX_PATH_LENGTH) return `is ${path.length} characters; keep it at most ${MAX_PATH_LENGTH}`;
  if (path.startsWith("/"))
    return `"${path}" is absolute; give a path relative to the mount, e.g. "${path.replace(/^\/+/, "")}"`;
  const segments = path.split("/");
  for (const s of segments) {
    if (s === "") return `"${path}" has an empty segment ("//" or a trailing "/"); remove it`;
    if (s === "." || s === "..")
      return `"${path}" has a "${s}" segment, which would escape or alias the mount; use a plain relative path`;
    if (s.startsWith(".."))
      return `"${path}" has a segment starting with "..", reserved for the atomic-swap directories; rename it`;
    if (!SEGMENT_RE.test(s)) return `"${path}" has segment "${s}" with characters outside [A-Za-z0-9._-]; rename it`;
  }
  return undefined;
}

/** Parses a file mode string ("0440" or "440") into a number, or undefined when malformed. */
export function parseFileMode(mode: string): number | undefined {
  if (typeof mode !== "string" || !MODE_RE.test(mode)) return undefined;
  return parseInt(mode, 8);
}

/**
 * Checks an octal mode string for a secret file: readable by its owner and group (the pod's
 * fsGroup), writable and readable by nobody else. Returns the problem, or undefined.
 */
export function fileModeProblem(mode: unknown): string | undefined {
  const n = parseFileMode(mode as string);
  if (n === undefined) return `is ${JSON.stringify(mode)}; use an octal string such as "0440"`;
  if (n & 0o022) return `"${mode}" lets group or others write; secret files are read-only, use e.g. "0440"`;
  if (n & 0o007)
    return `"${mode}" lets every user read; the pod's fsGroup already grants the app access, use e.g. "0440"`;
  if (!(n & 0o400)) return `"${mode}" does not let the owner read; use e.g. "0440"`;
  return undefined;
}

/** "440" -> "0440". */
export function normalizeFileMode(mode: string): string {
  return mode.length === 3 ? `0${mode}` : mode;
}

/** Parses and validates FetchSpec JSON text. Throws FetchSpecError naming the field. */
export function parseFetchSpecJson(text: string): FetchSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FetchSpecError(
      "$",
      `is not valid JSON (${(e as Error).message}); ${FETCH_SPEC_ENV} must hold the FetchSpec document`,
    );
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new FetchSpecError(
      duplicate,
      "appears twice in the same object; JSON keeps only the last, so remove the one you did not mean",
    );
  }
  return parseFetchSpec(raw);
}

/** Validates an already-parsed value as a FetchSpec and returns a normalized copy. */
export function parseFetchSpec(raw: unknown): FetchSpec {
  const root = obj(raw, "$");
  allowOnly(root, "$", [
    "version",
    "dir",
    "mode",
    "refreshSeconds",
    "fileMode",
    "timeoutSeconds",
    "files",
    "envFile",
    "kubeletEnvFile",
    "notify",
    "$schema",
  ]);
  if (root.version !== FETCH_SPEC_VERSION) {
    throw new FetchSpecError(
      "version",
      `is ${JSON.stringify(root.version)}; this runtime reads version ${FETCH_SPEC_VERSION} (upgrade the fetch image if the components are newer)`,
    );
  }
  const dir = str(root.dir, "dir");
  if (!dir.startsWith("/") || dir.split("/").some((s) => s === "..")) {
    throw new FetchSpecError("dir", `"${dir}" must be an absolute path without ".." segments, e.g. "/run/secrets/app"`);
  }
  const mode = root.mode;
  if (mode !== "init" && mode !== "refresh") {
    throw new FetchSpecError("mode", `is ${JSON.stringify(mode)}; use "init" or "refresh"`);
  }
  const spec: FetchSpec = { version: 1, dir: dir.replace(/\/+$/, "") || "/", mode, files: [] };
  if (root.refreshSeconds !== undefined) {
    spec.refreshSeconds = int(root.refreshSeconds, "refreshSeconds", MIN_REFRESH_SECONDS, 86400 * 7);
  }
  if (root.timeoutSeconds !== undefined) {
    spec.timeoutSeconds = int(root.timeoutSeconds, "timeoutSeconds", 1, 3600);
  }
  if (root.fileMode !== undefined) spec.fileMode = fileMode(root.fileMode, "fileMode");

  if (!Array.isArray(root.files) || root.files.length === 0) {
    throw new FetchSpecError("files", "must be a non-empty array of { path, source }");
  }
  const seen = new Map<string, number>();
  root.files.forEach((f: unknown, i: number) => {
    const file = parseFile(f, `files[${i}]`);
    checkPathConflicts(file.path, `files[${i}].path`, seen, i);
    spec.files.push(file);
  });

  if (root.envFile !== undefined) {
    const e = obj(root.envFile, "envFile");
    allowOnly(e, "envFile", ["path", "vars"]);
    const path = str(e.path, "envFile.path");
    const problem = filePathProblem(path);
    if (problem) throw new FetchSpecError("envFile.path", problem);
    checkPathConflicts(path, "envFile.path", seen, -1);
    const vars = obj(e.vars, "envFile.vars");
    const names = Object.keys(vars);
    if (names.length === 0) throw new FetchSpecError("envFile.vars", "must name at least one variable");
    const out: { [name: string]: string } = {};
    for (const name of names) {
      if (name === "__proto__") {
        throw new FetchSpecError(
          `envFile.vars.${name}`,
          "cannot be a variable name here (JavaScript objects treat it as the prototype, so it would be dropped); rename the variable",
        );
      }
      if (!ENV_NAME_RE.test(name)) {
        throw new FetchSpecError(
          `envFile.vars.${name}`,
          "is not a valid environment variable name; use letters, digits and _ and do not start with a digit",
        );
      }
      const target = str(vars[name], `envFile.vars.${name}`);
      if (!spec.files.some((f) => f.path === target)) {
        throw new FetchSpecError(
          `envFile.vars.${name}`,
          `refers to "${target}", which is not the path of any entry in files`,
        );
      }
      out[name] = target;
    }
    spec.envFile = { path, vars: out };
  }
  if (root.kubeletEnvFile !== undefined) {
    const e = obj(root.kubeletEnvFile, "kubeletEnvFile");
    allowOnly(e, "kubeletEnvFile", ["path", "vars"]);
    const path = str(e.path, "kubeletEnvFile.path");
    const problem = filePathProblem(path);
    if (problem) throw new FetchSpecError("kubeletEnvFile.path", problem);
    checkPathConflicts(path, "kubeletEnvFile.path", seen, -3);
    const vars = obj(e.vars, "kubeletEnvFile.vars");
    const names = Object.keys(vars);
    if (names.length === 0) throw new FetchSpecError("kubeletEnvFile.vars", "must name at least one variable");
    const out: { [name: string]: string } = {};
    for (const name of names) {
      const nameProblem = kubeletEnvNameProblem(name);
      if (nameProblem) throw new FetchSpecError(`kubeletEnvFile.vars.${name}`, nameProblem);
      const target = str(vars[name], `kubeletEnvFile.vars.${name}`);
      if (!spec.files.some((f) => f.path === target)) {
        throw new FetchSpecError(
          `kubeletEnvFile.vars.${name}`,
          `refers to "${target}", which is not the path of any entry in files`,
        );
      }
      out[name] = target;
    }
    spec.kubeletEnvFile = { path, vars: out };
  }
  if (root.notify !== undefined) {
    if (spec.mode !== "refresh")
      throw new FetchSpecError(
        "notify",
        `applies to mode "refresh" only (an init run ends before the app starts); remove it or use mode "refresh"`,
      );
    spec.notify = parseNotify(root.notify, seen);
  }
  return spec;
}

/** Validates a `notify` object (field paths start at `notify`); the generation file's path is checked against `seen`. */
export function parseNotify(raw: unknown, seen: Map<string, number> = new Map()): NotifySpec {
  const n = obj(raw, "notify");
  allowOnly(n, "notify", ["http", "signal", "generationFile", "restartPod"]);
  const given = Object.keys(n).filter((k) => n[k] !== undefined);
  if (given.length !== 1)
    throw new FetchSpecError(
      "notify",
      `${given.length ? `sets ${given.join(" and ")}` : "is empty"}; set exactly one of http, signal, generationFile, restartPod`,
    );
  if (n.restartPod !== undefined) {
    const r = obj(n.restartPod, "notify.restartPod");
    allowOnly(r, "notify.restartPod", ["minIntervalSeconds"]);
    if (r.minIntervalSeconds === undefined) return { restartPod: {} };
    return {
      restartPod: {
        minIntervalSeconds: int(
          r.minIntervalSeconds,
          "notify.restartPod.minIntervalSeconds",
          MIN_RESTART_INTERVAL_SECONDS,
          86400 * 7,
        ),
      },
    };
  }
  if (n.http !== undefined) {
    const h = obj(n.http, "notify.http");
    allowOnly(h, "notify.http", ["method", "port", "path"]);
    const out: HttpNotifySpec = { port: int(h.port, "notify.http.port", 1, 65535) };
    if (h.method !== undefined) {
      if (!NOTIFY_METHODS.includes(h.method as never))
        throw new FetchSpecError(
          "notify.http.method",
          `is ${JSON.stringify(h.method)}; use ${NOTIFY_METHODS.map((m) => `"${m}"`).join(", ")}`,
        );
      out.method = h.method as HttpNotifySpec["method"];
    }
    if (h.path !== undefined) {
      const p = str(h.path, "notify.http.path");
      if (!/^\/[\x21-\x7e]*$/.test(p))
        throw new FetchSpecError(
          "notify.http.path",
          `${JSON.stringify(p)} must start with "/" and hold only printable ASCII without spaces, e.g. "/-/reload"`,
        );
      out.path = p;
    }
    return { http: out };
  }
  if (n.signal !== undefined) {
    const g = obj(n.signal, "notify.signal");
    allowOnly(g, "notify.signal", ["process", "signal"]);
    const name = str(g.process, "notify.signal.process");
    if (!/^[A-Za-z0-9._+-]{1,255}$/.test(name))
      throw new FetchSpecError(
        "notify.signal.process",
        `${JSON.stringify(name)} must be a process name (the executable's base name): letters, digits and . _ + -`,
      );
    const out: SignalNotifySpec = { process: name };
    if (g.signal !== undefined) {
      if (!NOTIFY_SIGNALS.includes(g.signal as never))
        throw new FetchSpecError(
          "notify.signal.signal",
          `is ${JSON.stringify(g.signal)}; use ${NOTIFY_SIGNALS.map((x) => `"${x}"`).join(", ")}`,
        );
      out.signal = g.signal as SignalNotifySpec["signal"];
    }
    return { signal: out };
  }
  const f = obj(n.generationFile, "notify.generationFile");
  allowOnly(f, "notify.generationFile", ["path"]);
  const path = f.path === undefined ? DEFAULT_GENERATION_FILE : str(f.path, "notify.generationFile.path");
  const problem = filePathProblem(path);
  if (problem) throw new FetchSpecError("notify.generationFile.path", problem);
  checkPathConflicts(path, "notify.generationFile.path", seen, -2);
  return { generationFile: f.path === undefined ? {} : { path } };
}

function parseFile(raw: unknown, at: string): FetchFile {
  const f = obj(raw, at);
  allowOnly(f, at, ["path", "source", "jsonKey", "decode", "mode"]);
  const path = str(f.path, `${at}.path`);
  const problem = filePathProblem(path);
  if (problem) throw new FetchSpecError(`${at}.path`, problem);
  const file: FetchFile = { path, source: parseSource(f.source, `${at}.source`) };
  if (f.jsonKey !== undefined) file.jsonKey = str(f.jsonKey, `${at}.jsonKey`);
  if (f.decode !== undefined) {
    if (f.decode !== "base64")
      throw new FetchSpecError(`${at}.decode`, `is ${JSON.stringify(f.decode)}; the only decoding is "base64"`);
    file.decode = "base64";
  }
  if (f.mode !== undefined) file.mode = fileMode(f.mode, `${at}.mode`);
  return file;
}

function parseSource(raw: unknown, at: string): SecretSource {
  const s = obj(raw, at);
  switch (s.type) {
    case "aws-secretsmanager": {
      allowOnly(s, at, ["type", "secretId", "region", "versionStage", "versionId"]);
      const out: AwsSecretsManagerSource = { type: s.type, secretId: str(s.secretId, `${at}.secretId`) };
      if (s.region !== undefined) out.region = region(s.region, `${at}.region`);
      if (s.versionStage !== undefined) out.versionStage = str(s.versionStage, `${at}.versionStage`);
      if (s.versionId !== undefined) out.versionId = str(s.versionId, `${at}.versionId`);
      if (out.versionStage && out.versionId)
        throw new FetchSpecError(at, "sets both versionStage and versionId; keep one");
      regionAgrees(out.region, out.secretId, at);
      return out;
    }
    case "aws-ssm": {
      allowOnly(s, at, ["type", "name", "region"]);
      const out: AwsSsmSource = { type: s.type, name: str(s.name, `${at}.name`) };
      if (out.name.startsWith("arn:") && !SSM_PARAMETER_ARN_RE.test(out.name)) {
        throw new FetchSpecError(
          `${at}.name`,
          `"${out.name}" is not an SSM parameter ARN; use "arn:aws:ssm:<region>:<12-digit account>:parameter/<name>" (no wildcards), or the parameter's name`,
        );
      }
      if (s.region !== undefined) out.region = region(s.region, `${at}.region`);
      regionAgrees(out.region, out.name, at);
      return out;
    }
    case "azure-keyvault": {
      allowOnly(s, at, ["type", "vaultUrl", "name", "version", "disableChallengeResourceVerification"]);
      const vaultUrl = url(s.vaultUrl, `${at}.vaultUrl`, ["https:"], "https://acme.vault.azure.net");
      const out: AzureKeyVaultSource = { type: s.type, vaultUrl, name: str(s.name, `${at}.name`) };
      if (!/^[0-9A-Za-z-]{1,127}$/.test(out.name))
        throw new FetchSpecError(
          `${at}.name`,
          `"${out.name}" is not a Key Vault secret name (1-127 of 0-9, a-z, A-Z, -)`,
        );
      if (s.version !== undefined) out.version = str(s.version, `${at}.version`);
      if (s.disableChallengeResourceVerification !== undefined) {
        out.disableChallengeResourceVerification = bool(
          s.disableChallengeResourceVerification,
          `${at}.disableChallengeResourceVerification`,
        );
      }
      return out;
    }
    case "gcp-secretmanager": {
      allowOnly(s, at, ["type", "name"]);
      const name = str(s.name, `${at}.name`);
      if (!GCP_VERSION_RE.test(name)) {
        throw new FetchSpecError(
          `${at}.name`,
          `"${name}" is not a secret version name; use "projects/<project>/secrets/<secret>/versions/<version|latest>" or "projects/<project>/locations/<location>/secrets/<secret>/versions/<version|latest>"`,
        );
      }
      return { type: s.type, name };
    }
    case "vault-kv": {
      allowOnly(s, at, [
        "type",
        "address",
        "role",
        "path",
        "mount",
        "authMount",
        "version",
        "namespace",
        "insecureHttp",
      ]);
      const insecureHttp = s.insecureHttp === undefined ? false : bool(s.insecureHttp, `${at}.insecureHttp`);
      const address = url(s.address, `${at}.address`, ["https:", "http:"], "https://vault.vault.svc:8200");
      if (address.startsWith("http:") && !insecureHttp) {
        throw new FetchSpecError(
          `${at}.address`,
          `"${address}" is plain http: the ServiceAccount token and the secret values would cross the network unencrypted; use https://, or set insecureHttp: true on this source to accept that (the fetcher then logs a warning)`,
        );
      }
      const out: VaultKvSource = {
        type: s.type,
        address,
        role: str(s.role, `${at}.role`),
        path: str(s.path, `${at}.path`).replace(/^\/+|\/+$/g, ""),
      };
      if (out.path.split("/").some((p) => p === ".." || p === "." || p === ""))
        throw new FetchSpecError(
          `${at}.path`,
          `"${out.path}" must be a plain path under the mount, without empty, "." or ".." segments`,
        );
      if (s.mount !== undefined) out.mount = str(s.mount, `${at}.mount`).replace(/^\/+|\/+$/g, "");
      if (s.authMount !== undefined) out.authMount = str(s.authMount, `${at}.authMount`).replace(/^\/+|\/+$/g, "");
      if (s.version !== undefined) out.version = int(s.version, `${at}.version`, 1, Number.MAX_SAFE_INTEGER);
      if (s.namespace !== undefined) out.namespace = str(s.namespace, `${at}.namespace`);
      if (insecureHttp) out.insecureHttp = true;
      return out;
    }
    default:
      throw new FetchSpecError(
        `${at}.type`,
        `is ${JSON.stringify(s.type)}; use one of ${SOURCE_TYPES.map((t) => `"${t}"`).join(", ")}`,
      );
  }
}

/** Two files may not share a path, and no file may sit "inside" another (a/b vs a). */
function checkPathConflicts(path: string, at: string, seen: Map<string, number>, index: number): void {
  for (const [other, j] of seen) {
    const where =
      j === -3
        ? "kubeletEnvFile.path"
        : j === -2
          ? "notify.generationFile.path"
          : j < 0
            ? "envFile.path"
            : `files[${j}].path`;
    const collision = pathCollision(path, other);
    if (collision === "same")
      throw new FetchSpecError(at, `"${path}" duplicates ${where}; every file needs its own path`);
    if (collision === "nested")
      throw new FetchSpecError(
        at,
        `"${path}" and ${where} "${other}" collide: one would be both a file and a directory`,
      );
  }
  seen.set(path, index);
}

/** Whether two file paths of one volume clash: the same path, or one inside the other (a/b vs a). */
export function pathCollision(a: string, b: string): "same" | "nested" | undefined {
  if (a === b) return "same";
  if (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) return "nested";
  return undefined;
}

type Obj = Record<string, unknown>;

function obj(v: unknown, at: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new FetchSpecError(at, "must be an object");
  return v as Obj;
}

function allowOnly(o: Obj, at: string, keys: string[]): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k))
      throw new FetchSpecError(
        at === "$" ? k : `${at}.${k}`,
        `is not a known field; allowed here: ${keys.filter((x) => x !== "$schema").join(", ")}`,
      );
  }
}

function str(v: unknown, at: string): string {
  if (typeof v !== "string" || v.length === 0) throw new FetchSpecError(at, "must be a non-empty string");
  return v;
}

function bool(v: unknown, at: string): boolean {
  if (typeof v !== "boolean") throw new FetchSpecError(at, "must be true or false");
  return v;
}

function int(v: unknown, at: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new FetchSpecError(at, `is ${JSON.stringify(v)}; use a whole number from ${min} to ${max}`);
  }
  return v;
}

function fileMode(v: unknown, at: string): string {
  const problem = fileModeProblem(v);
  if (problem) throw new FetchSpecError(at, problem);
  return normalizeFileMode(v as string);
}

/** A source given by ARN is read in the ARN's region: an explicit `region` must name the same one. */
function regionAgrees(explicit: string | undefined, idOrArn: string, at: string): void {
  const inArn = regionOfArn(idOrArn);
  if (explicit !== undefined && inArn !== undefined && explicit !== inArn) {
    throw new FetchSpecError(
      `${at}.region`,
      `is "${explicit}" but the ARN is in "${inArn}"; remove region (the ARN's is used) or make them agree`,
    );
  }
}

function region(v: unknown, at: string): string {
  const r = str(v, at);
  if (!AWS_REGION_RE.test(r)) throw new FetchSpecError(at, `"${r}" is not an AWS region name such as "eu-west-1"`);
  return r;
}

/** A URL with one of the given protocols, without its trailing slashes. */
function url(v: unknown, at: string, protocols: string[], example: string): string {
  const s = str(v, at);
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new FetchSpecError(at, `"${s}" is not a URL; use e.g. "${example}"`);
  }
  if (!protocols.includes(u.protocol))
    throw new FetchSpecError(
      at,
      `"${s}" must use ${protocols.map((p) => p.replace(":", "")).join(" or ")}, e.g. "${example}"`,
    );
  return s.replace(/\/+$/, "");
}
