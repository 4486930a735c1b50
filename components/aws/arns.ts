/** ARN shapes and the store limits AWS documents. */

export const SECRETS_MANAGER_MAX_BYTES = 65536;
/** SSM SecureString, advanced tier (Intelligent-Tiering promotes values over 4 KiB). */
export const SSM_MAX_BYTES = 8192;

export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
export const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter\/(.+)$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
export const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/;
export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
export const PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;

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

/** SSM addresses parameters by name, with the leading "/" of hierarchical names. */
export function parameterNameFromArn(arn: string): string {
  const m = PARAMETER_ARN.exec(arn);
  if (!m) return arn;
  return m[3].includes("/") ? `/${m[3]}` : m[3];
}

export function viaService(store: "secrets-manager" | "ssm-parameter", region: string, dnsSuffix: string): string {
  return `${store === "secrets-manager" ? "secretsmanager" : "ssm"}.${region}.${dnsSuffix}`;
}
