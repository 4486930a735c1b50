import { fact, jsonFile } from "../../review/describe";
import type { Describer, Fact, Obj, ResourceIndex, Subject } from "../../review/describe";
import { describeKubernetesObject } from "../../kubernetes/describe";

const SECRET_IAM_MEMBER = "gcp:secretmanager/secretIamMember:SecretIamMember";
const REGIONAL_SECRET_IAM_MEMBER = "gcp:secretmanager/regionalSecretIamMember:RegionalSecretIamMember";
const SERVICE_ACCOUNT_IAM_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const PROJECT_IAM_MEMBER = "gcp:projects/iAMMember:IAMMember";
const BUCKET_IAM_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
const TOPIC_IAM_MEMBER = "gcp:pubsub/topicIAMMember:TopicIAMMember";
const SUBSCRIPTION_IAM_MEMBER = "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const MEMBER_TYPES = [
  SECRET_IAM_MEMBER,
  REGIONAL_SECRET_IAM_MEMBER,
  SERVICE_ACCOUNT_IAM_MEMBER,
  PROJECT_IAM_MEMBER,
  BUCKET_IAM_MEMBER,
  TOPIC_IAM_MEMBER,
  SUBSCRIPTION_IAM_MEMBER,
];

/** The resource an IAM member is on, as a reviewer reads it. */
function memberResource(s: Subject): string {
  const i = s.inputs;
  switch (s.type) {
    case SERVICE_ACCOUNT_IAM_MEMBER:
      return String(i.serviceAccountId).split("/").pop()!;
    case PROJECT_IAM_MEMBER:
      return `projects/${i.project}`;
    case BUCKET_IAM_MEMBER:
      return `buckets/${i.bucket}`;
    case TOPIC_IAM_MEMBER:
      return `projects/${i.project}/topics/${i.topic}`;
    case SUBSCRIPTION_IAM_MEMBER:
      return `projects/${i.project}/subscriptions/${i.subscription}`;
    default:
      return String(i.secretId);
  }
}

/** Said in the review of every GKE workload: the one thing GKE cannot scope per container. */
export const GKE_SHARED_IDENTITY_NOTE =
  "every container of the pod (the app too) gets this identity from the GKE metadata server: " +
  "no per-container exclusion; least privilege holds per secret " +
  "(only the declared secrets are granted)";

/** The Kubernetes ServiceAccount a GKE member names, with its workload identity pool. */
interface KsaPrincipal {
  pool: string;
  namespace: string;
  name: string;
}

/**
 * The ServiceAccount a member names: the direct principal
 * (`principal://…/workloadIdentityPools/<pool>/subject/ns/<ns>/sa/<sa>`) or the workload identity
 * user of a Google service account (`serviceAccount:<pool>[<ns>/<sa>]`); undefined for any other member.
 */
function ksaPrincipal(member: string): KsaPrincipal | undefined {
  const direct =
    /^principal:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+)\/subject\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(
      member,
    );
  const viaGsa = /^serviceAccount:([^[\]]+\.svc\.id\.goog)\[([^/\]]+)\/([^\]]+)\]$/.exec(member);
  const m = direct ?? viaGsa;
  return m ? { pool: m[1], namespace: m[2], name: m[3] } : undefined;
}

const sameKsa = (a: KsaPrincipal | undefined, b: KsaPrincipal) =>
  a?.pool === b.pool && a.namespace === b.namespace && a.name === b.name;

/** The program's Kubernetes ServiceAccount a principal names, if it declares one. */
function serviceAccountOf(index: ResourceIndex, k: KsaPrincipal): Subject | undefined {
  return index
    .ofType(SERVICE_ACCOUNT)
    .find((sa) => sa.inputs.metadata?.namespace === k.namespace && sa.inputs.metadata?.name === k.name);
}

/**
 * Said once per GKE workload (per Kubernetes ServiceAccount granted): the principal names a
 * namespace and a ServiceAccount, no cluster, so every cluster of the pool with the same names gets
 * the same access (Google: "identity sameness", Workload Identity Federation for GKE).
 */
function gkeIdentitySamenessNote(k: KsaPrincipal): string {
  return (
    `SAME ACCESS for any cluster of workload identity pool ${k.pool} (the project's GKE clusters, and a fleet's members) ` +
    `with a namespace "${k.namespace}" and a ServiceAccount "${k.name}": the principal names no cluster (Google's "identity sameness"); ` +
    'give clusters of different trust their own project, and let only trusted people create that namespace (docs/security.md, "GKE: identity sameness across clusters")'
  );
}
const SAMENESS_LABEL = "other clusters";

/** One IAM member as the review file lists it. */
interface MemberRow {
  resource: string;
  role: string;
  member: string;
}

