import { FETCH_SPEC_ENV, FETCH_SPEC_FILE_ENV } from "../../spec/fetch-spec";
import { FETCH_CONTAINER_NAME } from "../core/containers";
import { quantityBytes } from "../core/quantity";
import {
  fact,
  jsonFile,
  type Artifact,
  type Describer,
  type Fact,
  type Obj,
  type ResourceIndex,
} from "../review/describe";
import { formatBytes } from "../review/terminal-text";
import { ADOPTED_BY_ANNOTATION, TIGHTENED_ANNOTATION } from "./adopt";
import { vaultWorkloadReview } from "../stores/vault/describe";

/**
 * How Kubernetes objects are reviewed. Every `kubernetes:` resource also goes into kubernetes.yaml
 * (artifacts.ts does that); a Deployment with a fetch container adds its FetchSpec, read from the
 * environment or from the ConfigMap the fetch container mounts.
 */

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** The FetchSpec a fetch container reads, and how it gets there. */
interface FoundSpec {
  /** The parsed spec; undefined when it cannot be read offline. */
  spec?: Obj;
  /** Where it travels, for the review. */
  carrier: string;
}

/** Kinds with a pod template, reviewed like a Deployment (a CronJob's template sits under its job template). */
const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];
const withTemplate = (o: Obj): Obj =>
  o.kind === "CronJob" ? { ...o, spec: { ...o.spec, template: o.spec?.jobTemplate?.spec?.template } } : o;

/** Any Kubernetes object: what it is and where, the fetch spec of a workload. */
export const describeKubernetesObject: Describer = (s, index) => {
  const o = WORKLOAD_KINDS.includes(s.inputs.kind) ? withTemplate(s.inputs) : s.inputs;
  const found = WORKLOAD_KINDS.includes(o.kind) ? fetchSpecOf(o, index) : undefined;
  const { name, namespace } = o.metadata ?? {};
  const files: Artifact[] = found?.spec
    ? [
        jsonFile(
          `fetch-spec/${name}.json`,
          found.spec,
          `the FetchSpec the fetch container of ${o.kind} ${namespace ? `${namespace}/` : ""}${name} reads: which file comes from which secret`,
          `fetch-spec/${namespace ?? "default"}/${name}.json`,
        ),
      ]
    : [];
  // Vault: who may read what, and what a role or policy managed elsewhere must grant.
  const vault = found?.spec
    ? vaultWorkloadReview(found.spec, o.spec?.template?.spec ?? {}, `${namespace ?? "default"}/${name}`, index)
    : { facts: [], files: [] };
  return { facts: [...kubeFacts(o, found), ...vault.facts], files: [...files, ...vault.files] };
};

/** Reads the spec from SECRET_MOUNT_SPEC, or from the ConfigMap mounted where SECRET_MOUNT_SPEC_FILE points. */
function fetchSpecOf(deployment: Obj, index: ResourceIndex): FoundSpec | undefined {
  const pod: Obj = deployment.spec?.template?.spec ?? {};
  const fetch = fetchContainerOf(pod);
  const env: Obj[] = fetch?.env ?? [];
  const inline = env.find((e) => e.name === FETCH_SPEC_ENV);
  if (inline) return { spec: parseJson(inline.value), carrier: `in the environment variable ${FETCH_SPEC_ENV}` };
  const file = env.find((e) => e.name === FETCH_SPEC_FILE_ENV)?.value;
  if (typeof file !== "string") return undefined;
  const unread = (why: string): FoundSpec => ({ carrier: `read from ${file}, NOT READABLE offline: ${why}` });
  const mount = ((fetch?.volumeMounts ?? []) as Obj[]).find(
    (m) => typeof m.mountPath === "string" && file.startsWith(`${m.mountPath.replace(/\/+$/, "")}/`),
  );
  if (!mount) return unread("no volume of the fetch container is mounted there");
  const volume = ((pod.volumes ?? []) as Obj[]).find((v) => v.name === mount.name);
  if (!volume?.configMap) return unread(`volume ${mount.name} is not a ConfigMap`);
  const relative = file.slice(mount.mountPath.replace(/\/+$/, "").length + 1);
  const items: Obj[] | undefined = volume.configMap.items;
  const key = items ? items.find((it) => it.path === relative)?.key : relative;
  const name = volume.configMap.name;
  const namespace = deployment.metadata?.namespace;
  const cm = index
    .ofType(CONFIG_MAP)
    .find((c) => c.inputs.metadata?.name === name && c.inputs.metadata?.namespace === namespace);
  const where = `${namespace ? `${namespace}/` : ""}${name}`;
  if (!cm) return unread(`the ConfigMap ${where} is not part of this program`);
  const spec = key === undefined ? undefined : parseJson(cm.inputs.data?.[key]);
  if (!spec) return unread(`the ConfigMap ${where} has no JSON under key ${key ?? relative}`);
  const others = [...(pod.initContainers ?? []), ...(pod.containers ?? [])]
    .filter((c: Obj) => c !== fetch && ((c.volumeMounts ?? []) as Obj[]).some((m) => m.name === mount.name))
    .map((c: Obj) => c.name);
  return {
    spec,
    carrier:
      `in the ConfigMap ${where} (key ${key}; too large for the environment), mounted ` +
      `${mount.readOnly === true ? "read-only" : "WRITABLE"} at ${mount.mountPath} by ${fetch!.name}` +
      `${others.length ? `, ALSO by ${others.join(", ")}` : " only"}; it reads ${file} (${FETCH_SPEC_FILE_ENV})`,
  };
}

