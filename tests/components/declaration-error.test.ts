import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DeclarationError, SecretMountedWorkload } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { firstUnhandledRejection } from "./capture";
import { baseArgs } from "./mock-run";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(__dirname, "fixtures");

/** Runs the declaration-error fixture under Pulumi's own Node language host `run` (fixtures/language-host.ts), as a preview. */
function previewFixture(config: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(ROOT, "node_modules/tsx/dist/cli.mjs"),
        path.join(FIXTURES, "language-host.ts"),
        path.join(FIXTURES, "declaration-error-program"),
        ...config,
      ],
      { cwd: ROOT },
      (_err, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });
}

describe("DeclarationError under pulumi preview: one clean error line, no stack trace", () => {
  for (const [what, config, message] of [
    [
      "raised inside an Output (a Pulumi secret as an env value), surfacing when the Deployment is serialized",
      [],
      "web: containers[0].env.API_TOKEN: is a Pulumi secret: it would sit in clear text in the Deployment's pod spec",
    ],
    [
      "raised at once (a reserved namespace)",
      ["mistake=namespace"],
      'web: namespace: "kube-system" belongs to the cluster itself; deploy the workload into its own namespace',
    ],
  ] as Array<[string, string[], string]>) {
    it(`${what}: the language host prints the declaration's message alone`, async function () {
      this.timeout(60000);
      const { stderr } = await previewFixture(config);
      const errors = stderr.split("\n").filter((l) => l.startsWith("error: "));
      assert.equal(errors.length, 1, stderr);
      assert.ok(errors[0].startsWith(`error: [runtime] ${message}`), stderr);
      assert.ok(!/^\s+at /m.test(stderr), `no stack trace:\n${stderr}`);
      assert.ok(!stderr.includes("error serializing property"), stderr);
      assert.ok(!stderr.includes("token-value-never-shown"), "the secret value is never printed");
    });
  }

  it("is a RunError to any copy of the Pulumi SDK, and keeps its message when the SDK prefixes a property path", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", true);
    const err = await firstUnhandledRejection(() => {
      new SecretMountedWorkload(
        "api",
        baseArgs({
          containers: [
            {
              name: "app",
              image: "app@sha256:" + "a".repeat(64),
              runAsUser: 10001,
              env: { API_TOKEN: pulumi.secret("x") },
            },
          ],
        }),
      );
    });
    assert.ok(err instanceof DeclarationError, String(err));
    assert.ok(pulumi.RunError.isInstance(err));
    assert.ok(err.message.startsWith("api: containers[0].env.API_TOKEN: is a Pulumi secret: "), err.message);
    assert.equal(err.message, `api: ${err.field}: ${err.problem}`);
  });
});
