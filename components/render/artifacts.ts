import { stringify as toYaml } from "yaml";
import { FETCH_SPEC_ENV } from "../spec/fetch-spec";
import type { RecordedResource } from "./offline-engine";
import { gcpArtifacts } from "./gcp-artifacts";

/** One file of the review folder. */
export interface Artifact {
  path: string;
  content: string;
}

export interface SummaryRow {
  type: string;
  name: string;
  detail: string;
}

/** Resource inputs that hold secret values: never written, only counted. */
const VALUE_CARRIERS = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:ssm/parameter:Parameter",
  "random:index/randomPassword:RandomPassword",
  "tls:index/privateKey:PrivateKey",
]);

type Obj = Record<string, any>;

/**
 * Turns what a program registered into the review folder: Kubernetes YAML, IAM JSON, one
 * FetchSpec per Deployment, and a summary table. Pure: no values are ever copied from the
 * resources that carry them.
 */
export function buildArtifacts(resources: RecordedResource[]): { artifacts: Artifact[]; rows: SummaryRow[] } {
  const artifacts: Artifact[] = [];
  const rows: SummaryRow[] = [];
  const kube: Obj[] = [];
  const gcp = gcpArtifacts(resources);

  for (const r of resources) {
    if (gcp.handled.has(r)) continue;
    const i = r.inputs as Obj;
    if (!r.custom) {
      rows.push({ type: r.type, name: r.name, detail: "component" });
      continue;
    }
    if (r.type.startsWith("kubernetes:")) {
      const obj = clean({ apiVersion: i.apiVersion, kind: i.kind, metadata: i.metadata, ...rest(i, ["apiVersion", "kind", "metadata"]) });
      kube.push(obj);
      rows.push({ type: r.type, name: r.name, detail: kubeDetail(obj) });
      if (obj.kind === "Deployment") {
        const spec = fetchSpecOf(obj);
        if (spec) artifacts.push({ path: `fetch-spec/${obj.metadata.name}.json`, content: `${JSON.stringify(JSON.parse(spec), null, 2)}\n` });
      }
      continue;
    }
    switch (r.type) {
      case "aws:iam/role:Role": {
        const trust = JSON.parse(i.assumeRolePolicy);
        artifacts.push({ path: `iam/${r.name}.trust-policy.json`, content: `${JSON.stringify(trust, null, 2)}\n` });
        rows.push({ type: r.type, name: r.name, detail: trustDetail(trust) });
        break;
      }
      case "aws:iam/rolePolicy:RolePolicy": {
        const policy = JSON.parse(i.policy);
        artifacts.push({ path: `iam/${r.name}.permission-policy.json`, content: `${JSON.stringify(policy, null, 2)}\n` });
        rows.push({ type: r.type, name: r.name, detail: permissionDetail(policy) });
        break;
      }
      case "aws:secretsmanager/secret:Secret":
        rows.push({ type: r.type, name: r.name, detail: `${i.name}${i.kmsKeyId ? `, KMS ${i.kmsKeyId}` : ", AWS-managed key"}` });
        break;
      case "aws:ssm/parameter:Parameter":
        rows.push({ type: r.type, name: r.name, detail: `${i.name} (${i.type}, value withheld)` });
        break;
      case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        rows.push({ type: r.type, name: r.name, detail: `${i.clusterName}: ${i.namespace}/${i.serviceAccount}` });
        break;
      default:
        rows.push({ type: r.type, name: r.name, detail: VALUE_CARRIERS.has(r.type) ? "value withheld" : "" });
    }
  }
  artifacts.push(...gcp.artifacts);
  rows.push(...gcp.rows);
  if (kube.length) {
    artifacts.unshift({ path: "kubernetes.yaml", content: kube.map((o) => toYaml(o, { lineWidth: 0 })).join("---\n") });
  }
  return { artifacts, rows };
}

export function formatTable(rows: SummaryRow[]): string {
  const header: SummaryRow = { type: "TYPE", name: "NAME", detail: "WHAT A REVIEWER SHOULD SEE" };
  const all = [header, ...rows];
  const w1 = Math.max(...all.map((r) => r.type.length));
  const w2 = Math.max(...all.map((r) => r.name.length));
  return all.map((r) => `${r.type.padEnd(w1)}  ${r.name.padEnd(w2)}  ${r.detail}`.trimEnd()).join("\n");
}

function fetchSpecOf(deployment: Obj): string | undefined {
  const init: Obj[] = deployment.spec?.template?.spec?.initContainers ?? [];
  for (const c of init) {
    const env = (c.env ?? []).find((e: Obj) => e.name === FETCH_SPEC_ENV);
    if (env) return env.value;
  }
  return undefined;
}

function kubeDetail(o: Obj): string {
  if (o.kind === "ServiceAccount") {
    const ann = o.metadata?.annotations ?? {};
    const role = ann["eks.amazonaws.com/role-arn"];
    const gsa = ann["iam.gke.io/gcp-service-account"];
    return `${o.metadata.namespace}/${o.metadata.name}${role ? `, IRSA role ${role}` : ""}${gsa ? `, acts as Google service account ${gsa}` : ""}, token automount ${o.automountServiceAccountToken === false ? "off" : "on"}`;
  }
  if (o.kind === "Deployment") {
    const pod = o.spec.template.spec;
    const fetch = pod.initContainers?.[0];
    const vol = pod.volumes?.find((v: Obj) => v.emptyDir);
    const sc = fetch?.securityContext ?? {};
    return [
      `${o.metadata.namespace}/${o.metadata.name} x${o.spec.replicas}`,
      `fetch ${fetch?.restartPolicy === "Always" ? "sidecar (refresh)" : "init"} ${fetch?.image}`,
      `uid ${sc.runAsUser}, ro-rootfs ${sc.readOnlyRootFilesystem}, caps drop ${sc.capabilities?.drop?.join(",")}`,
      `volume ${vol?.emptyDir?.medium} ${vol?.emptyDir?.sizeLimit}`,
      `apps read-only: ${pod.containers.map((c: Obj) => c.name).join(",")}`,
    ].join("; ");
  }
  if (o.kind === "Namespace") return `${o.metadata.name}, PSS enforce=${o.metadata.labels?.["pod-security.kubernetes.io/enforce"] ?? "none"}`;
  return "";
}

function trustDetail(doc: Obj): string {
  return (doc.Statement as Obj[]).map((s) => {
    const who = s.Principal?.Federated ?? s.Principal?.Service;
    const cond = Object.entries((s.Condition?.StringEquals ?? {}) as Obj).map(([k, v]) => `${k.split(":").pop()}=${v}`).join(", ");
    return `trust ${who} ${[s.Action].flat().join("+")}${cond ? ` if ${cond}` : ""}`;
  }).join("; ");
}

function permissionDetail(doc: Obj): string {
  return (doc.Statement as Obj[]).map((s) => `${[s.Action].flat().join("+")} on ${[s.Resource].flat().length === 1 ? [s.Resource].flat()[0] : `${[s.Resource].flat().length} resources`}`).join("; ");
}

function rest(o: Obj, drop: string[]): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.includes(k)));
}

/** Drops undefined fields so the YAML holds only what was declared. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clean(x)])) as T;
  }
  return v;
}