function parseJson(v: unknown): Obj | undefined {
  if (typeof v !== "string") return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}

function fetchContainerOf(pod: Obj): Obj | undefined {
  const init: Obj[] = pod.initContainers ?? [];
  return (
    init.find((c) => c.name === FETCH_CONTAINER_NAME) ??
    init.find((c) => (c.env ?? []).some((e: Obj) => e.name === FETCH_SPEC_ENV || e.name === FETCH_SPEC_FILE_ENV))
  );
}

function kubeFacts(o: Obj, spec: FoundSpec | undefined): Fact[] {
  const meta = o.metadata ?? {};
  const where = meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
  const mapFacts = (label: string, m: Obj | undefined) =>
    Object.keys(m ?? {}).length ? [fact(label, ...Object.entries(m!).map(([k, v]) => `${k}=${v}`))] : [];
  switch (o.kind) {
    case "Namespace":
      return [fact("namespace", String(meta.name)), ...mapFacts("labels", meta.labels)];
    case "ServiceAccount":
      return [
        fact("service account", where),
        fact(
          "API token",
          o.automountServiceAccountToken === false ? "not mounted (automount off)" : "mounted (automount on)",
        ),
        ...mapFacts("annotations", meta.annotations),
      ];
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
    case "CronJob":
      return deploymentFacts(o, where, spec);
    case "ConfigMap":
      return [
        fact("config map", `${where}${o.immutable === true ? ", immutable" : ""}`),
        fact("keys", Object.keys(o.data ?? {}).join(", ") || "none"),
      ];
    default:
      return [fact(String(o.kind).toLowerCase(), where)];
  }
}

