import * as pulumi from "@pulumi/pulumi";
import { revisionOf } from "../../core/revision";
import type { SecretSource } from "../../../spec/fetch-spec";
import type { MountTarget } from "../../core/target";
import type { PlatformWiring } from "../../kubernetes/pod";
import type { GkePlatformArgs } from "./args";
import { iamMembers } from "../../clouds/gcp/iam-members";
import { gcpProject, provisionGkeIdentity } from "./google-identity";
import { secretName, versionName } from "../../clouds/gcp/names";
import type { GkePlan } from "./plan";
import { grantAccessor, provisionGcpSecret } from "../../stores/gcp/secrets";

export interface GkeProvisioned {
  /** Each declared secret's FetchSpec source, parallel to `decl.secrets`. */
  sources: pulumi.Output<SecretSource[]>;
  wiring: PlatformWiring;
  /** The accessor grants, the service account's impersonation grant and the secrets' versions. */
  ready: pulumi.Resource[];
  /** Every IAM member created (resource, role, member), as reviewable JSON. */
  iamMembers: pulumi.Output<string>;
  /** Identity `google-service-account`: the Google service account's email (created or given). */
  googleServiceAccountEmail?: pulumi.Output<string>;
}

/**
 * The Google half of a GKE workload: the secrets, and additive grants of the accessor role on each
 * of them for exactly one principal (the Kubernetes ServiceAccount's, or a Google service account
 * only that Kubernetes ServiceAccount may impersonate).
 */
export function provisionGke(
  parent: pulumi.Resource,
  decl: MountTarget,
  gke: GkePlatformArgs,
  plan: GkePlan,
): GkeProvisioned {
  const name = decl.name;
  const project = gcpProject(parent, name, gke.project, "gke.project");

  const secrets = plan.secrets.map((p) => provisionGcpSecret(parent, name, p, project, gke.labels ?? {}));
  const versions = secrets.flatMap((s) => (s.version ? [s.version] : []));

  const {
    reader,
    impersonation,
    serviceAccountAnnotations,
    ready: identityReady,
  } = provisionGkeIdentity(parent, {
    name,
    identity: plan.identity,
    accountId: plan.accountId,
    gke,
    at: "gke.",
    namespace: decl.namespace,
    serviceAccountName: decl.serviceAccountName,
    description: `secret-mount: reads the secrets of ${decl.namespace}/${decl.workloadName} (component ${name})`,
    project,
  });
  const ready: pulumi.Resource[] = [...versions, ...identityReady];
  for (const s of secrets)
    ready.push(
      grantAccessor(
        parent,
        `${name}-${s.plan.secret.name}-accessor`,
        s,
        reader,
        versions.filter((v) => v === s.version),
      ),
    );

  const refs = pulumi.all(secrets.map((s) => s.ref));
  const members = pulumi
    .all([refs, reader, impersonation ?? pulumi.output(undefined)])
    .apply(([rs, r, imp]) => JSON.stringify(iamMembers(rs.map(secretName), r, imp), null, 2));
  return {
    sources: refs.apply((rs) =>
      rs.map((r, i): SecretSource => ({ type: "gcp-secretmanager", name: versionName(r, plan.secrets[i].version) })),
    ),
    wiring: {
      serviceAccountAnnotations,
      podLabels: {},
      // Nothing to skip: on GKE every container of the pod gets the same identity from the
      // metadata server (least privilege holds at the secret level; see docs/security.md).
      podAnnotations: {},
      fetchEnv: {},
      revision: revisionOf(
        decl.secrets.map((s) => s.name),
        secrets.map((s) => s.versionId),
      ),
    },
    ready,
    iamMembers: members,
    googleServiceAccountEmail: impersonation?.apply((i) => i.email),
  };
}
