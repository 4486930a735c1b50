import * as pulumi from "@pulumi/pulumi";
import * as core from "@pulumi/kubernetes/core/v1";
import { DeclarationError } from "../../core/declaration-error";
import { identityServiceAccountManifest } from "../../kubernetes/manifests";
import { AZURE_WI } from "./provision";
import type { AksWorkloadIdentityArgs } from "./identity-args";
import { fullRoleDefinitionId, planAksWorkloadIdentity, roleDefinitionProblem, scopeProblem } from "./identity-plan";
import { assignRole, provisionAksIdentity } from "./managed-identity";
import { azureNative } from "../../clouds/azure/sdk";

/**
 * A Microsoft Entra workload identity for one Kubernetes ServiceAccount of an AKS cluster, without
 * secrets or a workload: "give this ServiceAccount these roles". The identity and its federated
 * credential are the ones SecretMountedWorkload creates (issuer, `system:serviceaccount:<ns>:<sa>`,
 * audience `api://AzureADTokenExchange`); the role assignments are the ones you give.
 */
export class AksWorkloadIdentity extends pulumi.ComponentResource {
  /** Client id of the managed identity (the ServiceAccount's `azure.workload.identity/client-id`). */
  readonly clientId: pulumi.Output<string>;
  /** Principal (object) id of the identity, which the role assignments name. */
  readonly principalId: pulumi.Output<string>;
  /** Microsoft Entra tenant id of the identity. */
  readonly tenantId: pulumi.Output<string>;
  /** The federated identity credential (name, identity, issuer, subject, audiences), as JSON. */
  readonly federatedCredential: pulumi.Output<string>;
  /** The role assignments (scope, role definition, principal), as JSON. */
  readonly roleAssignments: pulumi.Output<string>;
  /** Annotations the ServiceAccount needs: `azure.workload.identity/client-id` and `/tenant-id`. */
  readonly serviceAccountAnnotations: pulumi.Output<{ [key: string]: string }>;
  /** Labels the pods need: `azure.workload.identity/use: "true"` (the webhook mutates only those pods). */
  readonly podLabels: pulumi.Output<{ [key: string]: string }>;
  /** Namespace of the ServiceAccount. */
  readonly namespace: pulumi.Output<string>;
  /** Name of the ServiceAccount. */
  readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: AksWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every check runs before the first registration: a bad declaration creates nothing.
    const plan = planAksWorkloadIdentity(name, args);
    const { authorization } = azureNative(name);
    super("secret-mount:index:AksWorkloadIdentity", name, {}, opts);
    const parent = this;
    const tags = { "managed-by": "secret-mount", "secret-mount/component": name, ...(args.tags ?? {}) };
    const tenantId = pulumi.output(args.tenantId ?? authorization.getClientConfigOutput({ parent }).tenantId);
    const { clientId, principalId, credential, federatedCredential } = provisionAksIdentity(parent, {
      name,
      plan: plan.identity,
      existing: args.identity,
      location: args.location,
      tags,
      oidcIssuerUrl: args.oidcIssuerUrl,
      credential: plan.credential,
    });

    const grants = args.roleAssignments.map((r, i) => {
      const at = `roleAssignments[${i}]`;
      // Values from other resources are known only now: the same rules as at preview.
      const checked = (v: pulumi.Input<string>, field: string, problemOf: (x: string) => string | undefined) =>
        pulumi.output(v).apply((x) => {
          const problem = typeof x === "string" ? problemOf(x) : "is not a string";
          if (problem)
            throw new DeclarationError(`${at}.${field}`, `${problem} (checked when the value resolved)`, name);
          return x;
        });
      const scope = checked(r.scope, "scope", scopeProblem);
      const roleDefinitionId = pulumi
        .all([checked(r.roleDefinitionId, "roleDefinitionId", roleDefinitionProblem), scope])
        .apply(([role, sc]) => fullRoleDefinitionId(role, sc));
      return {
        scope,
        roleDefinitionId,
        description: r.description ?? `secret-mount: identity of ${args.namespace}/${args.serviceAccountName}`,
      };
    });
    const assignments = grants.map((g, i) => assignRole(parent, `${name}-role-${i}`, { ...g, principalId }, []));
    const roleAssignments = pulumi.all(grants.map((g) => pulumi.all([g.scope, g.roleDefinitionId]))).apply((pairs) =>
      principalId.apply((pid) =>
        JSON.stringify(
          pairs.map(([scope, roleDefinitionId]) => ({
            scope,
            roleDefinitionId,
            principalId: pid,
            principalType: "ServicePrincipal",
          })),
          null,
          2,
        ),
      ),
    );

    const serviceAccountAnnotations: { [key: string]: pulumi.Output<string> } = {
      [AZURE_WI.clientId]: clientId,
      [AZURE_WI.tenantId]: tenantId,
    };
    if (args.createServiceAccount) {
      new core.ServiceAccount(
        `${name}-sa`,
        identityServiceAccountManifest(args.namespace, args.serviceAccountName, serviceAccountAnnotations),
        {
          parent,
          dependsOn: [credential, ...assignments],
        },
      );
    }

    this.clientId = clientId;
    this.principalId = principalId;
    this.tenantId = tenantId;
    this.federatedCredential = federatedCredential;
    this.roleAssignments = roleAssignments;
    this.serviceAccountAnnotations = pulumi.output(serviceAccountAnnotations) as pulumi.Output<{
      [key: string]: string;
    }>;
    this.podLabels = pulumi.output<{ [key: string]: string }>({ [AZURE_WI.use]: "true" });
    this.namespace = pulumi.output(args.namespace);
    this.serviceAccountName = pulumi.output(args.serviceAccountName);
    this.registerOutputs({
      clientId: this.clientId,
      principalId: this.principalId,
      tenantId: this.tenantId,
      federatedCredential: this.federatedCredential,
      roleAssignments: this.roleAssignments,
      serviceAccountAnnotations: this.serviceAccountAnnotations,
      podLabels: this.podLabels,
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
    });
  }
}
