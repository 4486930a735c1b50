import { createHash, randomBytes } from "node:crypto";
import { IMAGE_NAMES } from "./images";
import { renderedObjects, type KubeObject } from "./rendered";
import type { AwsDouble } from "../../tests/runtime/doubles/aws";
import type { GcpDoubles } from "../../tests/runtime/doubles/gcp";
import type { AzureDoubles } from "../../tests/runtime/doubles/azure";
import type { VaultServer } from "./vault";

/**
 * Rendered objects made runnable on the real tier's node (tests-real/node.test.ts): local images,
 * what the clouds' identity webhooks inject, the doubles' endpoints (test-only), and app containers
 * that run a check script printing hashes, never values. Vault's secrets go to the real Vault
 * (helpers/vault.ts) listening on the pod network's bridge.
 */

export const MOUNT = "/run/secrets/app";
const TOKEN_DIR = "/var/run/secrets/eks.amazonaws.com/serviceaccount";

export const sha = (v: string) => createHash("sha256").update(v).digest("hex");

/** Each example rendered once (a program's module runs once per process). */
const renderCache = new Map<string, Promise<KubeObject[]>>();
export function rendered(example: string): Promise<KubeObject[]> {
  if (!renderCache.has(example)) renderCache.set(example, renderedObjects(example));
  return renderCache.get(example)!;
}

/** Rendered objects moved into another namespace (the Namespace object renamed with them). */
export function inNamespace(objects: KubeObject[], ns: string): KubeObject[] {
  return objects.map((o) => {
    const c = structuredClone(o);
    if (c.kind === "Namespace") c.metadata.name = ns;
    else c.metadata.namespace = ns;
    return c;
  });
}

/** The pod templates of a workload object (Deployment, Job, CronJob). */
export function podSpecOf(o: KubeObject): KubeObject | undefined {
  if (o.kind === "CronJob") return o.spec.jobTemplate.spec.template;
  if (["Deployment", "StatefulSet", "Job", "DaemonSet"].includes(o.kind)) return o.spec.template;
  return undefined;
}

/** The FetchSpec a pod spec's fetch container carries (its SECRET_MOUNT_SPEC). */
export function fetchSpecOf(podSpec: KubeObject): KubeObject {
  const fetch = [...(podSpec.initContainers ?? []), ...podSpec.containers].find(
    (c: KubeObject) => c.name === "secret-mount-fetch",
  );
  return JSON.parse(fetch.env.find((e: KubeObject) => e.name === "SECRET_MOUNT_SPEC").value);
}

export interface Stores {
  aws: AwsDouble;
  gcp: GcpDoubles & { podEnv(): Record<string, string> };
  azure: AzureDoubles;
  /** The test CAs the Azure doubles' and Vault's certificates chain to (a pod trusts them through NODE_EXTRA_CA_CERTS). */
  caPem: string;
  /** The pod network's bridge address (where every double listens). */
  bridgeIp: string;
  /**
   * EKS's pod identity webhook runs (helpers/eks-webhook.ts): it injects the role and the projected
   * token itself; otherwise prepare() adds what it would, test-only.
   */
  eksWebhook: boolean;
  /**
   * AKS's workload identity webhook runs (helpers/aks-webhook.ts): it injects the identity into the
   * labelled pods itself; otherwise prepare() adds what it would, test-only.
   */
  aksWebhook: boolean;
  /** The real Vault on the bridge, when it is built (its port is the one the rendered address names). */
  vault?: VaultServer;
}

const TEST_CA = { configMap: "secret-mount-test-ca", dir: "/etc/secret-mount-test-ca" };
const AZURE_TOKEN_DIR = "/var/run/secrets/azure/tokens";

/** An app container that runs something other than a busybox shell script: its image and command. */
export interface AppRun {
  image: string;
  command: string[];
}

export interface Prepared {
  objects: KubeObject[];
  /** Expected sha256 of each declared file (spec files[].path), per workload name. */
  expected: Map<string, Map<string, string>>;
  /**
   * What the real Vault must hold before the pods start (KV version 2: mount, path, data), written by
   * the caller with `writeKv` (Vault's API is asynchronous; prepare() is not).
   */
  vaultWrites: { mount: string; path: string; data: Record<string, string> }[];
}

/**
 * Makes rendered objects runnable here: local images, the IRSA injection of the EKS webhook for the
 * containers not in skip-containers (unless the real webhook runs), the double's endpoints, the app containers' command replaced by
 * `script(workload)`. Secrets named by the spec are stored in the double with fresh random values.
 */
