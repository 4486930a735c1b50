/**
 * HashiCorp Vault KV version 2, read after a Kubernetes-auth login with the pod's service account
 * token. Plain HTTP API (there is no official Vault SDK for Node); one login per
 * address + namespace + auth mount + role, reused until 80% of its lease.
 *
 * Environment (documented in the runtime README):
 *   VAULT_K8S_TOKEN_FILE  service account token to log in with
 *                         (default /var/run/secrets/kubernetes.io/serviceaccount/token)
 *   VAULT_CACERT          PEM file of the CA that signed Vault's certificate (as the Vault CLI)
 *   VAULT_NAMESPACE       Vault Enterprise namespace when the source names none (as the Vault CLI)
 * Retries: none here; a retryable failure goes back to the runtime's bounded retry loop.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { VaultKvSource } from "../../../spec/fetch-spec";
import { log } from "../log";
import { type Provider, type ProviderContext, SourceError, type SourceResult } from "./provider";
import {
  CONCURRENCY,
  classifyStatus,
  mapBounded,
  networkCode,
  retryAfterMs,
  serviceMessage,
  settle,
} from "./provider-support";

export const DEFAULT_SA_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
/** Vault answers bigger than this are refused (KV values are small; this bounds memory). */
const MAX_BODY_BYTES = 1024 * 1024;

interface Login {
  token: string;
  /** When to stop using the token as it is: 80% of its lease. */
  expiresAt: number;
  /** The lease Vault gave at login, in seconds. */
  leaseSeconds: number;
  /** Whether renew-self may extend it (a renewal that came back shorter hit the max TTL: log in again next). */
  renewable: boolean;
}

const logins = new Map<string, Promise<Login>>();
/** Login keys whose token renewal Vault refused (403): they log in again instead. */
const renewRefused = new Set<string>();
/** Plain-http addresses already warned about (once per process, at the first fetch). */
const warnedInsecure = new Set<string>();

export const provider: Provider<VaultKvSource> = {
  type: "vault-kv",
  async fetchAll(sources, ctx) {
    // The spec parser lets http:// through only with insecureHttp: true; say so loudly.
    for (const s of sources) {
      if (!s.address.startsWith("http://") || warnedInsecure.has(s.address)) continue;
      warnedInsecure.add(s.address);
      log.warn("vault-insecure-http", {
        address: s.address,
        reason:
          "insecureHttp is set: the service account token and the secret values cross the network unencrypted; serve Vault over https and remove insecureHttp",
      });
    }
    return mapBounded(sources, CONCURRENCY, (s) => fetchOne(s, ctx));
  },
};

/** The KV v2 read URL of a source. */
function readUrl(s: VaultKvSource): string {
  return `${s.address}/v1/${encodePath(s.mount ?? "secret")}/data/${encodePath(s.path)}${s.version ? `?version=${s.version}` : ""}`;
}

function encodePath(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}

async function fetchOne(source: VaultKvSource, ctx: ProviderContext): Promise<SourceResult> {
  return settle(
    ctx,
    async () => {
      const key = loginKey(source, ctx.env);
      const { token } = await login(source, key, ctx);
      const res = await vaultRequest(ctx, readUrl(source), {
        method: "GET",
        headers: { "X-Vault-Token": token, ...nsHeader(source, ctx.env) },
      });
      if (res.status === 403) logins.delete(key); // A revoked or expired token: log in again next time.
      if (res.status !== 200) throw statusError("read", res);
      return decode(source, res.body);
    },
    networkError,
  );
}

function loginKey(s: VaultKvSource, env: NodeJS.ProcessEnv): string {
  return [s.address, s.namespace ?? env.VAULT_NAMESPACE ?? "", s.authMount ?? "kubernetes", s.role].join("|");
}

function nsHeader(s: VaultKvSource, env: NodeJS.ProcessEnv): Record<string, string> {
  const ns = s.namespace ?? env.VAULT_NAMESPACE;
  return ns ? { "X-Vault-Namespace": ns } : {};
}

