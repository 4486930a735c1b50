/**
 * Turns the process environment into what one run needs: the FetchSpec (from SECRET_MOUNT_SPEC, or
 * built from the legacy single-secret variables) and the runtime knobs. Pure but for reading
 * SECRET_MOUNT_SPEC_FILE (a spec too large for the environment, mounted from a ConfigMap).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_FILE_MODE,
  DEFAULT_REFRESH_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  FETCH_SPEC_ENV,
  FETCH_SPEC_FILE_ENV,
  type FetchSpec,
  FetchSpecError,
  fileModeProblem,
  filePathProblem,
  parseFetchSpecJson,
  parseFileMode,
  type SecretSource,
} from "../../spec/fetch-spec";

/** Where the legacy interface writes when SECRET_FILE is not set (the path single-secret init-container manifests expect). */
export const LEGACY_DEFAULT_FILE = "/tmp/secret";

/** The retry knobs, also read by the providers to bound their SDKs' own retries (see retryKnobs). */
export interface RetryKnobs {
  /** Attempts per source made by the runtime (each attempt may itself include the SDK's retries). */
  maxAttempts: number;
  /** Backoff base and cap (ms) for the runtime's retries: full jitter, delay = random(0, min(cap, base * 2^n)). */
  retryBaseMs: number;
  retryCapMs: number;
  /** Attempts per SDK call (the SDKs' own retry strategies; bounded so the deadline stays meaningful). */
  sdkMaxAttempts: number;
}

export interface Knobs extends RetryKnobs {
  /** Largest accepted value, in bytes, after transforms. */
  maxValueBytes: number;
  /** Overall deadline of one complete fetch, in ms. */
  timeoutMs: number;
  /** Refresh interval in ms (before jitter). */
  refreshMs: number;
}

export interface RunConfig {
  spec: FetchSpec;
  knobs: Knobs;
  /** Legacy mode: the single plain file to write (no `..data` directory: the target is a file path). */
  legacyFile?: { path: string; mode: number };
}

export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "ConfigError";
  }
}

