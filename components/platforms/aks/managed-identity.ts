import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../../core/declaration-error";
import type * as authorization from "@pulumi/azure-native/authorization";
import type * as managedidentity from "@pulumi/azure-native/managedidentity";
import type { AksExistingIdentityArgs } from "./args";
import { chainCredential, countResolvedCredential } from "../../clouds/azure/credential-chain";
import { TOKEN_EXCHANGE_AUDIENCE, assignmentGuid } from "../../clouds/azure/ids";
import { credentialLimitProblem, type IdentityPlan } from "./plan";
import { azureNative } from "../../clouds/azure/sdk";

/** What the identity is for: one Kubernetes ServiceAccount, through the cluster's OIDC issuer. */
export interface AksIdentityRequest {
  /** Component name: children are `${name}-identity` and `${name}-federated-credential`. */
  name: string;
  plan: IdentityPlan;
  /** The existing identity's ids, when the plan names an existing one. */
  existing?: AksExistingIdentityArgs;
  location?: pulumi.Input<string>;
  tags: { [key: string]: pulumi.Input<string> };
  oidcIssuerUrl: pulumi.Input<string>;
  /** The federated credential's name and subject (`system:serviceaccount:<ns>:<sa>`). */
  credential: { name: string; subject: string };
}

export interface AksIdentity {
  clientId: pulumi.Output<string>;
  principalId: pulumi.Output<string>;
  /** The federated credential: pods can sign in only once it exists. */
  credential: pulumi.Resource;
  /** The credential as a reviewer reads it (name, identity, issuer, subject, audiences), JSON. */
  federatedCredential: pulumi.Output<string>;
}

/**
 * A user-assigned managed identity (created, or an existing one) and the federated credential that
 * lets exactly one ServiceAccount sign in as it. Shared by SecretMountedWorkload and AksWorkloadIdentity.
 */
export function provisionAksIdentity(parent: pulumi.Resource, r: AksIdentityRequest): AksIdentity {
  const { managedidentity } = azureNative(r.name);
  let clientId: pulumi.Output<string>;
  let principalId: pulumi.Output<string>;
  let identityResource: managedidentity.UserAssignedIdentity | undefined;
  let identityGroup: pulumi.Input<string>;
  let identityName: pulumi.Input<string>;
  const plan = r.plan;
  if (plan.kind === "new") {
    identityResource = new managedidentity.UserAssignedIdentity(
      `${r.name}-identity`,
      {
        resourceName: plan.name,
        resourceGroupName: plan.resourceGroupName,
        location: r.location,
        tags: r.tags,
      },
      { parent },
    );
    clientId = identityResource.clientId;
    principalId = identityResource.principalId;
    identityGroup = plan.resourceGroupName;
    identityName = plan.name;
  } else {
    clientId = pulumi.output(r.existing!.clientId);
    principalId = pulumi.output(r.existing!.principalId);
    // An id known only now is counted against Azure's limit now, as a plain one was at preview.
    const parsed =
      plan.kind === "existing"
        ? pulumi.output(plan.parsed)
        : plan.resolved.apply((p) => {
            const problem = credentialLimitProblem(
              p.name,
              plan.inUse,
              countResolvedCredential(p.resourceId),
              plan.field.replace(/identity$/, ""),
            );
            if (problem) throw new DeclarationError(plan.field, `${problem} (checked when the value resolved)`, r.name);
            return p;
          });
    identityGroup = parsed.resourceGroupName;
    identityName = parsed.name;
  }

  const credentialArgs = {
    resourceGroupName: identityGroup,
    resourceName: identityName,
    federatedIdentityCredentialResourceName: r.credential.name,
    issuer: r.oidcIssuerUrl,
    subject: r.credential.subject,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
  };
  const credentialResourceName = `${r.name}-federated-credential`;
  // A new name replaces the credential. Azure refuses a second credential with the same issuer and
  // subject on one identity, so the old one goes first (Pulumi's default creates the new one first).
  const replace = { deleteBeforeReplace: true };
  const credential =
    plan.kind === "new"
      ? new managedidentity.FederatedIdentityCredential(credentialResourceName, credentialArgs, {
          parent,
          dependsOn: [identityResource!],
          ...replace,
        })
      : // Azure refuses concurrent credential writes on one identity (409): one after another.
        chainCredential(
          plan.kind === "existing" ? plan.resourceId : undefined,
          (after) =>
            new managedidentity.FederatedIdentityCredential(credentialResourceName, credentialArgs, {
              parent,
              ...(after.length ? { dependsOn: after } : {}),
              ...replace,
            }),
        );

  const federatedCredential = pulumi.all([r.oidcIssuerUrl, identityName]).apply(([issuer, identity]) =>
    JSON.stringify(
      {
        name: r.credential.name,
        identity,
        issuer,
        subject: r.credential.subject,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
      },
      null,
      2,
    ),
  );
  return { clientId, principalId, credential, federatedCredential };
}

/** One role for the identity on one scope. */
export interface RoleGrant {
  scope: pulumi.Input<string>;
  roleDefinitionId: pulumi.Input<string>;
  principalId: pulumi.Input<string>;
  description: string;
}

/** A role assignment for a managed identity, named by a GUID derived from what it grants. */
export function assignRole(
  parent: pulumi.Resource,
  resourceName: string,
  g: RoleGrant,
  dependsOn: pulumi.Resource[],
): authorization.RoleAssignment {
  const { authorization } = azureNative();
  return new authorization.RoleAssignment(
    resourceName,
    {
      scope: g.scope,
      roleDefinitionId: g.roleDefinitionId,
      principalId: g.principalId,
      // Says what the principal is, so Azure does not look it up in Entra ID, where a new identity
      // may not have replicated yet (the assignment would fail with PrincipalNotFound).
      principalType: "ServicePrincipal",
      roleAssignmentName: pulumi
        .all([g.scope, g.roleDefinitionId, g.principalId])
        .apply(([sc, rd, pid]) => assignmentGuid(sc, rd, pid)),
      description: g.description,
    },
    { parent, dependsOn },
  );
}
