import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { listTree, runFetch, SECRET_MARKER, specEnv, startFetch, tempDir } from "./harness";

function spec(dir: string, files: unknown[]) {
  return { version: 1, dir, mode: "init", timeoutSeconds: 5, files };
}

describe("runtime: AWS auth paths, end to end through the bundle", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());
  beforeEach(() => aws.reset());

  it("IRSA: exchanges the projected token with STS, then signs with the issued keys (Secrets Manager + SSM)", async () => {
    const arn = aws.putSecret("billing/db", `${SECRET_MARKER}-db`);
    aws.putParameter("/billing/flags", `${SECRET_MARKER}-flags`);
    const home = tempDir();
    const vol = path.join(tempDir(), "vol");
    const r = await runFetch({
      env: specEnv(
        spec(vol, [
          { path: "db/password", source: { type: "aws-secretsmanager", secretId: arn } },
          { path: "flags", source: { type: "aws-ssm", name: "/billing/flags", region: REGION } },
        ]),
        aws.irsaEnv(home),
      ),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(vol, "db/password"), "utf8"), `${SECRET_MARKER}-db`);
    assert.equal(fs.readFileSync(path.join(vol, "flags"), "utf8"), `${SECRET_MARKER}-flags`);
    const sts = aws.callsOf("sts.AssumeRoleWithWebIdentity");
    assert.equal(sts.length, 1, "one credential chain shared by the Secrets Manager and SSM clients");
    assert.equal(sts[0].status, 200);
    assert.equal(aws.signatureFailures, 0);
    for (const op of ["secretsmanager.GetSecretValue", "ssm.GetParameters"] as const) {
      const calls = aws.callsOf(op);
      assert.equal(calls.length, 1, op);
      assert.equal(calls[0].status, 200);
      assert.match(calls[0].accessKeyId ?? "", /^ASIA/);
    }
  });

  it("IRSA: a token that STS rejects fails as identity-not-ready, nothing written", async () => {
    const arn = aws.putSecret("billing/irsa-bad", `${SECRET_MARKER}-x`);
    const home = tempDir();
    const vol = path.join(tempDir(), "vol");
    const env = aws.irsaEnv(home);
    const other = path.join(home, "other-token");
    fs.writeFileSync(other, "a-token-sts-does-not-know");
    const r = await runFetch({
      env: specEnv(
        { ...spec(vol, [{ path: "p", source: { type: "aws-secretsmanager", secretId: arn } }]), timeoutSeconds: 2 },
        { ...env, AWS_WEB_IDENTITY_TOKEN_FILE: other, SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1" },
      ),
    });
    assert.equal(r.code, 1);
    const failed = r.logs.filter((l) => l.event === "file-failed");
    assert.equal(failed.length, 1);
    assert.equal(failed[0].cause, "identity-not-ready");
    assert.equal(failed[0].file, "p");
    assert.deepEqual(listTree(vol), []);
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, 0, "no secret request without credentials");
  });

  it("IRSA: a token file projected after the container started is waited for (identity-not-ready, retried)", async () => {
    const arn = aws.putSecret("billing/late-token", `${SECRET_MARKER}-late`);
    const home = tempDir();
    const vol = path.join(tempDir(), "vol");
    const env = aws.irsaEnv(home);
    const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE as string;
    const token = fs.readFileSync(tokenFile);
    fs.rmSync(tokenFile);
    const fetcher = startFetch({
      env: specEnv(spec(vol, [{ path: "p", source: { type: "aws-secretsmanager", secretId: arn } }]), {
        ...env,
        SECRET_MOUNT_MAX_ATTEMPTS: "50",
      }),
    });
    await fetcher.waitForLog((l) => l.event === "retrying" && JSON.stringify(l.causes) === '["identity-not-ready"]');
    fs.writeFileSync(tokenFile, token);
    const r = await fetcher.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(vol, "p"), "utf8"), `${SECRET_MARKER}-late`);
    assert.ok((r.logs.find((l) => l.event === "file-written")?.attempt as number) > 1);
  });

  it("EKS Pod Identity: container credentials with the token file as Authorization, then signed requests", async () => {
    const arn = aws.putSecret("billing/pod-identity", `${SECRET_MARKER}-pi`);
    const home = tempDir();
    const vol = path.join(tempDir(), "vol");
    const r = await runFetch({
      env: specEnv(
        spec(vol, [{ path: "token", source: { type: "aws-secretsmanager", secretId: arn } }]),
        aws.podIdentityEnv(home),
      ),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(vol, "token"), "utf8"), `${SECRET_MARKER}-pi`);
    assert.ok(aws.callsOf("container-credentials").some((c) => c.status === 200));
    assert.equal(aws.callsOf("sts.AssumeRoleWithWebIdentity").length, 0);
    assert.equal(aws.callsOf("secretsmanager.GetSecretValue")[0].status, 200);
    assert.equal(aws.signatureFailures, 0);
  });

  it("EKS Pod Identity: a wrong authorization token is refused and reported, nothing written", async function () {
    // The SDK's container-credentials provider retries 3 times, 1 s apart, before it gives up.
    this.timeout(15_000);
    const arn = aws.putSecret("billing/pod-identity-bad", `${SECRET_MARKER}-pi`);
    const home = tempDir();
    const vol = path.join(tempDir(), "vol");
    const env = aws.podIdentityEnv(home);
    const other = path.join(home, "other-token");
    fs.writeFileSync(other, "not-the-agent-token");
    const r = await runFetch({
      env: specEnv(
        { ...spec(vol, [{ path: "t", source: { type: "aws-secretsmanager", secretId: arn } }]), timeoutSeconds: 10 },
        {
          ...env,
          AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: other,
          SECRET_MOUNT_SDK_MAX_ATTEMPTS: "1",
          SECRET_MOUNT_MAX_ATTEMPTS: "1",
        },
      ),
    });
    assert.equal(r.code, 1);
    assert.equal(r.logs.find((l) => l.event === "file-failed")?.cause, "identity-not-ready");
    const credentialCalls = aws.callsOf("container-credentials");
    assert.ok(credentialCalls.length > 0 && credentialCalls.every((c) => c.status === 401));
    assert.deepEqual(listTree(vol), []);
  });

  it("a request signed with keys STS never issued is refused by the double (the check can fail)", async () => {
    const arn = aws.putSecret("billing/static-keys", `${SECRET_MARKER}-s`);
    const vol = path.join(tempDir(), "vol");
    const r = await runFetch({
      env: specEnv(spec(vol, [{ path: "s", source: { type: "aws-secretsmanager", secretId: arn } }]), {
        ...aws.endpointEnv(),
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLENOTISSUED",
        AWS_SECRET_ACCESS_KEY: "not-issued-by-sts",
      }),
    });
    assert.equal(r.code, 1);
    assert.equal(r.logs.find((l) => l.event === "file-failed")?.cause, "access-denied");
    assert.deepEqual(listTree(vol), []);
  });
});
