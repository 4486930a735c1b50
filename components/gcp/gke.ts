import * as pulumi from "@pulumi/pulumi";
import { revisionOf } from "../core/revision";
import type { SecretSource } from "../spec/fetch-spec";
import type { Declaration } from "../core/normalize";
import type { PlatformWiring } from "../kubernetes/pod";
import { DeclarationError } from "../core/declaration-error";
import type { GkePlatformArgs } from "./gke-args";
import { iamMembers } from "./iam-members";
import { directPrincipal, GSA_ANNOTATION, ksaMember, poolProject, PROJECT_NUMBER, secretName, SERVICE_ACCOUNT_EMAIL, versionName, WORKLOAD_IDENTITY_USER_ROLE, WORKLOAD_POOL } from "./names";
import type { GkePlan } from "./plan";
import { gcp } from "./sdk";
import { grantAccessor, provisionGcpSecret } from "./secrets";

export interface GkeProvisioned {
  /** Each declared secret's FetchSpec source, parallel to `decl.secrets`. */
  sources: pulumi.Output<SecretSource[]>;
  wiring: PlatformWiring;
  /** The accessor grants, the service account's impersonation grant and the secrets' versions. */
  ready: pulumi.Resource[];
  /** Every IAM member created (resource, role, member), as reviewable JSON. */
  iamMembers: pulumi.Output<string>;
}

/**
 * The Google half of a GKE workload: the secrets, and additive grants of the accessor role on each
 * of them for exactly one principal (the Kubernetes ServiceAccount's, or a Google service account
 * only that Kubernetes ServiceAccount may impersonate).
 */
export function provisionGke(parent: pulumi.Resource, decl: Declaration, gke: GkePlatformArgs, plan: GkePlan): GkeProvisioned {
  const { organizations: { getProjectOutput }, serviceaccount } = gcp(decl.name);
  const name = decl.name;
  const opts = { parent };
  const checked = (v: pulumi.Input<string>, re: RegExp, field: string, rule: string) => pulumi.output(v).apply((x) => {
    if (typeof x !== "string" || !re.test(x)) throw new DeclarationError(field, `${JSON.stringify(x)} is not ${rule} (checked when the value resolved)`, name);
    return x;
  });
  // The provider's project is looked up once, and only when something needs it.
  let providerProject: pulumi.Output<string> | undefined;
  const project = () => gke.project !== undefined
    ? pulumi.output(gke.project)
    : (providerProject ??= getProjectOutput({}, opts).apply((p) => {
      if (!p.projectId) throw new DeclarationError("gke.project", "the Google provider has no project; set gke.project or the provider's project (pulumi config set gcp:project <id>)", name);
      return p.projectId;
    }));
  const pool = gke.workloadPool !== undefined
    ? checked(gke.workloadPool, WORKLOAD_POOL, "gke.workloadPool", "a workload pool (<project id>.svc.id.goog)")
    : project().apply((p) => `${p}.svc.id.goog`);

  const secrets = plan.secrets.map((p) => provisionGcpSecret(parent, name, p, project, gke.labels ?? {}));
  const versions = secrets.flatMap((s) => (s.version ? [s.version] : []));

  let reader: pulumi.Output<string>;
  let impersonation: pulumi.Output<{ email: string; member: string }> | undefined;
  const ready: pulumi.Resource[] = [...versions];
  const serviceAccountAnnotations: { [key: string]: pulumi.Input<string> } = {};
  if (plan.identity === "direct") {
    const number = gke.workloadPoolProjectNumber !== undefined
      ? checked(gke.workloadPoolProjectNumber, PROJECT_NUMBER, "gke.workloadPoolProjectNumber", "a project number")
      : pool.apply((p) => getProjectOutput({ projectId: poolProject(p)! }, opts).number);
    reader = pulumi.all([number, pool]).apply(([n, p]) => directPrincipal(n, p, decl.namespace, decl.serviceAccountName));
  } else {
    const email = plan.accountId !== undefined
      ? new serviceaccount.Account(`${name}-gsa`, {
        project: gke.project,
        accountId: plan.accountId,
        displayName: `secret-mount ${decl.namespace}/${decl.serviceAccountName}`.slice(0, 100),
        description: `secret-mount: reads the secrets of ${decl.namespace}/${decl.deploymentName} (component ${name})`,
      }, opts).email
      : checked(gke.googleServiceAccount!.email!, SERVICE_ACCOUNT_EMAIL, "gke.googleServiceAccount.email", "a service account email");
    const member = pool.apply((p) => ksaMember(p, decl.namespace, decl.serviceAccountName));
    // Only this Kubernetes ServiceAccount may act as the Google service account (additive, on that account only).
    ready.push(new serviceaccount.IAMMember(`${name}-workload-identity-user`, {
      serviceAccountId: email.apply((e) => `projects/${e.split("@")[1].replace(/\.iam\.gserviceaccount\.com$/, "")}/serviceAccounts/${e}`),
      role: WORKLOAD_IDENTITY_USER_ROLE,
      member,
    }, opts));
    reader = email.apply((e) => `serviceAccount:${e}`);
    impersonation = pulumi.all([email, member]).apply(([e, m]) => ({ email: e, member: m }));
    serviceAccountAnnotations[GSA_ANNOTATION] = email;
  }
  for (const s of secrets) ready.push(grantAccessor(parent, `${name}-${s.plan.secret.name}-accessor`, s, reader, versions.filter((v) => v === s.version)));

  const refs = pulumi.all(secrets.map((s) => s.ref));
  const members = pulumi.all([refs, reader, impersonation ?? pulumi.output(undefined)])
    .apply(([rs, r, imp]) => JSON.stringify(iamMembers(rs.map(secretName), r, imp), null, 2));
  return {
    sources: refs.apply((rs) => rs.map((r, i): SecretSource => ({ type: "gcp-secretmanager", name: versionName(r, plan.secrets[i].version) }))),
    wiring: {
      serviceAccountAnnotations,
      podLabels: {},
      // Nothing to skip: on GKE every container of the pod gets the same identity from the
      // metadata server (least privilege holds at the secret level; see README "Security model").
      podAnnotations: {},
      fetchEnv: {},
      revision: revisionOf(decl.secrets.map((s) => s.name), secrets.map((s) => s.versionId)),
    },
    ready,
    iamMembers: members,
  };
}
