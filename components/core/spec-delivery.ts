import { DeclarationError } from "./declaration-error";
import type { SecretSetDeclaration } from "./secret-set";
import { FETCH_SPEC_DIR, FETCH_SPEC_FILE } from "./mount-path";

export { FETCH_SPEC_DIR, FETCH_SPEC_FILE };

/**
 * How the FetchSpec reaches the fetch container, and the limits that decide it.
 *
 * Linux caps one environment string ("NAME=value") at MAX_ARG_STRLEN = 128 KiB; past it the
 * container fails to start with E2BIG. A spec whose worst case stays under SPEC_ENV_MAX_BYTES
 * (96 KiB: 32 KiB left for the variable name and the margin of the estimate) travels in
 * SECRET_MOUNT_SPEC; a larger one goes into a ConfigMap the fetch container mounts and reads from
 * SECRET_MOUNT_SPEC_FILE. The API server refuses a ConfigMap whose data exceeds 1 MiB (etcd's own
 * request limit is 1.5 MiB), so SPEC_CONFIGMAP_MAX_BYTES keeps 64 KiB for its metadata.
 */
export const SPEC_ENV_MAX_BYTES = 96 * 1024;
export const SPEC_CONFIGMAP_MAX_BYTES = 1024 * 1024 - 64 * 1024;

export type SpecDelivery = "env" | "configmap";

/**
 * Worst-case bytes of one source object, beyond its reference: the type, the key names, an ARN's
 * partition/service/region/account/suffix, a region and a version id or stage
 * (`{"type":"aws-secretsmanager","secretId":"arn:aws-iso-b:secretsmanager:ap-southeast-5:123456789012:secret:…-AbCdEf","region":"ap-southeast-5","versionId":"…36…"}`
 * is about 230 bytes plus the name).
 */
const SOURCE_OVERHEAD_BYTES = 320;
/** An ARN that is an Output unknown at preview: IAM's longest ARN. */
const UNKNOWN_REFERENCE_BYTES = 2048;
/** `version`, `dir`, `mode`, `refreshSeconds`, `fileMode`, `timeoutSeconds` and the brackets. */
const SPEC_OVERHEAD_BYTES = 256;

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");

/**
 * An upper bound of the FetchSpec's size in bytes, known at preview. `references[i]` is what
 * names secret i in its store (a store name or an ARN), or undefined when it is unknown yet.
 */
export function specBytesBound(decl: SecretSetDeclaration, references: (string | undefined)[]): number {
  let total = SPEC_OVERHEAD_BYTES + jsonBytes(decl.mountPath);
  for (const s of decl.secrets) {
    const ref = references[s.index];
    const source = SOURCE_OVERHEAD_BYTES + (ref === undefined ? UNKNOWN_REFERENCE_BYTES : jsonBytes(ref));
    for (const f of s.files) total += jsonBytes({ ...f, source: "" }) + source + 1;
  }
  if (decl.envFile) total += jsonBytes(decl.envFile) + 16;
  const kubeletEnv = (decl as { kubeletEnvFile?: unknown }).kubeletEnvFile;
  if (kubeletEnv) total += jsonBytes(kubeletEnv) + 24;
  return total;
}

const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;

/** Env for a spec that fits, a ConfigMap for a larger one; a DeclarationError past the ConfigMap's limit. */
export function specDelivery(decl: SecretSetDeclaration, boundBytes: number): SpecDelivery {
  if (boundBytes <= SPEC_ENV_MAX_BYTES) return "env";
  if (boundBytes <= SPEC_CONFIGMAP_MAX_BYTES) return "configmap";
  const files = decl.secrets.reduce((n, s) => n + s.files.length, 0);
  throw new DeclarationError(
    "secrets",
    `declare ${files} files, whose FetchSpec may take up to ${kib(boundBytes)}: more than the ${kib(SPEC_CONFIGMAP_MAX_BYTES)} ` +
      "a ConfigMap can carry (the API server refuses more than 1 MiB of data). Split the workload's secrets over several components, " +
      "or fan JSON secrets out with fewer, larger files",
    decl.name,
  );
}

/** Checks the resolved spec against the limit of its delivery (the bound above makes this a backstop). */
export function checkSpecSize(decl: SecretSetDeclaration, delivery: SpecDelivery, json: string): string {
  const bytes = Buffer.byteLength(json, "utf8");
  const max = delivery === "env" ? SPEC_ENV_MAX_BYTES : SPEC_CONFIGMAP_MAX_BYTES;
  if (bytes > max) {
    throw new DeclarationError(
      "secrets",
      `give a FetchSpec of ${bytes} bytes, more than the ${max} its ${delivery === "env" ? "environment variable" : "ConfigMap"} may carry; ` +
        "split the workload's secrets over several components",
      decl.name,
    );
  }
  return json;
}
