import * as pulumi from "@pulumi/pulumi";
import { unknownFields, type Declaration, type NormalizedSecret, type SecretSetDeclaration } from "../core/normalize";
import type { EksPlatformArgs } from "./eks-args";
import { IAM_LIMITS, layoutPolicies, layoutProblem, type GrantItem, type PolicyLayout } from "./policy-split";
import { EXISTING_SECRET_NAME, kmsKeyArnProblem, parameterArn, secretArnPattern, viaService, type Scope, PARAMETER_NAME, policyArnProblem, SECRET_NAME, SECRETS_MANAGER_MAX_BYTES, SSM_MAX_BYTES, storeArnProblem, storeOfArn, wildcardProblem } from "./arns";
import { checkIrsaInputs } from "./oidc";
import { Problems } from "../core/problems";

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

export interface EksPlan {
  identity: "irsa" | "pod-identity";
  secrets: AwsSecretPlan[];
  /** Largest value the store can hold for a file path, for sizing the memory volume. */
  maxValueBytesOfFile(path: string): number;
  /** How the read grants are split over IAM policies, sized at preview with upper-bound ARNs. */
  policyLayout: PolicyLayout;
}

/** AWS-specific checks of a declaration (store names, ARNs, identity inputs). Pure. */
export function planEks(decl: Declaration, eks: EksPlatformArgs): EksPlan {
  const problems = new Problems(decl.name);
  unknownFields(eks, ["identity", "oidcProviderArn", "oidcIssuerUrl", "clusterName", "roleName", "permissionsBoundaryArn", "tags"], "eks", problems);
  const identity = problems.section(() => planEksIdentity(eks, "eks.", problems));
  const secrets = planAwsSecrets(decl, problems);
  problems.throwIfAny();
  return { identity: identity!, ...secrets };
}

/** The fields of EksPlatformArgs that choose and configure the role's identity. */
export type EksIdentityFields = Pick<EksPlatformArgs, "identity" | "oidcProviderArn" | "oidcIssuerUrl" | "clusterName" | "permissionsBoundaryArn">;

/**
 * Checks how pods get the role (IRSA or Pod Identity) and its inputs; shared by the workload
 * (`at` = "eks.") and EksWorkloadIdentity (`at` = ""). Pure.
 */
export function planEksIdentity(eks: EksIdentityFields, at: string, problems: Problems): "irsa" | "pod-identity" {
  const { fail } = problems;
  const identity = eks.identity ?? "irsa";
  if (identity !== "irsa" && identity !== "pod-identity") fail(`${at}identity`, `is ${JSON.stringify(identity)}; use "irsa" or "pod-identity"`);
  if (identity === "irsa") {
    // Either names the cluster's issuer; the other is derived when the trust is built. Outputs are checked when they resolve.
    checkIrsaInputs(eks.oidcProviderArn, eks.oidcIssuerUrl, at, fail);
    if (eks.clusterName !== undefined) fail(`${at}clusterName`, "is for identity \"pod-identity\"; remove it, or set identity: \"pod-identity\"");
  } else {
    if (eks.clusterName === undefined) fail(`${at}clusterName`, "is required for EKS Pod Identity: the association is created in that cluster");
    if (eks.oidcProviderArn !== undefined || eks.oidcIssuerUrl !== undefined) fail(eks.oidcProviderArn !== undefined ? `${at}oidcProviderArn` : `${at}oidcIssuerUrl`, "is for IRSA; remove it with identity \"pod-identity\"");
  }
  if (typeof eks.permissionsBoundaryArn === "string") {
    const problem = policyArnProblem(eks.permissionsBoundaryArn);
    if (problem) fail(`${at}permissionsBoundaryArn`, problem);
  }

  return identity;
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
  problems: Problems,
  granted: (s: NormalizedSecret) => boolean = () => true,
): AwsSecretsPlan {
  const { fail } = problems;
  const storeNames = new Map<string, number>();
  // Each secret is checked on its own: a problem in one does not hide those of the others.
  const checked = decl.secrets.map((s) => problems.section(() => {
    const plan = planSecret(decl, s, problems);
    if (plan.storeName !== undefined) {
      const key = `${plan.store}:${plan.storeName}`;
      const prior = storeNames.get(key);
      if (prior !== undefined) fail(`secrets[${s.index}]`, `uses the ${plan.store} name "${plan.storeName}" like secrets[${prior}]; declare it once and fan it out with files`);
      storeNames.set(key, s.index);
    }
    return plan;
  }));
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
const LONGEST_SCOPE: Scope = { partition: "aws-us-gov", region: "x".repeat(16), accountId: "0".repeat(12), dnsSuffix: "x".repeat(16) };
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
  const kms = p.kmsKeyArn === undefined ? undefined : {
    keyArn: typeof p.kmsKeyArn === "string" ? p.kmsKeyArn : LONGEST_KMS_KEY,
    viaServices: [viaService(p.store, LONGEST_SCOPE.region, LONGEST_SCOPE.dnsSuffix)],
  };
  return { store: p.store, arn, ...(kms ? { kms } : {}) };
}

