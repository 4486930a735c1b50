import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { unknownFields, type Declaration, type NormalizedSecret } from "../core/normalize";
import type { GkePlatformArgs } from "./gke-args";
import {
  ACCOUNT_ID, defaultAccountId, defaultSecretId, kmsKeyProblem, LOCATION, parseExistingSecret, PROJECT_ID, PROJECT_NUMBER,
  SECRET_ID, SECRET_MANAGER_MAX_BYTES, SERVICE_ACCOUNT_EMAIL, VERSION, WORKLOAD_POOL, type ExistingSecretRef,
} from "./names";
import { Problems } from "../core/problems";

/** One declared secret with its Secret Manager settings validated and defaulted. */
export interface GcpSecretPlan {
  secret: NormalizedSecret;
  /** Existing secret: its parsed name (no project for a short id: the declared or the provider's). */
  existing?: ExistingSecretRef;
  /** Created secret: its id (the project comes from the platform args or the provider). */
  secretId?: string;
  /** Regional secret's location (created or existing). */
  location?: string;
  /** Created global secret: user-managed replicas; undefined = automatic. */
  replicas?: { location: string; kmsKeyName?: pulumi.Input<string> }[];
  /** Created secret with automatic replication or regional: its KMS key. */
  kmsKeyName?: pulumi.Input<string>;
  /** The version the FetchSpec names: `latest` unless an existing secret pins one. */
  version: string;
  maxValueBytes: number;
}

export interface GkePlan {
  identity: "direct" | "google-service-account";
  secrets: GcpSecretPlan[];
  /** Identity `google-service-account`: the account id to create, or undefined when an existing email is used. */
  accountId?: string;
  maxValueBytesOfFile(path: string): number;
}

const PLATFORM_FIELDS = ["identity", "project", "workloadPool", "workloadPoolProjectNumber", "googleServiceAccount", "labels"];
const SECRET_FIELDS = ["secretId", "location", "replicas", "kmsKeyName", "version"];

/** GCP-specific checks of a declaration (secret ids and names, locations, keys, identity inputs). Pure. */
export function planGke(decl: Declaration, gke: GkePlatformArgs): GkePlan {
  const problems = new Problems(decl.name);
  const { fail } = problems;
  unknownFields(gke, PLATFORM_FIELDS, "gke", problems);
  const planned = problems.section(() => planGkeIdentity(gke, "gke.", decl.name, problems));
  for (const [k, v] of Object.entries(gke.labels ?? {})) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k)) problems.add(`gke.labels.${k}`, "is not a Google label key (1-63 of lower-case letters, digits, _ and -, starting with a letter)");
    else if (typeof v !== "string" || !/^[a-z0-9_-]{0,63}$/.test(v)) problems.add(`gke.labels.${k}`, `value ${JSON.stringify(v)} is not a Google label value (at most 63 of lower-case letters, digits, _ and -)`);
  }

  const prefix = decl.secretNamePrefix ?? `${pulumi.getProject()}-${pulumi.getStack()}-${decl.name}`;
  const seen = new Map<string, number>();
  // Each secret is checked on its own: a problem in one does not hide those of the others.
  const checked = decl.secrets.map((s) => problems.section(() => {
    const p = planSecret(s, prefix, decl.secretNamePrefix !== undefined, problems);
    const key = p.existing ? `${p.existing.project ?? "(declared project)"}/${p.existing.location ?? ""}/${p.existing.secretId}` : `created/${p.location ?? ""}/${p.secretId}`;
    const prior = seen.get(key);
    if (prior !== undefined) fail(`secrets[${s.index}]`, `names the same Secret Manager secret as secrets[${prior}]; declare it once and fan it out with files`);
    seen.set(key, s.index);
    return p;
  }));
  problems.stopIfAny();
  const secrets = checked as GcpSecretPlan[];
  const { identity, accountId } = planned!;
  const maxBytes = new Map<string, number>();
  for (const p of secrets) for (const f of p.secret.files) maxBytes.set(f.path, p.maxValueBytes);
  problems.throwIfAny();
  return { identity, secrets, accountId, maxValueBytesOfFile: (path) => maxBytes.get(path) ?? 0 };
}

