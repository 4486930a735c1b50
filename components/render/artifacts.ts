import { stringify as toYaml } from "yaml";
import { FETCH_SPEC_ENV } from "../spec/fetch-spec";
import { FETCH_CONTAINER_NAME } from "../core/normalize";
import { quantityBytes } from "../core/quantity";
import { DEFAULT_SCOPE, type OfflineScope, type Placeholder, type RecordedResource } from "./offline-engine";
import { formatBytes, wrapText } from "./terminal-text";

/** One file of the review folder. */
export interface Artifact {
  path: string;
  content: string;
}

/** One labelled fact about a resource; each value is printed on its own (wrapped) line. */
export interface Fact {
  /** Printed in the label column, e.g. `KMS key`. */
  label: string;
  /** One printed line each, wrapped to the terminal width. */
  values: string[];
}

/** What the review shows for one registered resource. */
export interface ReviewEntry {
  /** Pulumi type token, e.g. `aws:iam/role:Role`. */
  type: string;
  /** Pulumi resource name. */
  name: string;
  /** What a reviewer must see, read off the resource's inputs. */
  facts: Fact[];
}

/** Where the resources came from, for the notes and the folder's README. */
export interface ReviewContext {
  /** The Pulumi project name. */
  project: string;
  /** The stack whose config was used. */
  stack: string;
  /** Values the offline engine invented; shown as `<what they stand for>`. */
  placeholders: Placeholder[];
  /** The account and region the engine answered with; `regionConfigured` when from `aws:region`. */
  scope: OfflineScope & { regionConfigured: boolean };
}

/** Widest line the review prints. */
export const REVIEW_WIDTH = 100;
const MAX_LABEL = 24;

/** Resource inputs that hold secret values: never written, only counted. */
const VALUE_CARRIERS = new Set([
  "aws:secretsmanager/secretVersion:SecretVersion",
  "aws:ssm/parameter:Parameter",
  "random:index/randomPassword:RandomPassword",
  "tls:index/privateKey:PrivateKey",
]);

/** How the Pulumi SDK marks a secret value in serialized inputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const WITHHELD_SECRET = "(a Pulumi secret, withheld)";

type Obj = Record<string, any>;

const DEFAULT_CONTEXT: ReviewContext = { project: "program", stack: "example", placeholders: [], scope: { ...DEFAULT_SCOPE, regionConfigured: true } };

/**
 * Turns what a program registered into the review folder (Kubernetes YAML, IAM JSON, one FetchSpec
 * per Deployment, a README) and the review entries printed to the terminal. Pure: no values are
 * ever copied from the resources that carry them, and every claim is read off the rendered objects.
 */
