/** Google Cloud names and principals: pure parsing and building, no Pulumi. */

/** Secret Manager secret id: letters, digits, `-` and `_`, at most 255. */
export const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
/** A project id (`acme-prod`), optionally domain-scoped (`example.com:acme-prod`). */
export const PROJECT_ID = /^([a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
export const PROJECT_NUMBER = /^[1-9][0-9]{0,18}$/;
/** A Google Cloud region such as `europe-west4` or `northamerica-northeast1`. */
export const LOCATION = /^[a-z]+(-[a-z]+)+[0-9]{1,2}$/;
export const VERSION = /^(latest|[1-9][0-9]{0,18})$/;
/** Service account id (6-30 of a-z, 0-9, `-`, starting with a letter, not ending with `-`). */
export const ACCOUNT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
export const SERVICE_ACCOUNT_EMAIL = /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z0-9.:-]+\.iam\.gserviceaccount\.com$/;
/** A workload identity pool of GKE: `<project id>.svc.id.goog`. */
export const WORKLOAD_POOL = /^([a-z][-a-z0-9]{4,28}[a-z0-9])\.svc\.id\.goog$/;
const KMS_KEY =
  /^projects\/[^/]+\/locations\/([a-z0-9-]+)\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
/** Secret Manager's largest payload. */
export const SECRET_MANAGER_MAX_BYTES = 65536;

export const ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
export const WORKLOAD_IDENTITY_USER_ROLE = "roles/iam.workloadIdentityUser";
export const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";

/** A secret by its parts; `location` set for a regional secret. */
export interface SecretRef {
  project: string;
  location?: string;
  secretId: string;
}

/** `projects/<p>/secrets/<s>` or `projects/<p>/locations/<l>/secrets/<s>`. */
export function secretName(r: SecretRef): string {
  return r.location
    ? `projects/${r.project}/locations/${r.location}/secrets/${r.secretId}`
    : `projects/${r.project}/secrets/${r.secretId}`;
}

/** The version name the FetchSpec carries: always explicit, `latest` included. */
export function versionName(r: SecretRef, version: string): string {
  return `${secretName(r)}/versions/${version}`;
}

/** An existing secret as declared: a full name, or a short id whose project is the declared or the provider's. */
export interface ExistingSecretRef {
  /** Unset for a short id: the project comes from `gke.project` or the Google provider. */
  project?: string;
  location?: string;
  secretId: string;
}

/**
 * Parses an existing secret's name: its full name (`projects/<p>/[locations/<l>/]secrets/<s>`), or
 * a short id (`stripe`) in the declared project; `location` (from `gcp.location`) makes a short id
 * a regional secret. Returns what is wrong with it instead when it is neither.
 */
export function parseExistingSecret(name: string, location?: string): ExistingSecretRef | string {
  if (name.includes("/")) return parseSecretName(name);
  if (/[*?]/.test(name)) return `"${name}" holds a wildcard; name exactly one secret`;
  if (!SECRET_ID.test(name)) {
    return (
      `"${name}" is neither a secret id (1-255 of letters, digits, - and _) nor a full name ("projects/<project>/secrets/<secret>", ` +
      `or "projects/<project>/locations/<location>/secrets/<secret>" for a regional secret)`
    );
  }
  return { ...(location !== undefined ? { location } : {}), secretId: name };
}

/** Parses an existing secret's full name, or says what is wrong with it. */
export function parseSecretName(name: string): SecretRef | string {
  if (/[*?]/.test(name)) return `"${name}" holds a wildcard; name exactly one secret`;
  if (/\/versions\//.test(name))
    return `"${name}" names a version; give the secret (projects/<project>/secrets/<secret>) and pin the version with gcp.version`;
  const m = /^projects\/([^/]+)\/(?:locations\/([^/]+)\/)?secrets\/([^/]+)$/.exec(name);
  if (!m)
    return `"${name}" is not a Secret Manager secret name; use "projects/<project>/secrets/<secret>" or, for a regional secret, "projects/<project>/locations/<location>/secrets/<secret>"`;
  const [, project, location, secretId] = m;
  if (!PROJECT_ID.test(project) && !PROJECT_NUMBER.test(project))
    return `"${name}": "${project}" is not a project id or number`;
  if (location !== undefined && !LOCATION.test(location))
    return `"${name}": "${location}" is not a location such as europe-west4`;
  if (!SECRET_ID.test(secretId))
    return `"${name}": secret id "${secretId}" may use only letters, digits, - and _ (at most 255)`;
  return { project, location, secretId };
}

/** Why a KMS key cannot encrypt a replica in `location` (`global` for automatic replication), or undefined. */
export function kmsKeyProblem(key: string, location: string): string | undefined {
  const m = KMS_KEY.exec(key);
  if (!m) return `"${key}" is not a Cloud KMS key name (projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>)`;
  if (m[1] !== location)
    return `"${key}" is in ${m[1]}, but encrypts data in ${location}; Secret Manager needs a key in the same location`;
  return undefined;
}

/** The default secret id: the prefix and the secret's name, every character Secret Manager refuses turned into `-`. */
export function defaultSecretId(prefix: string, name: string): string {
  return `${prefix}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^-+/, "");
}

/** Workload Identity Federation for GKE: the principal of one Kubernetes ServiceAccount. */
export function directPrincipal(projectNumber: string, pool: string, namespace: string, ksa: string): string {
  return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}/subject/ns/${namespace}/sa/${ksa}`;
}

/** The member a Google service account admits as `roles/iam.workloadIdentityUser`: exactly one Kubernetes ServiceAccount. */
export function ksaMember(pool: string, namespace: string, ksa: string): string {
  return `serviceAccount:${pool}[${namespace}/${ksa}]`;
}

/** The project id of a GKE workload pool (`acme-prod.svc.id.goog` → `acme-prod`). */
export function poolProject(pool: string): string | undefined {
  return WORKLOAD_POOL.exec(pool)?.[1];
}

/** A service account id from the component name: `sm-<name>`, cut to 30 with a short hash when long. */
export function defaultAccountId(name: string, hash: (s: string) => string): string {
  const base = `sm-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+$/, "");
  if (base.length <= 30) return base.padEnd(6, "0");
  return `${base.slice(0, 23).replace(/-+$/, "")}-${hash(name).slice(0, 6)}`;
}
