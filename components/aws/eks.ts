import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import * as iam from "@pulumi/aws/iam";
import * as eksAws from "@pulumi/aws/eks";
import type { SecretSource } from "../spec/fetch-spec";
import type { Declaration } from "../core/normalize";
import type { PlatformWiring } from "../kubernetes/pod";
import type { Scope } from "./arns";
import type { EksPlatformArgs } from "./eks-args";
import type { EksPlan } from "./plan";
import { irsaTrustPolicy, podIdentityTrustPolicy, readPolicy } from "./policies";
import { provisionAwsSecret } from "./secrets";

export interface EksProvisioned {
  roleArn: pulumi.Output<string>;
  trustPolicy: pulumi.Output<string>;
  permissionPolicy: pulumi.Output<string>;
  /** Each declared secret's FetchSpec source, parallel to `decl.secrets`. */
  sources: pulumi.Output<SecretSource[]>;
  wiring: PlatformWiring;
  /** What must exist before pods start: the role's permissions (and the Pod Identity association). */
  ready: pulumi.Resource[];
}

/** The AWS half of an EKS workload: secrets, the role that may read exactly them, and its trust. */
export function provisionEks(parent: pulumi.Resource, decl: Declaration, eks: EksPlatformArgs, plan: EksPlan): EksProvisioned {
  const name = decl.name;
  const opts = { parent };
  const scope: pulumi.Output<Scope> = pulumi
    .all([getRegionOutput({}, opts), getCallerIdentityOutput({}, opts), getPartitionOutput({}, opts)])
    .apply(([r, c, p]) => ({ region: r.region, accountId: c.accountId, partition: p.partition, dnsSuffix: p.dnsSuffix }));
  const tags = { "managed-by": "secret-mount", "secret-mount/component": name, ...(eks.tags ?? {}) };

  const secrets = plan.secrets.map((p) => provisionAwsSecret(parent, name, p, scope, tags));

  const permissionPolicy = pulumi
    .all([pulumi.all(secrets.map((s) => s.policyArn)), pulumi.all(secrets.map((s) => s.kms))])
    .apply(([arns, kms]) => JSON.stringify(readPolicy({
      secretArns: arns.filter((_, i) => secrets[i].plan.store === "secrets-manager"),
      parameterArns: arns.filter((_, i) => secrets[i].plan.store === "ssm-parameter"),
      kms: kms.filter((k): k is NonNullable<typeof k> => k !== undefined),
    }), null, 2));

  const trustPolicy = plan.identity === "irsa"
    ? pulumi.all([eks.oidcProviderArn!, eks.oidcIssuerUrl!]).apply(([oidcProviderArn, oidcIssuerUrl]) => JSON.stringify(irsaTrustPolicy({
      oidcProviderArn, oidcIssuerUrl, namespace: decl.namespace, serviceAccountName: decl.serviceAccountName,
    }), null, 2))
    : pulumi.all([scope, eks.clusterName!]).apply(([sc, clusterName]) => JSON.stringify(podIdentityTrustPolicy({
      accountId: sc.accountId, clusterName, namespace: decl.namespace, serviceAccountName: decl.serviceAccountName,
    }), null, 2));

  const role = new iam.Role(`${name}-role`, {
    name: eks.roleName,
    description: `secret-mount: reads the secrets of ${decl.namespace}/${decl.deploymentName}`,
    assumeRolePolicy: trustPolicy,
    permissionsBoundary: eks.permissionsBoundaryArn,
    maxSessionDuration: 3600,
    tags,
  }, opts);
  const rolePolicy = new iam.RolePolicy(`${name}-read`, { role: role.id, policy: permissionPolicy }, opts);
  const ready: pulumi.Resource[] = [rolePolicy];

  if (plan.identity === "pod-identity") {
    ready.push(new eksAws.PodIdentityAssociation(`${name}-pod-identity`, {
      clusterName: eks.clusterName!,
      namespace: decl.namespace,
      serviceAccount: decl.serviceAccountName,
      roleArn: role.arn,
      tags,
    }, opts));
  }

  return {
    roleArn: role.arn,
    trustPolicy,
    permissionPolicy,
    sources: pulumi.all(secrets.map((s) => s.source)),
    wiring: {
      serviceAccountAnnotations: plan.identity === "irsa" ? { "eks.amazonaws.com/role-arn": role.arn } : {},
      podLabels: {},
      // The EKS webhook injects the role's credentials into every container unless told to skip
      // some: only the fetch container needs them, so the app cannot call AWS with this role.
      podAnnotations: { "eks.amazonaws.com/skip-containers": decl.containers.map((c) => c.name).join(",") },
      fetchEnv: { AWS_REGION: scope.apply((s) => s.region), AWS_STS_REGIONAL_ENDPOINTS: "regional" },
    },
    ready,
  };
}