export function buildArtifacts(resources: RecordedResource[], ctx: ReviewContext = DEFAULT_CONTEXT): { artifacts: Artifact[]; entries: ReviewEntry[]; notes: string[] } {
  const artifacts: Artifact[] = [];
  const entries: ReviewEntry[] = [];
  const kube: Obj[] = [];
  const mark = placeholderMarker(ctx.placeholders);

  for (const r of resources) {
    const i = clean(r.inputs) as Obj;
    const add = (facts: Fact[]) => entries.push({ type: r.type, name: r.name, facts: facts.map((f) => ({ label: f.label, values: f.values.map(mark) })) });
    if (!r.custom) {
      add([fact("component", "groups the resources below")]);
      continue;
    }
    if (r.type.startsWith("kubernetes:")) {
      const obj = { apiVersion: i.apiVersion, kind: i.kind, metadata: i.metadata, ...rest(i, ["apiVersion", "kind", "metadata"]) };
      kube.push(obj);
      const spec = obj.kind === "Deployment" ? fetchSpecOf(obj) : undefined;
      if (spec) artifacts.push({ path: `fetch-spec/${obj.metadata.name}.json`, content: `${JSON.stringify(spec, null, 2)}\n` });
      add(kubeFacts(obj, spec));
      continue;
    }
    switch (r.type) {
      case "aws:iam/role:Role": {
        const trust = policyDocument(i.assumeRolePolicy);
        if (trust) artifacts.push({ path: `iam/${r.name}.trust-policy.json`, content: `${JSON.stringify(trust, null, 2)}\n` });
        add([
          fact("role name", i.name ?? "generated at pulumi up (the resource name and a random suffix)"),
          fact("permissions boundary", i.permissionsBoundary ?? "none"),
          fact("max session", `${i.maxSessionDuration ?? 3600} s`),
          ...statementFacts(trust, "trust"),
        ]);
        break;
      }
      case "aws:iam/rolePolicy:RolePolicy": {
        const policy = policyDocument(i.policy);
        if (policy) artifacts.push({ path: `iam/${r.name}.permission-policy.json`, content: `${JSON.stringify(policy, null, 2)}\n` });
        add([fact("inline policy of", String(i.role)), ...statementFacts(policy, "grant")]);
        break;
      }
      case "aws:iam/policy:Policy": {
        const policy = policyDocument(i.policy);
        if (policy) artifacts.push({ path: `iam/${r.name}.policy.json`, content: `${JSON.stringify(policy, null, 2)}\n` });
        add([fact("managed policy", i.name ?? "generated at pulumi up (the resource name and a random suffix)"), ...statementFacts(policy, "grant")]);
        break;
      }
      case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        add([fact("attaches policy", String(i.policyArn)), fact("to role", String(i.role))]);
        break;
      case "aws:secretsmanager/secret:Secret":
        add([
          fact("secret name", String(i.name)),
          fact("KMS key", i.kmsKeyId ?? "aws/secretsmanager (the AWS-managed key)"),
          ...(i.recoveryWindowInDays !== undefined ? [fact("recovery window", `${i.recoveryWindowInDays} days`)] : []),
        ]);
        break;
      case "aws:ssm/parameter:Parameter":
        add([
          fact("parameter name", String(i.name)),
          fact("type", `${i.type}${i.tier ? `, tier ${i.tier}` : ""}`),
          fact("KMS key", i.keyId ?? (i.type === "SecureString" ? "alias/aws/ssm (the AWS-managed key)" : "none (not encrypted)")),
          fact("value", "withheld"),
        ]);
        break;
      case "aws:secretsmanager/secretVersion:SecretVersion":
        add([fact("version of", String(i.secretId)), fact("value", "withheld")]);
        break;
      case "random:index/randomPassword:RandomPassword":
        add([fact("password", `${i.length} characters, generated at pulumi up; value withheld`)]);
        break;
      case "tls:index/privateKey:PrivateKey":
        add([fact("private key", `${i.algorithm} ${i.ecdsaCurve ?? (i.rsaBits ? `${i.rsaBits} bits` : "")}`.trim() + ", generated at pulumi up; value withheld")]);
        break;
      case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        add([fact("cluster", String(i.clusterName)), fact("service account", `${i.namespace}/${i.serviceAccount}`), fact("role", String(i.roleArn))]);
        break;
      default:
        add([fact("not summarised", VALUE_CARRIERS.has(r.type) ? "value withheld" : "render does not summarise this type; read it in the program")]);
    }
  }
  if (kube.length) {
    artifacts.unshift({ path: "kubernetes.yaml", content: kube.map((o) => toYaml(o, { lineWidth: 0 })).join("---\n") });
  }
  const notes = reviewNotes(ctx, resources);
  const inFiles = ctx.placeholders.filter((p) => artifacts.some((a) => a.content.includes(p.value)));
  artifacts.push({ path: "README.md", content: folderReadme({ ...ctx, placeholders: inFiles }, artifacts.map((a) => a.path), notes) });
  return { artifacts, entries, notes };
}

/** The review for a terminal: every entry's facts, wrapped to `width` columns. */
export function formatReview(title: string, entries: ReviewEntry[], notes: string[], width = REVIEW_WIDTH): string {
  const sorted = [...entries].sort((a, b) => Number(a.type.startsWith("secret-mount:") === false) - Number(b.type.startsWith("secret-mount:") === false) || a.name.localeCompare(b.name));
  const out: string[] = [...wrapText(title, width), ...notes.flatMap((n) => wrapText(n, width)), ""];
  const indent = 4;
  // Labels longer than this (long container names) get a line of their own.
  const labelWidth = Math.min(MAX_LABEL, Math.max(...sorted.flatMap((e) => e.facts.map((f) => f.label.length)), 0));
  const valueColumn = indent + labelWidth + 2;
  for (const e of sorted) {
    out.push(...wrapText(`${e.type}  ${e.name}`, width));
    for (const f of e.facts) {
      const ownLine = f.label.length > labelWidth;
      if (ownLine) out.push(...wrapText(f.label, width - indent).map((l) => `${" ".repeat(indent)}${l}`));
      f.values.forEach((v, n) => {
        wrapText(v, width - valueColumn).forEach((line, k) => {
          const head = n === 0 && k === 0 && !ownLine ? f.label : "";
          out.push(`${" ".repeat(indent)}${head.padEnd(labelWidth)}  ${line}`.trimEnd());
        });
      });
    }
  }
  return out.join("\n");
}

