import type * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_FILE_MODE,
  DEFAULT_GENERATION_FILE,
  DEFAULT_REFRESH_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  FetchSpecError,
  MIN_REFRESH_SECONDS,
  fileModeProblem,
  filePathProblem,
  normalizeFileMode,
  parseNotify,
  pathCollision,
  type NotifySpec,
} from "../../spec/fetch-spec";
import type {
  EnvFileArgs,
  FetchContainerArgs,
  GenerateArgs,
  RefreshArgs,
  ResourcesArgs,
  SecretArgs,
  SecretFileArgs,
} from "./args";
import { normalizeMountPath } from "./mount-path";
import { dns1123LabelProblem, envNameProblem } from "./names";
import { checkResources } from "./resources";
import type { Problems } from "./problems";
import { check, unknownFields } from "./unknown-fields";

/**
 * The secret set: the secrets, their files, the mount path and how the fetcher writes them, the
 * part of a declaration every component shares (SecretMountedWorkload, SecretMount, SecretMountedTask).
 */

export const DEFAULT_ENV_FILE = "secrets.env";
/** Longest rotation period of a generated secret, in days (ten years). */
export const MAX_ROTATE_EVERY_DAYS = 3650;
export const KEY_PAIR_JSON_KEYS = { private: "privateKeyPem", public: "publicKeyPem" } as const;
const SECRET_FIELDS: (keyof SecretArgs)[] = [
  "name",
  "value",
  "generate",
  "existing",
  "files",
  "description",
  "aws",
  "azure",
  "gcp",
  "vault",
];

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
  refresh?: RefreshArgs;
  envFile?: EnvFileArgs;
  fetch?: FetchContainerArgs;
  secretNamePrefix?: string;
}

/**
 * Validates and defaults the secrets, their files, the mount path and the fetcher's settings: the
 * part of a declaration every platform shares. Throws DeclarationError through `fail`.
 */
