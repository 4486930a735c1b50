import * as pulumi from "@pulumi/pulumi";
import type { AwsSecret } from "../../core/args";
import type { NormalizedSecret, SecretSetDeclaration } from "../../core/secret-set";
import { refuseOtherStoreOptions, type OtherStoreProblems } from "../../core/store-options";
import type { Problems } from "../../core/problems";
import { unknownFields } from "../../core/unknown-fields";
import {
  IAM_LIMITS,
  layoutPolicies,
  layoutProblem,
  type GrantItem,
  type PolicyLayout,
} from "../../clouds/aws/policy-split";
import {
  EXISTING_SECRET_NAME,
  kmsKeyArnProblem,
  parameterArn,
  secretArnPattern,
  viaService,
  type Scope,
  PARAMETER_NAME,
  SECRET_NAME,
  SECRETS_MANAGER_MAX_BYTES,
  SSM_MAX_BYTES,
  storeArnProblem,
  storeOfArn,
  wildcardProblem,
} from "../../clouds/aws/arns";

/**
 * The AWS stores (Secrets Manager, SSM Parameter Store): each declared secret's store settings
 * checked and defaulted, and the read policy's layout over them. Pure; used by EKS and ECS.
 */

export type AwsStore = "secrets-manager" | "ssm-parameter";

/** One declared secret, with its AWS store settings validated and defaulted. */
export interface AwsSecretPlan {
  secret: NormalizedSecret;
  store: AwsStore;
  /** Name in the store: of the secret to create, or of the existing one when referenced by name. */
  storeName?: string;
  kmsKeyArn?: pulumi.Input<string>;
  recoveryWindowInDays: number;
  /** Largest value this secret can hold, for sizing the memory volume. */
  maxValueBytes: number;
}

/** The AWS side of a set of secrets, shared by EKS and ECS. */
export interface AwsSecretsPlan {
  secrets: AwsSecretPlan[];
  /** Largest value the store can hold for a file path, for sizing the memory volume. */
  maxValueBytesOfFile(path: string): number;
  /** How the read grants are split over IAM policies, sized at preview with upper-bound ARNs. */
  policyLayout: PolicyLayout;
}

/**
 * Store checks of every declared secret (names, ARNs, keys, duplicates) and the read policy's
 * layout over them. Pure. `granted` picks the secrets the role reads (default: all of them).
 */
export function planAwsSecrets(
  decl: SecretSetDeclaration,
  otherStoreOptions: OtherStoreProblems,
  problems: Problems,
  granted: (s: NormalizedSecret) => boolean = () => true,
): AwsSecretsPlan {
  const { fail } = problems;
  const storeNames = new Map<string, number>();
  // Each secret is checked on its own: a problem in one does not hide those of the others.
  const checked = decl.secrets.map((s) =>
    problems.section(() => {
      const plan = planSecret(decl, s, otherStoreOptions, problems);
      if (plan.storeName !== undefined) {
        const key = `${plan.store}:${plan.storeName}`;
        const prior = storeNames.get(key);
        if (prior !== undefined)
          fail(
            `secrets[${s.index}]`,
            `uses the ${plan.store} name "${plan.storeName}" like secrets[${prior}]; declare it once and fan it out with files`,
          );
        storeNames.set(key, s.index);
      }
      return plan;
    }),
  );
  problems.stopIfAny();
  const secrets = checked as AwsSecretPlan[];
  const maxBytes = new Map<string, number>();
  for (const p of secrets) for (const f of p.secret.files) maxBytes.set(f.path, p.maxValueBytes);
  const read = secrets.filter((p) => granted(p.secret));
  const policyLayout = layoutPolicies(read.map(estimatedGrant), IAM_LIMITS);
  const tooLarge = layoutProblem(policyLayout, read.length, IAM_LIMITS);
  if (tooLarge) fail("secrets", tooLarge);
  return { secrets, maxValueBytesOfFile: (path) => maxBytes.get(path) ?? 0, policyLayout };
}

