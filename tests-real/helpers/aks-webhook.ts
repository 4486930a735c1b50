import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { freePort, killGroup, signedByClientCA, startGuarded, type Cluster } from "./cluster";
import type { KubeObject } from "./rendered";
import { registerWebhookByUrl } from "./webhook-registration";

/**
 * AKS's workload identity webhook (github.com/Azure/azure-workload-identity `cmd/webhook`, the
 * release image's `/manager`, built by tools/build.sh) beside the real tier's API server, as the
 * AKS add-on runs it: out of the cluster, registered by URL. Configured as the project's release
 * manifest (deploy/azure-wi-webhook.yaml) configures it: the cluster's AZURE_TENANT_ID and
 * AZURE_ENVIRONMENT from its ConfigMap, POD_NAMESPACE, and the permissions of its ServiceAccount
 * (the manifest's namespace, ServiceAccount, Roles and bindings are created, and the webhook talks
 * to the API server with a token of that ServiceAccount, not as an administrator). Its serving
 * certificate is signed by the tier's CA (no cert rotation: `--disable-cert-rotation`, the
 * certificate in `--webhook-cert-dir`). The registration is the manifest's own
 * MutatingWebhookConfiguration (failurePolicy Fail, objectSelector `azure.workload.identity/use:
 * "true"`, pods CREATE, reinvocationPolicy IfNeeded), its in-cluster Service replaced by the URL
 * and the CA as caBundle.
 *
 * The webhook server listens on :9443 on every address (controller-runtime's default; the webhook
 * has no flag for it): one at a time per machine. Health and metrics listen on loopback ports
 * chosen free. `--log-level=trace` (the manifest says `info`): controller-runtime logs each
 * admission request it receives and answers at V(5), which `info` hides.
 */
export interface AksWebhook {
  /** The MutatingWebhookConfiguration as registered. */
  registration: KubeObject;
  /** The authority host the webhook injects (its Azure environment's Entra ID endpoint). */
  authorityHost: string;
  logs(): string;
  stop(): void;
}

export const AKS_WEBHOOK_PORT = 9443;
const NAMESPACE = "azure-workload-identity-system";

export interface AksWebhookOptions {
  /** The cluster's tenant (the ConfigMap's AZURE_TENANT_ID): used when a ServiceAccount names none. */
  tenantId: string;
  /**
   * An Entra ID endpoint other than a public cloud's: the webhook is then configured as for Azure
   * Stack (AZURE_ENVIRONMENT=AzureStackCloud and an environment file, AZURE_ENVIRONMENT_FILEPATH,
   * whose activeDirectoryEndpoint it injects). Default: AzurePublicCloud, as the manifest sets it.
   */
  authorityHost?: string;
}

function readyz(url: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", () => resolve(0));
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });
}

/** The release manifest's objects (copied beside the binary by build.sh). */
export function releaseManifest(bin: string): KubeObject[] {
  return parseAllDocuments(fs.readFileSync(path.join(path.dirname(bin), "azure-wi-webhook.yaml"), "utf8"))
    .map((d) => d.toJS() as KubeObject)
    .filter(Boolean);
}

const PLURALS: Record<string, string> = {
  Namespace: "/api/v1/namespaces",
  ServiceAccount: `/api/v1/namespaces/${NAMESPACE}/serviceaccounts`,
  Role: `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/roles`,
  RoleBinding: `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/rolebindings`,
  ClusterRole: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
  ClusterRoleBinding: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
};

async function create(cluster: Cluster, collection: string, o: unknown): Promise<KubeObject> {
  const r = await cluster.request("POST", collection, o);
  if (r.status !== 201 && r.status !== 409) {
    throw new Error(
      `creating ${collection} for the workload identity webhook: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`,
    );
  }
  return r.body;
}

