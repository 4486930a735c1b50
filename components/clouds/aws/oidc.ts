/**
 * IRSA names one cluster's OIDC issuer twice: the IAM OIDC provider's ARN (the trust's principal)
 * and the issuer URL (whose host and path prefix the trust's `:sub` and `:aud` keys). IAM names an
 * OIDC provider after its issuer (`arn:<partition>:iam::<account>:oidc-provider/<host>/<path>`),
 * so either gives the other; given both, they must name the same issuer, or the trust would admit
 * no token at all. Pure.
 */
import { OIDC_HOST_PATH, OIDC_PROVIDER_ARN, type Scope } from "./arns";

const ISSUER_URL = new RegExp(`^https://(${OIDC_HOST_PATH})/?$`);

/** The issuer and the provider that trusts it, as the IRSA trust policy names them. */
export interface IrsaIssuer {
  /** The IAM OIDC provider's ARN: the trust's federated principal. */
  providerArn: string;
  /** The issuer's host and path (`oidc.eks.<region>.amazonaws.com/id/<ID>`): the condition keys' prefix. */
  issuer: string;
}

/** What is wrong with an IAM OIDC provider ARN, or undefined. */
export function oidcProviderArnProblem(arn: string): string | undefined {
  if (OIDC_PROVIDER_ARN.test(arn)) return undefined;
  const scheme = /:oidc-provider\/[a-z]+:\/\//i.test(arn)
    ? ': IAM names the provider by the issuer\'s host and path, without "https://"'
    : "";
  return `"${arn}" is not an IAM OIDC provider ARN (arn:aws:iam::<12-digit account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<ID>)${scheme}`;
}

/** What is wrong with an OIDC issuer URL, or undefined. */
export function oidcIssuerUrlProblem(url: string): string | undefined {
  if (ISSUER_URL.test(url)) return undefined;
  return `"${url}" is not an https issuer URL (https://oidc.eks.<region>.amazonaws.com/id/<ID>: a host and path, no query)`;
}

/** `https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/` -> `oidc.eks.eu-west-1.amazonaws.com/id/ABC`. */
export function issuerOfUrl(url: string): string {
  return url.replace(/^https:\/\//, "").replace(/\/+$/, "");
}

/** `arn:aws:iam::<account>:oidc-provider/oidc.eks.…/id/ABC` -> `oidc.eks.…/id/ABC` (a well-formed ARN). */
export function issuerOfProviderArn(arn: string): string {
  return OIDC_PROVIDER_ARN.exec(arn)![3];
}

/**
 * The ARN IAM gives the OIDC provider of `issuer` in the account and partition of `scope`: the
 * account where the role is created, which is where IAM looks the provider up.
 */
export function oidcProviderArnOf(scope: Pick<Scope, "partition" | "accountId">, issuer: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:oidc-provider/${issuer}`;
}

/** Why a provider ARN and an issuer URL given together cannot make a working trust, or undefined. */
export function oidcPairProblem(arn: string, url: string, at: string): string | undefined {
  const fromArn = issuerOfProviderArn(arn);
  if (fromArn === issuerOfUrl(url)) return undefined;
  return (
    `"${url}" is not the issuer of ${at}oidcProviderArn "${arn}" (whose issuer is https://${fromArn}): ` +
    "a trust naming both would admit no pod. Give the two values of one cluster, or give only one of them (the other is derived from it)"
  );
}

/**
 * The issuer and provider ARN from either value or both, checked as at preview; `fail` names the
 * field (`${at}oidcProviderArn` or `${at}oidcIssuerUrl`). An absent value is derived from the other.
 */
export function irsaIssuer(
  given: { oidcProviderArn?: string | null; oidcIssuerUrl?: string | null },
  scope: Pick<Scope, "partition" | "accountId">,
  at: string,
  fail: (field: string, problem: string) => never,
): IrsaIssuer {
  const arn = given.oidcProviderArn ?? undefined;
  const url = given.oidcIssuerUrl ?? undefined;
  if (arn !== undefined && typeof arn !== "string")
    fail(`${at}oidcProviderArn`, `is ${JSON.stringify(arn)}, not a string`);
  if (url !== undefined && typeof url !== "string")
    fail(`${at}oidcIssuerUrl`, `is ${JSON.stringify(url)}, not a string`);
  checkIrsaInputs(arn, url, at, fail);
  if (arn !== undefined) return { providerArn: arn, issuer: issuerOfProviderArn(arn) };
  const issuer = issuerOfUrl(url!);
  return { providerArn: oidcProviderArnOf(scope, issuer), issuer };
}

/**
 * The checks of IRSA's inputs that need no account: at least one of the two, each well formed, and
 * the pair naming one issuer. A value that is not a string yet (an Output) is checked when it
 * resolves: pass the values again then.
 */
export function checkIrsaInputs(
  arn: unknown,
  url: unknown,
  at: string,
  fail: (field: string, problem: string) => never,
): void {
  if (arn == null && url == null) {
    fail(
      `${at}oidcProviderArn`,
      `or ${at}oidcIssuerUrl is required for IRSA: pass the cluster's OIDC issuer URL ` +
        "(aws eks describe-cluster --name <cluster> --query cluster.identity.oidc.issuer), or its IAM OIDC provider's ARN " +
        '(e.g. cluster.core.oidcProvider.arn); either gives the other. Or set identity: "pod-identity" with clusterName',
    );
  }
  if (arn != null && typeof arn !== "object") {
    const problem = typeof arn === "string" ? oidcProviderArnProblem(arn) : `is ${JSON.stringify(arn)}, not a string`;
    if (problem) fail(`${at}oidcProviderArn`, problem);
  }
  if (url != null && typeof url !== "object") {
    const problem = typeof url === "string" ? oidcIssuerUrlProblem(url) : `is ${JSON.stringify(url)}, not a string`;
    if (problem) fail(`${at}oidcIssuerUrl`, problem);
  }
  const pair = typeof arn === "string" && typeof url === "string" ? oidcPairProblem(arn, url, at) : undefined;
  if (pair) fail(`${at}oidcIssuerUrl`, pair);
}
