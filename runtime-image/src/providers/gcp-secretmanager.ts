/**
 * Google Secret Manager, read with the pod's GKE workload identity.
 *
 * The REST API (`GET /v1/{name}:access`) through google-auth-library, not the gRPC/gax client:
 * google-auth-library gives Application Default Credentials (on GKE: the metadata server, honouring
 * GCE_METADATA_HOST / GCE_METADATA_IP / METADATA_SERVER_DETECTION) and gaxios's bounded retries,
 * at a fraction of @google-cloud/secret-manager's size and start time (numbers in the runtime README).
 *
 * Endpoint: https://secretmanager.googleapis.com, or secretmanager.<GOOGLE_CLOUD_UNIVERSE_DOMAIN>,
 * or the gcloud override CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER (e.g. a private endpoint
 * `https://secretmanager-acme.p.googleapis.com/`). A regional secret
 * (`projects/<p>/locations/<l>/secrets/…`) is served only by its regional endpoint,
 * https://secretmanager.<l>.rep.<universe domain>, or SECRET_MOUNT_SECRETMANAGER_ENDPOINT_<L> (the
 * location upper-cased, `-` as `_`, e.g. `…_EUROPE_WEST4`) for a private one.
 *
 * PERMISSION_DENIED is retried until the overall deadline: a grant made by the same `pulumi up`
 * that started the pod can take minutes to apply, so "denied" is only the verdict at the end.
 * 429 RESOURCE_EXHAUSTED (the project's per-minute quota) is retried by the runtime's attempts, until
 * the overall deadline like every store's throttling, with their full-jitter backoff; not by gaxios, whose delays are fixed
 * (base, +0.5 s, +1.5 s, …): pods throttled together would come back together, wave after wave
 * (`npm run bench:herd`). 5xx and network errors keep gaxios's retries within one attempt.
 */
import { crc32c } from "@aws-crypto/crc32c";
import { GoogleAuth, type AuthClient } from "google-auth-library";
import type { GcpSecretManagerSource } from "../../../spec/fetch-spec";
import { type Provider, type ProviderContext, SourceError, type SourceResult } from "./provider";
import {
  CONCURRENCY,
  classifyStatus,
  firstLine,
  mapBounded,
  networkCode,
  raceSignal,
  sdkRetryBudget,
  serviceMessage,
  settle,
} from "./provider-support";

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** One ADC client per process (one pod identity); its token is cached and refreshed by the library. */
let authClient: Promise<AuthClient> | undefined;

export const provider: Provider<GcpSecretManagerSource> = {
  type: "gcp-secretmanager",
  async fetchAll(sources, ctx) {
    return mapBounded(sources, CONCURRENCY, (s) => fetchOne(s, ctx));
  },
};

/** The Secret Manager base URL for a secret (regional when `location` is set), from the documented settings. */
export function endpoint(env: NodeJS.ProcessEnv, location?: string): string {
  const universe = env.GOOGLE_CLOUD_UNIVERSE_DOMAIN || "googleapis.com";
  const trim = (u: string) => u.replace(/\/+$/, "").replace(/\/v1$/, "");
  if (location !== undefined) {
    const override = env[`SECRET_MOUNT_SECRETMANAGER_ENDPOINT_${location.toUpperCase().replace(/-/g, "_")}`];
    return override ? trim(override) : `https://secretmanager.${location}.rep.${universe}`;
  }
  const override = env.CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER;
  if (override) return trim(override);
  return `https://secretmanager.${universe}`;
}

/** The location of a regional version name (`projects/p/locations/<l>/secrets/…`), else undefined. */
export function locationOf(name: string): string | undefined {
  return /^projects\/[^/]+\/locations\/([^/]+)\/secrets\//.exec(name)?.[1];
}

async function fetchOne(source: GcpSecretManagerSource, ctx: ProviderContext): Promise<SourceResult> {
  return settle(
    ctx,
    async () => {
      const client = await clientWithToken(source, ctx);
      const budget = sdkRetryBudget(ctx.env);
      const url = `${endpoint(ctx.env, locationOf(source.name))}/v1/${source.name.split("/").map(encodeURIComponent).join("/")}:access`;
      ctx.countCall("secretmanager.AccessSecretVersion");
      const res = await raceSignal(
        client.request<unknown>({
          url,
          method: "GET",
          // "json" keeps Google's error body readable (gaxios redacts text bodies that mention
          // "secret"); a body that is not JSON arrives as a string and is reported malformed.
          responseType: "json",
          signal: ctx.signal,
          retry: true,
          retryConfig: {
            retry: budget.retries,
            noResponseRetries: budget.retries,
            retryDelay: budget.baseMs,
            maxRetryDelay: budget.capMs,
            totalTimeout: Math.max(0, ctx.deadline - Date.now()),
            httpMethodsToRetry: ["GET"],
            statusCodesToRetry: [[500, 599]],
            onRetryAttempt: async () => {
              ctx.countCall("secretmanager.AccessSecretVersion");
            },
          },
        }),
        ctx.signal,
        "Secret Manager",
      );
      return decode(res.data);
    },
    classify,
  );
}

