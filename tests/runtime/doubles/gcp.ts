import { crc32c } from "@aws-crypto/crc32c";
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { applyCommonFault, close, FaultBook, listen, sendJson } from "./faults";

/**
 * Loopback doubles of the GKE metadata server (the workload-identity token source of Application
 * Default Credentials) and the Secret Manager REST API, speaking the wire protocol in WIRE.md.
 * The metadata server demands `Metadata-Flavor: Google` on every request and sends it on every
 * response (the client rejects answers without it). Secret Manager accepts only tokens the metadata
 * server issued and returns the payload's CRC32C, as the real service does.
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
  readonly issuedTokens = new Set<string>();
  tokenRequests = 0;
  accessRequests = 0;
  private metadata!: Server;
  private api!: Server;

  async start(): Promise<this> {
    this.metadata = createServer((req, res) => this.onMetadata(req, res));
    this.api = createServer((req, res) => this.onApi(req, res));
    this.metadataHost = `127.0.0.1:${await listen(this.metadata)}`;
    this.endpoint = `http://127.0.0.1:${await listen(this.api)}`;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all([close(this.metadata), close(this.api)]);
  }

  private onMetadata(req: IncomingMessage, res: ServerResponse): void {
    const flavor = { "Metadata-Flavor": "Google" };
    const text = (status: number, body: string) => res.writeHead(status, { ...flavor, "content-type": "application/text" }).end(body);
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
      this.issuedTokens.add(token);
      res.writeHead(200, { ...flavor, "content-type": "application/json" }).end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: "Bearer" }));
      return;
    }
    text(404, `Not Found: ${url.pathname}`);
  }

  private onApi(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.endpoint);
    const m = /^\/v1\/(projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+):access$/.exec(decodeURIComponent(url.pathname));
    const gErr = (code: number, status: string, message: string, headers: Record<string, string> = {}) => sendJson(res, code, { error: { code, message, status } }, headers);
    if (req.method !== "GET" || !m) return void gErr(404, "NOT_FOUND", `unsupported ${req.method} ${url.pathname}`);
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !this.issuedTokens.has(auth.slice(7))) {
      return void gErr(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.", { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' });
    }
    this.accessRequests++;
    const name = m[1];
    const fault = this.faults.take(name);
    if (fault && applyCommonFault(fault, req, res, this.api)) return;
    if (fault === "throttle") return void gErr(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests' of service 'secretmanager.googleapis.com'.");
    if (fault === "server-error") return void gErr(503, "UNAVAILABLE", "The service is currently unavailable.");
    if (fault === "denied") return void gErr(403, "PERMISSION_DENIED", `Permission 'secretmanager.versions.access' denied for resource '${name}' (or it may not exist).`);
    const v = this.versions.get(name);
    if (!v) return void gErr(404, "NOT_FOUND", `Secret [${name.split("/versions/")[0]}] not found or has no versions.`);
    if (v.disabled) return void gErr(400, "FAILED_PRECONDITION", `Secret Version [${name}] is in DISABLED state.`);
    const bytes = Buffer.isBuffer(v.data) ? v.data : Buffer.from(v.data, "utf8");
    const crc = (crc32c(bytes) ^ (v.badCrc ? 1 : 0)) >>> 0;
    const [, project, secret] = name.split("/");
    sendJson(res, 200, {
      name: `projects/${/^\d+$/.test(project) ? project : "123456789012"}/secrets/${secret}/versions/${v.version}`,
      payload: { data: bytes.toString("base64"), dataCrc32c: String(crc) },
    });
  }
}