export async function startAksWebhook(
  cluster: Cluster,
  bin: string,
  dir: string,
  options: AksWebhookOptions,
): Promise<AksWebhook> {
  // A webhook just stopped may hold the port a moment longer.
  for (let i = 0; i < 20 && !(await portFree(AKS_WEBHOOK_PORT)); i++) await new Promise((r) => setTimeout(r, 250));
  if (!(await portFree(AKS_WEBHOOK_PORT))) {
    throw new Error(
      `port ${AKS_WEBHOOK_PORT} is taken: the workload identity webhook listens there and nowhere else (another run's webhook?)`,
    );
  }
  const certDir = path.join(dir, "certs");
  fs.mkdirSync(certDir, { recursive: true });
  // controller-runtime reads tls.crt and tls.key from the cert dir.
  signedByClientCA(
    cluster,
    certDir,
    "tls",
    "/CN=azure-wi-webhook",
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  const ca = fs.readFileSync(cluster.clientCA.cert, "utf8");

  // What the release manifest grants the webhook's ServiceAccount, and a token of it.
  const manifest = releaseManifest(bin);
  for (const kind of Object.keys(PLURALS)) {
    for (const o of manifest.filter((x) => x.kind === kind)) await create(cluster, PLURALS[kind], o);
  }
  const account = manifest.find((x) => x.kind === "ServiceAccount")!.metadata.name;
  const tokenRequest = await create(cluster, `${PLURALS.ServiceAccount}/${account}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: 3600 },
  });
  const kubeconfig = path.join(dir, "webhook.kubeconfig");
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "webhook",
      clusters: [{ name: "test", cluster: { server: cluster.url, "certificate-authority": cluster.servingCA } }],
      users: [{ name: account, user: { token: tokenRequest.status.token } }],
      contexts: [{ name: "webhook", context: { cluster: "test", user: account, namespace: NAMESPACE } }],
    }),
    { mode: 0o600 },
  );

  // The manifest's ConfigMap (AZURE_ENVIRONMENT, AZURE_TENANT_ID) and the Deployment's POD_NAMESPACE.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AZURE_TENANT_ID: options.tenantId,
    AZURE_ENVIRONMENT: "AzurePublicCloud",
    POD_NAMESPACE: NAMESPACE,
  };
  if (options.authorityHost !== undefined) {
    const file = path.join(dir, "azure-environment.json");
    fs.writeFileSync(file, JSON.stringify({ name: "AzureStackCloud", activeDirectoryEndpoint: options.authorityHost }));
    Object.assign(env, { AZURE_ENVIRONMENT: "AzureStackCloud", AZURE_ENVIRONMENT_FILEPATH: file });
  }
  const [healthPort, metricsPort] = [await freePort(), await freePort()];
  const log = path.join(dir, "azure-wi-webhook.log");
  const child = startGuarded(
    bin,
    [
      `--kubeconfig=${kubeconfig}`,
      "--disable-cert-rotation",
      `--webhook-cert-dir=${certDir}`,
      `--health-addr=127.0.0.1:${healthPort}`,
      `--metrics-addr=127.0.0.1:${metricsPort}`,
      "--log-level=trace",
    ],
    log,
    env,
  );
  const logs = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");
  const stop = () => killGroup(child);
  // Ready once the certificate is loaded and the mutating handler registered (its readyz check).
  const deadline = Date.now() + 30_000;
  while ((await readyz(`http://127.0.0.1:${healthPort}/readyz`)) !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(
        `the workload identity webhook did not become ready:\n${logs().split("\n").slice(-10).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const registration = manifest.find((x) => x.kind === "MutatingWebhookConfiguration")!;
  const url = `https://127.0.0.1:${AKS_WEBHOOK_PORT}`;
  const registered = await registerWebhookByUrl(cluster, registration, url, ca, "the workload identity webhook", stop);
  return {
    registration: registered,
    authorityHost: options.authorityHost ?? "https://login.microsoftonline.com/",
    logs,
    stop,
  };
}
