/**
 * Azure Key Vault, read with the pod's Microsoft Entra workload identity.
 *
 * Auth is the SDK's WorkloadIdentityCredential fed by what the AKS webhook injects:
 * AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST.
 * One credential per identity and one SecretClient per vault are kept for the life of the process,
 * so refreshes reuse the cached token and the vault's challenge state. The SDKs do the token
 * exchange, the Key Vault 401 challenge and the retries (bounded by the runtime's SDK knobs), but
 * for the vault's 429: that goes to the runtime's retries (throttledToRuntime below).
 */
import { existsSync } from "node:fs";
import {
  type AccessToken,
  type GetTokenOptions,
  WorkloadIdentityCredential,
  type TokenCredential,
} from "@azure/identity";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { SecretClient } from "@azure/keyvault-secrets";
import type { AzureKeyVaultSource } from "../../../spec/fetch-spec";
import { type Provider, type ProviderContext, SourceError, type SourceResult } from "./provider";
import {
  CONCURRENCY,
  classifyStatus,
  firstLine,
  mapBounded,
  networkCode,
  retryAfterMs,
  sdkRetryBudget,
  serviceMessage,
  settle,
} from "./provider-support";

const IDENTITY_ENV = ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE"] as const;

const credentials = new Map<string, TokenCredential>();
const clients = new Map<string, SecretClient>();

export const provider: Provider<AzureKeyVaultSource> = {
  type: "azure-keyvault",
  async fetchAll(sources, ctx) {
    return mapBounded(sources, CONCURRENCY, (s) => fetchOne(s, ctx));
  },
};

async function fetchOne(source: AzureKeyVaultSource, ctx: ProviderContext): Promise<SourceResult> {
  return settle(
    ctx,
    async () => {
      const secret = await clientFor(source, ctx).getSecret(source.name, {
        version: source.version,
        abortSignal: ctx.signal,
      });
      if (typeof secret.value !== "string") {
        throw new SourceError(
          "malformed",
          "the vault returned no value (is it a certificate-backed or disabled secret?)",
        );
      }
      return { bytes: Buffer.from(secret.value, "utf8"), version: secret.properties.version };
    },
    classify,
  );
}

function clientFor(source: AzureKeyVaultSource, ctx: ProviderContext): SecretClient {
  const skipCheck = source.disableChallengeResourceVerification === true;
  const key = `${source.vaultUrl}|${skipCheck}`;
  let client = clients.get(key);
  if (!client) {
    client = new SecretClient(source.vaultUrl, credentialFor(ctx), {
      disableChallengeResourceVerification: skipCheck,
      retryOptions: retryOptions(ctx),
      additionalPolicies: [
        { policy: callCounter(ctx), position: "perRetry" },
        { policy: throttledToRuntime(), position: "perRetry" },
      ],
      userAgentOptions: { userAgentPrefix: "secret-mount" },
    });
    clients.set(key, client);
  }
  return client;
}

function credentialFor(ctx: ProviderContext): TokenCredential {
  const env = ctx.env;
  const missing = IDENTITY_ENV.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new SourceError(
      "identity-not-ready",
      `Azure workload identity is not configured: ${missing.join(", ")} not set (the pod needs the label azure.workload.identity/use: "true" and its ServiceAccount the annotation azure.workload.identity/client-id)`,
    );
  }
  const tokenFilePath = env.AZURE_FEDERATED_TOKEN_FILE!;
  if (!existsSync(tokenFilePath)) {
    throw new SourceError(
      "identity-not-ready",
      `the federated token file ${tokenFilePath} (AZURE_FEDERATED_TOKEN_FILE) does not exist yet`,
      true,
    );
  }
  const key = [env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, tokenFilePath, env.AZURE_AUTHORITY_HOST ?? ""].join("|");
  let cred = credentials.get(key);
  if (!cred) {
    cred = sharedInFlight(
      new WorkloadIdentityCredential({
        tenantId: env.AZURE_TENANT_ID,
        clientId: env.AZURE_CLIENT_ID,
        tokenFilePath,
        authorityHost: env.AZURE_AUTHORITY_HOST || undefined,
        // Otherwise MSAL first asks login.microsoftonline.com about the authority, from every pod.
        disableInstanceDiscovery: true,
        retryOptions: retryOptions(ctx),
      }),
    );
    credentials.set(key, cred);
  }
  return cred;
}

