/** ARN shapes and the store limits AWS documents. Pure. */

export const SECRETS_MANAGER_MAX_BYTES = 65536;
/** SSM SecureString, advanced tier (Intelligent-Tiering promotes values over 4 KiB). */
export const SSM_MAX_BYTES = 8192;

const PARTITION = "aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc";
const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}";
const ACCOUNT = "\\d{12}";
/** The characters of a secret name CreateSecret accepts: what this component creates. */
const CREATED_NAME_CHARS = "A-Za-z0-9/_+=.@-";
/**
 * The characters of every secret name AWS issues: CreateSecret's, and "!", which separates the
 * managing service's id from the rest in the names of secrets AWS services create for you
 * (Secrets Manager user guide, "Secrets managed by other AWS services"), such as the RDS master
 * user secrets `rds!db-<uuid>` and `rds!cluster-<uuid>`. None of them is an IAM wildcard.
 */
const ISSUED_NAME_CHARS = "A-Za-z0-9/_+=.@!-";
/** `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`. */
export const SECRET_ARN = new RegExp(
  `^arn:(${PARTITION}):secretsmanager:(${REGION}):(${ACCOUNT}):secret:([${ISSUED_NAME_CHARS}]{1,512})-([A-Za-z0-9]{6})$`,
);
export const PARAMETER_ARN = new RegExp(
  `^arn:(${PARTITION}):ssm:(${REGION}):(${ACCOUNT}):parameter/([A-Za-z0-9_.\\-/]{1,1011})$`,
);
export const KMS_KEY_ARN = new RegExp(
  `^arn:(${PARTITION}):kms:(${REGION}):(${ACCOUNT}):key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`,
);
export const IAM_POLICY_ARN = new RegExp(
  `^arn:(${PARTITION}):iam::(${ACCOUNT}|aws):policy/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`,
);
/**
 * An IAM OIDC provider's host and optional path, as IAM names the provider: the issuer URL without
 * `https://`, no query, no trailing "/" (e.g. `oidc.eks.eu-west-1.amazonaws.com/id/<ID>`).
 */
export const OIDC_HOST_PATH =
  "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?::\\d{1,5})?(?:/[A-Za-z0-9._~%+=,@-]+)*";
/** `arn:<partition>:iam::<account>:oidc-provider/<host>[/<path>]`: partition, account, host/path. */
export const OIDC_PROVIDER_ARN = new RegExp(`^arn:(${PARTITION}):iam::(${ACCOUNT}):oidc-provider/(${OIDC_HOST_PATH})$`);
/** A secret name this component may create. */
export const SECRET_NAME = new RegExp(`^[${CREATED_NAME_CHARS}]{1,512}$`);
/** The name of an existing secret: any name AWS issues, service-managed ones (`rds!db-<uuid>`) included. */
export const EXISTING_SECRET_NAME = new RegExp(`^[${ISSUED_NAME_CHARS}]{1,512}$`);
export const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;

const LOOSE_SECRET_ARN = /^arn:[^:]*:secretsmanager:[^:]*:[^:]*:secret:/;
const LOOSE_PARAMETER_ARN = /^arn:[^:]*:ssm:[^:]*:[^:]*:parameter\//;
const PARTIAL_SECRET_ARN = new RegExp(`^arn:[^:]+:secretsmanager:[^:]+:\\d{12}:secret:[${ISSUED_NAME_CHARS}]+$`);

/**
 * The store an ARN names (`secretsmanager:…:secret:` or `ssm:…:parameter/`), or undefined for
 * anything else: an existing secret given by ARN needs no `aws.store`.
 */
export function storeOfArn(arn: string): "secrets-manager" | "ssm-parameter" | undefined {
  if (LOOSE_SECRET_ARN.test(arn)) return "secrets-manager";
  if (LOOSE_PARAMETER_ARN.test(arn)) return "ssm-parameter";
  return undefined;
}

export interface Scope {
  partition: string;
  region: string;
  accountId: string;
  dnsSuffix: string;
}

/** An existing secret named without ARN: AWS appends "-" and six random characters to every secret ARN. */
export function secretArnPattern(scope: Scope, name: string): string {
  return `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${name}-??????`;
}

export function parameterArn(scope: Scope, name: string): string {
  return `arn:${scope.partition}:ssm:${scope.region}:${scope.accountId}:parameter/${name.replace(/^\/+/, "")}`;
}

/** The cluster's ARN, as EKS Pod Identity tags the session with it (`eks-cluster-arn`). */
export function eksClusterArn(scope: Scope, clusterName: string): string {
  return `arn:${scope.partition}:eks:${scope.region}:${scope.accountId}:cluster/${clusterName}`;
}