function fact(label: string, ...values: string[]): Fact {
  return { label, values };
}

/** Replaces every invented value with `<what it stands for>`, longest first. */
function placeholderMarker(placeholders: Placeholder[]): (s: string) => string {
  const sorted = [...placeholders].sort((a, b) => b.value.length - a.value.length);
  return (s) => sorted.reduce((t, p) => t.split(p.value).join(`<${p.standsFor}>`), s);
}

function reviewNotes(ctx: ReviewContext, resources: RecordedResource[]): string[] {
  const notes: string[] = [];
  if (ctx.placeholders.length) {
    notes.push("Values in <angle brackets> are placeholders the engine fills at pulumi up: ids, generated " +
      "names and ARNs of resources that do not exist yet. The files hold stand-ins for them, listed in README.md.");
  }
  if (resources.some((r) => r.type.startsWith("aws:"))) {
    notes.push(`AWS account ${ctx.scope.accountId} is the offline engine's stand-in for the account of your credentials at pulumi up` +
      (ctx.scope.regionConfigured ? "." : `; region ${ctx.scope.region} is its default (the stack sets no aws:region).`));
  }
  return notes;
}

function folderReadme(ctx: ReviewContext, paths: string[], notes: string[]): string {
  const what: Record<string, string> = { "kubernetes.yaml": "the Kubernetes objects, as they would be applied" };
  const describe = (p: string) => what[p]
    ?? (p.endsWith(".trust-policy.json") ? "who may assume the role (its trust policy)"
      : p.endsWith(".permission-policy.json") ? "what the role may read (its inline permission policy)"
        : p.endsWith(".policy.json") ? "a managed policy"
          : p.startsWith("fetch-spec/") ? "the FetchSpec the fetch container reads: which file comes from which secret" : "");
  const lines = [
    `# Review folder: ${ctx.project}, stack ${ctx.stack}`,
    "",
    "Written by secret-mount's offline render (no cloud, no cluster): what `pulumi up` would create.",
    "No secret value is written here. Render replaces this folder whole on its next run.",
    "",
    "| file | what it holds |",
    "|---|---|",
    ...paths.filter((p) => p !== "README.md").map((p) => `| \`${p}\` | ${describe(p)} |`),
    "",
    "## Placeholders",
    "",
  ];
  if (ctx.placeholders.length) {
    lines.push(
      "Values in <…> in the summary are placeholders the engine fills at `pulumi up`. In these files they",
      "appear as the stand-in values below; none of them exists yet.",
      "",
      "| value in the files | placeholder for |",
      "|---|---|",
      ...[...ctx.placeholders].sort((a, b) => a.standsFor.localeCompare(b.standsFor)).map((p) => `| \`${p.value}\` | ${p.standsFor} |`),
    );
  } else {
    lines.push("The engine invented no ids or ARNs for these resources.");
  }
  if (notes.length > 1 || (!ctx.placeholders.length && notes.length)) lines.push("", ...notes.filter((n) => !n.startsWith("Values in")));
  return `${lines.join("\n")}\n`;
}