function deploymentFacts(o: Obj, where: string, found: FoundSpec | undefined): Fact[] {
  const tpl = o.spec?.template ?? {};
  const pod: Obj = tpl.spec ?? {};
  const psc: Obj = pod.securityContext ?? {};
  const fetch = fetchContainerOf(pod);
  const volumeName: string | undefined = fetch?.volumeMounts?.[0]?.name;
  const volume: Obj | undefined = (pod.volumes ?? []).find((v: Obj) => v.name === volumeName);
  const replicas = o.spec?.replicas ?? 1;
  const scaled = o.kind === "Deployment" || o.kind === "StatefulSet";
  const adoptedBy = tpl.metadata?.annotations?.[ADOPTED_BY_ANNOTATION];
  const tightened = tpl.metadata?.annotations?.[TIGHTENED_ANNOTATION];
  const facts: Fact[] = [
    fact(
      String(o.kind).toLowerCase(),
      scaled ? `${where}, ${replicas} ${replicas === 1 ? "replica" : "replicas"}` : where,
    ),
    // Adopted: written elsewhere (a chart, the program), wired by a SecretMount; what it set is listed.
    ...(adoptedBy
      ? [
          fact(
            "adopted by",
            `SecretMount ${adoptedBy}`,
            ...(typeof tightened === "string"
              ? tightened.split("; ").map((t) => `set (restricted profile): ${t}`)
              : []),
          ),
        ]
      : []),
    fact(
      "service account",
      `${pod.serviceAccountName ?? "default"}, API token ${pod.automountServiceAccountToken === false ? "not mounted" : "mounted"}`,
    ),
    fact(
      "pod security",
      [
        `runAsNonRoot ${psc.runAsNonRoot === true}`,
        `fsGroup ${psc.fsGroup ?? "none"}`,
        `seccomp ${psc.seccompProfile?.type ?? "none"}`,
      ].join(", "),
    ),
    ...(pod.shareProcessNamespace === true
      ? [
          fact(
            "process namespace",
            "SHARED: containers see each other's processes; at one UID the app can read the fetcher's files and token",
          ),
        ]
      : []),
    ...(Object.keys(tpl.metadata?.annotations ?? {}).length
      ? [fact("pod annotations", ...Object.entries(tpl.metadata.annotations as Obj).map(([k, v]) => `${k}=${v}`))]
      : []),
    ...podPlacementFacts(o, tpl),
  ];
  if (fetch) {
    const env = (fetch.env ?? []).map((e: Obj) =>
      e.name === FETCH_SPEC_ENV
        ? `${e.name} (the FetchSpec)`
        : e.valueFrom?.fieldRef
          ? `${e.name}=<pod's ${e.valueFrom.fieldRef.fieldPath}>`
          : `${e.name}=${e.value ?? "(from a reference)"}`,
    );
    facts.push(
      fact(
        `fetch ${fetch.name}`,
        fetch.restartPolicy === "Always"
          ? "sidecar: fetches, then refreshes for the pod's life"
          : "init container: fetches once, then exits",
        `image ${fetch.image} (pull ${fetch.imagePullPolicy ?? "default"})`,
        securitySummary(fetch.securityContext),
        ...mountSummary(fetch, volumeName, true),
        ...(env.length ? [`env ${env.join(", ")}`] : []),
        ...((fetch.restartPolicyRules ?? []) as Obj[]).map(
          (r) =>
            `on exit ${r.exitCodes?.operator === "In" ? "" : `${r.exitCodes?.operator} `}${(r.exitCodes?.values ?? []).join(",")}: ${r.action === "RestartAllContainers" ? "RESTARTS ALL CONTAINERS of the pod in place" : r.action}`,
        ),
      ),
    );
  }
  if (volume) facts.push(fact("secrets volume", volumeSummary(volume)));
  else facts.push(fact("secrets volume", "none found: no fetch container mounts a volume"));
  if (found) facts.push(fact("FetchSpec", found.carrier));
  const spec = found?.spec;
  if (spec) {
    facts.push(
      fact(
        "files",
        ...(spec.files ?? []).map(
          (f: Obj) =>
            `${f.path} <- ${sourceId(f.source)}${f.jsonKey ? ` [key ${f.jsonKey}]` : ""}${f.decode ? ` [${f.decode}]` : ""} mode ${f.mode ?? spec.fileMode ?? "0440"}`,
        ),
      ),
    );
    if (spec.notify) facts.push(fact("notify", notifySummary(spec.notify)));
    if (spec.envFile)
      facts.push(
        fact(
          "env file",
          `${spec.envFile.path}: ${Object.entries(spec.envFile.vars as Obj)
            .map(([k, p]) => `${k} <- ${p}`)
            .join(", ")}`,
        ),
      );
    if (spec.kubeletEnvFile)
      facts.push(
        fact(
          "kubelet env file",
          `${spec.kubeletEnvFile.path} (fileKeyRef): ${Object.entries(spec.kubeletEnvFile.vars as Obj)
            .map(([k, p]) => `${k} <- ${p}`)
            .join(", ")}`,
        ),
      );
  }
  for (const c of (pod.initContainers ?? []) as Obj[]) {
    if (c !== fetch)
      facts.push(
        fact(`init ${c.name}`, `image ${c.image}`, securitySummary(c.securityContext), ...mountSummary(c, volumeName)),
      );
  }
  for (const c of (pod.containers ?? []) as Obj[]) {
    const fromFile = ((c.env ?? []) as Obj[])
      .filter((e) => e.valueFrom?.fileKeyRef)
      .map((e) => `${e.name} <- ${e.valueFrom.fileKeyRef.path} [${e.valueFrom.fileKeyRef.key}]`);
    facts.push(
      fact(
        `app ${c.name}`,
        `image ${c.image}`,
        securitySummary(c.securityContext),
        ...mountSummary(c, volumeName),
        ...(fromFile.length ? [`env from the secrets volume (kubelet, at start): ${fromFile.join(", ")}`] : []),
      ),
    );
  }
  return facts;
}

