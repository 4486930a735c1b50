import { crc32c } from "@aws-crypto/crc32c";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { applyCommonFault, close, FaultBook, listen, sendJson } from "./faults";
import type { RateLimit } from "./rate-limit";

/**
 * Loopback doubles of the GKE metadata server (the workload-identity token source of Application
 * Default Credentials) and the Secret Manager REST API, speaking the wire protocol of Google's docs
 * (the metadata server's instance/service-accounts endpoints, the Secret Manager REST reference for
 * `projects.secrets.versions.access`).
 * The metadata server demands `Metadata-Flavor: Google` on every request and sends it on every
 * response (the client rejects answers without it). Secret Manager accepts only tokens the metadata
 * server issued and returns the payload's CRC32C, as the real service does.
 *
 * Like the real service, a regional secret (`projects/p/locations/<l>/secrets/s`) is served only by
 * its regional endpoint (secretmanager.<l>.rep.googleapis.com, here one server per location from
 * `startRegion`): the global endpoint answers such a name 400 INVALID_ARGUMENT ("The provided Secret
 * ID […] does not match the expected format", the answer Google's clients report for it), and a
 * regional endpoint refuses names of other locations the same way.
 *
 * With `iam` set, access is decided as IAM does: the token carries the pod's principal, and a read
 * is allowed only when a grant of roles/secretmanager.secretAccessor on exactly that secret names
 * exactly that principal; every decision is recorded in `reads`.
 */
export interface GcpVersion {
  /** Payload bytes (a string is taken as UTF-8). */
  data: string | Buffer;
  /** Version number this name resolves to. */
  version: number;
  /** Serve a wrong dataCrc32c (corruption in transit). */
  badCrc?: boolean;
  /** The version is disabled: access answers 400 FAILED_PRECONDITION. */
  disabled?: boolean;
}

/** The pod's identity and the grants on secrets, for the IAM decision. */
export interface GcpIam {
  /** Who the metadata server's tokens stand for (the KSA principal, or `serviceAccount:<email>`). */
  principal: string;
  grants: { resource: string; role: string; member: string }[];
}

export interface GcpRead {
  /** The secret's name (without `/versions/…`). */
  secret: string;
  principal: string;
  allowed: boolean;
  /** `global` or the regional endpoint's location that served the request. */
  endpoint: string;
}

export class GcpDoubles {
  /** `127.0.0.1:P` — the pod's GCE_METADATA_HOST. */
  metadataHost = "";
  /** `http://127.0.0.1:Q` — Secret Manager's base URL (CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER). */
  endpoint = "";
  /** Secret versions by full name as the spec writes it (`projects/p/secrets/s/versions/latest`). */
  readonly versions = new Map<string, GcpVersion>();
  /** Faults keyed by version name, or `token` for the metadata token endpoint. */
  readonly faults = new FaultBook();
  /** The metadata server has no service account for the pod (workload identity not bound). */
  noServiceAccount = false;
  /** Token → principal it was issued for. */
  readonly issuedTokens = new Map<string, string>();
  tokenRequests = 0;
  accessRequests = 0;
  /** Epoch ms of every access request (after authentication), for backoff checks. */
  readonly accessTimes: number[] = [];
  /**
   * The project's access quota (90,000 per minute per project), counted over authenticated requests;
   * beyond it Google's 429 RESOURCE_EXHAUSTED error body.
   */
  rateLimit?: RateLimit;
  iam?: GcpIam;
  readonly reads: GcpRead[] = [];
  /** Regional endpoints by location (`http://127.0.0.1:R`), from `startRegion`. */
  readonly regionalEndpoints = new Map<string, string>();
  private metadata!: Server;
  private api!: Server;
  private readonly regional: Server[] = [];

  /** Where the servers listen: loopback, or (the real tier's node) the pod network's bridge address. */
  private host = "127.0.0.1";

  async start(host = "127.0.0.1"): Promise<this> {
    this.host = host;
    this.metadata = createServer((req, res) => this.onMetadata(req, res));
    this.api = createServer((req, res) => this.onApi(req, res));
    this.metadataHost = `${host}:${await listen(this.metadata, host)}`;
    this.endpoint = `http://${host}:${await listen(this.api, host)}`;
    return this;
  }

  /** Serves `location`'s regional endpoint; returns its base URL. */
  async startRegion(location: string): Promise<string> {
    const server = createServer((req, res) => this.onApi(req, res, location));
    this.regional.push(server);
    const url = `http://${this.host}:${await listen(server, this.host)}`;
    this.regionalEndpoints.set(location, url);
    return url;
  }

