/**
 * The fetcher never falls back to the node's instance role: with no IRSA / Pod Identity variables
 * and an instance metadata service (IMDSv2) that would hand out credentials, the run fails as
 * identity-not-ready and the metadata service is never contacted, even when the environment says
 * AWS_EC2_METADATA_DISABLED=false.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { runFetch, specEnv, tempDir } from "./harness";

/** IMDSv2 as EC2 serves it: PUT a session token, then the role name and its credentials. */
class ImdsDouble {
  readonly requests: string[] = [];
  private readonly server = http.createServer((req, res) => {
    this.requests.push(`${req.method} ${req.url}`);
    if (req.method === "PUT" && req.url === "/latest/api/token")
      return void res.writeHead(200, { "content-type": "text/plain" }).end("imds-session-token");
    if (req.headers["x-aws-ec2-metadata-token"] !== "imds-session-token") return void res.writeHead(401).end();
    if (
      req.url === "/latest/meta-data/iam/security-credentials/" ||
      req.url === "/latest/meta-data/iam/security-credentials"
    )
      return void res.writeHead(200).end("node-role");
    if (req.url?.startsWith("/latest/meta-data/iam/security-credentials/node-role")) {
      return void res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          Code: "Success",
          Type: "AWS-HMAC",
          AccessKeyId: "ASIANODEROLE",
          SecretAccessKey: "node-secret",
          Token: "node-token",
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    }
    res.writeHead(404).end();
  });
  port = 0;
  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe("runtime: never the node's instance role (IMDS off)", () => {
  let aws: AwsDouble;
  let imds: ImdsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
    imds = await new ImdsDouble().start();
  });
  after(async () => {
    await aws.close();
    await imds.close();
  });

  for (const setting of [undefined, "false"]) {
    it(`no pod identity, IMDS reachable, AWS_EC2_METADATA_DISABLED ${setting === undefined ? "unset" : `="${setting}"`}: identity-not-ready, IMDS never contacted`, async () => {
      imds.requests.length = 0;
      aws.putSecret("imds/db", "irrelevant");
      const vol = path.join(tempDir(), "vol");
      const spec = {
        version: 1,
        dir: vol,
        mode: "init",
        timeoutSeconds: 3,
        files: [{ path: "db", source: { type: "aws-secretsmanager", secretId: "imds/db", region: REGION } }],
      };
      const env = specEnv(spec, {
        AWS_REGION: REGION,
        ...aws.endpointEnv(),
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imds.port}`,
        SECRET_MOUNT_MAX_ATTEMPTS: "2",
      });
      if (setting === undefined) delete env.AWS_EC2_METADATA_DISABLED;
      else env.AWS_EC2_METADATA_DISABLED = setting;
      const r = await runFetch({ env });
      assert.deepEqual(imds.requests, [], "the instance metadata service was contacted");
      assert.equal(r.code, 1, r.stderr);
      const failed = r.logs.find((l) => l.event === "file-failed");
      assert.equal(failed?.cause, "identity-not-ready", JSON.stringify(r.logs));
      assert.equal(
        aws.calls.filter((c) => c.op === "secretsmanager.GetSecretValue").length,
        0,
        "nothing was requested without the pod's identity",
      );
      assert.equal(fs.existsSync(path.join(vol, "..data")), false);
      if (setting !== undefined) assert.ok(r.logs.some((l) => l.event === "imds-disabled" && l.level === "warn"));
    });
  }

  it("the image sets AWS_EC2_METADATA_DISABLED=true", () => {
    const dockerfile = fs.readFileSync(path.resolve(__dirname, "../../runtime-image/Dockerfile"), "utf8");
    assert.match(dockerfile, /^ENV AWS_EC2_METADATA_DISABLED=true$/m);
  });
});
