import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyCommonFault, close, FaultBook, type FaultKind, listen, readBody, sendJson } from "./faults";
import type { RateLimit } from "./rate-limit";
import type { TestPki } from "./tls";

/**
 * Loopback doubles of Microsoft Entra ID (the workload-identity token exchange) and Azure Key Vault
 * (with its 401 bearer challenge), over TLS, speaking the wire protocol of their public docs (the
 * Microsoft identity platform's client-credentials flow with a federated client assertion, the Key
 * Vault REST API reference and its authentication challenge). Entra checks
 * what the real service checks: the client id, the grant, the scope, and that the client assertion is
 * the federated token the pod was given. Key Vault accepts only bearer tokens Entra issued.
 */
export interface AzureDoublesOptions {
  pki: TestPki;
  tenantId: string;
  clientId: string;
  /** The federated token file the pod has; its content is the only assertion Entra accepts. */
  tokenFile: string;
  /**
   * Instead of `tokenFile`: the assertions Entra accepts when a request comes (the real tier: the
   * service-account tokens a real kubelet projected, as Entra trusts the cluster's issuer).
   */
  tokens?: () => string[];
  /** Where both listen (default loopback), and the vault's port (default any: 443 for a vault URL without a port). */
  host?: string;
  vaultPort?: number;
}

export interface KvSecret {
  value: string;
  version: string;
}

