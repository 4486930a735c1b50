import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { SecretMount } from "../../components";
import { mockComponent } from "./mock-component";
import { baseArgs, FETCH_IMAGE, mockWorkload, OIDC_ARN, OIDC_URL } from "./mock-run";
import { mockTask, taskArgs } from "./ecs-mock";
import { captureWarnings } from "./capture";

// A `value` that is not a Pulumi secret is accepted (it is still stored as a secret), but the user
// is told at preview where it sits and how to keep it out, without the value in the message.

const VALUE = "plain-value-9c1e7d";
const plain = { name: "db-password", value: VALUE };
const nameOf = (r: pulumi.Resource | undefined) => (r as unknown as { __name?: string } | undefined)?.__name;

describe("a secret's plain (non-secret) value: a warning at preview", () => {
  it("SecretMountedWorkload: a plain string warns once, on the component, naming the field and the fix, never the value", async () => {
    const { warnings } = await captureWarnings(() =>
      mockWorkload("api", baseArgs({ secrets: [plain, { name: "api-key", value: pulumi.secret("s3cr3t-abc") }] })),
    );
    const mine = warnings.filter((w) => w.msg.includes(".value"));
    assert.equal(mine.length, 1, mine.map((w) => w.msg).join("\n"));
    const [w] = mine;
    assert.match(
      w.msg,
      /^secrets\[0\]\.value \("db-password"\) is a plain string, not a Pulumi secret: it sits in the program's source/,
    );
    assert.match(w.msg, /and in their history/);
    assert.match(w.msg, /pulumi config set --secret dbPassword <value>/);
    assert.match(w.msg, /config\.requireSecret\("dbPassword"\)/);
    assert.match(w.msg, /pulumi\.secret\(\.\.\.\)/);
    assert.match(w.msg, /generate: \{ type: "password" \}/);
    assert.equal(nameOf(w.resource), "api");
    for (const x of warnings) {
      assert.ok(!x.msg.includes(VALUE), "the value is never in a warning");
      assert.ok(!x.msg.includes("s3cr3t-abc"), "nor a secret's");
    }
  });

  it("an Output that is not a Pulumi secret warns too (it shows in clear text where it comes from); a Pulumi secret or a generated value does not", async () => {
    const { warnings } = await captureWarnings(() =>
      mockWorkload(
        "api",
        baseArgs({
          secrets: [
            { name: "from-output", value: pulumi.output(VALUE) },
            { name: "secret", value: pulumi.secret(VALUE) },
            { name: "generated", generate: { type: "password" } },
          ],
        }),
      ),
    );
    const mine = warnings.filter((w) => w.msg.includes(".value"));
    assert.deepEqual(
      mine.map((w) => w.msg.replace(/:.*/s, "")),
      ['secrets[0].value ("from-output") is not a Pulumi secret'],
    );
    assert.match(mine[0].msg, /clear text wherever it comes from/);
    assert.ok(!mine[0].msg.includes(VALUE));
  });

  it("SecretMountedTask (ECS) and SecretMount warn the same way", async () => {
    const task = await captureWarnings(() => mockTask("api", taskArgs({ secrets: [plain] })));
    const mount = await captureWarnings(() =>
      mockComponent(
        (opts) =>
          new SecretMount(
            "web",
            {
              namespace: "shop",
              eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
              fetch: { image: FETCH_IMAGE },
              secrets: [plain],
            },
            opts,
          ),
        [],
      ),
    );
    for (const [component, { warnings }] of [
      ["api", task],
      ["web", mount],
    ] as const) {
      const mine = warnings.filter((w) => w.msg.includes(".value"));
      assert.equal(mine.length, 1, `${component}: ${warnings.map((w) => w.msg).join("\n")}`);
      assert.match(mine[0].msg, /^secrets\[0\]\.value \("db-password"\) is a plain string/);
      assert.equal(nameOf(mine[0].resource), component);
      assert.ok(!mine[0].msg.includes(VALUE));
    }
  });
});