/** The ADC client with a valid token; failures here are the pod identity's, not the secret's. */
async function clientWithToken(source: GcpSecretManagerSource, ctx: ProviderContext): Promise<AuthClient> {
  try {
    // Naming a project stops ADC from looking for one (a `gcloud` subprocess, a metadata call);
    // the Compute client sends no project, so the first secret's project is as good as any.
    authClient ??= new GoogleAuth({ scopes: [SCOPE], projectId: source.name.split("/")[1] }).getClient();
    const client = await raceSignal(authClient, ctx.signal, "the GKE metadata server");
    await raceSignal(client.getAccessToken(), ctx.signal, "the GKE metadata server");
    return client;
  } catch (e) {
    if (e instanceof SourceError) throw e;
    authClient = undefined; // A failed discovery is not cached: the metadata server may come up.
    const status = (e as { response?: { status?: number } }).response?.status ?? (e as { status?: number }).status;
    const net = networkCode(e);
    const why = status
      ? `answered ${status}`
      : net
        ? `unreachable (${net})`
        : `unavailable (${(e as Error)?.name ?? "Error"}: ${serviceMessage(firstLine((e as Error)?.message))})`;
    throw new SourceError(
      "identity-not-ready",
      `no Google credentials from the GKE metadata server: ${why} (is the ServiceAccount bound with workload identity?)`,
      true,
    );
  }
}

interface AccessResponse {
  name?: string;
  payload?: { data?: string; dataCrc32c?: string | number };
}

function decode(data: unknown): { bytes: Buffer; version?: string; binary?: boolean } {
  if (typeof data !== "object" || data === null) {
    throw new SourceError("malformed", "Secret Manager's answer is not valid JSON", true);
  }
  const body = data as AccessResponse;
  const b64 = body.payload?.data;
  if (typeof b64 !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(b64)) {
    throw new SourceError("malformed", "Secret Manager's answer has no base64 payload.data", true);
  }
  const bytes = Buffer.from(b64, "base64");
  const expected = body.payload?.dataCrc32c;
  if (expected !== undefined && Number(expected) !== crc32c(bytes) >>> 0) {
    throw new SourceError("malformed", "payload CRC32C does not match payload.dataCrc32c (corrupted in transit)", true);
  }
  const version = typeof body.name === "string" ? body.name.split("/").pop() : undefined;
  return { bytes, version, binary: !isUtf8(bytes) };
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Maps a gaxios error; messages come from Google's error body (status >= 400), never a payload. */
function classify(e: unknown): SourceError {
  const err = (e ?? {}) as {
    name?: string;
    code?: string;
    status?: number;
    response?: { status?: number; data?: unknown };
  };
  if (err.name === "AbortError" || err.code === "AbortError")
    return new SourceError("timed-out", "no answer before the overall deadline", true);
  const status = err.response?.status ?? err.status;
  if (typeof status === "number" && status >= 400) {
    const g = googleError(err.response?.data);
    const detail = `${status}${g.status ? ` ${g.status}` : ""}${g.message ? `: ${g.message}` : ""}`;
    // A fresh grant takes time to apply: denied now may be allowed before the deadline.
    if (status === 403) return new SourceError("access-denied", `Secret Manager answered ${detail}`, true, true);
    // A quota refill is a matter of time: throttled, retried until the deadline (retriesUntilDeadline), spread by full jitter.
    if (status === 429) return new SourceError("throttled", `Secret Manager answered ${detail}`, true);
    const c = classifyStatus(status);
    if (c) return new SourceError(c.failure, `Secret Manager answered ${detail}`, c.retryable);
    // FAILED_PRECONDITION: the version is disabled or destroyed, which a reader sees as "not there".
    if (g.status === "FAILED_PRECONDITION") return new SourceError("not-found", `Secret Manager answered ${detail}`);
    return new SourceError("invalid", `Secret Manager answered ${detail}`);
  }
  const net = networkCode(e);
  if (net) return new SourceError("unavailable", `could not reach Secret Manager (${net})`, true);
  return new SourceError(
    "unavailable",
    `request failed (${err.name ?? "Error"}${err.code ? ` ${err.code}` : ""})`,
    true,
  );
}

function googleError(data: unknown): { status?: string; message?: string } {
  let d = data;
  if (typeof d === "string") {
    try {
      d = JSON.parse(d);
    } catch {
      return {};
    }
  }
  const e = (d as { error?: { status?: unknown; message?: unknown } } | undefined)?.error;
  return {
    status: typeof e?.status === "string" ? e.status : undefined,
    message: serviceMessage(e?.message) || undefined,
  };
}