/** The shared login for `key`; a failed login fails every source waiting on it, and is not kept. */
async function login(source: VaultKvSource, key: string, ctx: ProviderContext): Promise<Login> {
  for (;;) {
    let p = logins.get(key);
    if (!p) {
      const fresh = doLogin(source, ctx);
      logins.set(key, fresh);
      fresh.catch(() => {
        if (logins.get(key) === fresh) logins.delete(key);
      });
      p = fresh;
    }
    const l = await p;
    if (l.expiresAt > Date.now()) return l;
    if (logins.get(key) !== p) continue;
    // Near the end of its lease: renew the token (one renew-self, shared like the login), else log in again.
    // A role whose policies do not grant renew-self (the roles the components create) refuses it
    // with 403 every time: after one refusal, this login key logs in again without asking.
    const next =
      l.renewable && !renewRefused.has(key)
        ? renew(source, l, ctx).catch((e: unknown) => {
            if (e instanceof SourceError && e.failure === "access-denied") renewRefused.add(key);
            return doLogin(source, ctx);
          })
        : doLogin(source, ctx);
    logins.set(key, next);
    next.catch(() => {
      if (logins.get(key) === next) logins.delete(key);
    });
  }
}

/**
 * `auth/token/renew-self`: extends the login's token instead of a new login each lease. A refused
 * renewal (revoked, not renewable) throws, and the caller logs in again; a renewal Vault cut short
 * (the token reached its max TTL) is used and not renewed again.
 */
async function renew(source: VaultKvSource, l: Login, ctx: ProviderContext): Promise<Login> {
  const res = await vaultRequest(ctx, `${source.address}/v1/auth/token/renew-self`, {
    method: "POST",
    call: "vault.RenewSelf",
    headers: { "Content-Type": "application/json", "X-Vault-Token": l.token, ...nsHeader(source, ctx.env) },
    body: JSON.stringify({ increment: `${l.leaseSeconds}s` }),
  });
  if (res.status !== 200) throw statusError("token renewal", res);
  const auth = parseJson(res.body)?.auth as
    { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } | undefined;
  const lease = typeof auth?.lease_duration === "number" ? auth.lease_duration : 0;
  if (lease <= 0) throw new SourceError("malformed", "Vault's renewal answer has no lease", true);
  log.info("vault-token-renewed", { address: source.address, role: source.role, leaseSeconds: lease });
  return {
    token: l.token,
    expiresAt: Date.now() + lease * 800,
    leaseSeconds: l.leaseSeconds,
    renewable: auth?.renewable === true && lease >= l.leaseSeconds,
  };
}

async function doLogin(source: VaultKvSource, ctx: ProviderContext): Promise<Login> {
  const file = ctx.env.VAULT_K8S_TOKEN_FILE || DEFAULT_SA_TOKEN_FILE;
  let jwt: string;
  try {
    jwt = (await readFile(file, "utf8")).trim();
  } catch {
    throw new SourceError(
      "identity-not-ready",
      `the service account token ${file} cannot be read (is automountServiceAccountToken off? VAULT_K8S_TOKEN_FILE names another path)`,
      true,
    );
  }
  if (!jwt) throw new SourceError("identity-not-ready", `the service account token ${file} is empty`, true);
  const url = `${source.address}/v1/auth/${encodePath(source.authMount ?? "kubernetes")}/login`;
  const res = await vaultRequest(ctx, url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...nsHeader(source, ctx.env) },
    body: JSON.stringify({ role: source.role, jwt }),
  });
  if (res.status !== 200) {
    // Vault answers a bad role with 400 and a refused JWT with 403: both are the identity's setup.
    if (res.status === 400)
      throw new SourceError(
        "access-denied",
        `Vault Kubernetes login as role "${source.role}" refused: 400${errorsOf(res.body)}`,
      );
    throw statusError(`Kubernetes login as role "${source.role}"`, res);
  }
  const auth = parseJson(res.body)?.auth as { client_token?: unknown; lease_duration?: unknown } | undefined;
  if (typeof auth?.client_token !== "string" || !auth.client_token) {
    throw new SourceError("malformed", `Vault's login answer has no auth.client_token`, true);
  }
  const lease = typeof auth.lease_duration === "number" && auth.lease_duration > 0 ? auth.lease_duration : 300;
  const renewable = (auth as { renewable?: unknown }).renewable === true;
  return { token: auth.client_token, expiresAt: Date.now() + lease * 800, leaseSeconds: lease, renewable };
}

function decode(source: VaultKvSource, body: string): { bytes: Buffer; version?: string } {
  const parsed = parseJson(body) as { data?: { data?: unknown; metadata?: { version?: unknown } } } | undefined;
  if (!parsed || typeof parsed.data !== "object" || parsed.data === null) {
    throw new SourceError(
      "malformed",
      `Vault's answer is not a KV v2 read (no data object; is ${source.mount ?? "secret"} a KV version 2 mount?)`,
      true,
    );
  }
  const data = parsed.data.data;
  if (data === null) throw new SourceError("not-found", `this version is deleted or destroyed`);
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new SourceError("malformed", `Vault's answer has no data.data object`, true);
  }
  const v = parsed.data.metadata?.version;
  return { bytes: Buffer.from(JSON.stringify(data), "utf8"), version: typeof v === "number" ? String(v) : undefined };
}

