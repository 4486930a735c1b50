import * as pulumi from "@pulumi/pulumi";
import type { SecretSource } from "../../../spec/fetch-spec";
import type { MountTarget } from "../../core/target";
import type { PlatformWiring } from "../../kubernetes/pod";
import type { EksPlatformArgs } from "./args";
import { awsScope, provisionEksRole } from "./role";
import type { EksPlan } from "./plan";
import { policyFor, type GrantItem } from "../../clouds/aws/policy-split";
import { attachReadPolicies } from "../../clouds/aws/read-policies";
import { provisionAwsSecret } from "../../stores/aws/secrets";
import { revisionOf } from "../../core/revision";

export interface EksProvisioned {
  roleArn: pulumi.Output<string>;
  trustPolicy: pulumi.Output<string>;
  /** Everything the role may read, as one document (the union of the policies attached to it). */
  permissionPolicy: pulumi.Output<string>;
  /** Each declared secret's FetchSpec source, parallel to `decl.secrets`. */
  sources: pulumi.Output<SecretSource[]>;
  wiring: PlatformWiring;
  /**
   * What must exist before pods start: the role's permissions, the Pod Identity association, and
   * the versions holding the created secrets' values.
   */
  ready: pulumi.Resource[];
}

/** The AWS half of an EKS workload: secrets, the role that may read exactly them, and its trust. */
export function provisionEks(
  parent: pulumi.Resource,
  decl: MountTarget,
  eks: EksPlatformArgs,
  plan: EksPlan,
): EksProvisioned {
  const name = decl.name;
  const scope = awsScope(parent);
  const tags = { "managed-by": "secret-mount", "secret-mount/component": name, ...(eks.tags ?? {}) };

  const secrets = plan.secrets.map((p) => provisionAwsSecret(parent, name, p, scope, tags));

  const grants: pulumi.Output<GrantItem[]> = pulumi
    .all(secrets.map((s) => pulumi.all([s.policyArn, s.kms])))
    .apply((pairs) => pairs.map(([arn, kms], i) => ({ store: secrets[i].plan.store, arn, ...(kms ? { kms } : {}) })));
  const permissionPolicy = grants.apply((items) => JSON.stringify(policyFor(items), null, 2));

  const { role, trustPolicy, association, serviceAccountAnnotations } = provisionEksRole(parent, {
    name,
    identity: plan.identity,
    eks,
    at: "eks.",
    namespace: decl.namespace,
    serviceAccountName: decl.serviceAccountName,
    description: `secret-mount: reads the secrets of ${decl.namespace}/${decl.workloadName}`,
    scope,
    tags,
  });
  const ready = attachReadPolicies(
    parent,
    name,
    role,
    grants,
    plan.policyLayout,
    plan.secrets.length,
    `${decl.namespace}/${decl.workloadName}`,
    tags,
  );
  for (const s of secrets) if (s.version) ready.push(s.version);
  if (association) ready.push(association);

  return {
    roleArn: role.arn,
    trustPolicy,
    permissionPolicy,
    sources: pulumi.all(secrets.map((s) => s.source)),
    wiring: {
      serviceAccountAnnotations,
      podLabels: {},
      // The EKS webhook injects the role's credentials into every container unless told to skip
      // some: only the fetch container needs them, so the app cannot call AWS with this role.
      podAnnotations: { "eks.amazonaws.com/skip-containers": (decl.containerNames ?? []).join(",") },
      skipContainers: { annotation: "eks.amazonaws.com/skip-containers", separator: "," },
      // AWS_EC2_METADATA_DISABLED: no fallback to the node's instance role; without the pod's own
      // identity the fetch fails loudly (identity-not-ready) instead of reading with the node's.
      fetchEnv: {
        AWS_REGION: scope.apply((s) => s.region),
        AWS_STS_REGIONAL_ENDPOINTS: "regional",
        AWS_EC2_METADATA_DISABLED: "true",
      },
      // IRSA: the SDK sends AWS_ROLE_SESSION_NAME as AssumeRoleWithWebIdentity's RoleSessionName, so
      // CloudTrail names the pod (the fetcher makes it a valid session name first). Pod Identity
      // names its sessions itself and tags them with the pod's name.
      ...(plan.identity === "irsa" ? { fetchFieldEnv: { AWS_ROLE_SESSION_NAME: "metadata.name" } } : {}),
      revision: revisionOf(
        decl.secrets.map((s) => s.name),
        secrets.map((s) => s.versionId),
      ),
    },
    ready,
  };
}