/**
 * Checks how pods get their Google identity (direct principal, or a Google service account to
 * create or use) and the project and pool inputs; shared by the workload (`at` = "gke.") and
 * GkeWorkloadIdentity (`at` = ""). Pure.
 */
export function planGkeIdentity(
  gke: Pick<GkePlatformArgs, "identity" | "project" | "workloadPool" | "workloadPoolProjectNumber" | "googleServiceAccount">,
  at: string,
  component: string,
  problems: Problems,
): { identity: "direct" | "google-service-account"; accountId?: string } {
  const { fail } = problems;
  const identity = gke.identity ?? "direct";
  if (identity !== "direct" && identity !== "google-service-account") fail(`${at}identity`, `is ${JSON.stringify(identity)}; use "direct" or "google-service-account"`);
  if (typeof gke.project === "string" && !PROJECT_ID.test(gke.project)) fail(`${at}project`, `"${gke.project}" is not a project id (6-30 of a-z, 0-9 and -, starting with a letter), e.g. "acme-prod"`);
  if (typeof gke.workloadPool === "string" && !WORKLOAD_POOL.test(gke.workloadPool)) {
    fail(`${at}workloadPool`, `"${gke.workloadPool}" is not a GKE workload pool; use "<project id>.svc.id.goog" (gcloud container clusters describe … --format='value(workloadIdentityConfig.workloadPool)')`);
  }
  if (typeof gke.workloadPoolProjectNumber === "string" && !PROJECT_NUMBER.test(gke.workloadPoolProjectNumber)) {
    fail(`${at}workloadPoolProjectNumber`, `"${gke.workloadPoolProjectNumber}" is not a project number (digits only; gcloud projects describe <pool project> --format='value(projectNumber)')`);
  }
  let accountId: string | undefined;
  const gsa = gke.googleServiceAccount;
  if (gsa !== undefined) {
    unknownFields(gsa, ["accountId", "email"], `${at}googleServiceAccount`, problems);
    if (identity !== "google-service-account") fail(`${at}googleServiceAccount`, "is for identity \"google-service-account\"; remove it, or set identity: \"google-service-account\"");
    if (gsa.accountId !== undefined && gsa.email !== undefined) fail(`${at}googleServiceAccount`, "set at most one of accountId (create one) and email (use an existing one)");
    if (gsa.accountId !== undefined && !ACCOUNT_ID.test(gsa.accountId)) fail(`${at}googleServiceAccount.accountId`, `"${gsa.accountId}" is not a service account id (6-30 of a-z, 0-9 and -, starting with a letter)`);
    if (typeof gsa.email === "string" && !SERVICE_ACCOUNT_EMAIL.test(gsa.email)) fail(`${at}googleServiceAccount.email`, `"${gsa.email}" is not a service account email (<id>@<project>.iam.gserviceaccount.com)`);
  }
  if (identity === "google-service-account" && gsa?.email === undefined) {
    accountId = gsa?.accountId ?? defaultAccountId(component, (s) => createHash("sha256").update(s).digest("hex"));
  }

  return { identity, accountId };
}