function statusError(what: string, res: VaultResponse): SourceError {
  const c = classifyStatus(res.status);
  const detail = `${res.status}${errorsOf(res.body)}`;
  // 412: a performance standby has not caught up yet; Vault's own clients retry it.
  if (res.status === 412) return new SourceError("unavailable", `Vault ${what}: ${detail}`, true);
  const meta = (
    parseJson(res.body)?.data as { metadata?: { deletion_time?: unknown; destroyed?: unknown } } | undefined
  )?.metadata;
  if (
    res.status === 404 &&
    (meta?.destroyed === true || (typeof meta?.deletion_time === "string" && meta.deletion_time !== ""))
  ) {
    return new SourceError(
      "not-found",
      `Vault ${what}: this version is ${meta.destroyed === true ? "destroyed" : "deleted"}`,
    );
  }
  // A rate limit quota's 429 names the bucket's reset time in Retry-After (an HTTP date) when the
  // operator enabled `enable_rate_limit_response_headers`; the runtime waits at least that long.
  if (res.status === 429)
    return new SourceError("throttled", `Vault ${what}: ${detail}`, true, false, retryAfterMs(res.header));
  if (c) return new SourceError(c.failure, `Vault ${what}: ${detail}`, c.retryable);
  return new SourceError("invalid", `Vault ${what}: ${detail}`);
}

/** Vault's `{"errors":[...]}` as ` (a; b)`; these are error texts, never values. */
function errorsOf(body: string): string {
  const errs = (parseJson(body) as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errs)) return "";
  const text = serviceMessage(errs.filter((e) => typeof e === "string").join("; "));
  return text ? ` (${text})` : "";
}

function networkError(e: unknown): SourceError {
  const net = networkCode(e);
  const name = (e as Error)?.name ?? "Error";
  if (name === "AbortError") return new SourceError("timed-out", `no answer before the overall deadline`, true);
  const tls = (e as { code?: string })?.code;
  if (typeof tls === "string" && /CERT|SSL|TLS|VERIFY|ISSUER/.test(tls)) {
    return new SourceError(
      "unavailable",
      `TLS to Vault failed (${tls}); set VAULT_CACERT to the CA file that signed Vault's certificate`,
    );
  }
  return new SourceError("unavailable", `could not reach Vault${net ? ` (${net})` : ` (${name})`}`, true);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

let caCache: { file: string; pem: string } | undefined;

function customCa(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.VAULT_CACERT;
  if (!file) return undefined;
  if (caCache?.file !== file) {
    try {
      caCache = { file, pem: readFileSync(file, "utf8") };
    } catch {
      throw new SourceError("invalid", `VAULT_CACERT ${file} cannot be read`);
    }
  }
  return caCache.pem;
}

interface VaultResponse {
  status: number;
  body: string;
  /** A response header (lower-case name). */
  header(name: string): string | undefined;
}

interface VaultRequest {
  method: "GET" | "POST";
  /** The call's name in the fetcher's counts (default: vault.Login for POST, vault.ReadKv for GET). */
  call?: string;
  headers: Record<string, string>;
  body?: string;
}

/** One HTTP(S) exchange; the body is read whole (bounded) as text. */
function vaultRequest(ctx: ProviderContext, url: string, req: VaultRequest): Promise<VaultResponse> {
  ctx.countCall(req.call ?? (req.method === "POST" ? "vault.Login" : "vault.ReadKv"));
  const u = new URL(url);
  const ca = u.protocol === "https:" ? customCa(ctx.env) : undefined;
  const mod = u.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    // X-Vault-Request: as the Vault CLI sends; a Vault Agent or proxy may require it.
    const headers = { ...req.headers, "X-Vault-Request": "true" };
    const r = mod.request(u, { method: req.method, headers, signal: ctx.signal, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          res.destroy();
          reject(
            new SourceError("malformed", `${url.split("?")[0]}: Vault's answer is larger than ${MAX_BODY_BYTES} bytes`),
          );
        } else chunks.push(c);
      });
      res.on("end", () => {
        const header = (name: string) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), header });
      });
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(req.body);
  });
}