/** What selects the pods (for a Service) and where they may run, as set on the object. */
function podPlacementFacts(o: Obj, tpl: Obj): Fact[] {
  const pod: Obj = tpl.spec ?? {};
  const pairs = (m: Obj | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`);
  const json = (v: unknown) => JSON.stringify(v);
  const facts: Fact[] = [];
  if (Object.keys(o.spec?.selector?.matchLabels ?? {}).length)
    facts.push(fact("selector", pairs(o.spec.selector.matchLabels).join(", ")));
  if (Object.keys(tpl.metadata?.labels ?? {}).length) facts.push(fact("pod labels", ...pairs(tpl.metadata.labels)));
  const placement = [
    ...(Object.keys(pod.nodeSelector ?? {}).length ? [`node selector ${pairs(pod.nodeSelector).join(", ")}`] : []),
    ...((pod.tolerations ?? []) as Obj[]).map(
      (t) =>
        `tolerates ${t.key ?? "every taint"}${t.operator === "Exists" ? " (any value)" : t.value !== undefined ? `=${t.value}` : ""}` +
        `${t.effect ? `:${t.effect}` : ""}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds} s` : ""}`,
    ),
    ...Object.entries(pod.affinity ?? {}).map(([k, v]) => `${k} ${json(v)}`),
    ...((pod.topologySpreadConstraints ?? []) as Obj[]).map(
      (c) =>
        `spread over ${c.topologyKey}: max skew ${c.maxSkew}, ${c.whenUnsatisfiable}, counting ${json(c.labelSelector ?? {})}`,
    ),
    ...(pod.priorityClassName !== undefined ? [`priority class ${pod.priorityClassName}`] : []),
  ];
  if (placement.length) facts.push(fact("scheduling", ...placement));
  if (pod.imagePullSecrets?.length)
    facts.push(fact("image pull secrets", ((pod.imagePullSecrets ?? []) as Obj[]).map((r) => r.name).join(", ")));
  if (pod.terminationGracePeriodSeconds !== undefined)
    facts.push(fact("termination grace", `${pod.terminationGracePeriodSeconds} s`));
  return facts;
}

/** How refresh mode tells the app, once per new set. */
function notifySummary(n: Obj): string {
  if (n.http)
    return `once per new set: ${n.http.method ?? "POST"} http://127.0.0.1:${n.http.port}${n.http.path ?? "/"}`;
  if (n.signal) return `once per new set: ${n.signal.signal ?? "SIGHUP"} to processes named ${n.signal.process}`;
  if (n.restartPod)
    return `once per new set: the sidecar exits 75 and the pod restarts in place (at most every ${n.restartPod.minIntervalSeconds ?? 300} s)`;
  return `once per new set: generation file ${n.generationFile?.path ?? "secret-mount.generation"} (watch ..data)`;
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
  return mounts.map((m) =>
    m.readOnly === true
      ? `mounts the secrets volume at ${m.mountPath} read-only`
      : `${writer ? "writes" : "mounts"} the secrets volume at ${m.mountPath}${writer ? "" : " WRITABLE (readOnly is not set)"}`,
  );
}

function volumeSummary(v: Obj): string {
  if (!v.emptyDir)
    return `${v.name}: not an emptyDir (${Object.keys(v)
      .filter((k) => k !== "name")
      .join(", ")})`;
  const medium = v.emptyDir.medium === "Memory" ? "memory-backed emptyDir (tmpfs)" : "DISK-backed emptyDir";
  const limit = v.emptyDir.sizeLimit as string | undefined;
  const bytes = limit === undefined ? undefined : quantityBytes(limit);
  const size =
    limit === undefined
      ? "no size limit"
      : bytes === undefined
        ? `sizeLimit ${limit}`
        : `${formatBytes(bytes)} (sizeLimit ${limit})`;
  return `${v.name}: ${medium}, ${size}`;
}

function sourceId(s: Obj): string {
  switch (s?.type) {
    case "aws-secretsmanager":
      return `Secrets Manager ${s.secretId}${s.versionId ? ` version ${s.versionId}` : s.versionStage ? ` ${s.versionStage}` : ""}`;
    case "aws-ssm":
      return `SSM ${s.name}`;
    case "azure-keyvault":
      return `Key Vault ${s.vaultUrl} ${s.name}${s.version ? ` version ${s.version}` : ""}`;
    case "gcp-secretmanager":
      return `Secret Manager ${s.name}`;
    case "vault-kv":
      return `Vault ${s.address} ${s.mount ?? "secret"}/${s.path}`;
    default:
      return JSON.stringify(s);
  }
}
