/**
 * The AWS credentials the fetcher uses: a pod without an AWS profile gets the SDK's environment,
 * web identity and container metadata providers only (the default chain's SSO, INI and process
 * links, which can find nothing there, are neither loaded nor run); a pod with a profile (AWS_PROFILE
 * or a shared config / credentials file) gets the SDK's whole default chain, as before.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

/** A preload that lists every module the program require()s (the bundle loads Node built-ins with require). */
function requireLog(): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
  const dir = tempDir();
  const log = path.join(dir, "required.txt");
  const preload = path.join(dir, "log-requires.cjs");
  fs.writeFileSync(
    preload,
    `const Module = require("node:module"); const fs = require("node:fs"); const load = Module._load;
     Module._load = function (request, ...rest) { fs.appendFileSync(${JSON.stringify(log)}, request + "\\n"); return load.call(this, request, ...rest); };\n`,
  );
  return {
    env: { NODE_OPTIONS: `--require ${preload}` },
    loaded: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : []),
  };
}

function spec(vol: string, arn: string) {
  return {
    version: 1,
    dir: vol,
    mode: "init",
    timeoutSeconds: 10,
    files: [{ path: "p", source: { type: "aws-secretsmanager", secretId: arn } }],
  };
}

describe("runtime: which AWS credential providers run", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());
  beforeEach(() => aws.reset());

  for (const [pod, envOf] of [
    ["EKS Pod Identity", (a: AwsDouble, home: string) => a.podIdentityEnv(home)],
    ["IRSA", (a: AwsDouble, home: string) => a.irsaEnv(home)],
  ] as const) {
    it(`${pod}, no AWS profile: reads the secret without loading the SDK's process provider (node:child_process)`, async () => {
      const arn = aws.putSecret(`choice/${pod.replace(/\W+/g, "-")}`, `${SECRET_MARKER}-c`);
      const vol = path.join(tempDir(), "vol");
      const requires = requireLog();
      const r = await runFetch({ env: specEnv(spec(vol, arn), { ...envOf(aws, tempDir()), ...requires.env }) });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fs.readFileSync(path.join(vol, "p"), "utf8"), `${SECRET_MARKER}-c`);
      const loaded = requires.loaded();
      assert.ok(
        loaded.includes("node:https") || loaded.includes("node:http"),
        `the preload sees the SDK's built-ins: ${loaded.join(" ")}`,
      );
      assert.ok(
        !loaded.some((m) => m.replace(/^node:/, "") === "child_process"),
        `node:child_process loaded: ${loaded.join(" ")}`,
      );
    });
  }

  it("a shared config file's profile (web identity role) is still read through the SDK's default chain", async () => {
    const arn = aws.putSecret("choice/profile", `${SECRET_MARKER}-p`);
    const home = tempDir();
    const irsa = aws.irsaEnv(home);
    const config = path.join(home, "aws-config");
    fs.writeFileSync(
      config,
      `[default]\nrole_arn = ${irsa.AWS_ROLE_ARN}\nweb_identity_token_file = ${irsa.AWS_WEB_IDENTITY_TOKEN_FILE}\n`,
    );
    const vol = path.join(tempDir(), "vol");
    const r = await runFetch({
      env: specEnv(spec(vol, arn), { ...aws.endpointEnv(), AWS_REGION: REGION, AWS_CONFIG_FILE: config }),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(vol, "p"), "utf8"), `${SECRET_MARKER}-p`);
    assert.equal(aws.callsOf("sts.AssumeRoleWithWebIdentity").filter((c) => c.status === 200).length, 1);
  });

  it("AWS_PROFILE names a profile of the shared credentials file: its keys are used (the double refuses them: keys STS never issued)", async () => {
    const arn = aws.putSecret("choice/static", `${SECRET_MARKER}-s`);
    const home = tempDir();
    const creds = path.join(home, "aws-credentials");
    fs.writeFileSync(
      creds,
      "[team]\naws_access_key_id = AKIAPROFILENOTISSUED\naws_secret_access_key = not-issued-by-sts\n",
    );
    const vol = path.join(tempDir(), "vol");
    const r = await runFetch({
      env: specEnv(spec(vol, arn), {
        ...aws.podIdentityEnv(home),
        AWS_PROFILE: "team",
        AWS_SHARED_CREDENTIALS_FILE: creds,
        SECRET_MOUNT_MAX_ATTEMPTS: "1",
      }),
    });
    assert.equal(r.code, 1);
    assert.equal(aws.callsOf("container-credentials").length, 0, "the profile, not the pod's container credentials");
    assert.equal(r.logs.find((l) => l.event === "file-failed")?.cause, "access-denied");
  });
});
