import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/aws/iam";
import * as core from "@pulumi/kubernetes/core/v1";
import { DeclarationError } from "../../core/declaration-error";
import { identityServiceAccountManifest } from "../../kubernetes/manifests";
import type { EksWorkloadIdentityArgs } from "./identity-args";
import {
  managedPolicyArnProblem,
  planEksWorkloadIdentity,
  resourceProblem,
  statementInputs,
  statementsPolicy,
  type ResolvedStatement,
} from "./identity-plan";
import { awsScope, provisionEksRole } from "./role";
import { checkedWhenResolved } from "../../core/checked-input";
import { IAM_LIMITS, policySize } from "../../clouds/aws/policy-split";

/**
 * An IAM role for one Kubernetes ServiceAccount of an EKS cluster, without secrets or a workload:
 * "give this ServiceAccount this policy". The trust is the one SecretMountedWorkload builds (IRSA:
 * this cluster's OIDC provider, `:sub` = the ServiceAccount, `:aud` = sts.amazonaws.com; or EKS Pod
 * Identity: the cluster's ARN, namespace and ServiceAccount, plus the association).
 */
export class EksWorkloadIdentity extends pulumi.ComponentResource {
  /** ARN of the role. */
  readonly roleArn: pulumi.Output<string>;
  /** Name of the role. */
  readonly roleName: pulumi.Output<string>;
  /** The role's trust policy (JSON). */
  readonly trustPolicy: pulumi.Output<string>;
  /** The role's inline permission policy (JSON), when `statements` were given. */
  readonly permissionPolicy?: pulumi.Output<string>;
  /** Annotations the ServiceAccount needs: IRSA `eks.amazonaws.com/role-arn`; none with Pod Identity. */
  readonly serviceAccountAnnotations: pulumi.Output<{ [key: string]: string }>;
  /** Namespace of the ServiceAccount. */
  readonly namespace: pulumi.Output<string>;
  /** Name of the ServiceAccount. */
  readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: EksWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration: a bad declaration creates nothing.
    const plan = planEksWorkloadIdentity(name, args);
    super("secret-mount:index:EksWorkloadIdentity", name, {}, opts);
    const parent = this;
    const tags = { "managed-by": "secret-mount", "secret-mount/component": name, ...(args.tags ?? {}) };
    const { role, trustPolicy, association, serviceAccountAnnotations } = provisionEksRole(parent, {
      name,
      identity: plan.identity,
      eks: args,
      at: "",
      namespace: args.namespace,
      serviceAccountName: args.serviceAccountName,
      description: `secret-mount: identity of ${args.namespace}/${args.serviceAccountName}`,
      scope: awsScope(parent),
      tags,
    });

    const ready: pulumi.Resource[] = association ? [association] : [];
    let permissionPolicy: pulumi.Output<string> | undefined;
    if (plan.statements.length) {
      permissionPolicy = pulumi.output(statementInputs(plan.statements.map((s) => s.item))).apply((resolved) => {
        const statements = resolved as ResolvedStatement[];
        // An Output resource is known only now: the same rules as at preview.
        statements.forEach((s, i) =>
          s.resources.forEach((r, j) => {
            const problem =
              typeof r === "string"
                ? resourceProblem(r, s.effect, plan.statements[i].item.allowAnyResource === true)
                : "is not a string";
            if (problem)
              throw new DeclarationError(
                `${plan.statements[i].at}.resources[${j}]`,
                `${problem} (checked when the value resolved)`,
                name,
              );
          }),
        );
        const policy = statementsPolicy(statements);
        const size = policySize(policy);
        if (size > IAM_LIMITS.inlinePerRole) {
          throw new DeclarationError(
            "statements",
            `need ${size} characters, over IAM's ${IAM_LIMITS.inlinePerRole} for a role's inline policies (checked when the values resolved); move some into a managed policy`,
            name,
          );
        }
        return JSON.stringify(policy, null, 2);
      });
      ready.push(new iam.RolePolicy(`${name}-policy`, { role: role.id, policy: permissionPolicy }, { parent }));
    }
    (args.managedPolicyArns ?? []).forEach((arn, i) => {
      ready.push(
        new iam.RolePolicyAttachment(
          `${name}-managed-${i}`,
          {
            role: role.name,
            policyArn: checkedWhenResolved(arn, managedPolicyArnProblem, `managedPolicyArns[${i}]`, name),
          },
          { parent },
        ),
      );
    });

    if (args.createServiceAccount) {
      // Pods of this ServiceAccount should find the role's permissions in place.
      new core.ServiceAccount(
        `${name}-sa`,
        identityServiceAccountManifest(args.namespace, args.serviceAccountName, serviceAccountAnnotations),
        { parent, dependsOn: ready },
      );
    }

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.trustPolicy = trustPolicy;
    this.permissionPolicy = permissionPolicy;
    this.serviceAccountAnnotations = pulumi.output(serviceAccountAnnotations);
    this.namespace = pulumi.output(args.namespace);
    this.serviceAccountName = pulumi.output(args.serviceAccountName);
    this.registerOutputs({
      roleArn: this.roleArn,
      roleName: this.roleName,
      trustPolicy: this.trustPolicy,
      permissionPolicy: this.permissionPolicy,
      serviceAccountAnnotations: this.serviceAccountAnnotations,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
    });
  }
}
