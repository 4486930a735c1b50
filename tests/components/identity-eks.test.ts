import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { EksWorkloadIdentity, SecretMountedWorkload, type EksWorkloadIdentityArgs } from "../../components";
import { canPerform, trustEvaluation } from "../helpers/iam";
import { firstUnhandledRejection } from "./capture";
import { ISSUER, OIDC_ARN, OIDC_URL, baseArgs, mockWorkload } from "./mock-run";
import { assertRefused, mockComponent } from "./mock-component";
import { OfflineMocks } from "../../components/render/offline-engine";

const ACCOUNT = "111122223333";
const BUCKET = "arn:aws:s3:::reports";
const OTHER_URL = OIDC_URL.replace("ABCDEF0123456789", "FFFF000011112222");
const OUTPUTS = [
  "roleArn",
  "roleName",
  "trustPolicy",
  "permissionPolicy",
  "serviceAccountAnnotations",
  "namespace",
  "serviceAccountName",
];
const TAGS = { "managed-by": "secret-mount", "secret-mount/component": "reports" };

const irsa = (over: Partial<EksWorkloadIdentityArgs> = {}): EksWorkloadIdentityArgs => ({
  namespace: "analytics",
  serviceAccountName: "reporter",
  oidcProviderArn: OIDC_ARN,
  oidcIssuerUrl: OIDC_URL,
  statements: [
    { actions: ["s3:GetObject"], resources: [`${BUCKET}/daily/*`] },
    {
      sid: "ListDaily",
      actions: ["s3:ListBucket"],
      resources: [BUCKET],
      conditions: [{ test: "StringLike", variable: "s3:prefix", values: ["daily/*"] }],
    },
  ],
  ...over,
});
const run = (args: EksWorkloadIdentityArgs, mocks?: OfflineMocks) =>
  mockComponent((opts) => new EksWorkloadIdentity("reports", args, opts), OUTPUTS, mocks);

