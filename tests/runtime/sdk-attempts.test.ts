/** SECRET_MOUNT_SDK_MAX_ATTEMPTS bounds the AWS SDK's own retries: requests counted at a double that always answers 500. */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { runFetch, specEnv, tempDir } from "./harness";

describe("runtime: the SDK attempts knob has its effect", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  for (const [sdk, runtime] of [
    ["1", "1"],
    ["3", "1"],
    ["2", "2"],
  ] as const) {
    it(`SECRET_MOUNT_SDK_MAX_ATTEMPTS=${sdk} x SECRET_MOUNT_MAX_ATTEMPTS=${runtime}: ${Number(sdk) * Number(runtime)} GetSecretValue requests`, async () => {
      aws.reset();
      aws.putSecret("knob/db", "irrelevant");
      aws.faults.push({ op: "secretsmanager.GetSecretValue", kind: "server-error" });
      const spec = {
        version: 1,
        dir: path.join(tempDir(), "vol"),
        mode: "init",
        files: [{ path: "db", source: { type: "aws-secretsmanager", secretId: "knob/db", region: REGION } }],
      };
      const r = await runFetch({
        env: specEnv(spec, {
          ...aws.podIdentityEnv(tempDir()),
          SECRET_MOUNT_SDK_MAX_ATTEMPTS: sdk,
          SECRET_MOUNT_MAX_ATTEMPTS: runtime,
        }),
      });
      assert.equal(r.code, 1);
      assert.equal(aws.callsOf("secretsmanager.GetSecretValue").length, Number(sdk) * Number(runtime));
      assert.equal(r.logs.find((l) => l.event === "start")?.sdkMaxAttempts, Number(sdk));
    });
  }
});
