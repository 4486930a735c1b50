/**
 * A loopback double of the AWS services the fetcher uses, written from the services' published API
 * references (the AWS JSON 1.1 protocol, Signature Version 4, the STS, Secrets Manager and Systems
 * Manager API references, the SDKs' container credential provider), on one 127.0.0.1 port:
 *   - STS AssumeRoleWithWebIdentity (unsigned form POST, XML answer; the token must equal the token
 *     file's content; issues fresh random keys),
 *   - the container-credentials endpoint (GET /container-credentials; Authorization must equal the
 *     token file's content; issues fresh random keys),
 *   - Secrets Manager GetSecretValue / BatchGetSecretValue and SSM GetParameters (JSON 1.1 on
 *     X-Amz-Target), each request's SigV4 signature re-computed with the secret key issued for its
 *     access key id: a request signed with anything else is refused, as AWS would.
 * Batch answers never come in request order (AWS promises none): BatchGetSecretValue answers in
 * reverse, GetParameters in alphabetical order of Name (as its API reference says).
 * Faults can be queued per operation; every request is recorded in `calls`.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { SECRET_MARKER } from "../harness";
import type { RateLimit } from "./rate-limit";

export const ACCOUNT = "111122223333";
export const REGION = "eu-west-1";
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/billing-fetch`;

export type Op =
  | "sts.AssumeRoleWithWebIdentity"
  | "container-credentials"
  | "ecs-task-credentials"
  | "secretsmanager.GetSecretValue"
  | "secretsmanager.BatchGetSecretValue"
  | "ssm.GetParameters";

export type FaultKind = "throttle" | "server-error" | "reset" | "slow" | "malformed" | "denied";

export interface Fault {
  op: Op;
  kind: FaultKind;
  /** How many matching requests get the fault (default: all). */
  times?: number;
  /** For "slow": how long to wait before answering normally. */
  delayMs?: number;
}

export interface Call {
  op: Op | "unknown";
  /** The access key id that signed it, and the region of its signing scope (signed operations). */
  accessKeyId?: string;
  region?: string;
  body: Record<string, unknown>;
  /** The response status the double sent (0 for resets). */
  status: number;
}

interface SecretVersion {
  versionId: string;
  stages: string[];
  string?: string;
  binary?: Buffer;
}

interface Secret {
  name: string;
  arn: string;
  versions: SecretVersion[];
}

/** The "-" and 6 random characters Secrets Manager appends to a secret's name in its ARN: letters and digits. */
function arnSuffix(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join("");
}

export class AwsDouble {
  readonly secrets = new Map<string, Secret>();
  /** Parameters by ARN (each in its own account and region). */
  readonly parameters = new Map<
    string,
    { name: string; region: string; account: string; value: string; version: number }
  >();
  /** Names (or parameter names) the role may not read. */
  readonly denied = new Set<string>();
  /** When set, BatchGetSecretValue is refused with AccessDeniedException (the role lacks it). */
  denyBatch = false;
  /** Latency added to every request (the benchmark's 20 ms). */
  latencyMs = 0;
  readonly faults: Fault[] = [];
  /**
   * Request rates enforced per operation (the account's per-region quota), counted per signed request
   * after its signature verifies; beyond it AWS's JSON-protocol throttle: 400 ThrottlingException
   * "Rate exceeded". Give SSM one limit object for every operation its quota is shared by.
   */
  readonly rateLimits: Partial<Record<Op, RateLimit>> = {};
  readonly calls: Call[] = [];
  /** Signed requests whose signature did not verify. */
  signatureFailures = 0;
  /** Credentials issued by STS or the container endpoint, by access key id. */
  private readonly issued = new Map<
    string,
    { secretAccessKey: string; sessionToken: string; via: "sts" | "container" }
  >();
  private webIdentityTokenFile?: string;
  private webIdentityTokens?: () => string[];
  /** The roles AssumeRoleWithWebIdentity may assume (the account's roles whose trust admits the token). */
  readonly roles = new Set<string>([ROLE_ARN]);
  private containerTokenFile?: string;
  private ecsCredentialsId?: string;
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  port = 0;
  /** The address it listens on: loopback, or (the real tier's node) the pod network's bridge address. */
  host = "127.0.0.1";