/**
 * At preview the account, region and created secrets' ARNs are not known yet: size each grant with
 * the longest values they can take, so the real documents are never larger than estimated.
 */
const LONGEST_SCOPE: Scope = {
  partition: "aws-us-gov",
  region: "x".repeat(16),
  accountId: "0".repeat(12),
  dnsSuffix: "x".repeat(16),
};
const LONGEST_KMS_KEY = `arn:aws-us-gov:kms:${"x".repeat(16)}:${"0".repeat(12)}:key/mrk-${"0".repeat(32)}`;
/** An existing ARN given as an Output: its length is unknown at preview. Checked again at `pulumi up`. */
export const ASSUMED_UNKNOWN_ARN_LENGTH = 160;

export function estimatedGrant(p: AwsSecretPlan): GrantItem {
  const s = p.secret;
  let arn: string;
  if (s.kind === "existing" && s.existing!.arn !== undefined) {
    arn = typeof s.existing!.arn === "string" ? s.existing!.arn : "x".repeat(ASSUMED_UNKNOWN_ARN_LENGTH);
  } else if (p.store === "secrets-manager") {
    arn = secretArnPattern(LONGEST_SCOPE, p.storeName!);
  } else {
    arn = parameterArn(LONGEST_SCOPE, p.storeName!);
  }
  const kms =
    p.kmsKeyArn === undefined
      ? undefined
      : {
          keyArn: typeof p.kmsKeyArn === "string" ? p.kmsKeyArn : LONGEST_KMS_KEY,
          viaServices: [viaService(p.store, LONGEST_SCOPE.region, LONGEST_SCOPE.dnsSuffix)],
        };
  return { store: p.store, arn, ...(kms ? { kms } : {}) };
}

