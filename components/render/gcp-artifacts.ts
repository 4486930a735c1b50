import type { RecordedResource } from "./offline-engine";

type Obj = Record<string, any>;

/** The resources a GKE workload creates on Google Cloud (and the ones that carry its values). */
const SECRET = "gcp:secretmanager/secret:Secret";
const REGIONAL_SECRET = "gcp:secretmanager/regionalSecret:RegionalSecret";
const VERSIONS = new Set(["gcp:secretmanager/secretVersion:SecretVersion", "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion"]);
const MEMBERS = new Set(["gcp:secretmanager/secretIamMember:SecretIamMember", "gcp:secretmanager/regionalSecretIamMember:RegionalSecretIamMember", "gcp:serviceaccount/iAMMember:IAMMember"]);
const ACCOUNT = "gcp:serviceaccount/account:Account";

/** Said in the summary of every GKE workload: the one thing GKE cannot scope per container. */
export const GKE_SHARED_IDENTITY_NOTE =
  "every container of the pod (the app too) gets this identity from the GKE metadata server: no per-container exclusion; least privilege holds per secret (only the declared secrets are granted)";

/**
 * The Google half of the review folder: `iam/gcp-iam-members.json` (every IAM member: resource,
 * role, member) and one summary row per Google resource. Values are never read: secret versions
 * are "value withheld".
 */
export function gcpArtifacts(resources: RecordedResource[]): { handled: Set<RecordedResource>; artifacts: { path: string; content: string }[]; rows: { type: string; name: string; detail: string }[] } {
  const handled = new Set<RecordedResource>();
  const rows: { type: string; name: string; detail: string }[] = [];
  const members: { resource: string; role: string; member: string }[] = [];
  for (const r of resources) {
    const i = r.inputs as Obj;
    if (!r.custom || !r.type.startsWith("gcp:")) continue;
    handled.add(r);
    if (r.type === SECRET) {
      const rep = i.replication?.userManaged
        ? `replicas ${(i.replication.userManaged.replicas as Obj[]).map((x) => `${x.location}${x.customerManagedEncryption ? ` (CMEK ${x.customerManagedEncryption.kmsKeyName})` : ""}`).join(", ")}`
        : `automatic replication${i.replication?.auto?.customerManagedEncryption ? ` (CMEK ${i.replication.auto.customerManagedEncryption.kmsKeyName})` : ""}`;
      rows.push({ type: r.type, name: r.name, detail: `projects/${i.project}/secrets/${i.secretId}, ${rep}` });
    } else if (r.type === REGIONAL_SECRET) {
      const cmek = i.customerManagedEncryption ? `, CMEK ${i.customerManagedEncryption.kmsKeyName}` : "";
      rows.push({ type: r.type, name: r.name, detail: `projects/${i.project}/locations/${i.location}/secrets/${i.secretId} (regional${cmek})` });
    } else if (MEMBERS.has(r.type)) {
      const resource = r.type.includes("serviceaccount") ? String(i.serviceAccountId).split("/").pop() : String(i.secretId);
      members.push({ resource: resource!, role: i.role, member: i.member });
      rows.push({ type: r.type, name: r.name, detail: `${i.role} on ${resource} for ${i.member} (additive)` });
    } else if (r.type === ACCOUNT) {
      rows.push({ type: r.type, name: r.name, detail: `${i.accountId}${i.project ? ` in ${i.project}` : ""}: ${GKE_SHARED_IDENTITY_NOTE}` });
    } else {
      rows.push({ type: r.type, name: r.name, detail: VERSIONS.has(r.type) ? "value withheld" : "" });
    }
  }
  const direct = members.find((m) => m.member.startsWith("principal://"));
  if (direct) rows.push({ type: "gke:workload-identity", name: direct.member.split("/subject/")[1] ?? direct.member, detail: GKE_SHARED_IDENTITY_NOTE });
  const artifacts = members.length ? [{ path: "iam/gcp-iam-members.json", content: `${JSON.stringify(members, null, 2)}\n` }] : [];
  return { handled, artifacts, rows };
}