const VAULT_SCOPE = "https://vault.azure.net/.default";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export class AzureDoubles {
  /** `https://127.0.0.1:P` — the pod's AZURE_AUTHORITY_HOST. */
  authorityHost = "";
  /** `https://127.0.0.1:Q` — the vault URL the spec names. */
  vaultUrl = "";
  /** Secrets by name; each name has one current version. */
  readonly secrets = new Map<string, KvSecret>();
  /** Faults keyed by secret name, or `token` for the Entra token endpoint. */
  readonly faults = new FaultBook();
  /** Entra refuses every token request with this AADSTS error while set. */
  rejectAssertion = false;
  /**
   * The next this-many token requests are answered as while a just-created federated credential
   * propagates: 400 invalid_request, AADSTS70021.
   */
  propagatingRequests = 0;
  /**
   * The vault's request rate (secrets GET: 4,000 per 10 s per vault), counted over requests that carry
   * a valid token; beyond it Key Vault's 429 with Retry-After (seconds) and error code Throttled.
   */
  rateLimit?: RateLimit;
  readonly issuedTokens = new Set<string>();
  tokenRequests = 0;
  /** Key Vault requests that carried a valid token (the ones a real vault would count). */
  secretReads = 0;
  /** Names of the secrets those requests asked for, in order. */
  readonly readNames: string[] = [];
  private entra!: Server;
  private vault!: Server;

  constructor(private readonly opts: AzureDoublesOptions) {}

  async start(): Promise<this> {
    const tls = { key: this.opts.pki.key, cert: this.opts.pki.cert };
    this.entra = createServer(tls, (req, res) => void this.onEntra(req, res));
    this.vault = createServer(tls, (req, res) => void this.onVault(req, res));
    const host = this.opts.host ?? "127.0.0.1";
    this.authorityHost = `https://${host}:${await listen(this.entra, host)}`;
    this.vaultUrl = `https://${host}:${await listen(this.vault, host, this.opts.vaultPort)}`;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([close(this.entra), close(this.vault)]);
  }

  private async onEntra(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.authorityHost);
    const tenant = this.opts.tenantId;
    if (req.method === "GET" && url.pathname === `/${tenant}/v2.0/.well-known/openid-configuration`) {
      const base = `${this.authorityHost}/${tenant}`;
      sendJson(res, 200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
      return;
    }
    if (req.method === "POST" && url.pathname === `/${tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(await readBody(req));
      this.tokenRequests++;
      const fault = this.faults.take("token");
      if (fault && this.aadFault(fault, req, res)) return;
      if (this.propagatingRequests > 0) {
        this.propagatingRequests--;
        sendJson(res, 400, {
          error: "invalid_request",
          error_description:
            "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://oidc.example/'. Assertion Subject: 'system:serviceaccount:shop:shop'. Assertion Audience: 'api://AzureADTokenExchange'.",
          error_codes: [70021],
        });
        return;
      }
      const assertion = form.get("client_assertion") ?? "";
      const trusted = this.opts.tokens
        ? this.opts
            .tokens()
            .map((t) => t.trim())
            .includes(assertion)
        : assertion === readFileSync(this.opts.tokenFile, "utf8").trim();
      const problem =
        form.get("client_id") !== this.opts.clientId
          ? "AADSTS700016: Application not found in the directory."
          : form.get("grant_type") !== "client_credentials"
            ? "AADSTS70003: unsupported grant_type."
            : form.get("client_assertion_type") !== ASSERTION_TYPE
              ? "AADSTS7000219: client_assertion_type is missing or wrong."
              : !trusted || this.rejectAssertion
                ? "AADSTS700213: No matching federated identity record found for presented assertion."
                : form.get("scope") !== VAULT_SCOPE
                  ? "AADSTS70011: The provided value for the input parameter 'scope' is not valid."
                  : undefined;
      if (problem) {
        sendJson(res, 400, {
          error: "invalid_client",
          error_description: problem,
          error_codes: [Number(problem.slice(5, problem.indexOf(":")))],
        });
        return;
      }
      const token = `aad-${randomBytes(12).toString("hex")}`;
      this.issuedTokens.add(token);
      sendJson(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: token });
      return;
    }
    sendJson(res, 404, { error: "not_found", error_description: `no route ${req.method} ${url.pathname}` });
  }

  private aadFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse): boolean {
    if (applyCommonFault(kind, req, res, this.entra)) return true;
    if (kind === "throttle")
      sendJson(
        res,
        429,
        { error: "temporarily_unavailable", error_description: "AADSTS50196: request throttled" },
        { "retry-after": "0" },
      );
    else if (kind === "server-error")
      sendJson(res, 503, { error: "temporarily_unavailable", error_description: "AADSTS90033: service unavailable" });
    else
      sendJson(res, 400, {
        error: "unauthorized_client",
        error_description: "AADSTS700213: No matching federated identity record found.",
      });
    return true;
  }

  private async onVault(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.vaultUrl);
    const m = /^\/secrets\/([0-9A-Za-z-]+)\/([0-9A-Za-z]*)$/.exec(url.pathname);
    if (req.method !== "GET" || !m || !url.searchParams.get("api-version")) {
      sendJson(res, 400, { error: { code: "BadParameter", message: `unsupported ${req.method} ${url.pathname}` } });
      return;
    }
    const auth = req.headers.authorization ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : undefined;
    if (!token || !this.issuedTokens.has(token)) {
      res.writeHead(401, {
        "www-authenticate": `Bearer authorization="${this.authorityHost}/${this.opts.tenantId}", resource="https://vault.azure.net"`,
        "content-type": "application/json",
      });
      res.end(
        JSON.stringify({
          error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." },
        }),
      );
      return;
    }
    if (this.rateLimit && !this.rateLimit.admit(token)) {
      const wait = this.rateLimit.retryAfterSeconds();
      sendJson(
        res,
        429,
        { error: { code: "Throttled", message: `Rate limit is exceeded. Try again in ${wait} seconds.` } },
        { "retry-after": String(wait) },
      );
      return;
    }
    this.secretReads++;
    const [, name, version] = m;
    this.readNames.push(name);
    const fault = this.faults.take(name);
    if (fault && !applyCommonFault(fault, req, res, this.vault)) {
      if (fault === "throttle")
        sendJson(
          res,
          429,
          { error: { code: "Throttled", message: "Rate limit is exceeded. Try again in 0 seconds." } },
          { "retry-after": "0" },
        );
      else if (fault === "server-error")
        sendJson(res, 503, {
          error: { code: "ServiceUnavailable", message: "The service is temporarily unavailable." },
        });
      else
        sendJson(res, 403, {
          error: {
            code: "Forbidden",
            message: `Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'`,
            innererror: { code: "AccessDenied" },
          },
        });
      return;
    }
    if (fault) return;
    const secret = this.secrets.get(name);
    if (!secret || (version && version !== secret.version)) {
      sendJson(res, 404, {
        error: {
          code: "SecretNotFound",
          message: `A secret with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault.`,
        },
      });
      return;
    }
    sendJson(res, 200, {
      value: secret.value,
      id: `${this.vaultUrl}/secrets/${name}/${secret.version}`,
      contentType: "text/plain",
      attributes: {
        enabled: true,
        created: 1700000000,
        updated: 1700000000,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: 90,
      },
      tags: {},
    });
  }
}