function planSecret(
  decl: SecretSetDeclaration,
  s: NormalizedSecret,
  otherStoreOptions: OtherStoreProblems,
  problems: Problems,
): AwsSecretPlan {
  const { fail } = problems;
  const at = `secrets[${s.index}]`;
  const a = refuseOtherStoreOptions(s, "aws", otherStoreOptions, fail) as AwsSecret;
  unknownFields(a, ["store", "storeName", "kmsKeyArn", "recoveryWindowInDays"], `${at}.aws`, problems);
  if (a.store !== undefined && a.store !== "secrets-manager" && a.store !== "ssm-parameter")
    fail(`${at}.aws.store`, `is ${JSON.stringify(a.store)}; use "secrets-manager" or "ssm-parameter"`);
  // An existing secret's ARN names its store (…:secretsmanager:…:secret:… or …:ssm:…:parameter/…).
  // Given as an Output it is unknown here: the store is then aws.store's, checked when it resolves.
  const arnStore =
    s.kind === "existing" && typeof s.existing!.arn === "string" ? storeOfArn(s.existing!.arn) : undefined;
  if (a.store !== undefined && arnStore !== undefined && a.store !== arnStore) {
    fail(
      `${at}.aws.store`,
      `is "${a.store}", but existing.arn is ${arnStore === "ssm-parameter" ? "an SSM parameter" : "a Secrets Manager secret"} ARN; remove aws.store (the ARN says which store)`,
    );
  }
  const store: AwsStore = a.store ?? arnStore ?? "secrets-manager";
  const created = s.kind !== "existing";
  const nameRe = store === "ssm-parameter" ? PARAMETER_NAME : created ? SECRET_NAME : EXISTING_SECRET_NAME;
  const nameRule =
    store === "ssm-parameter"
      ? "1-1011 of letters, digits and _ . - /, not starting with aws or ssm"
      : created
        ? "1-512 of letters, digits and / _ + = . @ -"
        : "1-512 of letters, digits and / _ + = . @ - !";
  const checkName = (n: string, field: string) => {
    const wildcard = wildcardProblem(n);
    if (wildcard) fail(field, wildcard);
    const managed =
      created && store === "secrets-manager" && n.includes("!")
        ? '; "!" is for names AWS services give the secrets they manage for you (rds!db-…)'
        : "";
    if (!nameRe.test(n)) fail(field, `"${n}" is not a valid ${store} name (${nameRule})${managed}`);
    if (store === "ssm-parameter" && /^\/?(aws|ssm)/i.test(n))
      fail(field, `"${n}" starts with "aws" or "ssm", which SSM reserves; choose another name`);
    if (store === "ssm-parameter" && n.split("/").filter(Boolean).length > 15)
      fail(field, `"${n}" is deeper than the 15 levels SSM allows`);
  };
  const kmsCheck = (k: pulumi.Input<string> | undefined, field: string) => {
    const problem = typeof k === "string" ? kmsKeyArnProblem(k) : undefined;
    if (problem) fail(field, problem);
  };

  let storeName: string | undefined;
  let kmsKeyArn: pulumi.Input<string> | undefined;
  if (s.kind === "existing") {
    if (a.storeName !== undefined)
      fail(
        `${at}.aws.storeName`,
        "names a secret to create; for an existing secret use existing.name (or existing.arn)",
      );
    if (a.kmsKeyArn !== undefined)
      fail(
        `${at}.aws.kmsKeyArn`,
        "sets the key of a secret to create; for an existing secret encrypted with a customer key use existing.kmsKeyArn",
      );
    if (a.recoveryWindowInDays !== undefined)
      fail(
        `${at}.aws.recoveryWindowInDays`,
        "applies to created secrets only; an existing secret is never deleted by this component",
      );
    const e = s.existing!;
    if (e.name !== undefined) {
      checkName(e.name, `${at}.existing.name`);
      storeName = e.name;
    }
    if (typeof e.arn === "string") {
      const problem = storeArnProblem(e.arn, store);
      if (problem) fail(`${at}.existing.arn`, problem);
    }
    kmsCheck(e.kmsKeyArn, `${at}.existing.kmsKeyArn`);
    kmsKeyArn = e.kmsKeyArn;
  } else {
    const prefix = decl.secretNamePrefix ?? `${pulumi.getProject()}/${pulumi.getStack()}/${decl.name}`;
    storeName =
      a.storeName ?? (store === "secrets-manager" ? `${prefix}/${s.name}` : `/${prefix.replace(/^\/+/, "")}/${s.name}`);
    checkName(storeName, a.storeName !== undefined ? `${at}.aws.storeName` : "secretNamePrefix");
    kmsCheck(a.kmsKeyArn, `${at}.aws.kmsKeyArn`);
    kmsKeyArn = a.kmsKeyArn;
  }
  const recoveryWindowInDays = a.recoveryWindowInDays ?? 7;
  if (!(
    recoveryWindowInDays === 0 ||
    (Number.isInteger(recoveryWindowInDays) && recoveryWindowInDays >= 7 && recoveryWindowInDays <= 30)
  )) {
    fail(
      `${at}.aws.recoveryWindowInDays`,
      `is ${JSON.stringify(recoveryWindowInDays)}; use 0 (delete at once) or 7-30 days`,
    );
  }
  if (store === "ssm-parameter" && a.recoveryWindowInDays !== undefined)
    fail(`${at}.aws.recoveryWindowInDays`, "applies to Secrets Manager only; SSM parameters have no recovery window");

  if (s.generate) {
    const j = s.files.findIndex((f) => f.decode === "base64");
    if (j >= 0) fail(`${at}.files[${j}].decode`, `a generated ${s.generate.type} is not base64 text; remove decode`);
  }
  // Generated values (at most 4096-character passwords, RSA-4096 PEM pairs) fit either store.
  const storeMax = store === "secrets-manager" ? SECRETS_MANAGER_MAX_BYTES : SSM_MAX_BYTES;
  return {
    secret: s,
    store,
    storeName,
    kmsKeyArn,
    recoveryWindowInDays,
    maxValueBytes: s.generatedMaxBytes ?? storeMax,
  };
}