export function loadRunConfig(env: NodeJS.ProcessEnv, readFile = (p: string) => fs.readFileSync(p, "utf8")): RunConfig {
  const specFile = env[FETCH_SPEC_ENV] ? undefined : env[FETCH_SPEC_FILE_ENV];
  let specText = env[FETCH_SPEC_ENV];
  if (specFile) {
    try {
      specText = readFile(specFile);
    } catch (e) {
      throw new ConfigError(
        FETCH_SPEC_FILE_ENV,
        `cannot read ${JSON.stringify(specFile)} (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  const spec = specText !== undefined && specText.trim() !== "" ? parseSpec(specText) : undefined;
  if (spec) return { spec, knobs: knobs(env, spec) };
  const legacy = legacySpec(env);
  return { spec: legacy.spec, knobs: knobs(env, legacy.spec), legacyFile: legacy.file };
}

function parseSpec(text: string): FetchSpec {
  try {
    return parseFetchSpecJson(text);
  } catch (e) {
    if (e instanceof FetchSpecError) throw new ConfigError(`${FETCH_SPEC_ENV} ${e.field}`, e.problem);
    throw e;
  }
}

function legacySpec(env: NodeJS.ProcessEnv): { spec: FetchSpec; file: { path: string; mode: number } } {
  let source: SecretSource;
  if (env.SECRET_NAME) {
    if (!env.AWS_REGION)
      throw new ConfigError("AWS_REGION", "must be set with SECRET_NAME (the region of the Secrets Manager secret)");
    source = { type: "aws-secretsmanager", secretId: env.SECRET_NAME, region: env.AWS_REGION };
  } else if (env.AZURE_VAULT_NAME || env.AZURE_SECRET_NAME) {
    if (!env.AZURE_VAULT_NAME || !env.AZURE_SECRET_NAME) {
      throw new ConfigError(
        env.AZURE_VAULT_NAME ? "AZURE_SECRET_NAME" : "AZURE_VAULT_NAME",
        "must be set together with the other (AZURE_VAULT_NAME + AZURE_SECRET_NAME)",
      );
    }
    if (!/^[0-9A-Za-z-]{3,24}$/.test(env.AZURE_VAULT_NAME)) {
      throw new ConfigError("AZURE_VAULT_NAME", "is not a Key Vault name (3-24 of 0-9, a-z, A-Z, -)");
    }
    // AZURE_VAULT_URL replaces the public-cloud URL (sovereign clouds, custom endpoints, tests);
    // AZURE_KEYVAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION=true sets the source option of that name.
    const vaultUrl = (env.AZURE_VAULT_URL || `https://${env.AZURE_VAULT_NAME}.vault.azure.net`).replace(/\/+$/, "");
    if (!/^https:\/\/[^/]+$/.test(vaultUrl))
      throw new ConfigError(
        "AZURE_VAULT_URL",
        `"${vaultUrl}" must be an https URL with no path, e.g. "https://acme.vault.azure.cn"`,
      );
    source = { type: "azure-keyvault", vaultUrl, name: env.AZURE_SECRET_NAME };
    if (env.AZURE_KEYVAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION === "true")
      source.disableChallengeResourceVerification = true;
  } else {
    throw new ConfigError(
      FETCH_SPEC_ENV,
      "is not set; set it to a FetchSpec, or use the legacy SECRET_NAME + AWS_REGION or AZURE_VAULT_NAME + AZURE_SECRET_NAME",
    );
  }
  const file = env.SECRET_FILE || LEGACY_DEFAULT_FILE;
  if (!path.isAbsolute(file) || file.split("/").includes("..")) {
    throw new ConfigError("SECRET_FILE", `"${file}" must be an absolute path without ".." segments`);
  }
  const modeText = env.SECRET_FILE_MODE || DEFAULT_FILE_MODE;
  // The FetchSpec's own mode policy: no group or world write, no world read, owner read.
  const modeProblem = fileModeProblem(modeText);
  if (modeProblem) throw new ConfigError("SECRET_FILE_MODE", modeProblem);
  const mode = parseFileMode(modeText) as number;
  const base = path.basename(file);
  const spec: FetchSpec = {
    version: 1,
    dir: path.dirname(file),
    mode: "init",
    files: [{ path: filePathProblem(base) ? "secret" : base, source }],
  };
  return { spec, file: { path: file, mode } };
}

/**
 * The one parser of the SECRET_MOUNT_* retry variables: the run's knobs come from it, and so do the
 * AWS clients' `maxAttempts` and the Azure / Google retry options (providers/aws-client-options.ts,
 * providers/provider-support.ts). Throws ConfigError; by the time a provider calls it the same
 * environment was already validated at start, so it cannot throw there.
 */
export function retryKnobs(env: NodeJS.ProcessEnv): RetryKnobs {
  return {
    maxAttempts: intEnv(env, "SECRET_MOUNT_MAX_ATTEMPTS", 5, 1, 100),
    retryBaseMs: intEnv(env, "SECRET_MOUNT_RETRY_BASE_MS", 250, 1, 60_000),
    retryCapMs: intEnv(env, "SECRET_MOUNT_RETRY_CAP_MS", 5_000, 1, 600_000),
    sdkMaxAttempts: intEnv(env, "SECRET_MOUNT_SDK_MAX_ATTEMPTS", 3, 1, 10),
  };
}

function knobs(env: NodeJS.ProcessEnv, spec: FetchSpec): Knobs {
  return {
    ...retryKnobs(env),
    maxValueBytes: intEnv(env, "SECRET_MOUNT_MAX_VALUE_BYTES", 65_536, 1, 16 * 1024 * 1024),
    timeoutMs: intEnv(
      env,
      "SECRET_MOUNT_TIMEOUT_MS",
      (spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      1,
      3_600_000,
    ),
    refreshMs: intEnv(
      env,
      "SECRET_MOUNT_REFRESH_MS",
      (spec.refreshSeconds ?? DEFAULT_REFRESH_SECONDS) * 1000,
      1,
      7 * 86_400_000,
    ),
  };
}

function intEnv(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const v = env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `is "${v}"; use a whole number from ${min} to ${max}`);
  return n;
}