  async start(host = "127.0.0.1"): Promise<this> {
    this.host = host;
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Forgets what a test changed: recorded calls, injected faults, denials; with `data`, every secret and parameter too. */
  reset({ data = false } = {}): void {
    this.calls.length = 0;
    this.faults.length = 0;
    this.denied.clear();
    this.denyBatch = false;
    if (data) {
      this.secrets.clear();
      this.parameters.clear();
    }
  }

  /**
   * Stores a secret (AWSCURRENT) and returns its ARN. A second put rotates it (old one AWSPREVIOUS).
   * As CreateSecret: the name holds 1-512 ASCII letters, digits and / _ + = . @ - (a "!" name is
   * one only a managing service gives: putManagedSecret).
   */
  putSecret(name: string, value: string | Buffer, versionId = randomBytes(8).toString("hex"), region = REGION): string {
    if (!this.secrets.has(name) && !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name))
      throw new Error(`CreateSecret refuses the name "${name}"`);
    return this.storeSecret(name, value, versionId, region);
  }

  /**
   * Stores a secret as an AWS service creates one for you (Secrets Manager user guide, "Secrets
   * managed by other AWS services"): its name is the service's id, "!", then the service's own
   * name for it, e.g. putManagedSecret("rds", "db-<uuid>", …) for RDS's master user secret
   * `rds!db-<uuid>`. Read like any other secret.
   */
  putManagedSecret(service: string, name: string, value: string | Buffer, region = REGION): string {
    return this.storeSecret(`${service}!${name}`, value, randomBytes(8).toString("hex"), region);
  }

  /**
   * Stores a secret under the full ARN a declaration names (a secret that already exists in the
   * account: its ARN ends in "-" and the 6 characters Secrets Manager chose). A second put rotates it.
   */
  putSecretAt(arn: string, value: string | Buffer, versionId = randomBytes(8).toString("hex")): string {
    const m = /^arn:aws:secretsmanager:([a-z0-9-]+):\d{12}:secret:(.+)-[A-Za-z0-9]{6}$/.exec(arn);
    if (!m) throw new Error(`not a Secrets Manager secret ARN: ${arn}`);
    return this.storeSecret(m[2], value, versionId, m[1], arn);
  }

  private storeSecret(
    name: string,
    value: string | Buffer,
    versionId: string,
    region: string,
    givenArn?: string,
  ): string {
    const existing = this.secrets.get(name);
    const arn =
      existing?.arn ?? givenArn ?? `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${arnSuffix()}`;
    const versions = (existing?.versions ?? []).map((v) => ({
      ...v,
      stages: v.stages.includes("AWSCURRENT") ? ["AWSPREVIOUS"] : [],
    }));
    versions.push({
      versionId,
      stages: ["AWSCURRENT"],
      ...(typeof value === "string" ? { string: value } : { binary: value }),
    });
    this.secrets.set(name, { name, arn, versions });
    return arn;
  }

