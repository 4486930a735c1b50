import assert from "node:assert/strict";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { canPerform, trustEvaluation } from "./iam";

const ACCOUNT = "111122223333";
const SECRET_A = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop/db-AbCdEf`;
const SECRET_B = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:shop/dbx-XyZ123`;
const PARAM = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/shop/api-key`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const VIA_SM = { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" };

// The least-privilege shape: read exactly the declared secrets, decrypt only through Secrets Manager.
const readPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      Resource: [SECRET_A],
    },
    { Effect: "Allow", Action: "secretsmanager:BatchGetSecretValue", Resource: "*" },
    { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParameters"], Resource: [PARAM] },
    { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY, Condition: { StringEquals: VIA_SM } },
  ],
};

describe("iam: canPerform (Strict mode, identity policies)", () => {
  it("allows reading exactly the declared secret and parameter", async () => {
    assert.equal((await canPerform([readPolicy], "secretsmanager:GetSecretValue", SECRET_A)).allowed, true);
    assert.equal((await canPerform([readPolicy], "ssm:GetParameters", PARAM)).allowed, true);
    assert.equal((await canPerform([readPolicy], "secretsmanager:BatchGetSecretValue", "*")).allowed, true);
  });

  it("denies the neighbour secret (a prefix-sharing name), other parameters, and writes", async () => {
    assert.equal((await canPerform([readPolicy], "secretsmanager:GetSecretValue", SECRET_B)).allowed, false);
    assert.equal((await canPerform([readPolicy], "ssm:GetParameter", `${PARAM}-old`)).allowed, false);
    const put = await canPerform([readPolicy], "secretsmanager:PutSecretValue", SECRET_A);
    assert.equal(put.allowed, false);
    assert.equal(put.result, "ImplicitlyDenied");
  });

  it("allows kms:Decrypt only via Secrets Manager in the region", async () => {
    assert.equal((await canPerform([readPolicy], "kms:Decrypt", KEY, VIA_SM)).allowed, true);
    assert.equal(
      (await canPerform([readPolicy], "kms:Decrypt", KEY, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" })).allowed,
      false,
    );
    assert.equal((await canPerform([readPolicy], "kms:Decrypt", KEY)).allowed, false);
  });

  it("honours a key policy that does not trust the account", async () => {
    const keyPolicy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "kms:*", Resource: "*" },
      ],
    };
    assert.equal(
      (await canPerform([readPolicy], "kms:Decrypt", KEY, VIA_SM, { resourcePolicy: keyPolicy })).allowed,
      false,
    );
  });

  it("tells an over-broad policy apart (the negative checks can fail)", async () => {
    const broad = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
    };
    assert.equal((await canPerform([broad], "secretsmanager:GetSecretValue", SECRET_B)).allowed, true);
  });

  it("an explicit Deny wins", async () => {
    const deny = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: "secretsmanager:*", Resource: SECRET_A }],
    };
    const r = await canPerform([readPolicy, deny], "secretsmanager:GetSecretValue", SECRET_A);
    assert.equal(r.result, "ExplicitlyDenied");
  });

  it("refuses inputs it would otherwise evaluate misleadingly", async () => {
    await assert.rejects(canPerform([readPolicy], "secretsmanager:GetSecretValu", SECRET_A), /invalid\.action/);
    await assert.rejects(
      canPerform([readPolicy], "secretsmanager:GetSecretValue", SECRET_A, { "kms:ViaServic": "x" }),
      /ignored context keys .*kms:ViaServic/,
    );
    await assert.rejects(
      canPerform([readPolicy], "secretsmanager:GetSecretValue", `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:*`),
      /wildcard/,
    );
    await assert.rejects(
      canPerform(
        [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject" }] }],
        "s3:GetObject",
        "arn:aws:s3:::b/k",
      ),
      /rejected the input/,
    );
  });
});

const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER}`;
const OTHER_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/OTHER`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/shop-web-secrets`;
const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";

function irsaTrust(subOp = "StringEquals", sub = "system:serviceaccount:shop:web", issuer = ISSUER) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
        Action: WEB_IDENTITY,
        Condition:
          subOp === "StringEquals"
            ? { StringEquals: { [`${ISSUER}:sub`]: sub, [`${ISSUER}:aud`]: "sts.amazonaws.com" } }
            : { [subOp]: { [`${ISSUER}:sub`]: sub }, StringEquals: { [`${ISSUER}:aud`]: "sts.amazonaws.com" } },
      },
    ],
  };
}

const token = (ns: string, sa: string, aud = "sts.amazonaws.com") => ({
  [`${ISSUER}:sub`]: `system:serviceaccount:${ns}:${sa}`,
  [`${ISSUER}:aud`]: aud,
});

