import assert from "node:assert/strict";
import { baseArgs, gkeArgs, mockWorkload } from "../components/mock-run";
import { AwsDouble } from "../runtime/doubles/aws";
import { isolatedEnv, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";
import { kubeletEnv } from "./pod-env";

/**
 * The audit trail: the rendered pod's fetch container, with the downward-API fields the kubelet
 * resolves, against the AWS double. STS records the RoleSessionName (CloudTrail's session name),
 * and the fetcher's own log lines name the pod, the namespace, the secret, its version and the outcome.
 */
describe("integration: audit trail (the pod that read is named in STS and in the fetcher's log)", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  const irsa = {
    oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    roleName: "billing-fetch",
  };

  const VERSION_ID = "3f1c2a9e-5b7d-4e21-9c0a-7d2e8f6b1a44";
  async function run(podName: string, secretName: string, denied = false) {
    aws.reset({ data: true });
    if (denied)
      aws.faults.push(
        { op: "secretsmanager.BatchGetSecretValue", kind: "denied" },
        { op: "secretsmanager.GetSecretValue", kind: "denied" },
      );
    const arn = aws.putSecret(secretName, `${SECRET_MARKER}-db`, VERSION_ID);
    const mount = tempDir("sm-mount-");
    const w = await mockWorkload(
      "shop",
      baseArgs({ namespace: "billing", mountPath: mount, eks: irsa, secrets: [{ name: "db", existing: { arn } }] }),
    );
    const fetch = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0];
    const injected = aws.irsaEnv(tempDir());
    injected.AWS_ROLE_ARN = w.one("kubernetes:core/v1:ServiceAccount").metadata.annotations[
      "eks.amazonaws.com/role-arn"
    ];
    const r = await runFetch({
      env: isolatedEnv({ ...injected, ...kubeletEnv(fetch, { name: podName, namespace: "billing" }) }),
    });
    return { r, arn, fetch };
  }

  it("EKS IRSA: the rendered fetch container takes AWS_ROLE_SESSION_NAME from the pod name, and STS receives it", async () => {
    const pod = "shop-7d9f8b6c5d-x2x9q";
    const { r, fetch } = await run(pod, "prod/db");
    assert.deepEqual(
      fetch.env.find((e: { name: string }) => e.name === "AWS_ROLE_SESSION_NAME"),
      { name: "AWS_ROLE_SESSION_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    );
    assert.equal(r.code, 0, r.stderr);
    const sts = aws.callsOf("sts.AssumeRoleWithWebIdentity");
    assert.ok(sts.length >= 1);
    for (const c of sts) assert.equal(c.body.RoleSessionName, pod);
  });

  it("EKS IRSA: a pod name longer than STS's 64 characters is shortened to a valid, distinct session name", async () => {
    // A bare Pod may have a 253-character name; ReplicaSet-made names stay within 63.
    const pod = `${"batch-reconcile-".repeat(5)}worker-0`;
    const { r } = await run(pod, "prod/db");
    assert.equal(r.code, 0, r.stderr);
    const session = String(aws.callsOf("sts.AssumeRoleWithWebIdentity")[0].body.RoleSessionName);
    assert.equal(session.length, 64);
    assert.match(session, /^[\w+=,.@-]+$/);
    assert.ok(session.startsWith(pod.slice(0, 55) + "-"), session);
    const note = r.logs.find((l) => l.event === "role-session-name");
    assert.deepEqual([note?.given, note?.used], [pod, session]);
  });

  it("the fetcher's log lines carry pod, namespace, secret reference, version and outcome, never the value", async () => {
    const pod = "shop-7d9f8b6c5d-x2x9q";
    const { r, arn } = await run(pod, "prod/db");
    assert.equal(r.code, 0, r.stderr);
    for (const l of r.logs)
      assert.deepEqual([l.pod, l.namespace], [pod, "billing"], `every line names the pod: ${l.event}`);
    const written = r.logs.find((l) => l.event === "file-written")!;
    assert.deepEqual(
      { file: written.file, source: written.source, outcome: written.outcome },
      { file: "db", source: `aws-secretsmanager:${arn}`, outcome: "written" },
    );
    assert.equal(written.version, VERSION_ID, "the Secrets Manager VersionId that was read");
    assert.ok(!r.stdout.includes(SECRET_MARKER) && !r.stderr.includes(SECRET_MARKER));

    const denied = await run(pod, "prod/db", true);
    aws.faults.length = 0;
    assert.equal(denied.r.code, 1);
    const failed = denied.r.logs.find((l) => l.event === "file-failed")!;
    assert.deepEqual(
      [failed.pod, failed.namespace, failed.file, failed.outcome, failed.cause],
      [pod, "billing", "db", "failed", "access-denied"],
    );
  });

  it("GKE pods pass the pod name and namespace too, without a session name (AKS: the same pod, see same-pod.test.ts)", async () => {
    const w = await mockWorkload("shop", gkeArgs());
    const env = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0].env as {
      name: string;
      valueFrom?: unknown;
    }[];
    assert.deepEqual(
      env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom]),
      [
        ["SECRET_MOUNT_POD_NAME", { fieldRef: { fieldPath: "metadata.name" } }],
        ["SECRET_MOUNT_POD_NAMESPACE", { fieldRef: { fieldPath: "metadata.namespace" } }],
      ],
    );
  });
});
