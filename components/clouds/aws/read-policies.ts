import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import { DeclarationError } from "../../core/declaration-error";
import { IAM_LIMITS, policyFor, policySize, type GrantItem, type PolicyLayout } from "./policy-split";

/**
 * Attaches the read grants to a role as the preview-time layout decided: one inline policy
 * (`${name}-read`) when it fits, else customer managed policies (`${name}-read-<j>`). Returns the
 * resources that must exist before anything reads with the role.
 */
export function attachReadPolicies(
  parent: pulumi.Resource,
  name: string,
  role: iam.Role,
  grants: pulumi.Output<GrantItem[]>,
  layout: PolicyLayout,
  secretCount: number,
  what: string,
  tags: { [key: string]: pulumi.Input<string> },
): pulumi.Resource[] {
  const opts = { parent };
  const ready: pulumi.Resource[] = [];
  // Sized at preview with upper-bound ARNs; only an ARN given as an Output can still outgrow it.
  const fitted = (group: number[], limit: number, doc: string) =>
    grants.apply((items) => {
      const batch = items.filter((i) => i.store === "secrets-manager").length > 1;
      const policy = layout.managed
        ? policyFor(
            group.map((i) => items[i]),
            batch,
          )
        : policyFor(items);
      const size = policySize(policy);
      if (size > limit) {
        throw new DeclarationError(
          "secrets",
          `${doc} needs ${size} characters, over IAM's ${limit}: an ARN given as an Output is longer than the ${secretCount} secrets were sized for at preview; give it as a plain string`,
          name,
        );
      }
      return JSON.stringify(policy, null, 2);
    });
  if (!layout.managed) {
    ready.push(
      new iam.RolePolicy(
        `${name}-read`,
        { role: role.id, policy: fitted(layout.groups[0], IAM_LIMITS.inlinePerRole, "the role's inline read policy") },
        opts,
      ),
    );
  } else {
    layout.groups.forEach((group, j) => {
      const policy = new iam.Policy(
        `${name}-read-${j}`,
        {
          description: `secret-mount: reads secrets of ${what} (part ${j + 1} of ${layout.groups.length})`,
          policy: fitted(group, IAM_LIMITS.managedPolicy, `read policy ${j + 1} of ${layout.groups.length}`),
          tags,
        },
        opts,
      );
      ready.push(
        policy,
        new iam.RolePolicyAttachment(`${name}-read-${j}`, { role: role.name, policyArn: policy.arn }, opts),
      );
    });
  }
  return ready;
}