/** A policy document from its JSON input; undefined when it is not readable offline. */
function policyDocument(json: unknown): Obj | undefined {
  try {
    const doc = typeof json === "string" ? JSON.parse(json) : undefined;
    return doc && typeof doc === "object" && doc.Statement !== undefined ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Each statement of a policy: effect and actions, then who, on what, and under which conditions. */
function statementFacts(doc: Obj | undefined, kind: "trust" | "grant"): Fact[] {
  if (!doc) return [fact(kind, "NOT READABLE offline (a Pulumi secret, or not a JSON policy): review it in the program")];
  const facts: Fact[] = [];
  for (const s of [doc.Statement].flat() as Obj[]) {
    const actions = s.Action !== undefined ? [s.Action].flat().join(", ") : `every action except ${[s.NotAction].flat().join(", ")}`;
    facts.push(fact(kind, `${s.Effect} ${actions}${s.Sid ? ` (${s.Sid})` : ""}`));
    if (s.Principal !== undefined) {
      const who = typeof s.Principal === "string" ? [s.Principal] : Object.entries(s.Principal as Obj).flatMap(([k, v]) => [v].flat().map((x) => `${k} ${x}`));
      facts.push(fact("  by", ...who));
    }
    if (s.Resource !== undefined) facts.push(fact("  on", ...[s.Resource].flat().map(String)));
    if (s.NotResource !== undefined) facts.push(fact("  on all but", ...[s.NotResource].flat().map(String)));
    const conditions = Object.entries((s.Condition ?? {}) as Obj).flatMap(([op, kv]) =>
      Object.entries(kv as Obj).map(([k, v]) => `${op} ${k} = ${[v].flat().join(" or ")}`));
    if (conditions.length) facts.push(fact("  if", ...conditions));
  }
  return facts;
}

function fetchSpecOf(deployment: Obj): Obj | undefined {
  const fetch = fetchContainerOf(deployment.spec?.template?.spec ?? {});
  const env = (fetch?.env ?? []).find((e: Obj) => e.name === FETCH_SPEC_ENV);
  if (typeof env?.value !== "string") return undefined;
  try {
    return JSON.parse(env.value);
  } catch {
    return undefined;
  }
}

function fetchContainerOf(pod: Obj): Obj | undefined {
  const init: Obj[] = pod.initContainers ?? [];
  return init.find((c) => c.name === FETCH_CONTAINER_NAME)
    ?? init.find((c) => (c.env ?? []).some((e: Obj) => e.name === FETCH_SPEC_ENV));
}

function kubeFacts(o: Obj, spec: Obj | undefined): Fact[] {
  const meta = o.metadata ?? {};
  const where = meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
  const mapFacts = (label: string, m: Obj | undefined) => Object.keys(m ?? {}).length ? [fact(label, ...Object.entries(m!).map(([k, v]) => `${k}=${v}`))] : [];
  switch (o.kind) {
    case "Namespace":
      return [fact("namespace", String(meta.name)), ...mapFacts("labels", meta.labels)];
    case "ServiceAccount":
      return [
        fact("service account", where),
        fact("API token", o.automountServiceAccountToken === false ? "not mounted (automount off)" : "mounted (automount on)"),
        ...mapFacts("annotations", meta.annotations),
      ];
    case "Deployment":
      return deploymentFacts(o, where, spec);
    case "ConfigMap":
      return [fact("config map", where), fact("keys", Object.keys(o.data ?? {}).join(", ") || "none")];
    default:
      return [fact(String(o.kind).toLowerCase(), where)];
  }
}

function deploymentFacts(o: Obj, where: string, spec: Obj | undefined): Fact[] {
  const tpl = o.spec?.template ?? {};
  const pod: Obj = tpl.spec ?? {};
  const psc: Obj = pod.securityContext ?? {};
  const fetch = fetchContainerOf(pod);
  const volumeName: string | undefined = fetch?.volumeMounts?.[0]?.name;
  const volume: Obj | undefined = (pod.volumes ?? []).find((v: Obj) => v.name === volumeName);
  const replicas = o.spec?.replicas ?? 1;
  const facts: Fact[] = [
    fact("deployment", `${where}, ${replicas} ${replicas === 1 ? "replica" : "replicas"}`),
    fact("service account", `${pod.serviceAccountName ?? "default"}, API token ${pod.automountServiceAccountToken === false ? "not mounted" : "mounted"}`),
    fact("pod security", [
      `runAsNonRoot ${psc.runAsNonRoot === true}`,
      `fsGroup ${psc.fsGroup ?? "none"}`,
      `seccomp ${psc.seccompProfile?.type ?? "none"}`,
    ].join(", ")),
    ...Object.keys(tpl.metadata?.annotations ?? {}).length
      ? [fact("pod annotations", ...Object.entries(tpl.metadata.annotations as Obj).map(([k, v]) => `${k}=${v}`))] : [],
  ];
  if (fetch) {
    const env = (fetch.env ?? []).map((e: Obj) => (e.name === FETCH_SPEC_ENV ? `${e.name} (the FetchSpec)` : `${e.name}=${e.value ?? "(from a reference)"}`));
    facts.push(fact(`fetch ${fetch.name}`,
      fetch.restartPolicy === "Always" ? "sidecar: fetches, then refreshes for the pod's life" : "init container: fetches once, then exits",
      `image ${fetch.image} (pull ${fetch.imagePullPolicy ?? "default"})`,
      securitySummary(fetch.securityContext),
      ...mountSummary(fetch, volumeName, true),
      ...(env.length ? [`env ${env.join(", ")}`] : [])));
  }
  if (volume) facts.push(fact("secrets volume", volumeSummary(volume)));
  else facts.push(fact("secrets volume", "none found: no fetch container mounts a volume"));
  if (spec) {
    facts.push(fact("files", ...(spec.files ?? []).map((f: Obj) =>
      `${f.path} <- ${sourceId(f.source)}${f.jsonKey ? ` [key ${f.jsonKey}]` : ""}${f.decode ? ` [${f.decode}]` : ""} mode ${f.mode ?? spec.fileMode ?? "0440"}`)));
    if (spec.envFile) facts.push(fact("env file", `${spec.envFile.path}: ${Object.entries(spec.envFile.vars as Obj).map(([k, p]) => `${k} <- ${p}`).join(", ")}`));
  }
  for (const c of (pod.initContainers ?? []) as Obj[]) {
    if (c !== fetch) facts.push(fact(`init ${c.name}`, `image ${c.image}`, securitySummary(c.securityContext), ...mountSummary(c, volumeName)));
  }
  for (const c of (pod.containers ?? []) as Obj[]) {
    facts.push(fact(`app ${c.name}`, `image ${c.image}`, securitySummary(c.securityContext), ...mountSummary(c, volumeName)));
  }
  return facts;
}

/** The container's security settings as set, the risky ones in capitals. */
function securitySummary(sc: Obj | undefined): string {
  const s = sc ?? {};
  return [
    `uid ${s.runAsUser ?? "from image"}`,
    `gid ${s.runAsGroup ?? "from image"}`,
    `root fs ${s.readOnlyRootFilesystem === true ? "read-only" : "WRITABLE"}`,
    `caps drop ${[s.capabilities?.drop ?? []].flat().join(",") || "none"}${s.capabilities?.add?.length ? `, ADD ${s.capabilities.add.join(",")}` : ""}`,
    `privilege escalation ${s.allowPrivilegeEscalation === false ? "off" : "ALLOWED"}`,
  ].join(", ");
}

/** How a container mounts the secrets volume, read off its volumeMounts. */
function mountSummary(c: Obj, volumeName: string | undefined, writer = false): string[] {
  const mounts = ((c.volumeMounts ?? []) as Obj[]).filter((m) => m.name === volumeName);
  if (!mounts.length) return ["does not mount the secrets volume"];
  return mounts.map((m) => m.readOnly === true
    ? `mounts the secrets volume at ${m.mountPath} read-only`
    : `${writer ? "writes" : "mounts"} the secrets volume at ${m.mountPath}${writer ? "" : " WRITABLE (readOnly is not set)"}`);
}

function volumeSummary(v: Obj): string {
  if (!v.emptyDir) return `${v.name}: not an emptyDir (${Object.keys(v).filter((k) => k !== "name").join(", ")})`;
  const medium = v.emptyDir.medium === "Memory" ? "memory-backed emptyDir (tmpfs)" : "DISK-backed emptyDir";
  const limit = v.emptyDir.sizeLimit as string | undefined;
  const bytes = limit === undefined ? undefined : quantityBytes(limit);
  const size = limit === undefined ? "no size limit" : bytes === undefined ? `sizeLimit ${limit}` : `${formatBytes(bytes)} (sizeLimit ${limit})`;
  return `${v.name}: ${medium}, ${size}`;
}

function sourceId(s: Obj): string {
  switch (s?.type) {
    case "aws-secretsmanager": return `Secrets Manager ${s.secretId}${s.versionId ? ` version ${s.versionId}` : s.versionStage ? ` ${s.versionStage}` : ""}`;
    case "aws-ssm": return `SSM ${s.name}`;
    case "azure-keyvault": return `Key Vault ${s.vaultUrl} ${s.name}${s.version ? ` version ${s.version}` : ""}`;
    case "gcp-secretmanager": return `Secret Manager ${s.name}`;
    case "vault-kv": return `Vault ${s.address} ${s.mount ?? "secret"}/${s.path}`;
    default: return JSON.stringify(s);
  }
}

function rest(o: Obj, drop: string[]): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.includes(k)));
}

/** Drops undefined fields so the YAML holds only what was declared; withholds Pulumi secrets. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (v && typeof v === "object") {
    if (SECRET_SIG_KEY in v) return WITHHELD_SECRET as T;
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clean(x)])) as T;
  }
  return v;
}