function planSecret(decl: SecretSetDeclaration, s: NormalizedSecret, problems: Problems): AwsSecretPlan {
  const { fail } = problems;
  const at = `secrets[${s.index}]`;
  if (s.args.gcp !== undefined) fail(`${at}.gcp`, "holds Google Secret Manager options, but the platform is eks; use aws options (or remove it)");
  if (s.args.azure !== undefined) fail(`${at}.azure`, "holds Azure Key Vault options; on EKS use secrets[].aws (or remove it)");
  const a = s.args.aws ?? {};
  unknownFields(a, ["store", "storeName", "kmsKeyArn", "recoveryWindowInDays"], `${at}.aws`, problems);
  if (a.store !== undefined && a.store !== "secrets-manager" && a.store !== "ssm-parameter") fail(`${at}.aws.store`, `is ${JSON.stringify(a.store)}; use "secrets-manager" or "ssm-parameter"`);
  // An existing secret's ARN names its store (…:secretsmanager:…:secret:… or …:ssm:…:parameter/…).
  // Given as an Output it is unknown here: the store is then aws.store's, checked when it resolves.
  const arnStore = s.kind === "existing" && typeof s.existing!.arn === "string" ? storeOfArn(s.existing!.arn) : undefined;
  if (a.store !== undefined && arnStore !== undefined && a.store !== arnStore) {
    fail(`${at}.aws.store`, `is "${a.store}", but existing.arn is ${arnStore === "ssm-parameter" ? "an SSM parameter" : "a Secrets Manager secret"} ARN; remove aws.store (the ARN says which store)`);
  }
  const store: AwsStore = a.store ?? arnStore ?? "secrets-manager";
  const created = s.kind !== "existing";
  const nameRe = store === "ssm-parameter" ? PARAMETER_NAME : created ? SECRET_NAME : EXISTING_SECRET_NAME;
  const nameRule = store === "ssm-parameter"
    ? "1-1011 of letters, digits and _ . - /, not starting with aws or ssm"
    : created ? "1-512 of letters, digits and / _ + = . @ -" : "1-512 of letters, digits and / _ + = . @ - !";
  const checkName = (n: string, field: string) => {
    const wildcard = wildcardProblem(n);
    if (wildcard) fail(field, wildcard);
    const managed = created && store === "secrets-manager" && n.includes("!") ? "; \"!\" is for names AWS services give the secrets they manage for you (rds!db-…)" : "";
    if (!nameRe.test(n)) fail(field, `"${n}" is not a valid ${store} name (${nameRule})${managed}`);
    if (store === "ssm-parameter" && /^\/?(aws|ssm)/i.test(n)) fail(field, `"${n}" starts with "aws" or "ssm", which SSM reserves; choose another name`);
    if (store === "ssm-parameter" && n.split("/").filter(Boolean).length > 15) fail(field, `"${n}" is deeper than the 15 levels SSM allows`);
  };
  const kmsCheck = (k: pulumi.Input<string> | undefined, field: string) => {
    const problem = typeof k === "string" ? kmsKeyArnProblem(k) : undefined;
    if (problem) fail(field, problem);
  };

  let storeName: string | undefined;
  let kmsKeyArn: pulumi.Input<string> | undefined;
  if (s.kind === "existing") {
    if (a.storeName !== undefined) fail(`${at}.aws.storeName`, "names a secret to create; for an existing secret use existing.name (or existing.arn)");
    if (a.kmsKeyArn !== undefined) fail(`${at}.aws.kmsKeyArn`, "sets the key of a secret to create; for an existing secret encrypted with a customer key use existing.kmsKeyArn");
    if (a.recoveryWindowInDays !== undefined) fail(`${at}.aws.recoveryWindowInDays`, "applies to created secrets only; an existing secret is never deleted by this component");
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
    storeName = a.storeName ?? (store === "secrets-manager" ? `${prefix}/${s.name}` : `/${prefix.replace(/^\/+/, "")}/${s.name}`);
    checkName(storeName, a.storeName !== undefined ? `${at}.aws.storeName` : "secretNamePrefix");
    kmsCheck(a.kmsKeyArn, `${at}.aws.kmsKeyArn`);
    kmsKeyArn = a.kmsKeyArn;
  }
  const recoveryWindowInDays = a.recoveryWindowInDays ?? 7;
  if (!(recoveryWindowInDays === 0 || (Number.isInteger(recoveryWindowInDays) && recoveryWindowInDays >= 7 && recoveryWindowInDays <= 30))) {
    fail(`${at}.aws.recoveryWindowInDays`, `is ${JSON.stringify(recoveryWindowInDays)}; use 0 (delete at once) or 7-30 days`);
  }
  if (store === "ssm-parameter" && a.recoveryWindowInDays !== undefined) fail(`${at}.aws.recoveryWindowInDays`, "applies to Secrets Manager only; SSM parameters have no recovery window");

  if (s.generate) {
    const j = s.files.findIndex((f) => f.decode === "base64");
    if (j >= 0) fail(`${at}.files[${j}].decode`, `a generated ${s.generate.type} is not base64 text; remove decode`);
  }
  // Generated values (at most 4096-character passwords, RSA-4096 PEM pairs) fit either store.
  const storeMax = store === "secrets-manager" ? SECRETS_MANAGER_MAX_BYTES : SSM_MAX_BYTES;
  return { secret: s, store, storeName, kmsKeyArn, recoveryWindowInDays, maxValueBytes: s.generatedMaxBytes ?? storeMax };
}

// Shared with the other clouds: an Output is checked when it resolves, with the rule a plain value meets at preview.
export { checkedWhenResolved } from "../core/checked-input";