export function prepare(
  objects: KubeObject[],
  stores: Stores,
  script: (o: KubeObject, files: string[], container: KubeObject, init: boolean) => string | AppRun,
): Prepared {
  const { aws, gcp } = stores;
  const expected = new Map<string, Map<string, string>>();
  const vaultWrites: Prepared["vaultWrites"] = [];
  const out = structuredClone(objects);
  for (const o of out) {
    const tpl = podSpecOf(o);
    if (!tpl) continue;
    const spec = tpl.spec;
    const fetchSpec = fetchSpecOf(spec);
    // One random value per source (a JSON object of random values when files pick keys of it).
    const idOf = (src: KubeObject): string => src.secretId ?? src.name ?? `${src.address}/${src.mount}/${src.path}`;
    const stored = new Map<string, Record<string, string> | string>();
    for (const f of fetchSpec.files) {
      const id = idOf(f.source);
      const value = stored.get(id) ?? (f.jsonKey ? {} : `v-${randomBytes(12).toString("hex")}`);
      if (f.jsonKey && typeof value === "object") value[f.jsonKey] = `v-${randomBytes(12).toString("hex")}`;
      stored.set(id, value);
    }
    const files = new Map<string, string>();
    let usesGcp = false;
    // Hosts a pod reaches by name over TLS with the test CA: Azure's key vaults, the Vault server.
    const vaultHosts = new Set<string>();
    for (const f of fetchSpec.files) {
      const s = f.source;
      const value = stored.get(idOf(s))!;
      const text = typeof value === "object" ? JSON.stringify(value) : value;
      if (s.type === "aws-secretsmanager") aws.putSecretAt(s.secretId, text);
      else if (s.type === "aws-ssm") aws.putParameter(s.name, text);
      else if (s.type === "gcp-secretmanager") {
        gcp.versions.set(s.name, { data: text, version: 1 });
        usesGcp = true;
      } else if (s.type === "azure-keyvault") {
        stores.azure.secrets.set(s.name, { value: text, version: randomBytes(16).toString("hex") });
        vaultHosts.add(new URL(s.vaultUrl).hostname);
      } else if (s.type === "vault-kv") {
        // The real Vault: KV version 2 data is a map; a file picks one key of it.
        if (!stores.vault) throw new Error("a Vault source, and no Vault on the bridge (the vault tool is not built)");
        if (typeof value !== "object") throw new Error(`vault-kv file ${f.path} names no jsonKey: not handled here`);
        const w = vaultWrites.find((x) => x.mount === s.mount && x.path === s.path);
        if (w) Object.assign(w.data, value);
        else vaultWrites.push({ mount: s.mount, path: s.path, data: { ...value } });
        vaultHosts.add(new URL(s.address).hostname);
      } else throw new Error(`source ${s.type} has no double here`);
      files.set(f.path, sha(typeof value === "object" ? value[f.jsonKey] : value));
    }
    expected.set(o.metadata.name, files);

    const skip = String(tpl.metadata?.annotations?.["eks.amazonaws.com/skip-containers"] ?? "")
      .split(",")
      .filter(Boolean);
    const sa = objects.find(
      (x) =>
        x.kind === "ServiceAccount" &&
        x.metadata.name === spec.serviceAccountName &&
        x.metadata.namespace === o.metadata.namespace,
    );
    const roleArn = sa?.metadata?.annotations?.["eks.amazonaws.com/role-arn"];
    // The role exists in the account (as `pulumi up` would have created it) and trusts the cluster's tokens.
    if (roleArn) aws.roles.add(roleArn);
    if (roleArn && !stores.eksWebhook)
      spec.volumes.push({
        name: "aws-iam-token",
        projected: {
          sources: [
            { serviceAccountToken: { audience: "sts.amazonaws.com", expirationSeconds: 86400, path: "token" } },
          ],
        },
      });
    // AKS: what the workload identity webhook adds to a labelled pod's containers it does not skip.
    const azureSa = sa?.metadata?.annotations?.["azure.workload.identity/client-id"]
      ? sa.metadata.annotations
      : undefined;
    const azureUse = !stores.aksWebhook && tpl.metadata?.labels?.["azure.workload.identity/use"] === "true" && azureSa;
    const azureSkip = String(tpl.metadata?.annotations?.["azure.workload.identity/skip-containers"] ?? "")
      .split(";")
      .filter(Boolean);
    if (azureUse) {
      spec.volumes.push({
        name: "azure-identity-token",
        projected: {
          sources: [
            {
              serviceAccountToken: {
                audience: "api://AzureADTokenExchange",
                expirationSeconds: 3600,
                path: "azure-identity-token",
              },
            },
          ],
        },
      });
    }
    if (vaultHosts.size > 0) {
      // Test-only: the vault's host name resolves to the bridge (the Azure double listens on :443
      // there, the real Vault on the port its address names), and the fetcher trusts the test CAs
      // (a ConfigMap the test creates beside the workload).
      spec.hostAliases = [{ ip: stores.bridgeIp, hostnames: [...vaultHosts] }];
      spec.volumes.push({ name: "test-ca", configMap: { name: TEST_CA.configMap } });
      const ns = o.metadata.namespace;
      if (
        !out.some((x) => x.kind === "ConfigMap" && x.metadata.name === TEST_CA.configMap && x.metadata.namespace === ns)
      ) {
        out.push({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: TEST_CA.configMap, namespace: ns },
          data: { "ca.pem": stores.caPem },
        });
      }
    }
    for (const c of [...spec.initContainers, ...spec.containers]) {
      if (c.name === "secret-mount-fetch") {
        c.image = IMAGE_NAMES.fetch;
        // Test-only: GKE's metadata server and Secret Manager are the doubles on the pod network.
        if (usesGcp) c.env = [...c.env, ...Object.entries(gcp.podEnv()).map(([name, value]) => ({ name, value }))];
        if (vaultHosts.size > 0) {
          c.env = [...c.env, { name: "NODE_EXTRA_CA_CERTS", value: `${TEST_CA.dir}/ca.pem` }];
          c.volumeMounts = [...c.volumeMounts, { name: "test-ca", mountPath: TEST_CA.dir, readOnly: true }];
        }
      } else {
        // An image that names its user (USER 10001:10001) for a container that names none (a chart's).
        c.image =
          (c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser) ? IMAGE_NAMES.app : IMAGE_NAMES.appUser;
        const run = script(o, [...files.keys()], c, spec.initContainers.includes(c));
        if (typeof run === "string") c.command = ["sh", "-c", run];
        else [c.image, c.command] = [run.image, run.command];
      }
      if (azureUse && !azureSkip.includes(c.name)) {
        c.env = [
          ...(c.env ?? []),
          { name: "AZURE_CLIENT_ID", value: azureSa["azure.workload.identity/client-id"] },
          { name: "AZURE_TENANT_ID", value: azureSa["azure.workload.identity/tenant-id"] },
          { name: "AZURE_FEDERATED_TOKEN_FILE", value: `${AZURE_TOKEN_DIR}/azure-identity-token` },
          // Test-only: Entra ID is the double on the pod network (the webhook sets Microsoft's authority).
          { name: "AZURE_AUTHORITY_HOST", value: `${stores.azure.authorityHost}/` },
        ];
        c.volumeMounts = [
          ...(c.volumeMounts ?? []),
          { name: "azure-identity-token", mountPath: AZURE_TOKEN_DIR, readOnly: true },
        ];
      }
      if (!roleArn || skip.includes(c.name)) continue;
      if (stores.eksWebhook) {
        // Test-only: the double's endpoints on the pod network; the webhook adds the rest.
        c.env = [...(c.env ?? []), ...Object.entries(aws.endpointEnv()).map(([name, value]) => ({ name, value }))];
        continue;
      }
      // What the EKS pod identity webhook adds to every container it does not skip.
      c.env = [
        ...(c.env ?? []).filter((e: KubeObject) => !["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"].includes(e.name)),
        { name: "AWS_ROLE_ARN", value: roleArn },
        { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: `${TOKEN_DIR}/token` },
        // Test-only: the double's endpoints on the pod network.
        ...Object.entries(aws.endpointEnv()).map(([name, value]) => ({ name, value })),
      ];
      c.volumeMounts = [...(c.volumeMounts ?? []), { name: "aws-iam-token", mountPath: TOKEN_DIR, readOnly: true }];
    }
  }
  return { objects: out, expected, vaultWrites };
}

/** The containers of a pod spec that got IRSA's role and token (env and mount). */
export function irsaContainers(spec: KubeObject): string[] {
  return [...(spec.initContainers ?? []), ...spec.containers]
    .filter(
      (c: KubeObject) =>
        (c.env ?? []).some((e: KubeObject) => e.name === "AWS_ROLE_ARN") ||
        (c.volumeMounts ?? []).some((m: KubeObject) => m.name === "aws-iam-token"),
    )
    .map((c: KubeObject) => c.name);
}
