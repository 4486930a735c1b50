import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as iam from "@pulumi/aws/iam";
import * as eksAws from "@pulumi/aws/eks";
import { eksClusterArn, policyArnProblem, type Scope } from "../../clouds/aws/arns";
import type { EksPlatformArgs } from "./args";
import { checkedWhenResolved } from "../../core/checked-input";
import { irsaIssuer } from "../../clouds/aws/oidc";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "../../clouds/aws/policies";
import { DeclarationError } from "../../core/declaration-error";

/** The provider's partition, region and account, looked up once per component. */
export function awsScope(parent: pulumi.Resource): pulumi.Output<Scope> {
  const opts = { parent };
  return pulumi
    .all([getRegionOutput({}, opts), getCallerIdentityOutput({}, opts), getPartitionOutput({}, opts)])
    .apply(([r, c, p]) => ({
      region: r.region,
      accountId: c.accountId,
      partition: p.partition,
      dnsSuffix: p.dnsSuffix,
    }));
}

/** What the role is for: one Kubernetes ServiceAccount of one cluster. */
export interface EksRoleRequest {
  /** Component name: children are `${name}-role` and `${name}-pod-identity`. */
  name: string;
  identity: "irsa" | "pod-identity";
  /** The identity fields of EksPlatformArgs (or EksWorkloadIdentityArgs), checked by planEksIdentity. */
  eks: Pick<
    EksPlatformArgs,
    "oidcProviderArn" | "oidcIssuerUrl" | "clusterName" | "roleName" | "permissionsBoundaryArn"
  >;
  /** Where the identity fields were given (`eks.` or ``), for a message when a value resolves wrong. */
  at: string;
  namespace: string;
  serviceAccountName: string;
  description: string;
  scope: pulumi.Output<Scope>;
  tags: { [key: string]: pulumi.Input<string> };
}

export interface EksRole {
  role: iam.Role;
  trustPolicy: pulumi.Output<string>;
  /** Pod Identity: the association (pods must wait for it). */
  association?: eksAws.PodIdentityAssociation;
  /** IRSA: `eks.amazonaws.com/role-arn`; Pod Identity: none (the association names the ServiceAccount). */
  serviceAccountAnnotations: { [key: string]: pulumi.Output<string> };
}

export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/**
 * The IAM role one ServiceAccount assumes, trusted for exactly that ServiceAccount: IRSA (this
 * cluster's OIDC provider, `:sub` and `:aud`) or EKS Pod Identity (pods.eks.amazonaws.com with the
 * cluster ARN, namespace and ServiceAccount session tags, plus the association). Shared by
 * SecretMountedWorkload and EksWorkloadIdentity; permissions are attached by the caller.
 */
export function provisionEksRole(parent: pulumi.Resource, r: EksRoleRequest): EksRole {
  const opts = { parent };
  const { eks } = r;
  const trustPolicy =
    r.identity === "irsa"
      ? // Either input may be an Output: derived and cross-checked once both resolve, as at preview.
        pulumi.all([r.scope, eks.oidcProviderArn, eks.oidcIssuerUrl]).apply(([sc, oidcProviderArn, oidcIssuerUrl]) => {
          const { providerArn, issuer } = irsaIssuer({ oidcProviderArn, oidcIssuerUrl }, sc, r.at, (field, problem) => {
            throw new DeclarationError(field, `${problem} (checked when the value resolved)`, r.name);
          });
          return JSON.stringify(
            irsaTrustPolicy({
              oidcProviderArn: providerArn,
              issuer,
              namespace: r.namespace,
              serviceAccountName: r.serviceAccountName,
            }),
            null,
            2,
          );
        })
      : // The association is created by this provider, so the cluster is in its account and region.
        pulumi.all([r.scope, eks.clusterName!]).apply(([sc, clusterName]) =>
          JSON.stringify(
            podIdentityTrustPolicy({
              accountId: sc.accountId,
              clusterArn: eksClusterArn(sc, clusterName),
              namespace: r.namespace,
              serviceAccountName: r.serviceAccountName,
            }),
            null,
            2,
          ),
        );

  const role = new iam.Role(
    `${r.name}-role`,
    {
      name: eks.roleName,
      description: r.description,
      assumeRolePolicy: trustPolicy,
      permissionsBoundary:
        eks.permissionsBoundaryArn === undefined
          ? undefined
          : checkedWhenResolved(eks.permissionsBoundaryArn, policyArnProblem, `${r.at}permissionsBoundaryArn`, r.name),
      maxSessionDuration: 3600,
      tags: r.tags,
    },
    opts,
  );

  const association =
    r.identity === "pod-identity"
      ? new eksAws.PodIdentityAssociation(
          `${r.name}-pod-identity`,
          {
            clusterName: eks.clusterName!,
            namespace: r.namespace,
            serviceAccount: r.serviceAccountName,
            roleArn: role.arn,
            tags: r.tags,
          },
          opts,
        )
      : undefined;

  return {
    role,
    trustPolicy,
    association,
    serviceAccountAnnotations: r.identity === "irsa" ? { [IRSA_ROLE_ANNOTATION]: role.arn } : {},
  };
}
