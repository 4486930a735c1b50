import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { canPerform } from "../helpers/iam";
import { baseArgs, mockWorkload } from "../components/mock-run";
import { AwsDouble, ROLE_ARN } from "../runtime/doubles/aws";
import { isolatedEnv, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";

/**
 * Both halves together: the pod the component renders, run as a cluster would run it. The fetch
 * container's own env (from the rendered Deployment) plus what the EKS webhook injects (role ARN,
 * projected token), against the loopback AWS double; then the permission policy the component
 * rendered is checked against every secret the fetcher actually asked for.
 */
describe("integration: the rendered EKS pod's fetch container against the AWS double", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  for (const identity of ["irsa", "pod-identity"] as const) {
    it(`${identity}: writes every declared file, readable only through the set, and the role allows exactly what was read`, async () => {
      aws.reset({ data: true });
      const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
      const stripeArn = aws.putSecret(
        "prod/stripe",
        JSON.stringify({ apiKey: `${SECRET_MARKER}-key`, webhook: `${SECRET_MARKER}-hook` }),
      );
      aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
      const mount = tempDir("sm-mount-");

      const w = await mockWorkload(
        "shop",
        baseArgs({
          mountPath: mount,
          eks:
            identity === "irsa"
              ? {
                  oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
                  oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
                  roleName: "billing-fetch",
                }
              : { identity, clusterName: "prod", roleName: "billing-fetch" },
          secrets: [
            { name: "db", existing: { arn: dbArn } },
            {
              name: "stripe",
              existing: { arn: stripeArn },
              files: [
                { path: "stripe/key", jsonKey: "apiKey" },
                { path: "stripe/hook", jsonKey: "webhook", mode: "0400" },
              ],
            },
            { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
          ],
          envFile: { vars: { DB_PASSWORD: "db" } },
          // "0400" on stripe/hook is readable only by the owner: the app runs as the fetcher's UID.
          containers: [{ ...baseArgs().containers![0], runAsUser: 65532 }],
        }),
      );
      assert.equal(w.outputs.roleArn, ROLE_ARN);
      const fetch = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0];
      const containerEnv = Object.fromEntries(fetch.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      const injected = identity === "irsa" ? aws.irsaEnv(tempDir()) : aws.podIdentityEnv(tempDir());
      // The webhook injects AWS_ROLE_ARN (IRSA) from the ServiceAccount annotation the component set.
      if (identity === "irsa")
        injected.AWS_ROLE_ARN = w.one("kubernetes:core/v1:ServiceAccount").metadata.annotations[
          "eks.amazonaws.com/role-arn"
        ];

      const r = await runFetch({ env: isolatedEnv({ ...injected, ...containerEnv }) });
      assert.equal(r.code, 0, r.stderr);

      const read = (p: string) => fs.readFileSync(path.join(mount, p), "utf8");
      assert.equal(read("db"), `${SECRET_MARKER}-db`);
      assert.equal(read("stripe/key"), `${SECRET_MARKER}-key`);
      assert.equal(read("stripe/hook"), `${SECRET_MARKER}-hook`);
      assert.equal(read("flags"), `${SECRET_MARKER}-flags`);
      assert.equal(read("secrets.env"), `DB_PASSWORD=${SECRET_MARKER}-db\n`);
      const mode = (p: string) => (fs.statSync(path.join(mount, p)).mode & 0o777).toString(8);
      assert.deepEqual(["db", "stripe/key", "stripe/hook", "flags", "secrets.env"].map(mode), [
        "440",
        "440",
        "400",
        "440",
        "440",
      ]);
      assert.ok(fs.lstatSync(path.join(mount, "db")).isSymbolicLink(), "visible files go through ..data");

      // Every secret the fetcher asked for is one the rendered policy allows, and nothing else was asked.
      const policy = JSON.parse(String(w.outputs.permissionPolicy));
      const asked = aws.calls.flatMap((c) => {
        if (c.op === "secretsmanager.BatchGetSecretValue")
          return (c.body.SecretIdList as string[]).map((id) => ["secretsmanager:GetSecretValue", id]);
        if (c.op === "secretsmanager.GetSecretValue")
          return [["secretsmanager:GetSecretValue", c.body.SecretId as string]];
        if (c.op === "ssm.GetParameters")
          return (c.body.Names as string[]).map((n) => [
            "ssm:GetParameters",
            `arn:aws:ssm:eu-west-1:111122223333:parameter${n}`,
          ]);
        return [];
      });
      assert.deepEqual(
        asked.map(([, res]) => res).sort(),
        [dbArn, stripeArn, "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/flags"].sort(),
      );
      for (const [action, resource] of asked)
        assert.equal((await canPerform([policy], action, resource)).allowed, true, `${action} ${resource}`);
      if (aws.callsOf("secretsmanager.BatchGetSecretValue").length) {
        assert.equal((await canPerform([policy], "secretsmanager:BatchGetSecretValue", "*")).allowed, true);
      }
    });
  }

  it("150 secrets: the fetcher reads every one with the role's split managed policies, each within IAM's size quota", async () => {
    aws.reset({ data: true });
    const arns = Array.from({ length: 150 }, (_, i) =>
      aws.putSecret(`prod/payments/service-${String(i).padStart(3, "0")}/credential`, `${SECRET_MARKER}-${i}`),
    );
    const mount = tempDir("sm-mount-");
    const w = await mockWorkload(
      "billing",
      baseArgs({
        mountPath: mount,
        eks: { identity: "pod-identity", clusterName: "prod", roleName: "billing-fetch" },
        secrets: arns.map((arn, i) => ({ name: `s${i}`, existing: { arn } })),
      }),
    );
    const policies = w.all("aws:iam/policy:Policy").map((p) => String(p.inputs.policy));
    assert.equal(w.all("aws:iam/rolePolicy:RolePolicy").length, 0);
    assert.ok(policies.length >= 2);
    for (const p of policies) assert.ok(p.replace(/\s/g, "").length <= 6144);
    const docs = policies.map((p) => JSON.parse(p));

    const fetch = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0];
    const containerEnv = Object.fromEntries(fetch.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const r = await runFetch({ env: isolatedEnv({ ...aws.podIdentityEnv(tempDir()), ...containerEnv }) });
    assert.equal(r.code, 0, r.stderr);
    for (const i of [0, 74, 149])
      assert.equal(fs.readFileSync(path.join(mount, `s${i}`), "utf8"), `${SECRET_MARKER}-${i}`);
    assert.equal(fs.readdirSync(mount).filter((f) => !f.startsWith("..")).length, 150);

    const asked = aws.calls.flatMap((c) => {
      if (c.op === "secretsmanager.BatchGetSecretValue") return c.body.SecretIdList as string[];
      if (c.op === "secretsmanager.GetSecretValue") return [c.body.SecretId as string];
      return [];
    });
    assert.deepEqual([...new Set(asked)].sort(), [...arns].sort());
    for (const arn of arns)
      assert.equal((await canPerform(docs, "secretsmanager:GetSecretValue", arn)).allowed, true, arn);
    assert.equal((await canPerform(docs, "secretsmanager:BatchGetSecretValue", "*")).allowed, true);
  });
});