  /** The pod env naming each started regional endpoint as the runtime reads it. */
  regionalEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(
      [...this.regionalEndpoints].map(([l, u]) => [
        `SECRET_MOUNT_SECRETMANAGER_ENDPOINT_${l.toUpperCase().replace(/-/g, "_")}`,
        `${u}/`,
      ]),
    );
  }

  reset(): void {
    this.versions.clear();
    this.faults.clear();
    this.noServiceAccount = false;
    this.tokenRequests = 0;
    this.accessRequests = 0;
    this.accessTimes.length = 0;
    this.reads.length = 0;
    this.iam = undefined;
  }

  async stop(): Promise<void> {
    await Promise.all([close(this.metadata), close(this.api), ...this.regional.map(close)]);
  }

  private onMetadata(req: IncomingMessage, res: ServerResponse): void {
    const flavor = { "Metadata-Flavor": "Google" };
    const text = (status: number, body: string) =>
      res.writeHead(status, { ...flavor, "content-type": "application/text" }).end(body);
    if (req.headers["metadata-flavor"] !== "Google") {
      text(403, "Missing required header: Metadata-Flavor");
      return;
    }
    const url = new URL(req.url ?? "/", "http://metadata");
    if (url.pathname === "/computeMetadata/v1/instance" || url.pathname === "/computeMetadata/v1/instance/") {
      text(200, "attributes/\nhostname\nservice-accounts/\nzone\n");
      return;
    }
    if (url.pathname === "/computeMetadata/v1/project/project-id") {
      text(200, "acme-prod");
      return;
    }
    if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/token") {
      this.tokenRequests++;
      const fault = this.faults.take("token");
      if (fault && applyCommonFault(fault, req, res, this.metadata)) return;
      if (fault === "throttle") return void text(429, "Too many requests");
      if (fault === "server-error") return void text(500, "Internal error");
      if (fault === "denied" || this.noServiceAccount) return void text(404, "Not Found: no service account bound");
      const token = `ya29.${randomBytes(12).toString("hex")}`;
      this.issuedTokens.set(token, this.iam?.principal ?? "serviceAccount:default");
      res
        .writeHead(200, { ...flavor, "content-type": "application/json" })
        .end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: "Bearer" }));
      return;
    }
    text(404, `Not Found: ${url.pathname}`);
  }

  private onApi(req: IncomingMessage, res: ServerResponse, location?: string): void {
    const url = new URL(req.url ?? "/", this.endpoint);
    const m = /^\/v1\/(projects\/[^/]+\/(?:locations\/([^/]+)\/)?secrets\/[^/]+\/versions\/[^/]+):access$/.exec(
      decodeURIComponent(url.pathname),
    );
    const gErr = (code: number, status: string, message: string, headers: Record<string, string> = {}) =>
      sendJson(res, code, { error: { code, message, status } }, headers);
    if (req.method !== "GET" || !m) return void gErr(404, "NOT_FOUND", `unsupported ${req.method} ${url.pathname}`);
    const auth = req.headers.authorization ?? "";
    const principal = auth.startsWith("Bearer ") ? this.issuedTokens.get(auth.slice(7)) : undefined;
    if (principal === undefined) {
      return void gErr(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token.",
        { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' },
      );
    }
    const name = m[1];
    if (m[2] !== location) {
      const expected = location
        ? `projects/*/locations/${location}/secrets/*/versions/*`
        : "projects/*/secrets/*/versions/*";
      return void gErr(
        400,
        "INVALID_ARGUMENT",
        `The provided Secret ID [${name}] does not match the expected format [${expected}]`,
      );
    }
    if (this.rateLimit && !this.rateLimit.admit(auth.slice(7))) {
      return void gErr(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute' of service 'secretmanager.googleapis.com' for consumer 'project_number:123456789012'.",
      );
    }
    this.accessRequests++;
    this.accessTimes.push(Date.now());
    const fault = this.faults.take(name);
    if (fault && applyCommonFault(fault, req, res, this.api)) return;
    if (fault === "throttle")
      return void gErr(
        429,
        "RESOURCE_EXHAUSTED",
        "Quota exceeded for quota metric 'Access requests' of service 'secretmanager.googleapis.com'.",
      );
    if (fault === "server-error") return void gErr(503, "UNAVAILABLE", "The service is currently unavailable.");
    const denied = () =>
      gErr(
        403,
        "PERMISSION_DENIED",
        `Permission 'secretmanager.versions.access' denied for resource '${name}' (or it may not exist).`,
      );
    if (fault === "denied") return void denied();
    if (this.iam) {
      const secret = name.split("/versions/")[0];
      const allowed = this.iam.grants.some(
        (g) => g.resource === secret && g.role === "roles/secretmanager.secretAccessor" && g.member === principal,
      );
      this.reads.push({ secret, principal, allowed, endpoint: location ?? "global" });
      if (!allowed) return void denied();
    }
    const v = this.versions.get(name);
    if (!v) return void gErr(404, "NOT_FOUND", `Secret [${name.split("/versions/")[0]}] not found or has no versions.`);
    if (v.disabled) return void gErr(400, "FAILED_PRECONDITION", `Secret Version [${name}] is in DISABLED state.`);
    const bytes = Buffer.isBuffer(v.data) ? v.data : Buffer.from(v.data, "utf8");
    const crc = (crc32c(bytes) ^ (v.badCrc ? 1 : 0)) >>> 0;
    const [, project] = name.split("/");
    sendJson(res, 200, {
      name: `projects/${/^\d+$/.test(project) ? project : "123456789012"}/${name
        .split("/")
        .slice(2)
        .join("/")
        .replace(/\/versions\/[^/]+$/, "")}/versions/${v.version}`,
      payload: { data: bytes.toString("base64"), dataCrc32c: String(crc) },
    });
  }
}
