import assert from "node:assert/strict";
import * as spec from "../../spec/fetch-spec";
import {
  eksClusterArn,
  kmsKeyArnProblem,
  policyArnProblem,
  regionOfArn,
  storeArnProblem,
  storeOfArn,
} from "../../components/clouds/aws/arns";
import {
  IAM_LIMITS,
  layoutPolicies,
  layoutProblem,
  policyFor,
  policySize,
  type GrantItem,
} from "../../components/clouds/aws/policy-split";

const ACCOUNT = "111122223333";

describe("AWS ARN checks (pure)", () => {
  it("accept well-formed ARNs in every partition", () => {
    for (const arn of [
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/db-AbCdEf`,
      `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:db+x=y.z@w-a1B2c3`,
      `arn:aws-us-gov:secretsmanager:us-gov-west-1:${ACCOUNT}:secret:db-AbCdEf`,
      `arn:aws-iso-b:secretsmanager:us-isob-east-1:${ACCOUNT}:secret:db-AbCdEf`,
    ])
      assert.equal(storeArnProblem(arn, "secrets-manager"), undefined, arn);
    assert.equal(storeArnProblem(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/db`, "ssm-parameter"), undefined);
    assert.equal(storeArnProblem(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/flat`, "ssm-parameter"), undefined);
    assert.equal(
      kmsKeyArnProblem(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
      undefined,
    );
    assert.equal(
      kmsKeyArnProblem(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`),
      undefined,
    );
    assert.equal(policyArnProblem("arn:aws:iam::aws:policy/PowerUserAccess"), undefined);
    assert.equal(policyArnProblem(`arn:aws:iam::${ACCOUNT}:policy/team/boundary`), undefined);
  });

  it("accept the names AWS services give the secrets they manage for you (rds!db-<uuid>, rds!cluster-<uuid>), and tell a partial one", () => {
    for (const name of [
      "rds!db-1a96bebc-86c1-4982-9f9f-7d6a651d2464",
      "rds!cluster-0b7e2f7c-3c1d-4a8e-b5f6-2d9e8c7a6b5f",
    ]) {
      assert.equal(
        storeArnProblem(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${name}-AbCdEf`, "secrets-manager"),
        undefined,
        name,
      );
      assert.match(
        storeArnProblem(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${name}`, "secrets-manager")!,
        /is a partial ARN/,
        name,
      );
    }
  });

  it("storeOfArn: the ARN says which store", () => {
    assert.equal(storeOfArn(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/db`), "ssm-parameter");
    assert.equal(storeOfArn(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`), "secrets-manager");
    assert.equal(storeOfArn("prod/db"), undefined);
  });

  it("refuse every wildcard, whatever the field", () => {
    assert.match(
      storeArnProblem(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-??????`, "secrets-manager")!,
      /wildcard/,
    );
    assert.match(storeArnProblem(`arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/*`, "ssm-parameter")!, /wildcard/);
    assert.match(kmsKeyArnProblem(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`)!, /wildcard/);
    assert.match(policyArnProblem("arn:aws:iam::aws:policy/*")!, /wildcard/);
  });

  it("regionOfArn lives with the AWS helpers, not in the FetchSpec contract", () => {
    assert.equal(regionOfArn(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`), "eu-west-1");
    assert.equal(regionOfArn("prod/db"), undefined);
    assert.equal((spec as Record<string, unknown>).regionOfArn, undefined);
  });

  it("eksClusterArn is the ARN EKS Pod Identity tags sessions with", () => {
    assert.equal(
      eksClusterArn(
        { partition: "aws-cn", region: "cn-north-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com.cn" },
        "prod",
      ),
      `arn:aws-cn:eks:cn-north-1:${ACCOUNT}:cluster/prod`,
    );
  });
});

describe("splitting read grants over IAM policies (pure)", () => {
  const items = (n: number): GrantItem[] =>
    Array.from({ length: n }, (_, i) => ({
      store: i % 5 === 0 ? "ssm-parameter" : "secrets-manager",
      arn:
        i % 5 === 0
          ? `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/app/p${i}`
          : `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:app/s${i}-AbCdEf`,
      ...(i % 7 === 0
        ? {
            kms: {
              keyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/0000000${i % 3}-12ab-34cd-56ef-1234567890ab`,
              viaServices: ["secretsmanager.eu-west-1.amazonaws.com"],
            },
          }
        : {}),
    }));

  it("keeps one inline policy while it fits 10,240 characters", () => {
    const l = layoutPolicies(items(20));
    assert.equal(l.managed, false);
    assert.deepEqual(l.groups, [Array.from({ length: 20 }, (_, i) => i)]);
  });

  it("packs every grant exactly once into managed policies of at most 6,144 characters", () => {
    const all = items(400);
    const l = layoutPolicies(all);
    assert.equal(l.managed, true);
    assert.deepEqual(
      l.groups.flat(),
      all.map((_, i) => i),
    );
    for (const g of l.groups)
      assert.ok(
        policySize(
          policyFor(
            g.map((i) => all[i]),
            true,
          ),
        ) <= IAM_LIMITS.managedPolicy,
      );
    assert.equal(layoutProblem(l, all.length), undefined);
  });

  it("counts characters without whitespace, as IAM does", () => {
    const doc = policyFor(items(3));
    assert.equal(policySize(doc), JSON.stringify(doc).length);
    assert.ok(JSON.stringify(doc, null, 2).length > policySize(doc));
  });

  it("names the number and the fix when 10 managed policies are not enough", () => {
    const l = layoutPolicies(items(2000));
    assert.match(
      layoutProblem(l, 2000)!,
      /^2000 secrets need .* managed policies .* over the 10 IAM attaches to one role/,
    );
  });
});
