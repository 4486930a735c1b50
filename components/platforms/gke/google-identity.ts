import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../../core/declaration-error";
import type { GkePlatformArgs } from "./args";
import { gcp } from "../../clouds/gcp/sdk";
import {
  directPrincipal,
  GSA_ANNOTATION,
  ksaMember,
  poolProject,
  PROJECT_NUMBER,
  SERVICE_ACCOUNT_EMAIL,
  WORKLOAD_IDENTITY_USER_ROLE,
  WORKLOAD_POOL,
} from "../../clouds/gcp/names";

/** The identity fields of GkePlatformArgs, which GkeWorkloadIdentityArgs shares. */
export type GkeIdentityFields = Pick<
  GkePlatformArgs,
  "identity" | "project" | "workloadPool" | "workloadPoolProjectNumber" | "googleServiceAccount"
>;

/** What the identity is for: one Kubernetes ServiceAccount. */
export interface GkeIdentityRequest {
  /** Component name: children are `${name}-gsa` and `${name}-workload-identity-user`. */
  name: string;
  identity: "direct" | "google-service-account";
  /** Identity `google-service-account`: the account id to create (undefined: the existing `googleServiceAccount.email`). */
  accountId?: string;
  gke: GkeIdentityFields;
  /** Where the fields were given (`gke.` or ``), for messages about values that resolve wrong. */
  at: string;
  namespace: string;
  serviceAccountName: string;
  /** Description of a created Google service account. */
  description: string;
  /** The project (given, or the provider's, looked up once on first use). */
  project: () => pulumi.Output<string>;
}

export interface GkeIdentity {
  /** The member that is granted roles: the ServiceAccount's principal, or `serviceAccount:<gsa email>`. */
  reader: pulumi.Output<string>;
  /** Identity `google-service-account`: the account and the one Kubernetes member that may impersonate it. */
  impersonation?: pulumi.Output<{ email: string; member: string }>;
  /** Identity `google-service-account`: `iam.gke.io/gcp-service-account`. */
  serviceAccountAnnotations: { [key: string]: pulumi.Input<string> };
  /** The impersonation grant, which pods must wait for. */
  ready: pulumi.Resource[];
}

/** The given project, or the Google provider's, looked up once and only when something needs it. */
export function gcpProject(
  parent: pulumi.Resource,
  name: string,
  project: pulumi.Input<string> | undefined,
  field: string,
): () => pulumi.Output<string> {
  let providerProject: pulumi.Output<string> | undefined;
  return () =>
    project !== undefined
      ? pulumi.output(project)
      : (providerProject ??= gcp(name)
          .organizations.getProjectOutput({}, { parent })
          .apply((p) => {
            if (!p.projectId)
              throw new DeclarationError(
                field,
                `the Google provider has no project; set ${field} or the provider's project (pulumi config set gcp:project <id>)`,
                name,
              );
            return p.projectId;
          }));
}

/**
 * Workload Identity Federation for GKE for one Kubernetes ServiceAccount: its own principal
 * (`direct`), or a Google service account (created or existing) that only it may impersonate,
 * granted additively on that account alone. Shared by SecretMountedWorkload and GkeWorkloadIdentity;
 * the caller grants roles to `reader`.
 */
export function provisionGkeIdentity(parent: pulumi.Resource, r: GkeIdentityRequest): GkeIdentity {
  const opts = { parent };
  const { gke, at } = r;
  const { organizations, serviceaccount } = gcp(r.name);
  const checked = (v: pulumi.Input<string>, re: RegExp, field: string, rule: string) =>
    pulumi.output(v).apply((x) => {
      if (typeof x !== "string" || !re.test(x))
        throw new DeclarationError(
          field,
          `${JSON.stringify(x)} is not ${rule} (checked when the value resolved)`,
          r.name,
        );
      return x;
    });
  const pool =
    gke.workloadPool !== undefined
      ? checked(gke.workloadPool, WORKLOAD_POOL, `${at}workloadPool`, "a workload pool (<project id>.svc.id.goog)")
      : r.project().apply((p) => `${p}.svc.id.goog`);

  const ready: pulumi.Resource[] = [];
  const serviceAccountAnnotations: { [key: string]: pulumi.Input<string> } = {};
  if (r.identity === "direct") {
    const number =
      gke.workloadPoolProjectNumber !== undefined
        ? checked(gke.workloadPoolProjectNumber, PROJECT_NUMBER, `${at}workloadPoolProjectNumber`, "a project number")
        : pool.apply((p) => organizations.getProjectOutput({ projectId: poolProject(p)! }, opts).number);
    const reader = pulumi
      .all([number, pool])
      .apply(([n, p]) => directPrincipal(n, p, r.namespace, r.serviceAccountName));
    return { reader, serviceAccountAnnotations, ready };
  }
  const email =
    r.accountId !== undefined
      ? new serviceaccount.Account(
          `${r.name}-gsa`,
          {
            project: gke.project,
            accountId: r.accountId,
            displayName: `secret-mount ${r.namespace}/${r.serviceAccountName}`.slice(0, 100),
            description: r.description,
          },
          opts,
        ).email
      : checked(
          gke.googleServiceAccount!.email!,
          SERVICE_ACCOUNT_EMAIL,
          `${at}googleServiceAccount.email`,
          "a service account email",
        );
  const member = pool.apply((p) => ksaMember(p, r.namespace, r.serviceAccountName));
  // Only this Kubernetes ServiceAccount may act as the Google service account (additive, on that account only).
  ready.push(
    new serviceaccount.IAMMember(
      `${r.name}-workload-identity-user`,
      {
        serviceAccountId: email.apply(
          (e) => `projects/${e.split("@")[1].replace(/\.iam\.gserviceaccount\.com$/, "")}/serviceAccounts/${e}`,
        ),
        role: WORKLOAD_IDENTITY_USER_ROLE,
        member,
      },
      opts,
    ),
  );
  serviceAccountAnnotations[GSA_ANNOTATION] = email;
  return {
    reader: email.apply((e) => `serviceAccount:${e}`),
    impersonation: pulumi.all([email, member]).apply(([e, m]) => ({ email: e, member: m })),
    serviceAccountAnnotations,
    ready,
  };
}