/**
 * The first requests to several vaults arrive together, and each vault's challenge asks for a token
 * before the credential has cached one: let them share the exchange in flight.
 */
function sharedInFlight(cred: TokenCredential): TokenCredential {
  const inFlight = new Map<string, Promise<AccessToken | null>>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions) {
      const key = JSON.stringify([scopes, options?.tenantId, options?.claims, options?.enableCae]);
      let p = inFlight.get(key);
      if (!p) {
        p = cred.getToken(scopes, options).finally(() => inFlight.delete(key));
        inFlight.set(key, p);
      }
      return p;
    },
  };
}

function retryOptions(ctx: ProviderContext) {
  const b = sdkRetryBudget(ctx.env);
  return { maxRetries: b.retries, retryDelayInMs: b.baseMs, maxRetryDelayInMs: b.capMs };
}

/** Counts every HTTP request to the vault (the 401 challenge and SDK retries included). */
function callCounter(ctx: ProviderContext): PipelinePolicy {
  return {
    name: "secretMountCallCounter",
    sendRequest(request, next) {
      ctx.countCall("keyvault.GetSecret");
      return next(request);
    },
  };
}

/**
 * Hands the vault's 429 to the runtime's retries instead of the SDK's throttling retry, which waits
 * exactly Retry-After: every pod throttled in the same second would come back in the same second
 * and be throttled together again (`npm run bench:herd`). The runtime waits at least Retry-After
 * plus a random share (backoff.ts retryDelayMs), until the deadline like all throttling. The SDK's
 * retry policy passes on errors that are not its own RestError at once, so it never retries this.
 */
function throttledToRuntime(): PipelinePolicy {
  return {
    name: "secretMountThrottledToRuntime",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429) return response;
      const error = (parseJson(response.bodyAsText) as { error?: { code?: unknown; message?: unknown } } | undefined)
        ?.error;
      const code = typeof error?.code === "string" ? ` ${error.code}` : "";
      const msg = serviceMessage(error?.message);
      throw new SourceError(
        "throttled",
        `Key Vault answered 429${code}${msg ? `: ${msg}` : ""}`,
        true,
        false,
        retryAfterMs((name) => response.headers.get(name)),
      );
    },
  };
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

interface AzureErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  errorResponse?: { error?: string; errorDescription?: string };
  details?: { error?: { code?: string; message?: string } };
  /** @azure/identity wraps MSAL's error (ServerError with the HTTP status, ClientAuthError). */
  cause?: { name?: string; errorCode?: string; errorMessage?: string; status?: number };
}

/**
 * What Entra ID answers while a just-created identity or federated credential propagates (it can
 * take minutes): no matching federated identity record (70021; 700211/700212/700213 name the
 * issuer, audience or subject that did not match) and application not found (700016). The same
 * answers persist when the credential is wrong, so they are retried within the deadline and then
 * reported as identity-not-ready, naming what to check.
 */
const PROPAGATING_AADSTS = new Set(["70021", "700211", "700212", "700213", "700016"]);

