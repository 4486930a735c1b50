import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCluster, type Cluster, type KubeResponse } from "./helpers/cluster";
import { startAksWebhook, type AksWebhook } from "./helpers/aks-webhook";
import { collectionPath, podFromTemplate, renderedObjects, type KubeObject } from "./helpers/rendered";
import { needTool } from "./helpers/tools";

/**
 * AKS's workload identity webhook, built from the Go module proxy (azure-workload-identity v1.5.1,
 * `cmd/webhook`) and registered with the real tier's API server from the project's release
 * manifest (helpers/aks-webhook.ts). No node: the aks example's rendered objects are created and
 * the admitted pods (Pending, their images need not exist) are read back.
 */

const WEBHOOK_TOOL = "azure-workload-identity-webhook";
/** The cluster's own tenant (the webhook's AZURE_TENANT_ID): a ServiceAccount that names its tenant wins. */
const CLUSTER_TENANT = "11111111-2222-3333-4444-555555555555";
const TOKEN_DIR = "/var/run/secrets/azure/tokens";
const FETCH = "secret-mount-fetch";

function summary(r: KubeResponse): string {
  return `HTTP ${r.status}: ${typeof r.body === "object" ? r.body.message : String(r.body).slice(0, 300)}`;
}

const containers = (pod: KubeObject): KubeObject[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
const azureEnv = (c: KubeObject): Record<string, string> =>
  Object.fromEntries(
    (c.env ?? []).filter((e: KubeObject) => e.name.startsWith("AZURE_")).map((e: KubeObject) => [e.name, e.value]),
  );
/** The containers that got the identity: an AZURE_* variable or the token's mount. */
const injected = (pod: KubeObject): string[] =>
  containers(pod)
    .filter(
      (c) =>
        Object.keys(azureEnv(c)).length > 0 ||
        (c.volumeMounts ?? []).some((m: KubeObject) => m.name === "azure-identity-token"),
    )
    .map((c) => c.name);

describe("AKS's workload identity webhook (azure-workload-identity from the Go module proxy) registered with the real API server", function () {
  let cluster: Cluster | undefined;
  let webhook: AksWebhook | undefined;
  let work: string;
  let objects: KubeObject[];
  let deployment: KubeObject;
  let annotations: Record<string, string>;

  before(async function () {
    this.timeout(0);
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    const bin = needTool(this, WEBHOOK_TOOL);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-aks-webhook-"));
    objects = await renderedObjects("aks");
    deployment = objects.find((o) => o.kind === "Deployment")!;
    annotations = objects.find((o) => o.kind === "ServiceAccount")!.metadata.annotations;
    cluster = await startCluster(etcd, apiserver);
    for (const o of objects.filter((x) => ["Namespace", "ServiceAccount"].includes(x.kind))) {
      const r = await cluster.request("POST", collectionPath(o), o);
      assert.equal(r.status, 201, summary(r));
    }
    webhook = await startAksWebhook(cluster, bin, path.join(work, "webhook"), { tenantId: CLUSTER_TENANT });
  });

  after(() => {
    webhook?.stop();
    cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** Creates a pod from the aks Deployment's template (changed by `edit`) and returns it as admitted. */
  async function admit(suffix: string, edit: (pod: KubeObject) => void = () => {}): Promise<KubeObject> {
    const pod = podFromTemplate(deployment, suffix);
    edit(pod);
    const r = await cluster!.request("POST", collectionPath(pod), pod);
    assert.equal(r.status, 201, summary(r));
    return r.body;
  }

  it("is registered as the release manifest registers it, and the rendered pod carries the label it selects on", function () {
    const [w] = webhook!.registration.webhooks;
    assert.equal(webhook!.registration.metadata.name, "azure-wi-webhook-mutating-webhook-configuration");
    assert.deepEqual(w.objectSelector, { matchLabels: { "azure.workload.identity/use": "true" } });
    assert.equal(w.failurePolicy, "Fail");
    assert.deepEqual(w.rules[0].operations, ["CREATE"]);
    assert.deepEqual(w.rules[0].resources, ["pods"]);
    assert.match(w.clientConfig.url, /^https:\/\/127\.0\.0\.1:9443\/mutate-v1-pod$/);
    // The rendered pod template: the label, and the app container in skip-containers.
    const tpl = deployment.spec.template;
    assert.equal(tpl.metadata.labels["azure.workload.identity/use"], "true");
    assert.equal(tpl.metadata.annotations["azure.workload.identity/skip-containers"], "api");
    // Nothing of the identity is rendered: the webhook adds all of it.
    assert.deepEqual(injected(tpl), []);
    assert.ok(!(tpl.spec.volumes ?? []).some((v: KubeObject) => v.name === "azure-identity-token"));
  });

  it("injects the client id, tenant id, token file, authority host and the projected token into secret-mount-fetch only", async function () {
    const pod = await admit("admitted");
    assert.deepEqual(injected(pod), [FETCH]);
    const fetch = containers(pod).find((c) => c.name === FETCH)!;
    assert.deepEqual(azureEnv(fetch), {
      AZURE_CLIENT_ID: annotations["azure.workload.identity/client-id"],
      // The ServiceAccount's tenant, not the cluster's.
      AZURE_TENANT_ID: annotations["azure.workload.identity/tenant-id"],
      AZURE_FEDERATED_TOKEN_FILE: `${TOKEN_DIR}/azure-identity-token`,
      // Entra ID of the webhook's Azure environment (AzurePublicCloud, as the manifest configures it).
      AZURE_AUTHORITY_HOST: "https://login.microsoftonline.com/",
    });
    assert.notEqual(CLUSTER_TENANT, annotations["azure.workload.identity/tenant-id"]);
    // The rendered variables are kept, the identity's appended after them.
    assert.deepEqual(
      fetch.env.map((e: KubeObject) => e.name),
      [
        ...deployment.spec.template.spec.initContainers[0].env.map((e: KubeObject) => e.name),
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_FEDERATED_TOKEN_FILE",
        "AZURE_AUTHORITY_HOST",
      ],
    );
    assert.deepEqual(
      fetch.volumeMounts.find((m: KubeObject) => m.name === "azure-identity-token"),
      { name: "azure-identity-token", mountPath: TOKEN_DIR, readOnly: true },
    );
    assert.deepEqual(
      pod.spec.volumes.find((v: KubeObject) => v.name === "azure-identity-token"),
      {
        name: "azure-identity-token",
        projected: {
          defaultMode: 420,
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
      },
    );
    // The app container is untouched: the rendered skip-containers.
    const api = pod.spec.containers.find((c: KubeObject) => c.name === "api");
    assert.deepEqual(api.env ?? [], deployment.spec.template.spec.containers[0].env ?? []);
    // The webhook's log: it received this pod's admission request and allowed it.
    const received = webhook!
      .logs()
      .split("\n")
      .filter((l) => l.includes('"received request"') && l.includes('"name":"billing-api-admitted"'));
    assert.equal(received.length, 1, webhook!.logs().split("\n").slice(-20).join("\n"));
    assert.match(webhook!.logs(), /"wrote response".*"allowed":true/);
  });

  it("negative control: without skip-containers it injects into the app container too", async function () {
    const pod = await admit("no-skip", (p) => delete p.metadata.annotations["azure.workload.identity/skip-containers"]);
    assert.deepEqual(injected(pod), [FETCH, "api"]);
    const api = pod.spec.containers.find((c: KubeObject) => c.name === "api");
    assert.equal(azureEnv(api).AZURE_CLIENT_ID, annotations["azure.workload.identity/client-id"]);
  });

  it("is not called for a pod without the azure.workload.identity/use label: nothing is injected", async function () {
    const pod = await admit("unlabelled", (p) => delete p.metadata.labels["azure.workload.identity/use"]);
    assert.deepEqual(injected(pod), []);
    assert.ok(!pod.spec.volumes.some((v: KubeObject) => v.name === "azure-identity-token"));
    assert.ok(!webhook!.logs().includes('"name":"billing-api-unlabelled"'));
  });

  it("refuses a labelled pod while it is down (failurePolicy Fail): no pod without its identity", async function () {
    webhook!.stop();
    const pod = podFromTemplate(deployment, "webhook-down");
    const r = await cluster!.request("POST", collectionPath(pod), pod);
    assert.equal(r.status, 500, summary(r));
    assert.match(r.body.message, /failed calling webhook "mutation\.azure-workload-identity\.io"/);
  });

  it("injects another Entra ID endpoint when configured for it (Azure Stack's environment file)", async function () {
    this.timeout(60_000);
    const r = await cluster!.request(
      "DELETE",
      `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${webhook!.registration.metadata.name}`,
    );
    assert.equal(r.status, 200, summary(r));
    const authority = "https://10.250.81.1:8443/entra/";
    webhook = await startAksWebhook(cluster!, needTool(this, WEBHOOK_TOOL), path.join(work, "webhook-stack"), {
      tenantId: CLUSTER_TENANT,
      authorityHost: authority,
    });
    // The API server picks a new registration up from its watch a moment later (the same name was
    // deleted just before): wait, with dry runs (no side effects), until it calls the new webhook.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const probe = podFromTemplate(deployment, "stack-probe");
      const d = await cluster!.request("POST", `${collectionPath(probe)}?dryRun=All`, probe);
      if (d.status === 201 && injected(d.body).length > 0) break;
      if (Date.now() > deadline) assert.fail(`the new registration was not in effect after 30 s: ${summary(d)}`);
      await new Promise((res) => setTimeout(res, 250));
    }
    const pod = await admit("stack");
    assert.deepEqual(injected(pod), [FETCH]);
    assert.equal(azureEnv(containers(pod).find((c) => c.name === FETCH)!).AZURE_AUTHORITY_HOST, authority);
  });
});