describe("EksWorkloadIdentity: an IRSA or Pod Identity role for one ServiceAccount, on its own", () => {
  it("IRSA: the role, its trust and its inline policy, exactly; the annotation to apply; nothing else", async () => {
    const c = await run(irsa({ managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/reports-kms`] }));
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ServiceAccountWebIdentity",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${ISSUER}:sub`]: "system:serviceaccount:analytics:reporter",
              [`${ISSUER}:aud`]: "sts.amazonaws.com",
            },
          },
        },
      ],
    };
    const role = c.one("aws:iam/role:Role");
    assert.deepEqual(
      { ...role, assumeRolePolicy: JSON.parse(role.assumeRolePolicy) },
      {
        description: "secret-mount: identity of analytics/reporter",
        assumeRolePolicy: trust,
        maxSessionDuration: 3600,
        tags: TAGS,
      },
    );
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET}/daily/*` },
        {
          Sid: "ListDaily",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: BUCKET,
          Condition: { StringLike: { "s3:prefix": "daily/*" } },
        },
      ],
    };
    const inline = c.one("aws:iam/rolePolicy:RolePolicy");
    assert.deepEqual({ ...inline, policy: JSON.parse(inline.policy) }, { role: "reports-role-id", policy });
    assert.deepEqual(c.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), {
      role: "reports-role-1a2b3c4",
      policyArn: `arn:aws:iam::${ACCOUNT}:policy/reports-kms`,
    });
    assert.deepEqual(c.resources.map((r) => r.type).sort(), [
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "secret-mount:index:EksWorkloadIdentity",
    ]);
    for (const r of c.resources.filter((x) => x.custom)) assert.equal(c.parents.get(r.name), "reports", r.name);
    assert.deepEqual(c.outputs.serviceAccountAnnotations, {
      "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/reports-role-1a2b3c4`,
    });
    assert.equal(c.outputs.roleArn, `arn:aws:iam::${ACCOUNT}:role/reports-role-1a2b3c4`);
    assert.deepEqual(JSON.parse(String(c.outputs.trustPolicy)), trust);
    assert.deepEqual(JSON.parse(String(c.outputs.permissionPolicy)), policy);
    assert.equal(c.outputs.namespace, "analytics");
    assert.equal(c.outputs.serviceAccountName, "reporter");
  });

  it("statement (the one-statement form, which Pulumi's Go SDK generator needs to emit the statement type) makes exactly what statements of one does", async () => {
    const one = { actions: ["s3:GetObject"], resources: [`${BUCKET}/*`] };
    const shape = (c: Awaited<ReturnType<typeof run>>) =>
      c.resources.map((r) => [r.type, r.name, JSON.stringify(r.inputs)]);
    const asList = await run(irsa({ statements: [one] }));
    const asOne = await run(irsa({ statements: undefined, statement: one }));
    assert.deepEqual(shape(asOne), shape(asList));
    assert.ok(asOne.resources.some((r) => r.type === "aws:iam/rolePolicy:RolePolicy"));
  });

  it("Pod Identity: trusted by pods.eks.amazonaws.com for the cluster's ARN, plus the association; no annotation", async () => {
    const c = await run({
      namespace: "analytics",
      serviceAccountName: "reporter",
      identity: "pod-identity",
      clusterName: "prod",
      managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/reports-read`],
    });
    const trust = JSON.parse(c.one("aws:iam/role:Role").assumeRolePolicy);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
    assert.deepEqual(trust.Statement[0].Action, ["sts:AssumeRole", "sts:TagSession"]);
    assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
      "aws:SourceAccount": ACCOUNT,
      "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/prod`,
      "aws:RequestTag/kubernetes-namespace": "analytics",
      "aws:RequestTag/kubernetes-service-account": "reporter",
    });
    assert.deepEqual(c.one("aws:eks/podIdentityAssociation:PodIdentityAssociation"), {
      clusterName: "prod",
      namespace: "analytics",
      serviceAccount: "reporter",
      roleArn: `arn:aws:iam::${ACCOUNT}:role/reports-role-1a2b3c4`,
      tags: TAGS,
    });
    assert.deepEqual(c.outputs.serviceAccountAnnotations, {});
    assert.equal(c.outputs.permissionPolicy, undefined);
    assert.equal(c.all("aws:iam/rolePolicy:RolePolicy").length, 0);
  });

  it("createServiceAccount: the annotated ServiceAccount, no API token, after the role's permissions", async () => {
    const c = await run(
      irsa({
        createServiceAccount: true,
        roleName: "reporter",
        permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      }),
    );
    assert.deepEqual(c.one("kubernetes:core/v1:ServiceAccount"), {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: "reporter",
        namespace: "analytics",
        labels: { "app.kubernetes.io/managed-by": "secret-mount" },
        annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/reporter` },
      },
      automountServiceAccountToken: false,
    });
    assert.deepEqual(c.dependsOn.get("reports-sa"), ["reports-policy"]);
    assert.equal(c.one("aws:iam/role:Role").permissionsBoundary, `arn:aws:iam::${ACCOUNT}:policy/boundary`);
  });

  it("builds the same trust as SecretMountedWorkload for the same ServiceAccount (one shared function)", async () => {
    const identity = await run(irsa({ namespace: "shop", serviceAccountName: "shop" }));
    const workload = await mockWorkload("shop", baseArgs());
    assert.equal(identity.outputs.trustPolicy, workload.outputs.trustPolicy);
    const podIdentity = await run({
      namespace: "shop",
      serviceAccountName: "api",
      identity: "pod-identity",
      clusterName: "prod",
      managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/p`],
    });
    const workloadPi = await mockWorkload("api", baseArgs({ eks: { identity: "pod-identity", clusterName: "prod" } }));
    assert.equal(podIdentity.outputs.trustPolicy, workloadPi.outputs.trustPolicy);
  });

  it('an Output resource that resolves to "*" fails at up, naming the statement', async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new EksWorkloadIdentity(
          "reports",
          irsa({ statements: [{ actions: ["s3:GetObject"], resources: [pulumi.output("*")] }] }),
        ),
    );
    assert.match(
      String(err),
      /reports: statements\[0\]\.resources\[0\]: is "\*" \(every resource\).*checked when the value resolved/,
    );
  });
});

describe("IRSA from the issuer URL or the OIDC provider ARN alone: one is derived from the other, a pair is cross-checked", () => {
  const trustOf = async (over: Partial<EksWorkloadIdentityArgs>) =>
    JSON.parse(String((await run(irsa(over))).outputs.trustPolicy));

  it("the issuer alone: the provider is the one IAM names after it, in the provider's account; the same trust as with both", async () => {
    const both = await trustOf({});
    assert.deepEqual(await trustOf({ oidcProviderArn: undefined }), both);
    assert.equal(both.Statement[0].Principal.Federated, `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`);
    assert.deepEqual(
      await trustOf({ oidcProviderArn: undefined, oidcIssuerUrl: `${OIDC_URL}/` }),
      both,
      "a trailing slash names the same issuer",
    );
  });

  it("the provider ARN alone: the condition keys are its issuer's; the same trust as with both", async () => {
    assert.deepEqual(await trustOf({ oidcIssuerUrl: undefined }), await trustOf({}));
  });

  it("the workload derives the same way (eks.oidcIssuerUrl alone)", async () => {
    const w = await mockWorkload("shop", baseArgs({ eks: { oidcIssuerUrl: OIDC_URL } }));
    const both = await mockWorkload("shop", baseArgs());
    assert.equal(w.outputs.trustPolicy, both.outputs.trustPolicy);
  });

  it("a pair given as Outputs, from two clusters, fails when they resolve, naming the field and the fix", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new EksWorkloadIdentity(
          "reports",
          irsa({ oidcProviderArn: pulumi.output(OIDC_ARN), oidcIssuerUrl: pulumi.output(OTHER_URL) }),
        ),
    );
    assert.match(
      String(err),
      /reports: oidcIssuerUrl: "https:\/\/oidc.eks.eu-west-1.amazonaws.com\/id\/FFFF000011112222" is not the issuer of oidcProviderArn .*give only one of them .*\(checked when the value resolved\)/,
    );
  });

  it("the workload's pair, one of them an Output, fails when it resolves, naming eks.oidcIssuerUrl", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new SecretMountedWorkload(
          "shop",
          baseArgs({ eks: { oidcProviderArn: pulumi.output(OIDC_ARN), oidcIssuerUrl: OTHER_URL } }),
        ),
    );
    assert.match(
      String(err),
      /shop: eks.oidcIssuerUrl: .* is not the issuer of eks.oidcProviderArn .*\(checked when the value resolved\)/,
    );
  });

  it("a malformed provider ARN given as an Output fails when it resolves", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new EksWorkloadIdentity(
          "reports",
          irsa({
            oidcProviderArn: pulumi.output(`arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_URL}`),
            oidcIssuerUrl: undefined,
          }),
        ),
    );
    assert.match(
      String(err),
      /reports: oidcProviderArn: .* is not an IAM OIDC provider ARN .*without "https:\/\/".*\(checked when the value resolved\)/,
    );
  });
});

describe("EksWorkloadIdentity, simulated with @cloud-copilot/iam-simulate", () => {
  let trust: object;
  let policy: object;
  let roleArn: string;
  before(async () => {
    const c = await run(
      irsa({
        statements: [
          ...irsa().statements!,
          { effect: "Deny", actions: ["s3:GetObject"], resources: [`${BUCKET}/daily/private/*`] },
          { actions: ["sts:GetCallerIdentity"], resources: ["*"], allowAnyResource: true },
        ],
      }),
    );
    trust = JSON.parse(String(c.outputs.trustPolicy));
    policy = JSON.parse(String(c.outputs.permissionPolicy));
    roleArn = String(c.outputs.roleArn);
  });

  it("trust (Discovery): the only residual conditions are the ServiceAccount's sub and the STS audience", async () => {
    const r = await trustEvaluation(trust, { federated: OIDC_ARN }, "sts:AssumeRoleWithWebIdentity", roleArn);
    assert.equal(r.allowedIfConditionsHold, true);
    assert.deepEqual(
      r.conditions.map((way) => way.map((c) => [c.op, c.key, c.values]).sort()),
      [
        [
          ["StringEquals", `${ISSUER}:aud`, ["sts.amazonaws.com"]],
          ["StringEquals", `${ISSUER}:sub`, ["system:serviceaccount:analytics:reporter"]],
        ],
      ],
    );
    assert.equal(
      (await trustEvaluation(trust, { service: "ec2.amazonaws.com" }, "sts:AssumeRole", roleArn))
        .allowedIfConditionsHold,
      false,
    );
  });

  it("trust (Strict): admits the ServiceAccount, not another one, namespace or audience", async () => {
    const admit = async (sub: string, aud = "sts.amazonaws.com") =>
      (
        await trustEvaluation(trust, { federated: OIDC_ARN }, "sts:AssumeRoleWithWebIdentity", roleArn, {
          [`${ISSUER}:sub`]: sub,
          [`${ISSUER}:aud`]: aud,
        })
      ).admitted;
    assert.equal(await admit("system:serviceaccount:analytics:reporter"), true);
    assert.equal(await admit("system:serviceaccount:analytics:default"), false);
    assert.equal(await admit("system:serviceaccount:other:reporter"), false);
    assert.equal(await admit("system:serviceaccount:analytics:reporter", "vault"), false);
  });

  it("permissions: exactly what the statements say", async () => {
    const can = async (action: string, resource: string, ctx?: Record<string, string>) =>
      (await canPerform([policy], action, resource, ctx)).allowed;
    assert.equal(await can("s3:GetObject", `${BUCKET}/daily/2026-12-03.csv`), true);
    assert.equal(await can("s3:GetObject", `${BUCKET}/monthly/2026-11.csv`), false);
    assert.equal(await can("s3:GetObject", `${BUCKET}/daily/private/salaries.csv`), false, "the Deny statement wins");
    assert.equal(await can("s3:PutObject", `${BUCKET}/daily/x.csv`), false);
    assert.equal(await can("s3:GetObject", "arn:aws:s3:::other/daily/x.csv"), false);
    assert.equal(await can("s3:ListBucket", BUCKET, { "s3:prefix": "daily/" }), true);
    assert.equal(await can("s3:ListBucket", BUCKET, { "s3:prefix": "monthly/" }), false);
    assert.equal(await can("sts:GetCallerIdentity", "*"), true);
    assert.equal(
      await can("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`),
      false,
    );
  });
});

describe("EksWorkloadIdentity with Pod Identity, trust simulated", () => {
  let trust: object;
  let roleArn: string;
  const cluster = (name = "prod", account = ACCOUNT) => `arn:aws:eks:eu-west-1:${account}:cluster/${name}`;
  /** The session tags EKS Pod Identity sets when it assumes the role (EKS user guide, pod-id-abac). */
  const tags = (clusterArn: string, namespace: string, serviceAccount: string) => ({
    "aws:SourceAccount": ACCOUNT,
    "aws:RequestTag/eks-cluster-arn": clusterArn,
    "aws:RequestTag/eks-cluster-name": clusterArn.split("/").pop()!,
    "aws:RequestTag/kubernetes-namespace": namespace,
    "aws:RequestTag/kubernetes-service-account": serviceAccount,
    "aws:RequestTag/kubernetes-pod-name": "reporter-7d9f-abcde",
    "aws:RequestTag/kubernetes-pod-uid": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
  });
  before(async () => {
    const c = await run({
      namespace: "analytics",
      serviceAccountName: "reporter",
      identity: "pod-identity",
      clusterName: "prod",
      managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/p`],
    });
    trust = JSON.parse(String(c.outputs.trustPolicy));
    roleArn = String(c.outputs.roleArn);
  });
  const admit = async (t: Record<string, string>) =>
    (await trustEvaluation(trust, { service: "pods.eks.amazonaws.com" }, "sts:AssumeRole", roleArn, t)).admitted;

  it("Discovery: pods.eks.amazonaws.com may assume it only under the account, cluster, namespace and ServiceAccount conditions", async () => {
    const r = await trustEvaluation(trust, { service: "pods.eks.amazonaws.com" }, "sts:AssumeRole", roleArn);
    assert.equal(r.allowedIfConditionsHold, true);
    assert.deepEqual(
      r.conditions.map((way) => way.map((c) => [c.op, c.key, c.values]).sort()),
      [
        [
          ["StringEquals", "aws:RequestTag/eks-cluster-arn", [cluster()]],
          ["StringEquals", "aws:RequestTag/kubernetes-namespace", ["analytics"]],
          ["StringEquals", "aws:RequestTag/kubernetes-service-account", ["reporter"]],
          ["StringEquals", "aws:SourceAccount", [ACCOUNT]],
        ],
      ],
    );
  });

  it("Strict: admits the declared ServiceAccount of the cluster; refuses another cluster, namespace or ServiceAccount", async () => {
    assert.equal(await admit(tags(cluster(), "analytics", "reporter")), true);
    assert.equal(await admit(tags(cluster("staging"), "analytics", "reporter")), false);
    assert.equal(await admit(tags(cluster("prod", "444455556666"), "analytics", "reporter")), false);
    assert.equal(await admit(tags(cluster(), "other", "reporter")), false);
    assert.equal(await admit(tags(cluster(), "analytics", "default")), false);
  });
});

describe("EksWorkloadIdentity: declaration errors name the field and the fix, and register nothing", () => {
  const st = (over: object) =>
    irsa({ statements: [{ actions: ["s3:GetObject"], resources: [`${BUCKET}/*`], ...over }] });
  const CASES: [string, EksWorkloadIdentityArgs, string, RegExp][] = [
    [
      "no permissions at all",
      irsa({ statements: [] }),
      "statements",
      /is empty, and so is managedPolicyArns: the role could do nothing/,
    ],
    ["namespace not a DNS-1123 label", irsa({ namespace: "Analytics" }), "namespace", /not a DNS-1123 label/],
    [
      "serviceAccountName not DNS-1123",
      irsa({ serviceAccountName: "sa_1" }),
      "serviceAccountName",
      /not a DNS-1123 subdomain/,
    ],
    ["unknown field", { ...irsa(), policies: [] } as never, "policies", /not a known field/],
    [
      "IRSA with neither the OIDC provider nor the issuer",
      irsa({ oidcProviderArn: undefined, oidcIssuerUrl: undefined }),
      "oidcProviderArn",
      /or oidcIssuerUrl is required for IRSA/,
    ],
    [
      "a bad OIDC provider ARN",
      irsa({ oidcProviderArn: "arn:aws:iam::1:role/x" }),
      "oidcProviderArn",
      /not an IAM OIDC provider ARN/,
    ],
    [
      "an OIDC provider ARN naming the issuer URL",
      irsa({ oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_URL}` }),
      "oidcProviderArn",
      /not an IAM OIDC provider ARN .*without "https:\/\/"/,
    ],
    [
      "an OIDC provider ARN with no issuer",
      irsa({ oidcProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/` }),
      "oidcProviderArn",
      /not an IAM OIDC provider ARN/,
    ],
    [
      "an issuer URL with a query",
      irsa({ oidcIssuerUrl: `${OIDC_URL}?aud=sts` }),
      "oidcIssuerUrl",
      /not an https issuer URL/,
    ],
    [
      "a provider ARN and an issuer of two clusters",
      irsa({ oidcIssuerUrl: OTHER_URL }),
      "oidcIssuerUrl",
      /is not the issuer of oidcProviderArn "arn:aws:iam::111122223333:oidc-provider\/oidc.eks.eu-west-1.amazonaws.com\/id\/ABCDEF0123456789" \(whose issuer is https:\/\/oidc.eks.eu-west-1.amazonaws.com\/id\/ABCDEF0123456789\): a trust naming both would admit no pod/,
    ],
    ["a clusterName with IRSA", irsa({ clusterName: "prod" }), "clusterName", /is for identity "pod-identity"/],
    [
      "Pod Identity without clusterName",
      { namespace: "a", serviceAccountName: "b", identity: "pod-identity", statements: irsa().statements },
      "clusterName",
      /is required for EKS Pod Identity/,
    ],
    ["an unknown identity", irsa({ identity: "kiam" as never }), "identity", /"irsa" or "pod-identity"/],
    [
      "a bad permissions boundary",
      irsa({ permissionsBoundaryArn: "boundary" }),
      "permissionsBoundaryArn",
      /not an IAM policy ARN/,
    ],
    [
      "Action *",
      st({ actions: ["*"] }),
      "statements[0].actions[0]",
      /matches every action of every service .*list the actions/,
    ],
    ["Action s3:*", st({ actions: ["s3:*"] }), "statements[0].actions[0]", /"s3:\*" matches every action of s3/],
    [
      "Action iam:?* (IAM reads ? as one character, * as any run)",
      st({ actions: ["iam:?*"] }),
      "statements[0].actions[0]",
      /"iam:\?\*" matches every action of iam .*not for all of it/,
    ],
    ["Action s3:** ", st({ actions: ["s3:**"] }), "statements[0].actions[0]", /"s3:\*\*" matches every action of s3/],
    [
      "statement together with statements",
      irsa({ statement: { actions: ["s3:GetObject"], resources: [`${BUCKET}/*`] } }),
      "statement",
      /is set together with statements; set one of the two/,
    ],
    [
      "the one statement, named as written",
      irsa({ statements: undefined, statement: { actions: ["s3:*"], resources: [`${BUCKET}/*`] } }),
      "statement.actions[0]",
      /"s3:\*" matches every action of s3/,
    ],
    ["a malformed action", st({ actions: ["GetObject"] }), "statements[0].actions[0]", /not an IAM action/],
    ["no actions", st({ actions: [] }), "statements[0].actions", /at least one action/],
    [
      "Resource * without opt-in",
      st({ resources: ["*"] }),
      "statements[0].resources[0]",
      /every resource.*allowAnyResource: true/,
    ],
    [
      "every resource of a service",
      st({ resources: ["arn:aws:s3:::*"] }),
      "statements[0].resources[0]",
      /can match every s3 resource/,
    ],
    [
      "every resource of a service, as **",
      st({ resources: ["arn:aws:s3:::**"] }),
      "statements[0].resources[0]",
      /can match every s3 resource: IAM reads "\*" and "\?" anywhere/,
    ],
    [
      "every object of every bucket",
      st({ resources: ["arn:aws:s3:::?*/*"] }),
      "statements[0].resources[0]",
      /can match every s3 resource/,
    ],
    [
      "every secret of every account",
      st({ resources: ["arn:aws:secretsmanager:*:*:secret:*"] }),
      "statements[0].resources[0]",
      /can match every secretsmanager resource whose resource starts "secret:".*allowAnyResource: true/,
    ],
    [
      "every secret, by a prefix of its type",
      st({ resources: [`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:sec*`] }),
      "statements[0].resources[0]",
      /can match every secretsmanager resource whose resource starts "sec"/,
    ],
    [
      "every application load balancer",
      st({ resources: [`arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/app/*`] }),
      "statements[0].resources[0]",
      /can match every elasticloadbalancing resource/,
    ],
    ["a resource that is no ARN", st({ resources: ["reports"] }), "statements[0].resources[0]", /not an ARN/],
    ["no resources", st({ resources: [] }), "statements[0].resources", /at least one resource ARN/],
    [
      "allowAnyResource with no * resource",
      st({ allowAnyResource: true }),
      "statements[0].allowAnyResource",
      /no resource of this Allow statement is "\*"; remove it/,
    ],
    [
      "allowAnyResource on a Deny",
      st({ effect: "Deny", resources: ["*"], allowAnyResource: true }),
      "statements[0].allowAnyResource",
      /Allow statements only/,
    ],
    ["a bad effect", st({ effect: "Permit" }), "statements[0].effect", /"Allow" or "Deny"/],
    ["a bad sid", st({ sid: "read-all" }), "statements[0].sid", /letters and digits only/],
    [
      "duplicate sids",
      irsa({
        statements: [
          { sid: "A", actions: ["s3:GetObject"], resources: [BUCKET] },
          { sid: "A", actions: ["s3:ListBucket"], resources: [BUCKET] },
        ],
      }),
      "statements[1].sid",
      /also the sid of statements\[0\]/,
    ],
    [
      "a bad condition operator",
      st({ conditions: [{ test: "String Equals", variable: "s3:prefix", values: ["a"] }] }),
      "statements[0].conditions[0].test",
      /not a condition operator/,
    ],
    [
      "a bad condition key",
      st({ conditions: [{ test: "StringEquals", variable: "prefix", values: ["a"] }] }),
      "statements[0].conditions[0].variable",
      /not a condition key/,
    ],
    [
      "a condition without values",
      st({ conditions: [{ test: "StringEquals", variable: "s3:prefix", values: [] }] }),
      "statements[0].conditions[0].values",
      /at least one value/,
    ],
    [
      "a repeated condition",
      st({
        conditions: [
          { test: "StringEquals", variable: "s3:prefix", values: ["a"] },
          { test: "StringEquals", variable: "s3:prefix", values: ["b"] },
        ],
      }),
      "statements[0].conditions[1]",
      /list every value in one condition/,
    ],
    ["an unknown statement field", st({ Action: "s3:GetObject" }), "statements[0].Action", /not a known field/],
    [
      "statements over IAM's inline quota",
      irsa({
        statements: Array.from({ length: 120 }, (_, i) => ({
          actions: ["s3:GetObject"],
          resources: [`${BUCKET}/team-${i}/reports/daily/with/a/long/prefix/*`],
        })),
      }),
      "statements",
      /over IAM's 10240 for a role's inline policies; move some into a customer managed policy/,
    ],
    [
      "AdministratorAccess",
      irsa({ managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
      "managedPolicyArns[0]",
      /administer the account/,
    ],
    [
      "a managed policy that is no ARN",
      irsa({ managedPolicyArns: ["ReadOnlyAccess"] }),
      "managedPolicyArns[0]",
      /not an IAM policy ARN/,
    ],
    [
      "a managed policy twice",
      irsa({ managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/a`, `arn:aws:iam::${ACCOUNT}:policy/a`] }),
      "managedPolicyArns[1]",
      /attach it once/,
    ],
    [
      "11 managed policies",
      irsa({ managedPolicyArns: Array.from({ length: 11 }, (_, i) => `arn:aws:iam::${ACCOUNT}:policy/p${i}`) }),
      "managedPolicyArns",
      /at most 10/,
    ],
  ];
  for (const [description, args, field, message] of CASES) {
    it(description, () =>
      assertRefused(() => new EksWorkloadIdentity("reports", args), "reports", field, message, assert),
    );
  }
  it("the declarations varied above are valid as given", async () => {
    await run(irsa());
    await run(st({}));
  });
  it('allowAnyResource opts in to a pattern over every resource of a type, as to "*"', async () => {
    const c = await run(st({ resources: ["arn:aws:secretsmanager:*:*:secret:*"], allowAnyResource: true }));
    assert.equal(
      JSON.parse(String(c.outputs.permissionPolicy)).Statement[0].Resource,
      "arn:aws:secretsmanager:*:*:secret:*",
    );
  });
});
