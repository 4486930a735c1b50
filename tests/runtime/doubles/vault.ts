import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import { applyCommonFault, close, FaultBook, type FaultKind, listen, readBody, sendJson } from "./faults";
import type { RateLimit } from "./rate-limit";
import type { TestPki } from "./tls";

/**
 * A loopback double of HashiCorp Vault: Kubernetes auth login (the JWT must be the pod's service
 * account token file, the role must exist) and KV version 2 reads (the X-Vault-Token must be one
 * this double issued, for a role whose policy covers the path), speaking Vault's HTTP API as its API
 * docs describe it (`auth/kubernetes/login`, the KV version 2 secrets engine). Status codes, error
 * texts, headers and body fields follow what a real Vault v1.21.4 answers (tests-real/vault.test.ts
 * compares the two); one known difference: a JWT for another ServiceAccount or namespace is refused
 * here with "permission denied", where Vault names the mismatch ("service account name not
 * authorized", "namespace not authorized"): this double does not read the JWT's claims.
 */
/** The headers Vault sends on every API answer (JSON without a charset, never cached). */
const VAULT_HEADERS = { "content-type": "application/json", "cache-control": "no-store" };

export interface VaultDoubleOptions {
  /** The service account token file the pod has; its content is the only JWT login accepts. */
  tokenFile: string;
  /** Serve HTTPS with this PKI (else plain HTTP). */
  pki?: TestPki;
  /** Required X-Vault-Namespace on every request (Vault Enterprise), if any. */
  namespace?: string;
}

export interface KvEntry {
  /** The KV data object, by version number (the highest is current). */
  versions: Record<number, Record<string, string> | null>;
}

export class VaultDouble {
  address = "";
  /** KV v2 entries under mount `secret`, by path. */
  readonly kv = new Map<string, KvEntry>();
  /** Roles that may log in, and the path prefixes their policy can read. */
  readonly roles = new Map<string, string[]>();
  /** Faults keyed by KV path, or `login`. */
  readonly faults = new FaultBook();
  logins = 0;
  reads = 0;
  /** Hold each KV read this long, so concurrent reads overlap and `maxInFlight` shows the fetcher's bound. */
  readDelayMs = 0;
  maxInFlight = 0;
  /**
   * A rate limit quota (`sys/quotas/rate-limit`), applied to every request before routing as Vault
   * does (login included). A refused request gets 429 `rate limit quota exceeded`.
   */
  rateLimit?: RateLimit;
  /**
   * `sys/quotas/config` `enable_rate_limit_response_headers`: off by default in Vault, so a 429 then
   * carries no Retry-After. On: X-Ratelimit-Limit/-Remaining/-Reset on answers under the quota, and
   * on a refusal Retry-After = the reset time, both as Go's RFC1123 dates (`Mon, 07 Dec 2026 19:50:01 UTC`).
   */
  rateLimitHeaders = false;
  /** The login token's TTL (`token_ttl` of the role; Vault's default is 32 days). */
  leaseSeconds = 2764800;
  /** The role's `token_max_ttl`: renewals past it are cut short, as Vault does. */
  maxTtlSeconds?: number;
  renewals = 0;
  /** renew-self requests, granted or not. */
  renewAttempts = 0;
  /** Whether the role's policies grant `auth/token/renew-self` (Vault's `default` policy does). */
  renewGranted = true;
  /** Each token's issue time and expiry (ms). An expired token is refused like an unknown one. */
  private readonly tokenTimes = new Map<string, { issued: number; expires: number }>();
  private inFlight = 0;
  private readonly tokens = new Map<string, string>();
  private server!: Server;