/** A failed token exchange with Microsoft Entra ID (the workload identity), from MSAL's error. */
function entraError(err: AzureErrorShape): SourceError {
  const msal = err.cause ?? {};
  const status = msal.status ?? err.statusCode;
  const description = msal.errorMessage ?? err.errorResponse?.errorDescription ?? "";
  const aadsts = /AADSTS\d+:[^.]*\./.exec(description)?.[0] ?? /AADSTS\d+/.exec(description)?.[0];
  const code = msal.errorCode ?? err.errorResponse?.error;
  const detail = [status, code, aadsts].filter(Boolean).join(" ");
  if (msal.name === "ClientAuthError" && msal.errorCode === "network_error") {
    return new SourceError("unavailable", "could not reach Microsoft Entra ID (network error)", true);
  }
  if (msal.name === "ServerError" && status === undefined) {
    // MSAL's throttling cache: after a 429/5xx it refuses further token requests until Retry-After.
    return new SourceError(
      "throttled",
      `Microsoft Entra ID is throttling token requests${aadsts ? ` (${aadsts})` : ""}`,
      true,
    );
  }
  const c = typeof status === "number" ? classifyStatus(status) : undefined;
  if (c?.retryable) return new SourceError(c.failure, `Microsoft Entra token endpoint answered ${detail}`, true);
  if (aadsts && PROPAGATING_AADSTS.has(/AADSTS(\d+)/.exec(aadsts)![1])) {
    return new SourceError(
      "identity-not-ready",
      `Microsoft Entra ID does not accept the workload identity's token yet: ${serviceMessage(detail)} (a new federated credential takes minutes to propagate; if this persists, check its issuer, subject and audience)`,
      true,
    );
  }
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new SourceError(
      "access-denied",
      `Microsoft Entra ID refused the workload identity's token: ${serviceMessage(detail)} (check the federated credential's issuer, subject and audience)`,
    );
  }
  return new SourceError(
    "unavailable",
    `token exchange with Microsoft Entra ID failed (${serviceMessage([msal.name ?? err.name, detail].filter(Boolean).join(" "))})`,
    true,
  );
}

/** Maps what the Azure SDKs throw to a failure class. Messages are rebuilt from codes, never bodies. */
function classify(e: unknown): SourceError {
  const err = (e ?? {}) as AzureErrorShape;
  if (err.name === "AbortError") return new SourceError("timed-out", "no answer before the overall deadline", true);
  if (err.name === "CredentialUnavailableError") {
    return new SourceError(
      "identity-not-ready",
      `Azure workload identity unavailable: ${serviceMessage(firstLine(err.message))}`,
      true,
    );
  }
  if (err.name === "AuthenticationRequiredError" || err.name === "AuthenticationError") return entraError(err);
  if (typeof err.message === "string" && err.message.startsWith("The challenge resource")) {
    return new SourceError(
      "invalid",
      "the vault's challenge names a resource outside the vault's domain; for a custom or sovereign endpoint set disableChallengeResourceVerification on the source",
    );
  }
  const status = err.statusCode;
  if (typeof status === "number" && status > 0) {
    const code = err.details?.error?.code ?? err.code;
    const msg = serviceMessage(err.details?.error?.message);
    const c = classifyStatus(status);
    if (status === 403) {
      // A new role assignment takes minutes to apply: retried within the deadline, denied only at the end.
      return new SourceError(
        "access-denied",
        `Key Vault answered 403${code ? ` ${code}` : ""}${msg ? `: ${msg}` : ""} (a role assignment made moments ago can take a few minutes to apply; retried until the deadline)`,
        true,
      );
    }
    if (c)
      return new SourceError(
        c.failure,
        `Key Vault answered ${status}${code ? ` ${code}` : ""}${msg ? `: ${msg}` : ""}`,
        c.retryable,
      );
    if (status >= 200 && status < 300)
      return new SourceError("malformed", "Key Vault's answer could not be read", true);
    return new SourceError("invalid", `Key Vault answered ${status}${code ? ` ${code}` : ""}${msg ? `: ${msg}` : ""}`);
  }
  if (err.code === "PARSE_ERROR" || err.name === "SyntaxError")
    return new SourceError("malformed", "Key Vault's answer is not valid JSON", true);
  const net = networkCode(e);
  if (net) return new SourceError("unavailable", `could not reach Key Vault (${net})`, true);
  return new SourceError(
    "unavailable",
    `request failed (${err.name ?? "Error"}${err.code ? ` ${err.code}` : ""})`,
    true,
  );
}