/** Regions named in ARNs (defined with the FetchSpec, whose sources and the fetch runtime read them too). */
export { regionOfArn } from "../../../spec/arn";

export function viaService(store: "secrets-manager" | "ssm-parameter", region: string, dnsSuffix: string): string {
  return `${store === "secrets-manager" ? "secretsmanager" : "ssm"}.${region}.${dnsSuffix}`;
}

/**
 * IAM reads `*` and `?` in a Resource as wildcards, so a reference holding one would grant every
 * secret it matches. Neither character is valid in a secret or parameter name.
 */
export function wildcardProblem(ref: string): string | undefined {
  if (/[*?]/.test(ref)) {
    return `"${ref}" holds a wildcard ("*" or "?"), which IAM would grant as a pattern over other secrets; name exactly one secret`;
  }
  return undefined;
}

/** What is wrong with an existing secret's ARN for `store`, or undefined. */
export function storeArnProblem(arn: string, store: "secrets-manager" | "ssm-parameter"): string | undefined {
  const wildcard = wildcardProblem(arn);
  if (wildcard) return wildcard;
  if (store === "secrets-manager") {
    if (SECRET_ARN.test(arn)) return undefined;
    // Only an ARN given as an Output reaches here with another store's ARN: a plain one sets the store.
    if (LOOSE_PARAMETER_ARN.test(arn))
      return `"${arn}" is an SSM parameter ARN; an existing.arn given as an Output is read as a Secrets Manager secret unless aws.store says otherwise: set aws.store: "ssm-parameter"`;
    if (PARTIAL_SECRET_ARN.test(arn) && shapeProblem(arn) === undefined) {
      return `"${arn}" is a partial ARN (it lacks the "-" and 6 random characters AWS appends), which IAM cannot grant exactly; give the full ARN (aws secretsmanager describe-secret --secret-id <name> --query ARN), or give existing.name, which grants "<name>-??????"`;
    }
    return `"${arn}" is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>)${shapeHint(arn)}`;
  }
  if (PARAMETER_ARN.test(arn)) return undefined;
  if (LOOSE_SECRET_ARN.test(arn))
    return `"${arn}" is a Secrets Manager secret ARN, but aws.store is "ssm-parameter"; remove aws.store (the ARN says which store)`;
  return `"${arn}" is not an SSM parameter ARN (arn:aws:ssm:<region>:<12-digit account>:parameter/<name>)${shapeHint(arn)}`;
}

/** What is wrong with a KMS key ARN, or undefined. */
export function kmsKeyArnProblem(arn: string): string | undefined {
  const wildcard = wildcardProblem(arn);
  if (wildcard) return wildcard;
  if (KMS_KEY_ARN.test(arn)) return undefined;
  if (/:alias\//.test(arn) || arn.startsWith("alias/"))
    return `"${arn}" is a KMS alias; IAM policies cannot grant by alias, so give the key's ARN (arn:aws:kms:<region>:<account>:key/<key id>)`;
  return `"${arn}" is not a KMS key ARN (arn:aws:kms:<region>:<12-digit account>:key/<key id>); IAM policies cannot grant by alias, so give the key's ARN${shapeHint(arn)}`;
}

/** What is wrong with a permissions boundary (IAM managed policy) ARN, or undefined. */
export function policyArnProblem(arn: string): string | undefined {
  const wildcard = wildcardProblem(arn);
  if (wildcard) return wildcard;
  if (IAM_POLICY_ARN.test(arn)) return undefined;
  return `"${arn}" is not an IAM policy ARN (arn:aws:iam::<12-digit account>:policy/<name>)${shapeHint(arn)}`;
}

function shapeProblem(arn: string): string | undefined {
  const [prefix, partition, , region, account] = arn.split(":");
  if (prefix !== "arn") return undefined;
  if (partition !== undefined && !new RegExp(`^(${PARTITION})$`).test(partition))
    return `"${partition}" is not an AWS partition (${PARTITION.split("|").join(", ")})`;
  if (region !== undefined && region !== "" && !new RegExp(`^${REGION}$`).test(region))
    return `"${region}" is not a region such as "eu-west-1"`;
  if (account !== undefined && account !== "" && account !== "aws" && !new RegExp(`^${ACCOUNT}$`).test(account))
    return `"${account}" is not a 12-digit account id`;
  return undefined;
}

function shapeHint(arn: string): string {
  const p = shapeProblem(arn);
  return p ? `: ${p}` : "";
}