describe("iam: trustEvaluation (IRSA)", () => {
  it("Discovery: admits the cluster provider only under exactly sub + aud", async () => {
    const r = await trustEvaluation(irsaTrust(), { federated: PROVIDER }, WEB_IDENTITY, ROLE);
    assert.equal(r.allowedIfConditionsHold, true);
    assert.deepEqual(r.conditions, [
      [
        { op: "StringEquals", key: `${ISSUER}:sub`, values: ["system:serviceaccount:shop:web"] },
        { op: "StringEquals", key: `${ISSUER}:aud`, values: ["sts.amazonaws.com"] },
      ],
    ]);
    assert.equal(r.admitted, undefined);
  });

  it("Discovery: another provider or another action gets no way in", async () => {
    const other = await trustEvaluation(irsaTrust(), { federated: OTHER_PROVIDER }, WEB_IDENTITY, ROLE);
    assert.equal(other.allowedIfConditionsHold, false);
    assert.deepEqual(other.conditions, []);
    const assumeRole = await trustEvaluation(irsaTrust(), { federated: PROVIDER }, "sts:AssumeRole", ROLE);
    assert.equal(assumeRole.allowedIfConditionsHold, false);
  });

  it("Strict (stand-in issuer): admits the right service account only", async () => {
    const admitted = async (ctx: Record<string, string>) =>
      (await trustEvaluation(irsaTrust(), { federated: PROVIDER }, WEB_IDENTITY, ROLE, ctx)).admitted;
    assert.equal(await admitted(token("shop", "web")), true);
    assert.equal(await admitted(token("other", "web")), false, "another namespace");
    assert.equal(await admitted(token("shop", "worker")), false, "another service account");
    assert.equal(await admitted(token("shop", "web", "sts.amazonaws.com.evil")), false, "another audience");
    assert.equal(await admitted({ [`${ISSUER}:sub`]: "system:serviceaccount:shop:web" }), false, "no audience claim");
  });

  it("Strict: catches a wildcard subject that lets every SA of the namespace in", async () => {
    const loose = irsaTrust("StringLike", "system:serviceaccount:shop:*");
    const r = await trustEvaluation(loose, { federated: PROVIDER }, WEB_IDENTITY, ROLE, token("shop", "worker"));
    assert.equal(r.admitted, true);
    assert.deepEqual(
      r.conditions[0].map((c) => c.op),
      ["StringLike", "StringEquals"],
    );
  });

  it("Strict: conditions written for another issuer do not admit this cluster's tokens", async () => {
    const policy = irsaTrust();
    const st = policy.Statement[0] as any;
    st.Condition = {
      StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/OTHER:sub": "system:serviceaccount:shop:web" },
    };
    const r = await trustEvaluation(policy, { federated: PROVIDER }, WEB_IDENTITY, ROLE, token("shop", "web"));
    assert.equal(r.admitted, false);
  });

  // Characterisation of the library: if this starts failing, iam-simulate learnt EKS issuer keys
  // and trustEvaluation can drop its stand-in.
  it("library fact: raw Strict mode drops EKS issuer keys and denies even the right SA", async () => {
    const raw = await runSimulation(
      {
        request: {
          principal: PROVIDER,
          action: WEB_IDENTITY,
          resource: { resource: ROLE, accountId: ACCOUNT },
          contextVariables: token("shop", "web"),
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: irsaTrust(),
      },
      { simulationMode: "Strict" },
    );
    assert.equal(raw.resultType, "single");
    if (raw.resultType !== "single") return;
    assert.equal(raw.overallResult, "ImplicitlyDenied");
    assert.deepEqual(raw.result.ignoredContextKeys, [`${ISSUER}:sub`, `${ISSUER}:aud`]);
  });
});

describe("iam: trustEvaluation (EKS Pod Identity)", () => {
  const podIdentityTrust = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
      },
    ],
  };

  it("admits pods.eks.amazonaws.com for AssumeRole and TagSession, unconditionally", async () => {
    for (const action of ["sts:AssumeRole", "sts:TagSession"]) {
      const r = await trustEvaluation(podIdentityTrust, { service: "pods.eks.amazonaws.com" }, action, ROLE, {});
      assert.equal(r.allowedIfConditionsHold, true, action);
      assert.deepEqual(r.conditions, [[]]);
      assert.equal(r.admitted, true, action);
    }
  });

  it("does not admit another service, nor web identity", async () => {
    const ec2 = await trustEvaluation(podIdentityTrust, { service: "ec2.amazonaws.com" }, "sts:AssumeRole", ROLE, {});
    assert.equal(ec2.allowedIfConditionsHold, false);
    assert.equal(ec2.admitted, false);
    const web = await trustEvaluation(podIdentityTrust, { service: "pods.eks.amazonaws.com" }, WEB_IDENTITY, ROLE, {});
    assert.equal(web.admitted, false);
  });

  it("reports and evaluates a global-key condition (aws:SourceAccount) in both modes", async () => {
    const policy = JSON.parse(JSON.stringify(podIdentityTrust));
    policy.Statement[0].Condition = { StringEquals: { "aws:SourceAccount": ACCOUNT } };
    const ok = await trustEvaluation(policy, { service: "pods.eks.amazonaws.com" }, "sts:AssumeRole", ROLE, {
      "aws:SourceAccount": ACCOUNT,
    });
    assert.deepEqual(ok.conditions, [[{ op: "StringEquals", key: "aws:SourceAccount", values: [ACCOUNT] }]]);
    assert.equal(ok.admitted, true);
    const bad = await trustEvaluation(policy, { service: "pods.eks.amazonaws.com" }, "sts:AssumeRole", ROLE, {
      "aws:SourceAccount": "444455556666",
    });
    assert.equal(bad.admitted, false);
  });
});
