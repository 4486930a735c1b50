import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../../core/problems";
import { unknownFields } from "../../core/unknown-fields";
import { type MountTarget } from "../../core/target";
import type { GkePlatformArgs } from "./args";
import {
  ACCOUNT_ID,
  defaultAccountId,
  PROJECT_ID,
  PROJECT_NUMBER,
  SERVICE_ACCOUNT_EMAIL,
  WORKLOAD_POOL,
} from "../../clouds/gcp/names";
import { planGcpSecret, type GcpSecretPlan } from "../../stores/gcp/plan";

/** How GKE words a secret's options for another store (the rule: core/store-options.ts). */
const GKE_OTHER_STORE_OPTIONS = {
  aws: "holds AWS options, but the platform is gke; use gcp options (or remove it)",
  azure: "holds Azure Key Vault options, but the platform is gke; use gcp options (or remove it)",
};

export interface GkePlan {
  identity: "direct" | "google-service-account";
  secrets: GcpSecretPlan[];
  /** Identity `google-service-account`: the account id to create, or undefined when an existing email is used. */
  accountId?: string;
  maxValueBytesOfFile(path: string): number;
}

const PLATFORM_FIELDS = [
  "identity",
  "project",
  "workloadPool",
  "workloadPoolProjectNumber",
  "googleServiceAccount",
  "labels",
];

/** GCP-specific checks of a declaration (secret ids and names, locations, keys, identity inputs). Pure. */
export function planGke(decl: MountTarget, gke: GkePlatformArgs): GkePlan {
  const problems = new Problems(decl.name);
  const { fail } = problems;
  unknownFields(gke, PLATFORM_FIELDS, "gke", problems);
  const planned = problems.section(() => planGkeIdentity(gke, "gke.", decl.name, problems));
  for (const [k, v] of Object.entries(gke.labels ?? {})) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k))
      problems.add(
        `gke.labels.${k}`,
        "is not a Google label key (1-63 of lower-case letters, digits, _ and -, starting with a letter)",
      );
    else if (typeof v !== "string" || !/^[a-z0-9_-]{0,63}$/.test(v))
      problems.add(
        `gke.labels.${k}`,
        `value ${JSON.stringify(v)} is not a Google label value (at most 63 of lower-case letters, digits, _ and -)`,
      );
  }

  const prefix = decl.secretNamePrefix ?? `${pulumi.getProject()}-${pulumi.getStack()}-${decl.name}`;
  const seen = new Map<string, number>();
  // Each secret is checked on its own: a problem in one does not hide those of the others.
  const checked = decl.secrets.map((s) =>
    problems.section(() => {
      const p = planGcpSecret(s, prefix, decl.secretNamePrefix !== undefined, GKE_OTHER_STORE_OPTIONS, problems);
      const key = p.existing
        ? `${p.existing.project ?? "(declared project)"}/${p.existing.location ?? ""}/${p.existing.secretId}`
        : `created/${p.location ?? ""}/${p.secretId}`;
      const prior = seen.get(key);
      if (prior !== undefined)
        fail(
          `secrets[${s.index}]`,
          `names the same Secret Manager secret as secrets[${prior}]; declare it once and fan it out with files`,
        );
      seen.set(key, s.index);
      return p;
    }),
  );
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
  gke: Pick<
    GkePlatformArgs,
    "identity" | "project" | "workloadPool" | "workloadPoolProjectNumber" | "googleServiceAccount"
  >,
  at: string,
  component: string,
  problems: Problems,
): { identity: "direct" | "google-service-account"; accountId?: string } {
  const { fail } = problems;
  const identity = gke.identity ?? "direct";
  if (identity !== "direct" && identity !== "google-service-account")
    fail(`${at}identity`, `is ${JSON.stringify(identity)}; use "direct" or "google-service-account"`);
  if (typeof gke.project === "string" && !PROJECT_ID.test(gke.project))
    fail(
      `${at}project`,
      `"${gke.project}" is not a project id (6-30 of a-z, 0-9 and -, starting with a letter), e.g. "acme-prod"`,
    );
  if (typeof gke.workloadPool === "string" && !WORKLOAD_POOL.test(gke.workloadPool)) {
    fail(
      `${at}workloadPool`,
      `"${gke.workloadPool}" is not a GKE workload pool; use "<project id>.svc.id.goog" (gcloud container clusters describe … --format='value(workloadIdentityConfig.workloadPool)')`,
    );
  }
  if (typeof gke.workloadPoolProjectNumber === "string" && !PROJECT_NUMBER.test(gke.workloadPoolProjectNumber)) {
    fail(
      `${at}workloadPoolProjectNumber`,
      `"${gke.workloadPoolProjectNumber}" is not a project number (digits only; gcloud projects describe <pool project> --format='value(projectNumber)')`,
    );
  }
  let accountId: string | undefined;
  const gsa = gke.googleServiceAccount;
  if (gsa !== undefined) {
    unknownFields(gsa, ["accountId", "email"], `${at}googleServiceAccount`, problems);
    if (identity !== "google-service-account")
      fail(
        `${at}googleServiceAccount`,
        'is for identity "google-service-account"; remove it, or set identity: "google-service-account"',
      );
    if (gsa.accountId !== undefined && gsa.email !== undefined)
      fail(`${at}googleServiceAccount`, "set at most one of accountId (create one) and email (use an existing one)");
    if (gsa.accountId !== undefined && !ACCOUNT_ID.test(gsa.accountId))
      fail(
        `${at}googleServiceAccount.accountId`,
        `"${gsa.accountId}" is not a service account id (6-30 of a-z, 0-9 and -, starting with a letter)`,
      );
    if (typeof gsa.email === "string" && !SERVICE_ACCOUNT_EMAIL.test(gsa.email))
      fail(
        `${at}googleServiceAccount.email`,
        `"${gsa.email}" is not a service account email (<id>@<project>.iam.gserviceaccount.com)`,
      );
  }
  if (identity === "google-service-account" && gsa?.email === undefined) {
    accountId = gsa?.accountId ?? defaultAccountId(component, (s) => createHash("sha256").update(s).digest("hex"));
  }

  return { identity, accountId };
}
