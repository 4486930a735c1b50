import * as pulumi from "@pulumi/pulumi";
import * as core from "@pulumi/kubernetes/core/v1";
import { DeclarationError } from "../../core/declaration-error";
import { identityServiceAccountManifest } from "../../kubernetes/manifests";
import { grantBinding, parseBindingResource, type BindingTarget } from "./bindings";
import type { GkeWorkloadIdentityArgs } from "./identity-args";
import { planGkeWorkloadIdentity } from "./identity-plan";
import { gcp } from "../../clouds/gcp/sdk";
import { memberGrants } from "../../clouds/gcp/iam-members";
import { gcpProject, provisionGkeIdentity } from "./google-identity";
import { GSA_ANNOTATION } from "../../clouds/gcp/names";

/**
 * Workload Identity Federation for GKE for one Kubernetes ServiceAccount, without secrets or a
 * workload: "give this ServiceAccount these roles". The principal is the one SecretMountedWorkload
 * grants (the ServiceAccount's own, or a Google service account only it may impersonate); every
 * binding is one additive IAM member, never a project's or resource's whole policy.
 */
export class GkeWorkloadIdentity extends pulumi.ComponentResource {
  /** The member every binding names: `principal://…/subject/ns/<ns>/sa/<sa>` or `serviceAccount:<gsa email>`. */
  readonly member: pulumi.Output<string>;
  /** Identity `google-service-account`: the Google service account's email (otherwise unset). */
  readonly googleServiceAccountEmail?: pulumi.Output<string>;
  /** Every IAM member granted, as JSON `[{ resource, role, member }]`. */
  readonly iamMembers: pulumi.Output<string>;
  /** Annotations the ServiceAccount needs: `iam.gke.io/gcp-service-account` with a Google service account; none for `direct`. */
  readonly serviceAccountAnnotations: pulumi.Output<{ [key: string]: string }>;
  /** Namespace of the ServiceAccount. */
  readonly namespace: pulumi.Output<string>;
  /** Name of the ServiceAccount. */
  readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: GkeWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration: a bad declaration creates nothing.
    const plan = planGkeWorkloadIdentity(name, args);
    gcp(name); // an optional peer dependency: refused here, before anything is registered, when missing
    super("secret-mount:index:GkeWorkloadIdentity", name, {}, opts);
    const parent = this;
    const identity = provisionGkeIdentity(parent, {
      name,
      identity: plan.identity,
      accountId: plan.accountId,
      gke: args,
      at: "",
      namespace: args.namespace,
      serviceAccountName: args.serviceAccountName,
      description: `secret-mount: identity of ${args.namespace}/${args.serviceAccountName} (component ${name})`,
      project: gcpProject(parent, name, args.project, "project"),
    });

    const targets = plan.bindings.map(({ item: b, at }) =>
      pulumi.output(b.resource).apply((r): BindingTarget => {
        // A resource from another resource is known only now: the same rules as at preview.
        const parsed = parseBindingResource(b.kind, r);
        if (typeof parsed === "string")
          throw new DeclarationError(`${at}.resource`, `${parsed} (checked when the value resolved)`, name);
        return parsed;
      }),
    );
    const granted = plan.bindings.map(({ item: b }, i) =>
      grantBinding(parent, `${name}-binding-${i}`, b.kind, targets[i], b.role, identity.reader),
    );

    const annotations = pulumi.output(identity.serviceAccountAnnotations) as pulumi.Output<{ [key: string]: string }>;
    if (args.createServiceAccount) {
      new core.ServiceAccount(
        `${name}-sa`,
        identityServiceAccountManifest(args.namespace, args.serviceAccountName, identity.serviceAccountAnnotations),
        {
          parent,
          dependsOn: [...identity.ready, ...granted],
        },
      );
    }

    this.member = identity.reader;
    this.googleServiceAccountEmail = identity.impersonation ? annotations.apply((a) => a[GSA_ANNOTATION]) : undefined;
    this.iamMembers = pulumi
      .all([pulumi.all(targets), identity.reader, identity.impersonation ?? pulumi.output(undefined)])
      .apply(([ts, reader, imp]) =>
        JSON.stringify(
          memberGrants(
            ts.map((t, i) => ({ resource: t.resource, role: plan.bindings[i].item.role })),
            reader,
            imp,
          ),
          null,
          2,
        ),
      );
    this.serviceAccountAnnotations = annotations;
    this.namespace = pulumi.output(args.namespace);
    this.serviceAccountName = pulumi.output(args.serviceAccountName);
    this.registerOutputs({
      member: this.member,
      googleServiceAccountEmail: this.googleServiceAccountEmail,
      iamMembers: this.iamMembers,
      serviceAccountAnnotations: this.serviceAccountAnnotations,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
    });
  }
}
