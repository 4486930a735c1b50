/**
 * Bench variant only (not shipped): the Secrets Manager SDK client replaced by a thin client that
 * keeps the SDK's credentials (the runtime's shared provider), the SDK's signer
 * (@smithy/signature-v4) and the SDK's standard retry strategy (@smithy/core/retry), and speaks the
 * awsJson1_1 protocol itself over node:https with a keep-alive agent. The bench builds the fetch
 * bundle with `@aws-sdk/client-secrets-manager` aliased to this file; only what the runtime's
 * Secrets Manager provider uses exists here.
 */
import { StandardRetryStrategy } from "@smithy/core/retry";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { createHash, createHmac } from "node:crypto";
import * as https from "node:https";

class NodeSha256 {
  private h;
  constructor(private readonly secret?: unknown) {
    this.h = secret ? createHmac("sha256", secret as Buffer) : createHash("sha256");
  }
  update(data: Uint8Array | string) {
    this.h.update(data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
  reset() {
    this.h = this.secret ? createHmac("sha256", this.secret as Buffer) : createHash("sha256");
  }
}

class Command<I> {
  constructor(
    readonly op: string,
    readonly input: I,
  ) {}
}
export class GetSecretValueCommand extends Command<Record<string, unknown>> {
  constructor(input: Record<string, unknown>) {
    super("GetSecretValue", input);
  }
}
export class BatchGetSecretValueCommand extends Command<Record<string, unknown>> {
  constructor(input: Record<string, unknown>) {
    super("BatchGetSecretValue", input);
  }
}
export type GetSecretValueCommandOutput = { SecretString?: string; SecretBinary?: Uint8Array; VersionId?: string };
export type BatchGetSecretValueCommandOutput = {
  SecretValues?: (GetSecretValueCommandOutput & { ARN?: string; Name?: string })[];
  Errors?: { SecretId?: string; ErrorCode?: string; Message?: string }[];
  NextToken?: string;
};

const agent = new https.Agent({ keepAlive: true, maxSockets: 50 });

export class SecretsManagerClient {
  private readonly signer: SignatureV4;
  private readonly retry: StandardRetryStrategy;
  private readonly endpoint: URL;
  constructor(options: { region?: string; credentials: AwsCredentialIdentityProvider; maxAttempts?: number }) {
    const region = options.region ?? process.env.AWS_REGION ?? "";
    this.signer = new SignatureV4({
      service: "secretsmanager",
      region,
      credentials: options.credentials,
      sha256: NodeSha256 as never,
    });
    this.retry = new StandardRetryStrategy(options.maxAttempts ?? 3);
    this.endpoint = new URL(
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ??
        process.env.AWS_ENDPOINT_URL ??
        `https://secretsmanager.${region}.amazonaws.com`,
    );
  }

  async send(command: Command<Record<string, unknown>>, opts: { abortSignal?: AbortSignal } = {}): Promise<never> {
    const body = JSON.stringify(command.input);
    let token = await this.retry.acquireInitialRetryToken("secretsmanager");
    for (;;) {
      const signed = await this.signer.sign({
        method: "POST",
        protocol: this.endpoint.protocol,
        hostname: this.endpoint.hostname,
        port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
        path: "/",
        query: {},
        headers: {
          host: this.endpoint.host,
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": `secretsmanager.${command.op}`,
          "content-length": String(Buffer.byteLength(body)),
        },
        body,
      });
      try {
        const out = await this.post(signed.headers, body, opts.abortSignal);
        this.retry.recordSuccess(token);
        if (out.SecretBinary) out.SecretBinary = Buffer.from(out.SecretBinary as string, "base64");
        for (const v of out.SecretValues ?? [])
          if (v.SecretBinary) v.SecretBinary = Buffer.from(v.SecretBinary as string, "base64");
        return out as never;
      } catch (e) {
        const err = e as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: object };
        const status = err.$metadata?.httpStatusCode;
        const errorType =
          err.name === "ThrottlingException"
            ? "THROTTLING"
            : status === undefined || status >= 500
              ? "TRANSIENT"
              : "CLIENT_ERROR";
        if (errorType === "CLIENT_ERROR" || opts.abortSignal?.aborted) throw err;
        try {
          token = await this.retry.refreshRetryTokenForRetry(token, { errorType });
        } catch {
          throw err;
        }
        await new Promise((r) => setTimeout(r, token.getRetryDelay()));
      }
    }
  }

  private post(
    headers: Record<string, string>,
    body: string,
    signal?: AbortSignal,
  ): Promise<{ SecretBinary?: string | Uint8Array; SecretValues?: { SecretBinary?: string | Uint8Array }[] }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          agent,
          method: "POST",
          hostname: this.endpoint.hostname,
          port: this.endpoint.port,
          path: "/",
          headers,
          signal,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (d: Buffer) => parts.push(d));
          res.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            let json: Record<string, unknown> = {};
            try {
              json = text ? JSON.parse(text) : {};
            } catch {
              /* kept empty: reported by status below */
            }
            if (res.statusCode === 200) return resolve(json as never);
            const type = String(json.__type ?? res.headers["x-amzn-errortype"] ?? "UnknownError")
              .split("#")
              .pop()!
              .split(":")[0];
            reject(
              Object.assign(new Error(String(json.message ?? json.Message ?? type)), {
                name: type,
                $metadata: { httpStatusCode: res.statusCode },
              }),
            );
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }
}