function memberRow(s: Subject): MemberRow {
  const i = s.inputs;
  return { resource: memberResource(s), role: String(i.role), member: String(i.member) };
}

const encryption = (cmek: Obj | undefined) => (cmek ? ` (CMEK ${cmek.kmsKeyName})` : "");

/**
 * An IAM member: what it grants, on what, to whom. The first member of the program also writes
 * `iam/gcp-iam-members.json` (every member: resource, role, member).
 */
const describeMember: Describer = (s: Subject, index: ResourceIndex) => {
  const row = memberRow(s);
  const facts: Fact[] = [fact("grant", `${row.role} (additive)`), fact("on", row.resource), fact("to", row.member)];
  const all = MEMBER_TYPES.flatMap((t) => index.ofType(t));
  // The sameness warning goes on the ServiceAccount; when the program declares none (an existing
  // one), on the first member that names it.
  const ksa = ksaPrincipal(row.member);
  if (ksa && !serviceAccountOf(index, ksa)) {
    const first = all.find((m) => sameKsa(ksaPrincipal(String(m.inputs.member)), ksa));
    if (first?.type === s.type && first?.name === s.name)
      facts.push(fact(SAMENESS_LABEL, gkeIdentitySamenessNote(ksa)));
  }
  if (all[0]?.type !== s.type || all[0]?.name !== s.name) return { facts };
  const file = jsonFile(
    "iam/gcp-iam-members.json",
    all.map(memberRow),
    "every Google IAM member granted (resource, role, member)",
  );
  return { facts, files: [file] };
};

/**
 * A Kubernetes ServiceAccount, as on every platform; when a Google IAM member names it (its own
 * principal, or the workload identity user of a Google service account), the review also says
 * that every container of its pods gets that identity.
 */
const describeServiceAccount: Describer = (s, index) => {
  const base = describeKubernetesObject(s, index);
  const { namespace, name } = (s.inputs.metadata ?? {}) as Obj;
  const granted = MEMBER_TYPES.flatMap((t) => index.ofType(t))
    .map((m) => ksaPrincipal(String(m.inputs.member)))
    .filter((k): k is KsaPrincipal => k?.namespace === namespace && k?.name === name);
  if (!granted.length) return base;
  const identity = fact("workload identity", `ns/${namespace}/sa/${name} on GKE`);
  const shared = fact("shared in the pod", GKE_SHARED_IDENTITY_NOTE);
  const pools = [...new Map(granted.map((k) => [k.pool, k])).values()];
  return {
    ...base,
    facts: [...base.facts, identity, shared, ...pools.map((k) => fact(SAMENESS_LABEL, gkeIdentitySamenessNote(k)))],
  };
};

const withheld: Describer = () => ({ facts: [fact("value", "withheld")] });

/** How render reviews the Google resources a GKE workload creates. Values are never read. */
export const GCP_DESCRIBERS: Record<string, Describer> = {
  "gcp:secretmanager/secret:Secret": ({ inputs: i }) => {
    const managed = i.replication?.userManaged?.replicas as Obj[] | undefined;
    const replication = managed
      ? managed.map((r) => `${r.location}${encryption(r.customerManagedEncryption)}`)
      : [`automatic${encryption(i.replication?.auto?.customerManagedEncryption)}`];
    return {
      facts: [fact("secret", `projects/${i.project}/secrets/${i.secretId}`), fact("replication", ...replication)],
    };
  },
  "gcp:secretmanager/regionalSecret:RegionalSecret": ({ inputs: i }) => ({
    facts: [
      fact("secret", `projects/${i.project}/locations/${i.location}/secrets/${i.secretId}`),
      fact("replication", `regional${encryption(i.customerManagedEncryption)}`),
    ],
  }),
  "gcp:secretmanager/secretVersion:SecretVersion": withheld,
  "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion": withheld,
  [SECRET_IAM_MEMBER]: describeMember,
  [REGIONAL_SECRET_IAM_MEMBER]: describeMember,
  [SERVICE_ACCOUNT_IAM_MEMBER]: describeMember,
  [PROJECT_IAM_MEMBER]: describeMember,
  [BUCKET_IAM_MEMBER]: describeMember,
  [TOPIC_IAM_MEMBER]: describeMember,
  [SUBSCRIPTION_IAM_MEMBER]: describeMember,
  // The Kubernetes ServiceAccount of a GKE workload carries the shared-identity warning.
  [SERVICE_ACCOUNT]: describeServiceAccount,
  "gcp:serviceaccount/account:Account": ({ inputs: i }) => ({
    facts: [fact("service account", `${i.accountId}${i.project ? ` in ${i.project}` : ""}`)],
  }),
};
