import type * as pulumi from "@pulumi/pulumi";
import type { GcpSecret } from "../../core/args";
import type { NormalizedSecret } from "../../core/secret-set";
import { refuseOtherStoreOptions, type OtherStoreProblems } from "../../core/store-options";
import type { Problems } from "../../core/problems";
import { unknownFields } from "../../core/unknown-fields";
import {
  defaultSecretId,
  kmsKeyProblem,
  LOCATION,
  parseExistingSecret,
  SECRET_ID,
  SECRET_MANAGER_MAX_BYTES,
  VERSION,
  type ExistingSecretRef,
} from "../../clouds/gcp/names";

/** Google Secret Manager: each declared secret's settings checked and defaulted. Pure; used by GKE. */

const SECRET_FIELDS = ["secretId", "location", "replicas", "kmsKeyName", "version"];

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

/** Secret Manager checks of one declared secret (ids, names, locations, replicas, keys). Pure. */
export function planGcpSecret(
  s: NormalizedSecret,
  prefix: string,
  prefixGiven: boolean,
  otherStoreOptions: OtherStoreProblems,
  problems: Problems,
): GcpSecretPlan {
  const { fail } = problems;
  const at = `secrets[${s.index}]`;
  const g = refuseOtherStoreOptions(s, "gcp", otherStoreOptions, fail) as GcpSecret;
  unknownFields(g, SECRET_FIELDS, `${at}.gcp`, problems);
  if (g.location !== undefined && !LOCATION.test(g.location))
    fail(`${at}.gcp.location`, `"${g.location}" is not a location such as "europe-west4"`);
  const maxValueBytes = s.generatedMaxBytes ?? SECRET_MANAGER_MAX_BYTES;

  if (s.kind === "existing") {
    for (const k of ["secretId", "replicas", "kmsKeyName"] as const) {
      if (g[k] !== undefined)
        fail(`${at}.gcp.${k}`, "configures a secret to create; an existing secret is used as it is");
    }
    const e = s.existing!;
    if (e.arn !== undefined)
      fail(
        `${at}.existing.arn`,
        'is an AWS ARN; on gke name the secret with existing.name (its id, e.g. "stripe", or projects/<project>/secrets/<secret>)',
      );
    if (e.kmsKeyArn !== undefined)
      fail(
        `${at}.existing.kmsKeyArn`,
        "is for AWS; Secret Manager decrypts with the secret's own key, no grant on the key is needed to read it",
      );
    // A full name carries its location; a short id takes it from gcp.location (a regional secret).
    if (g.location !== undefined && e.name!.includes("/"))
      fail(
        `${at}.gcp.location`,
        "is part of the full name in existing.name (projects/<project>/locations/<location>/secrets/<secret>); remove it, or give the secret's short id",
      );
    const ref = parseExistingSecret(e.name!, g.location);
    if (typeof ref === "string") fail(`${at}.existing.name`, ref);
    const version = g.version ?? "latest";
    if (typeof version !== "string" || !VERSION.test(version))
      fail(`${at}.gcp.version`, `is ${JSON.stringify(g.version)}; use a version number such as "3", or "latest"`);
    const r = ref as ExistingSecretRef;
    return { secret: s, existing: r, location: r.location, version, maxValueBytes };
  }

  if (g.version !== undefined)
    fail(
      `${at}.gcp.version`,
      "pins the version of an existing secret; a created secret is read at its latest version, and a new value rolls the pods",
    );
  const secretId = g.secretId ?? defaultSecretId(prefix, s.name);
  if (!SECRET_ID.test(secretId)) {
    fail(
      g.secretId !== undefined ? `${at}.gcp.secretId` : prefixGiven ? "secretNamePrefix" : "name",
      `secret id "${secretId}" is not valid: 1-255 of letters, digits, - and _${g.secretId === undefined ? "; set gcp.secretId or a shorter secretNamePrefix" : ""}`,
    );
  }
  if (g.location !== undefined && g.replicas !== undefined)
    fail(`${at}.gcp.replicas`, "applies to global secrets; a regional secret (gcp.location) lives in its one location");
  let replicas: GcpSecretPlan["replicas"];
  if (g.replicas !== undefined) {
    if (!Array.isArray(g.replicas) || g.replicas.length === 0)
      fail(`${at}.gcp.replicas`, "must list at least one location, or be omitted for automatic replication");
    if (g.kmsKeyName !== undefined)
      fail(
        `${at}.gcp.kmsKeyName`,
        "applies to automatic replication or a regional secret; with replicas, set kmsKeyName on each replica",
      );
    const locations = new Set<string>();
    replicas = g.replicas.map((r, j) => {
      const rat = `${at}.gcp.replicas[${j}]`;
      unknownFields(r, ["location", "kmsKeyName"], rat, problems);
      if (typeof r.location !== "string" || !LOCATION.test(r.location))
        fail(`${rat}.location`, `${JSON.stringify(r.location)} is not a location such as "europe-west4"`);
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
  return {
    secret: s,
    secretId,
    location: g.location,
    replicas,
    kmsKeyName: g.kmsKeyName,
    version: "latest",
    maxValueBytes,
  };
}
