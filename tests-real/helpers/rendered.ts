import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { buildArtifacts } from "../../components/render/artifacts";
import { runProgram } from "../../components/render/offline-engine";

export const ROOT = path.resolve(__dirname, "../..");

/** Every example directory (examples/<name>/Pulumi.yaml), whatever its language. */
export function examples(): string[] {
  return fs
    .readdirSync(path.join(ROOT, "examples"))
    .filter((d) => fs.existsSync(path.join(ROOT, "examples", d, "Pulumi.yaml")))
    .sort();
}

/** The examples the offline engine and the Node language host run: `runtime: nodejs`. */
export function nodeExamples(): string[] {
  return examples().filter((d) =>
    /^runtime:\s*(\n\s+name:\s*)?nodejs\b/m.test(
      fs.readFileSync(path.join(ROOT, "examples", d, "Pulumi.yaml"), "utf8"),
    ),
  );
}

/** The Node examples that declare a Kubernetes workload (SecretMountedWorkload); ECS examples have no pod. */
export function kubernetesExamples(): string[] {
  return nodeExamples().filter((d) =>
    /\bSecretMountedWorkload\b/.test(fs.readFileSync(path.join(ROOT, "examples", d, "index.ts"), "utf8")),
  );
}

export type KubeObject = Record<string, any>;

const ORDER = ["Namespace", "ServiceAccount", "ConfigMap"];

/**
 * The Kubernetes objects `npm run render` writes for an example (its kubernetes.yaml), in the
 * order a cluster needs them: namespaces, then service accounts and config maps, then the rest.
 */
export async function renderedObjects(example: string): Promise<KubeObject[]> {
  return renderedObjectsAt(path.join(ROOT, "examples", example));
}

/** The same for a program directory anywhere (a test fixture). */
export async function renderedObjectsAt(dir: string): Promise<KubeObject[]> {
  return structuredClone((await renderOf(dir)).objects);
}

/** Every file `npm run render` writes for an example (path in the review folder, content), e.g. `vault/<policy>.policy.hcl`. */
export async function renderedFiles(example: string): Promise<{ path: string; content: string }[]> {
  return structuredClone((await renderOf(path.join(ROOT, "examples", example))).files);
}

interface Render {
  objects: KubeObject[];
  files: { path: string; content: string }[];
}

// A program runs once per process (Node caches its module: a second run would register nothing);
// every caller gets its own copy.
const renders = new Map<string, Promise<Render>>();
function renderOf(dir: string): Promise<Render> {
  const key = path.resolve(dir);
  if (!renders.has(key)) renders.set(key, renderOnce(key));
  return renders.get(key)!;
}

async function renderOnce(dir: string): Promise<Render> {
  const run = await runProgram(dir);
  const files = buildArtifacts(run.resources).artifacts.map((a) => ({ path: a.path, content: a.content }));
  const yaml = files.find((a) => a.path === "kubernetes.yaml");
  if (!yaml) return { objects: [], files };
  const objects = parseAllDocuments(yaml.content)
    .map((d) => d.toJS() as KubeObject)
    .filter(Boolean);
  const rank = (o: KubeObject) => (ORDER.includes(o.kind) ? ORDER.indexOf(o.kind) : ORDER.length);
  return { objects: objects.sort((a, b) => rank(a) - rank(b)), files };
}

const CORE = new Set(["v1"]);
const PLURAL: Record<string, string> = {
  Namespace: "namespaces",
  ServiceAccount: "serviceaccounts",
  ConfigMap: "configmaps",
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  Job: "jobs",
  CronJob: "cronjobs",
  Pod: "pods",
  Secret: "secrets",
  Service: "services",
};

/** The REST collection path of an object, e.g. /apis/apps/v1/namespaces/billing/deployments. */
export function collectionPath(o: KubeObject): string {
  const plural = PLURAL[o.kind];
  if (!plural) throw new Error(`no REST path known for kind ${o.kind}; add it to PLURAL`);
  const base = CORE.has(o.apiVersion) ? `/api/${o.apiVersion}` : `/apis/${o.apiVersion}`;
  if (o.kind === "Namespace") return `${base}/namespaces`;
  return `${base}/namespaces/${o.metadata?.namespace ?? "default"}/${plural}`;
}

/** A Pod built from a Deployment's template, as the ReplicaSet controller would create it. */
export function podFromTemplate(deployment: KubeObject, suffix = "probe"): KubeObject {
  const tpl = structuredClone(deployment.spec.template);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...tpl.metadata,
      name: `${deployment.metadata.name}-${suffix}`,
      namespace: deployment.metadata.namespace ?? "default",
    },
    spec: tpl.spec,
  };
}