  /** Stores (or updates) a parameter and returns its ARN; another account's parameter stands for one shared through RAM. */
  putParameter(name: string, value: string, { region = REGION, account = ACCOUNT } = {}): string {
    const arn = `arn:aws:ssm:${region}:${account}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
    this.parameters.set(arn, { name, region, account, value, version: (this.parameters.get(arn)?.version ?? 0) + 1 });
    return arn;
  }

  callsOf(op: Op): Call[] {
    return this.calls.filter((c) => c.op === op);
  }

  /**
   * Trusts, instead of irsaEnv's file, the web identity tokens `tokens()` lists when a request comes:
   * the service-account tokens a real kubelet projected into pods (issued by a real API server), as
   * STS trusts the cluster's OIDC issuer.
   */
  trustWebIdentityTokens(tokens: () => string[]): void {
    this.webIdentityTokens = tokens;
  }

  /** Env of a pod with IRSA: a projected token file, the role ARN, and the SDKs' endpoint variables. */
  irsaEnv(dir: string): NodeJS.ProcessEnv {
    this.webIdentityTokenFile = path.join(dir, "eks-token");
    fs.writeFileSync(this.webIdentityTokenFile, `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString("base64url")}.sig`);
    return {
      AWS_REGION: REGION,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: this.webIdentityTokenFile,
      ...this.endpointEnv(),
    };
  }

  /** Env of a pod with EKS Pod Identity (or an ECS task): the container-credentials endpoint and its token file. */
  podIdentityEnv(dir: string): NodeJS.ProcessEnv {
    this.containerTokenFile = path.join(dir, "eks-pod-identity-token");
    fs.writeFileSync(this.containerTokenFile, randomBytes(24).toString("base64url"));
    return {
      AWS_REGION: REGION,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${this.url}/container-credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: this.containerTokenFile,
      ...this.endpointEnv(),
    };
  }

  /**
   * Env of an ECS task's container as the ECS agent sets it: only AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
   * (`/v2/credentials/<id>`, no authorization token), which the SDKs resolve against
   * http://169.254.170.2. The agent's DNAT of that address to itself is played by a preload
   * (ecs-agent-nat.cjs) that sends it to this double.
   */
  ecsTaskEnv(): NodeJS.ProcessEnv {
    this.ecsCredentialsId = randomBytes(16)
      .toString("hex")
      .replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
    return {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: `/v2/credentials/${this.ecsCredentialsId}`,
      NODE_OPTIONS: `--require ${path.join(__dirname, "ecs-agent-nat.cjs")}`,
      SECRET_MOUNT_TEST_ECS_AGENT_PORT: new URL(this.url).port,
      ...this.endpointEnv(),
    };
  }

  endpointEnv(): NodeJS.ProcessEnv {
    return {
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.url,
      AWS_ENDPOINT_URL_SSM: this.url,
    };
  }

  private takeFault(op: Op): Fault | undefined {
    const i = this.faults.findIndex((f) => f.op === op && (f.times === undefined || f.times > 0));
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (f.times !== undefined) f.times--;
    return f;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      setTimeout(() => void this.route(req, res, body).catch(() => res.destroy()), this.latencyMs);
    });
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const target = req.headers["x-amz-target"];
    const call: Call = { op: "unknown", body: {}, status: 0 };
    this.calls.push(call);
    const send = (status: number, contentType: string, text: string) => {
      call.status = status;
      res
        .writeHead(status, { "content-type": contentType, "x-amzn-requestid": randomBytes(8).toString("hex") })
        .end(text);
    };
    const json = (status: number, value: unknown) => send(status, "application/x-amz-json-1.1", JSON.stringify(value));
    const awsError = (status: number, type: string, message: string) =>
      json(status, { __type: type, Message: message });

    let op: Op;
    if (req.method === "GET" && req.url === "/container-credentials") op = "container-credentials";
    else if (req.method === "GET" && req.url?.startsWith("/v2/credentials/")) op = "ecs-task-credentials";
    else if (req.method === "POST" && body.startsWith("Action=")) op = "sts.AssumeRoleWithWebIdentity";
    else if (target === "secretsmanager.GetSecretValue" || target === "secretsmanager.BatchGetSecretValue") op = target;
    else if (target === "AmazonSSM.GetParameters") op = "ssm.GetParameters";
    else return awsError(400, "UnknownOperationException", `unknown operation ${String(target)}`);
    call.op = op;

    const fault = this.takeFault(op);
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "slow") await new Promise((r) => setTimeout(r, fault.delayMs ?? 5_000));
    if (fault?.kind === "throttle") return awsError(400, "ThrottlingException", "Rate exceeded");
    if (fault?.kind === "server-error")
      return awsError(500, op.startsWith("ssm") ? "InternalServerError" : "InternalServiceError", "internal failure");
    // A truncated answer that carries a value: the fetcher must not echo it while failing to parse it.
    if (fault?.kind === "malformed")
      return send(200, "application/x-amz-json-1.1", `{"Name":"x","SecretString":"${SECRET_MARKER}-trunc`);
    if (fault?.kind === "denied") return awsError(400, "AccessDeniedException", "not authorized");

    if (op === "container-credentials") return this.containerCredentials(req, json);
    if (op === "ecs-task-credentials") return this.ecsTaskCredentials(req, json);
    if (op === "sts.AssumeRoleWithWebIdentity") return this.assumeRoleWithWebIdentity(body, call, send);

    const verified = await this.verifySignature(req, body, op.startsWith("ssm") ? "ssm" : "secretsmanager");
    if ("status" in verified) return awsError(verified.status, verified.type, verified.message);
    call.accessKeyId = verified.accessKeyId;
    call.region = verified.region;
    const limit = this.rateLimits[op];
    if (limit && !limit.admit(verified.accessKeyId)) return awsError(400, "ThrottlingException", "Rate exceeded");
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return awsError(400, "SerializationException", "body is not JSON");
    }
    call.body = input;
    if (op === "secretsmanager.GetSecretValue") return this.getSecretValue(input, json, awsError);
    if (op === "secretsmanager.BatchGetSecretValue") return this.batchGetSecretValue(input, json, awsError);
    return this.getParameters(input, verified.region, json, awsError);
  }

  private issue(via: "sts" | "container") {
    const creds = {
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString("base64"),
      sessionToken: randomBytes(48).toString("base64"),
    };
    this.issued.set(creds.accessKeyId, { ...creds, via });
    return { ...creds, expiration: new Date(Date.now() + 3_600_000).toISOString() };
  }

  private containerCredentials(req: http.IncomingMessage, json: (s: number, v: unknown) => void): void {
    const expected = this.containerTokenFile && fs.readFileSync(this.containerTokenFile, "utf8");
    if (!expected || req.headers.authorization !== expected)
      return json(401, { code: "AccessDenied", message: "bad authorization token" });
    const c = this.issue("container");
    json(200, {
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken,
      Expiration: c.expiration,
      AccountId: ACCOUNT,
      RoleArn: ROLE_ARN,
    });
  }

  /** The ECS agent's task credentials: the id in the path names the task's credentials; no token. */
  private ecsTaskCredentials(req: http.IncomingMessage, json: (s: number, v: unknown) => void): void {
    if (!this.ecsCredentialsId || req.url !== `/v2/credentials/${this.ecsCredentialsId}`) {
      return json(400, { code: "NoIdInRequest", message: "CredentialsV2Request: No Credential ID in the request" });
    }
    const c = this.issue("container");
    json(200, {
      RoleArn: ROLE_ARN,
      AccessKeyId: c.accessKeyId,
      SecretAccessKey: c.secretAccessKey,
      Token: c.sessionToken,
      Expiration: c.expiration,
    });
  }

  private assumeRoleWithWebIdentity(body: string, call: Call, send: (s: number, t: string, x: string) => void): void {
    const form = Object.fromEntries(new URLSearchParams(body));
    call.body = { ...form, WebIdentityToken: "<redacted>" };
    const xmlError = (status: number, code: string, message: string) =>
      send(
        status,
        "text/xml",
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    const expected = this.webIdentityTokenFile && fs.readFileSync(this.webIdentityTokenFile, "utf8");
    const trusted = this.webIdentityTokens
      ? this.webIdentityTokens().includes(form.WebIdentityToken)
      : !!expected && form.WebIdentityToken === expected;
    if (form.Action !== "AssumeRoleWithWebIdentity" || form.Version !== "2011-06-15")
      return xmlError(400, "InvalidAction", "unsupported action");
    if (!trusted)
      return xmlError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider");
    // STS's own constraint on the session name (API reference: 2-64 of [\w+=,.@-]).
    if (form.RoleSessionName === undefined || !/^[\w+=,.@-]{2,64}$/.test(form.RoleSessionName)) {
      return xmlError(
        400,
        "ValidationError",
        `1 validation error detected: Value '${form.RoleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2-64`,
      );
    }
    if (!this.roles.has(form.RoleArn))
      return xmlError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    const c = this.issue("sts");
    const session = form.RoleSessionName ?? "s";
    send(
      200,
      "text/xml",
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>` +
        `<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey><SessionToken>${c.sessionToken}</SessionToken><Expiration>${c.expiration}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/billing-fetch/${session}</Arn><AssumedRoleId>AROA:${session}</AssumedRoleId></AssumedRoleUser>` +
        `<SubjectFromWebIdentityToken>system:serviceaccount:billing:app</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience><Provider>oidc.eks.${REGION}.amazonaws.com/id/X</Provider>` +
        `</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
  }

  /** Returns the signer's key id and scope region when the SigV4 signature verifies, else the error AWS would send. */
  private async verifySignature(
    req: http.IncomingMessage,
    body: string,
    service: string,
  ): Promise<{ accessKeyId: string; region: string } | { status: number; type: string; message: string }> {
    const auth = req.headers.authorization ?? "";
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m)
      return {
        status: 400,
        type: "MissingAuthenticationTokenException",
        message: "missing or malformed Authorization",
      };
    const [, akid, , region, signedService, signedHeaders, signature] = m;
    const creds = this.issued.get(akid);
    if (!creds)
      return {
        status: 400,
        type: "UnrecognizedClientException",
        message: "The security token included in the request is invalid.",
      };
    if (req.headers["x-amz-security-token"] !== creds.sessionToken)
      return {
        status: 400,
        type: "UnrecognizedClientException",
        message: "The security token included in the request is invalid.",
      };
    if (signedService !== service)
      return {
        status: 400,
        type: "InvalidSignatureException",
        message: "Credential should be scoped to correct service",
      };
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    const d = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    if (!d) return { status: 400, type: "InvalidSignatureException", message: "bad X-Amz-Date" };
    const signingDate = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]));
    const names = signedHeaders.split(";");
    const headers: Record<string, string> = {};
    for (const n of names) headers[n] = String(req.headers[n] ?? "");
    const signer = new SignatureV4({
      credentials: { accessKeyId: akid, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      region,
      service,
      sha256: Sha256,
      applyChecksum: false,
    });
    const [pathname, query = ""] = (req.url ?? "/").split("?");
    const signed = await signer.sign(
      {
        method: req.method ?? "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: this.port,
        path: pathname,
        query: Object.fromEntries(new URLSearchParams(query)),
        headers,
        body,
      },
      { signingDate, signableHeaders: new Set(names) },
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
    if (expected !== signature) {
      this.signatureFailures++;
      return {
        status: 403,
        type: "InvalidSignatureException",
        message: "The request signature we calculated does not match the signature you provided.",
      };
    }
    return { accessKeyId: akid, region };
  }

  /**
   * As Secrets Manager resolves a SecretId: a name, a full ARN, or a partial ARN (the ARN without
   * the "-" and 6-character suffix, i.e. exactly the secret's name after "secret:"). Never a prefix.
   */
  private findSecret(id: string): Secret | undefined {
    for (const s of this.secrets.values()) if (s.name === id || s.arn === id || s.arn.slice(0, -7) === id) return s;
    return undefined;
  }

  private secretValue(s: Secret, v: SecretVersion) {
    return {
      ARN: s.arn,
      Name: s.name,
      VersionId: v.versionId,
      ...(v.string !== undefined ? { SecretString: v.string } : { SecretBinary: v.binary!.toString("base64") }),
      VersionStages: v.stages,
      CreatedDate: 1_700_000_000.0,
    };
  }

  private getSecretValue(
    input: Record<string, unknown>,
    json: (s: number, v: unknown) => void,
    awsError: (s: number, t: string, m: string) => void,
  ): void {
    const id = String(input.SecretId ?? "");
    const s = this.findSecret(id);
    if (s && this.denied.has(s.name))
      return awsError(400, "AccessDeniedException", `not authorized to perform secretsmanager:GetSecretValue on ${id}`);
    if (!s) return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    const v = input.VersionId
      ? s.versions.find((x) => x.versionId === input.VersionId)
      : s.versions.find((x) => x.stages.includes(String(input.VersionStage ?? "AWSCURRENT")));
    if (!v)
      return awsError(
        400,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label or version.",
      );
    json(200, this.secretValue(s, v));
  }

  private batchGetSecretValue(
    input: Record<string, unknown>,
    json: (s: number, v: unknown) => void,
    awsError: (s: number, t: string, m: string) => void,
  ): void {
    const ids = input.SecretIdList as string[] | undefined;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20)
      return awsError(400, "ValidationException", "SecretIdList must hold 1 to 20 ids");
    if (this.denyBatch)
      return awsError(400, "AccessDeniedException", "not authorized to perform secretsmanager:BatchGetSecretValue");
    const values: unknown[] = [];
    const errors: unknown[] = [];
    for (const id of ids) {
      const s = this.findSecret(id);
      if (s && this.denied.has(s.name))
        errors.push({ SecretId: id, ErrorCode: "AccessDeniedException", Message: "not authorized" });
      else if (!s)
        errors.push({
          SecretId: id,
          ErrorCode: "ResourceNotFoundException",
          Message: "Secrets Manager can't find the specified secret.",
        });
      else
        values.push(
          this.secretValue(
            s,
            s.versions.find((v) => v.stages.includes("AWSCURRENT"))!,
          ),
        );
    }
    // AWS promises no order: answer in the reverse of the request's, so no client can rely on it.
    json(200, { SecretValues: values.reverse(), Errors: errors.reverse(), NextToken: null });
  }

  /**
   * As Parameter Store answers GetParameters: a name is looked up in the caller's account and the
   * request's region; an ARN (the only way to read a parameter shared from another account) must
   * name the request's region. Answers come in alphabetical order of Name (the API reference says
   * so; the order among equal names is not documented: here the reverse of the request's); Name is
   * the bare name, also when asked by ARN; InvalidParameters lists ids as they were sent.
   */
  private getParameters(
    input: Record<string, unknown>,
    region: string,
    json: (s: number, v: unknown) => void,
    awsError: (s: number, t: string, m: string) => void,
  ): void {
    const names = input.Names as string[] | undefined;
    if (!Array.isArray(names) || names.length === 0 || names.length > 10)
      return awsError(400, "ValidationException", "Names must hold 1 to 10 names");
    if (input.WithDecryption !== true)
      return awsError(400, "ValidationException", "this double only serves decrypted SecureStrings");
    const find = (id: string) =>
      [...this.parameters.entries()].find(
        ([arn, p]) =>
          p.region === region && (id.startsWith("arn:") ? arn === id : p.account === ACCOUNT && p.name === id),
      );
    const deniedName = names.find((n) => this.denied.has(n) || this.denied.has(find(n)?.[1].name ?? ""));
    if (deniedName)
      return awsError(400, "AccessDeniedException", `not authorized to perform ssm:GetParameters on ${deniedName}`);
    const parameters: { Name: string }[] = [];
    const invalid: string[] = [];
    for (const n of [...names].reverse()) {
      const found = find(n);
      if (!found) invalid.push(n);
      else
        parameters.push({
          Name: found[1].name,
          Type: "SecureString",
          Value: found[1].value,
          Version: found[1].version,
          ARN: found[0],
          DataType: "text",
          LastModifiedDate: 1_700_000_000.0,
        } as { Name: string });
    }
    parameters.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    json(200, { Parameters: parameters, InvalidParameters: invalid.reverse() });
  }
}