export function normalizeSecretSet(name: string, a: SecretSetArgs, problems: Problems): SecretSetDeclaration {
  const { fail } = problems;
  const mountPath = problems.section(() => normalizeMountPath(a.mountPath, problems));

  const fileMode = a.fileMode ?? DEFAULT_FILE_MODE;
  problems.section(() => check(fileModeProblem(fileMode), "fileMode", problems));
  let refresh: SecretSetDeclaration["refresh"];
  const givenRefresh = a.refresh;
  if (givenRefresh)
    problems.section(() => {
      unknownFields(givenRefresh, ["intervalSeconds", "notify"], "refresh", problems);
      const intervalSeconds = givenRefresh.intervalSeconds ?? DEFAULT_REFRESH_SECONDS;
      if (!Number.isInteger(intervalSeconds) || intervalSeconds < MIN_REFRESH_SECONDS || intervalSeconds > 7 * 86400) {
        fail(
          "refresh.intervalSeconds",
          `is ${JSON.stringify(intervalSeconds)}; use whole seconds from ${MIN_REFRESH_SECONDS} to ${7 * 86400}`,
        );
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
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600)
      problems.add("fetch.timeoutSeconds", `is ${JSON.stringify(timeoutSeconds)}; use whole seconds from 1 to 3600`);
    if (fetch.image !== undefined && typeof fetch.image === "string" && fetch.image.trim() === "")
      problems.add(
        "fetch.image",
        "is empty; give an image reference pinned by digest (<repository>@sha256:<digest>), or omit it to use the released default",
      );
    checkResources(fetch.resources, "fetch.resources", problems);
  });

  if (!Array.isArray(a.secrets) || a.secrets.length === 0)
    fail("secrets", 'must list at least one secret, e.g. [{ name: "db-password", generate: { type: "password" } }]');
  const checkedSecrets = a.secrets.map((s, i) => problems.section(() => normalizeSecret(s, i, problems)));
  // What follows relates the secrets and files to each other: it needs each of them right.
  problems.stopIfAny();
  const secrets = checkedSecrets as NormalizedSecret[];
  const secretNames = new Map<string, number>();
  secrets.forEach((s) => {
    const prior = secretNames.get(s.name);
    if (prior !== undefined)
      fail(
        `secrets[${s.index}].name`,
        `"${s.name}" is also the name of secrets[${prior}]; give each secret its own name`,
      );
    secretNames.set(s.name, s.index);
  });

  const filePaths = new Map<string, string>();
  const claimPath = (path: string, field: string) => {
    check(filePathProblem(path), field, problems);
    for (const [other, otherField] of filePaths) {
      const collision = pathCollision(path, other);
      if (collision === "same")
        fail(field, `"${path}" is also the path of ${otherField}; every file needs its own path`);
      if (collision === "nested")
        fail(field, `"${path}" and ${otherField} ("${other}") collide: one would be both a file and a directory`);
    }
    filePaths.set(path, field);
  };
  for (const s of secrets) s.files.forEach((f, j) => claimPath(f.path, `secrets[${s.index}].files[${j}].path`));

  let envFile: SecretSetDeclaration["envFile"];
  if (a.envFile) {
    unknownFields(a.envFile, ["path", "vars"], "envFile", problems);
    const path = a.envFile.path ?? DEFAULT_ENV_FILE;
    claimPath(path, "envFile.path");
    const vars = a.envFile.vars ?? {};
    if (Object.keys(vars).length === 0)
      fail("envFile.vars", 'must name at least one variable, e.g. { DB_PASSWORD: "db-password" }');
    for (const [k, target] of Object.entries(vars)) {
      check(envNameProblem(k), `envFile.vars.${k}`, problems);
      const owner = filePaths.get(target);
      if (owner === undefined || owner === "envFile.path") {
        fail(
          `envFile.vars.${k}`,
          `refers to "${target}", which is not the path of any secret file; declared paths: ${[...filePaths.keys()].filter((p) => p !== path).join(", ")}`,
        );
      }
    }
    envFile = { path, vars: { ...vars } };
  }
  if (refresh?.notify?.generationFile)
    claimPath(refresh.notify.generationFile.path ?? DEFAULT_GENERATION_FILE, "refresh.notify.generationFile.path");

  const prefix = a.secretNamePrefix;
  if (prefix !== undefined && (typeof prefix !== "string" || !/^[A-Za-z0-9/_+=.@-]{1,256}$/.test(prefix))) {
    fail("secretNamePrefix", `"${prefix}" may use only letters, digits and / _ + = . @ - (at most 256)`);
  }
  problems.stopIfAny();

  return {
    name,
    mountPath: mountPath as string,
    fileMode: normalizeFileMode(fileMode),
    refresh,
    envFile,
    fetch: { image: fetch.image, timeoutSeconds, resources: fetch.resources },
    secretNamePrefix: prefix,
    secrets,
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
    fail(
      at,
      given.length
        ? `sets ${given.join(" and ")}; a secret takes exactly one of value, generate, existing`
        : "has no value; set exactly one of value (a Pulumi secret), generate, or existing (an ARN or name)",
    );
  }
  const kind = given[0];
  const out: NormalizedSecret = {
    index: i,
    name: s.name,
    kind,
    isJson: undefined,
    files: [],
    description: s.description,
    args: s,
  };

  if (kind === "value") out.value = s.value;
  if (kind === "existing") {
    const e = s.existing!;
    unknownFields(e, ["arn", "name", "kmsKeyArn"], `${at}.existing`, problems);
    if ((e.arn === undefined) === (e.name === undefined)) fail(`${at}.existing`, "set exactly one of arn and name");
    if (e.name !== undefined && (typeof e.name !== "string" || e.name.length === 0))
      fail(`${at}.existing.name`, "must be a non-empty name");
    out.existing = { arn: e.arn, name: e.name, kmsKeyArn: e.kmsKeyArn };
  }
  if (kind === "generate") {
    out.generate = normalizeGenerate(s.generate!, `${at}.generate`, problems);
    out.isJson = out.generate.type !== "password";
    out.generatedMaxBytes = generatedMaxBytes(out.generate);
  }

  if (s.files !== undefined) {
    if (!Array.isArray(s.files) || s.files.length === 0)
      fail(`${at}.files`, "must list at least one file, or be omitted for one file named after the secret");
    out.files = s.files.map((f, j) => normalizeFile(f, `${at}.files[${j}]`, problems));
  } else if (out.generate && out.generate.type !== "password") {
    out.files = [
      { path: `${s.name}.key`, jsonKey: KEY_PAIR_JSON_KEYS.private },
      { path: `${s.name}.pub`, jsonKey: KEY_PAIR_JSON_KEYS.public },
    ];
  } else {
    out.files = [{ path: s.name }];
  }

  out.files.forEach((f, j) => {
    if (f.jsonKey === undefined) return;
    if (out.isJson === false) {
      fail(
        `${at}.files[${j}].jsonKey`,
        `a generated ${out.generate!.type} is plain text, not JSON; remove jsonKey (the file gets the whole value)`,
      );
    }
    if (out.generate && out.isJson && !Object.values(KEY_PAIR_JSON_KEYS).includes(f.jsonKey as never)) {
      fail(
        `${at}.files[${j}].jsonKey`,
        `"${f.jsonKey}" is not a key of a generated key pair; use "${KEY_PAIR_JSON_KEYS.private}" or "${KEY_PAIR_JSON_KEYS.public}"`,
      );
    }
  });
  if (out.generate && out.isJson && out.files.some((f) => f.jsonKey === undefined)) {
    const j = out.files.findIndex((f) => f.jsonKey === undefined);
    fail(
      `${at}.files[${j}].jsonKey`,
      `a generated key pair is stored as JSON; pick "${KEY_PAIR_JSON_KEYS.private}" or "${KEY_PAIR_JSON_KEYS.public}" so the file holds a PEM`,
    );
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
  unknownFields(
    g,
    [
      "type",
      "length",
      "lower",
      "upper",
      "numeric",
      "special",
      "specialCharacters",
      "rsaBits",
      "ecdsaCurve",
      "rotateEveryDays",
    ],
    at,
    problems,
  );
  if (!["password", "rsa", "ecdsa"].includes(g.type))
    fail(`${at}.type`, `is ${JSON.stringify(g.type)}; use "password", "rsa" or "ecdsa"`);
  const isPassword = g.type === "password";
  const passwordOnly = (["length", "lower", "upper", "numeric", "special", "specialCharacters"] as const).filter(
    (k) => g[k] !== undefined,
  );
  if (!isPassword && passwordOnly.length)
    fail(`${at}.${passwordOnly[0]}`, `applies to passwords only; remove it for a ${g.type} key pair`);
  if (g.type !== "rsa" && g.rsaBits !== undefined) fail(`${at}.rsaBits`, `applies to type "rsa" only`);
  if (g.type !== "ecdsa" && g.ecdsaCurve !== undefined) fail(`${at}.ecdsaCurve`, `applies to type "ecdsa" only`);
  const out: NormalizedGenerate = {
    type: g.type,
    length: g.length ?? 32,
    lower: g.lower ?? true,
    upper: g.upper ?? true,
    numeric: g.numeric ?? true,
    special: g.special ?? true,
    specialCharacters: g.specialCharacters ?? "!#$%&*()-_=+[]{}<>:?",
    rsaBits: g.rsaBits ?? 4096,
    ecdsaCurve: g.ecdsaCurve ?? "P256",
  };
  if (!Number.isInteger(out.length) || out.length < 12 || out.length > 4096)
    fail(`${at}.length`, `is ${JSON.stringify(g.length)}; use a whole number from 12 to 4096`);
  if (isPassword && !(out.lower || out.upper || out.numeric || out.special))
    fail(at, "excludes every character class; keep at least one of lower, upper, numeric, special");
  if (isPassword && out.special && out.specialCharacters.length === 0)
    fail(`${at}.specialCharacters`, "is empty; give some characters or set special: false");
  if (![2048, 3072, 4096].includes(out.rsaBits))
    fail(`${at}.rsaBits`, `is ${JSON.stringify(g.rsaBits)}; use 2048, 3072 or 4096`);
  if (!["P256", "P384", "P521"].includes(out.ecdsaCurve))
    fail(`${at}.ecdsaCurve`, `is ${JSON.stringify(g.ecdsaCurve)}; use "P256", "P384" or "P521"`);
  if (g.rotateEveryDays !== undefined) {
    if (!Number.isInteger(g.rotateEveryDays) || g.rotateEveryDays < 1 || g.rotateEveryDays > MAX_ROTATE_EVERY_DAYS) {
      fail(
        `${at}.rotateEveryDays`,
        `is ${JSON.stringify(g.rotateEveryDays)}; use whole days from 1 to ${MAX_ROTATE_EVERY_DAYS} (e.g. 30), or remove it to never regenerate`,
      );
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