  constructor(private readonly opts: VaultDoubleOptions) {}

  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.opts.pki
      ? createHttps({ key: this.opts.pki.key, cert: this.opts.pki.cert }, handler)
      : createHttp(handler);
    this.address = `${this.opts.pki ? "https" : "http"}://127.0.0.1:${await listen(this.server)}`;
    return this;
  }

  async stop(): Promise<void> {
    await close(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.address);
    const send = (status: number, body: unknown) => sendJson(res, status, body, VAULT_HEADERS);
    const errors = (status: number, ...errs: string[]) => send(status, { errors: errs });
    if (this.opts.namespace && req.headers["x-vault-namespace"] !== this.opts.namespace) {
      return void errors(403, "permission denied");
    }
    if (this.rateLimit) {
      const admitted = this.rateLimit.admit(req.socket.remoteAddress ?? "");
      const reset = new Date(Date.now() + this.rateLimit.retryAfterSeconds() * 1000)
        .toUTCString()
        .replace(/GMT$/, "UTC");
      if (this.rateLimitHeaders) {
        res.setHeader("X-Ratelimit-Limit", String(this.rateLimit.limit));
        res.setHeader("X-Ratelimit-Reset", reset);
        if (!admitted) res.setHeader("Retry-After", reset);
      }
      if (!admitted)
        return void errors(429, `request path "${url.pathname.replace(/^\/v1\//, "")}": rate limit quota exceeded`);
    }
    if (req.method === "POST" && url.pathname === "/v1/auth/kubernetes/login") {
      const body = JSON.parse(await readBody(req)) as { role?: string; jwt?: string };
      this.logins++;
      const fault = this.faults.take("login");
      if (fault && this.fault(fault, req, res)) return;
      if (!body.role) return void errors(400, "missing role");
      if (!this.roles.has(body.role)) return void errors(400, `invalid role name "${body.role}"`);
      if (body.jwt !== readFileSync(this.opts.tokenFile, "utf8").trim()) return void errors(403, "permission denied");
      const token = `hvs.${randomBytes(12).toString("hex")}`;
      this.tokens.set(token, body.role);
      const lease =
        this.maxTtlSeconds === undefined ? this.leaseSeconds : Math.min(this.leaseSeconds, this.maxTtlSeconds);
      this.tokenTimes.set(token, { issued: Date.now(), expires: Date.now() + lease * 1000 });
      // Vault lists the policies sorted; metadata names the ServiceAccount the JWT was for.
      const policies = [body.role, "default"].sort();
      send(200, {
        request_id: randomBytes(8).toString("hex"),
        lease_id: "",
        renewable: false,
        lease_duration: 0,
        data: null,
        wrap_info: null,
        warnings: null,
        auth: {
          client_token: token,
          accessor: randomBytes(8).toString("hex"),
          policies,
          token_policies: policies,
          metadata: {
            role: body.role,
            service_account_name: "",
            service_account_namespace: "",
            service_account_secret_name: "",
            service_account_uid: "",
          },
          lease_duration: lease,
          renewable: true,
          entity_id: "",
          token_type: "service",
          orphan: true,
          mfa_requirement: null,
          num_uses: 0,
        },
        mount_type: "",
      });
      return;
    }
    // auth/token/renew-self (Vault's token auth method): extends the caller's token by `increment`
    // (default its TTL), never past the max TTL; a cut-short renewal carries Vault's warning.
    if (req.method === "POST" && url.pathname === "/v1/auth/token/renew-self") {
      const token = String(req.headers["x-vault-token"] ?? "");
      const body = JSON.parse((await readBody(req)) || "{}") as { increment?: string | number };
      const times = this.tokenTimes.get(token);
      this.renewAttempts++;
      // A token whose policies do not grant renew-self (no `default` policy): Vault's ACL refuses it.
      if (!this.tokens.has(token) || !times || times.expires <= Date.now() || !this.renewGranted)
        return void errors(403, "permission denied");
      this.renewals++;
      const asked =
        typeof body.increment === "number"
          ? body.increment
          : body.increment
            ? parseInt(body.increment, 10)
            : this.leaseSeconds;
      let lease = asked;
      const warnings: string[] = [];
      if (this.maxTtlSeconds !== undefined) {
        const left = Math.max(0, Math.floor((times.issued + this.maxTtlSeconds * 1000 - Date.now()) / 1000));
        if (lease > left) {
          warnings.push(
            `TTL of "${asked}s" exceeded the effective max_ttl of "${left}s"; TTL value is capped accordingly`,
          );
          lease = left;
        }
      }
      times.expires = Date.now() + lease * 1000;
      const role = this.tokens.get(token)!;
      const policies = [role, "default"].sort();
      send(200, {
        request_id: randomBytes(8).toString("hex"),
        lease_id: "",
        renewable: false,
        lease_duration: 0,
        data: null,
        wrap_info: null,
        warnings: warnings.length ? warnings : null,
        auth: {
          client_token: token,
          accessor: randomBytes(8).toString("hex"),
          policies,
          token_policies: policies,
          metadata: { role },
          lease_duration: lease,
          renewable: true,
          entity_id: "",
          token_type: "service",
          orphan: true,
          mfa_requirement: null,
          num_uses: 0,
        },
        mount_type: "token",
      });
      return;
    }
    const m = /^\/v1\/secret\/data\/(.+)$/.exec(url.pathname);
    if (req.method === "GET" && m) {
      const presented = req.headers["x-vault-token"];
      const expiry = this.tokenTimes.get(String(presented ?? ""))?.expires ?? Infinity;
      const role = expiry > Date.now() ? this.tokens.get(String(presented ?? "")) : undefined;
      // No token: "permission denied"; a token Vault does not know: both reasons, as a multierror.
      if (!role)
        return void (presented
          ? errors(403, "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n")
          : errors(403, "permission denied"));
      const path = m[1];
      this.reads++;
      if (this.readDelayMs > 0) {
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await new Promise((r) => setTimeout(r, this.readDelayMs));
        this.inFlight--;
      }
      const fault = this.faults.take(path);
      if (fault && this.fault(fault, req, res)) return;
      if (!this.roles.get(role)!.some((p) => path.startsWith(p)))
        return void errors(403, "1 error occurred:\n\t* permission denied\n\n");
      const entry = this.kv.get(path);
      const latest = entry ? Math.max(...Object.keys(entry.versions).map(Number)) : 0;
      const version = url.searchParams.has("version") ? Number(url.searchParams.get("version")) : latest;
      if (!entry || !(version in entry.versions)) return void errors(404);
      const data = entry.versions[version];
      const metadata = {
        created_time: "2026-11-22T10:00:00.000000Z",
        custom_metadata: null,
        deletion_time: data ? "" : "2026-11-22T11:00:00.000000Z",
        destroyed: false,
        version,
      };
      send(data ? 200 : 404, {
        request_id: randomBytes(8).toString("hex"),
        lease_id: "",
        renewable: false,
        lease_duration: 0,
        data: { data, metadata },
        wrap_info: null,
        warnings: null,
        auth: null,
        mount_type: data ? "kv" : "",
      });
      return;
    }
    errors(404);
  }

  private fault(kind: FaultKind, req: IncomingMessage, res: ServerResponse): boolean {
    if (applyCommonFault(kind, req, res, this.server)) return true;
    // A rate limit quota's 429 names the request path; Vault sends no Retry-After unless
    // sys/quotas/config enables enable_rate_limit_response_headers.
    const requestPath = new URL(req.url ?? "/", this.address).pathname.replace(/^\/v1\//, "");
    if (kind === "throttle")
      sendJson(res, 429, { errors: [`request path "${requestPath}": rate limit quota exceeded`] }, VAULT_HEADERS);
    else if (kind === "server-error") sendJson(res, 503, { errors: ["Vault is sealed"] }, VAULT_HEADERS);
    else sendJson(res, 403, { errors: ["permission denied"] }, VAULT_HEADERS);
    return true;
  }
}