function planSecret(s: NormalizedSecret, prefix: string, prefixGiven: boolean, problems: Problems): GcpSecretPlan {
  const { fail } = problems;
  const at = `secrets[${s.index}]`;
  if (s.args.aws !== undefined) fail(`${at}.aws`, "holds AWS options, but the platform is gke; use gcp options (or remove it)");
  if (s.args.azure !== undefined) fail(`${at}.azure`, "holds Azure Key Vault options, but the platform is gke; use gcp options (or remove it)");
  const g = s.args.gcp ?? {};
  unknownFields(g, SECRET_FIELDS, `${at}.gcp`, problems);
  if (g.location !== undefined && !LOCATION.test(g.location)) fail(`${at}.gcp.location`, `"${g.location}" is not a location such as "europe-west4"`);
  const maxValueBytes = s.generatedMaxBytes ?? SECRET_MANAGER_MAX_BYTES;

  if (s.kind === "existing") {
    for (const k of ["secretId", "replicas", "kmsKeyName"] as const) {
      if (g[k] !== undefined) fail(`${at}.gcp.${k}`, "configures a secret to create; an existing secret is used as it is");
    }
    const e = s.existing!;
    if (e.arn !== undefined) fail(`${at}.existing.arn`, "is an AWS ARN; on gke name the secret with existing.name (its id, e.g. \"stripe\", or projects/<project>/secrets/<secret>)");
    if (e.kmsKeyArn !== undefined) fail(`${at}.existing.kmsKeyArn`, "is for AWS; Secret Manager decrypts with the secret's own key, no grant on the key is needed to read it");
    // A full name carries its location; a short id takes it from gcp.location (a regional secret).
    if (g.location !== undefined && e.name!.includes("/")) fail(`${at}.gcp.location`, "is part of the full name in existing.name (projects/<project>/locations/<location>/secrets/<secret>); remove it, or give the secret's short id");
    const ref = parseExistingSecret(e.name!, g.location);
    if (typeof ref === "string") fail(`${at}.existing.name`, ref);
    const version = g.version ?? "latest";
    if (typeof version !== "string" || !VERSION.test(version)) fail(`${at}.gcp.version`, `is ${JSON.stringify(g.version)}; use a version number such as "3", or "latest"`);
    const r = ref as ExistingSecretRef;
    return { secret: s, existing: r, location: r.location, version, maxValueBytes };
  }

  if (g.version !== undefined) fail(`${at}.gcp.version`, "pins the version of an existing secret; a created secret is read at its latest version, and a new value rolls the pods");
  const secretId = g.secretId ?? defaultSecretId(prefix, s.name);
  if (!SECRET_ID.test(secretId)) {
    fail(g.secretId !== undefined ? `${at}.gcp.secretId` : prefixGiven ? "secretNamePrefix" : "name", `secret id "${secretId}" is not valid: 1-255 of letters, digits, - and _${g.secretId === undefined ? "; set gcp.secretId or a shorter secretNamePrefix" : ""}`);
  }
  if (g.location !== undefined && g.replicas !== undefined) fail(`${at}.gcp.replicas`, "applies to global secrets; a regional secret (gcp.location) lives in its one location");
  let replicas: GcpSecretPlan["replicas"];
  if (g.replicas !== undefined) {
    if (!Array.isArray(g.replicas) || g.replicas.length === 0) fail(`${at}.gcp.replicas`, "must list at least one location, or be omitted for automatic replication");
    if (g.kmsKeyName !== undefined) fail(`${at}.gcp.kmsKeyName`, "applies to automatic replication or a regional secret; with replicas, set kmsKeyName on each replica");
    const locations = new Set<string>();
    replicas = g.replicas.map((r, j) => {
      const rat = `${at}.gcp.replicas[${j}]`;
      unknownFields(r, ["location", "kmsKeyName"], rat, problems);
      if (typeof r.location !== "string" || !LOCATION.test(r.location)) fail(`${rat}.location`, `${JSON.stringify(r.location)} is not a location such as "europe-west4"`);
      if (locations.has(r.location)) fail(`${rat}.location`, `"${r.location}" is listed twice`);
      locations.add(r.location);
      if (typeof r.kmsKeyName === "string") {
        const problem = kmsKeyProblem(r.kmsKeyName, r.location);
        if (problem) fail(`${rat}.kmsKeyName`, problem);
      }
      return { location: r.location, kmsKeyName: r.kmsKeyName };
    });
  }
  if (typeof g.kmsKeyName === "string") {
    const problem = kmsKeyProblem(g.kmsKeyName, g.location ?? "global");
    if (problem) fail(`${at}.gcp.kmsKeyName`, problem);
  }
  if (s.generate) {
    const j = s.files.findIndex((f) => f.decode === "base64");
    if (j >= 0) fail(`${at}.files[${j}].decode`, `a generated ${s.generate.type} is not base64 text; remove decode`);
  }
  return { secret: s, secretId, location: g.location, replicas, kmsKeyName: g.kmsKeyName, version: "latest", maxValueBytes };
}
