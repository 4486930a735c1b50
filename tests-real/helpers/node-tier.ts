import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCluster, type Cluster, type KubeResponse } from "./cluster";
import { startAksWebhook, type AksWebhook } from "./aks-webhook";
import { startEksWebhook, type EksWebhook } from "./eks-webhook";
import {
  FETCH_IMAGE_CONFIG,
  IMAGE_NAMES,
  stageBusyboxImage,
  stageFetchImage,
  stagePauseImage,
  writeOciArchive,
} from "./images";
import { startNode, type KubeNode } from "./node";
import { jsonLines, runLogsIn } from "./node-logs";
import { fetchSpecOf, rendered, type Stores } from "./node-pods";
import { startExamplesVault } from "./node-vault";
import { collectionPath, type KubeObject } from "./rendered";
import { needTool, tool } from "./tools";
import type { VaultServer } from "./vault";
import { AwsDouble } from "../../tests/runtime/doubles/aws";
import { AzureDoubles } from "../../tests/runtime/doubles/azure";
import { GcpDoubles } from "../../tests/runtime/doubles/gcp";
import { makeTestPki, type TestPki } from "../../tests/runtime/doubles/tls";

/** The pod network of the node suites: a private /24 that exists only on this machine's bridge. */
const POD_SUBNET = "10.250.81.0/24";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function responseSummary(r: KubeResponse): string {
  return `HTTP ${r.status}: ${typeof r.body === "object" ? r.body.message : String(r.body).slice(0, 300)}${r.warnings.length ? ` warnings: ${r.warnings.join(" | ")}` : ""}`;
}

/**
 * The real tier's node, for the node suites (tests-real/node*.test.ts; one at a time: the pod network
 * is fixed): the real API server with a controller-manager, the kubelet, containerd and runc built
 * here registered with it, the images assembled without a registry, EKS's and AKS's identity
 * webhooks when they are built, the clouds' doubles on the pod network's bridge, and the real Vault
 * there for examples/vault. `start` in a `before` hook, `stop` in the `after` hook: it stops what
 * started, also after a failed start, and leaves nothing behind.
 */
export class NodeTier {
  cluster!: Cluster;
  node!: KubeNode;
  aws!: AwsDouble;
  stores!: Stores;
  eksWebhook?: EksWebhook;
  eksWebhookMissing = "";
  aksWebhook?: AksWebhook;
  aksWebhookMissing = "";
  vault?: VaultServer;
  vaultMissing = "";
  private pki?: TestPki;
  private work?: string;

  async start(ctx: Mocha.Context): Promise<void> {
    if (process.getuid?.() !== 0) {
      console.log("      NOT RUN (pending): the kubelet and containerd need root");
      ctx.skip();
    }
    const bins = {
      etcd: needTool(ctx, "etcd"),
      apiserver: needTool(ctx, "kube-apiserver"),
      kcm: needTool(ctx, "kube-controller-manager"),
      kubelet: needTool(ctx, "kubelet"),
      scheduler: needTool(ctx, "kube-scheduler"),
      containerd: needTool(ctx, "containerd"),
      runc: needTool(ctx, "runc"),
      cni: needTool(ctx, "cni-plugins"),
      busybox: needTool(ctx, "busybox"),
      pause: needTool(ctx, "pause"),
    };
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-node-images-"));
    this.work = work;
    const t0 = Date.now();
    const busyboxRootfs = stageBusyboxImage(work, bins.busybox);
    const images = [
      { rootfs: stageFetchImage(work), config: FETCH_IMAGE_CONFIG, name: IMAGE_NAMES.fetch },
      { rootfs: busyboxRootfs, config: { Cmd: ["sh"] }, name: IMAGE_NAMES.app },
      { rootfs: busyboxRootfs, config: { Cmd: ["sh"], User: "10001:10001" }, name: IMAGE_NAMES.appUser },
      {
        rootfs: stagePauseImage(work, bins.pause),
        config: { Entrypoint: ["/pause"], User: "65535:65535" },
        name: IMAGE_NAMES.pause,
      },
    ].map((i) => {
      const tar = path.join(work, `${i.name.replace(/\W/g, "_")}.tar`);
      writeOciArchive(i.rootfs, i.config, i.name, tar);
      return tar;
    });
    console.log(`      images assembled in ${Math.round((Date.now() - t0) / 1000)} s`);
    this.cluster = await startCluster(bins.etcd, bins.apiserver, bins.kcm);
    const t1 = Date.now();
    this.node = await startNode(
      this.cluster,
      {
        kubelet: bins.kubelet,
        scheduler: bins.scheduler,
        containerdDir: path.dirname(bins.containerd),
        runc: bins.runc,
        cniDir: path.dirname(bins.cni),
      },
      { podSubnet: POD_SUBNET, pauseImage: IMAGE_NAMES.pause },
    );
    console.log(`      node ${this.node.name} Ready in ${Math.round((Date.now() - t1) / 1000)} s`);
    // EKS's pod identity webhook when it is built; otherwise its injection is played by prepare().
    const webhookTool = tool("amazon-eks-pod-identity-webhook");
    if (webhookTool.ok)
      this.eksWebhook = await startEksWebhook(
        this.cluster,
        webhookTool.bin,
        path.join(work, "eks-webhook"),
        "eu-west-1",
      );
    else {
      this.eksWebhookMissing = webhookTool.reason;
      console.log(
        `      EKS's pod identity webhook not built (its injection is test-only here): ${this.eksWebhookMissing}`,
      );
    }
    for (const tar of images) this.node.importImage(tar);
    this.aws = await new AwsDouble().start(this.node.bridgeIp);
    // The aks example's identity and vault, for the Azure doubles (its vault's host name is in their certificate).
    const aks = await rendered("aks");
    const aksSa = aks.find((o) => o.kind === "ServiceAccount")!.metadata.annotations;
    const aksDeployment = aks.find((o) => o.kind === "Deployment")!;
    const aksSpec = fetchSpecOf(aksDeployment.spec.template.spec);
    const vaultHosts = [...new Set<string>(aksSpec.files.map((f: KubeObject) => new URL(f.source.vaultUrl).hostname))];
    this.pki = makeTestPki([this.node.bridgeIp, ...vaultHosts]);
    const azure = await new AzureDoubles({
      pki: this.pki,
      tenantId: aksSa["azure.workload.identity/tenant-id"],
      clientId: aksSa["azure.workload.identity/client-id"],
      tokenFile: "",
      tokens: this.projected("azure-identity-token", "azure-identity-token"),
      host: this.node.bridgeIp,
      vaultPort: 443,
    }).start();
    // AKS's workload identity webhook when it is built, its Entra ID endpoint the double's (configured
    // as for Azure Stack); the cluster's tenant differs from the ServiceAccount's on purpose (the
    // webhook must take the ServiceAccount's). Otherwise prepare() adds what it would, test-only.
    const aksTool = tool("azure-workload-identity-webhook");
    if (aksTool.ok)
      this.aksWebhook = await startAksWebhook(this.cluster, aksTool.bin, path.join(work, "aks-webhook"), {
        tenantId: "00000000-0000-4000-8000-00000000c1c1",
        authorityHost: `${azure.authorityHost}/`,
      });
    else {
      this.aksWebhookMissing = aksTool.reason;
      console.log(
        `      AKS's workload identity webhook not built (its injection is test-only here): ${this.aksWebhookMissing}`,
      );
    }
    const gcp = await new GcpDoubles().start(this.node.bridgeIp);
    // The regional endpoint of the gke example's regional secret (secretmanager.<location>.rep.googleapis.com).
    await gcp.startRegion("europe-west4");
    // The vault example's Vault: the real one, on the bridge at the port its address names, its
    // certificate for that address's host name (which a pod resolves to the bridge: hostAliases).
    const vaultTool = tool("vault");
    if (vaultTool.ok) this.vault = await startExamplesVault(vaultTool.bin, this.cluster, this.node.bridgeIp);
    else {
      this.vaultMissing = vaultTool.reason;
      console.log(`      Vault not built (the vault example is pending): ${this.vaultMissing}`);
    }
    this.stores = {
      aws: this.aws,
      azure,
      vault: this.vault,
      // The Azure doubles' CA and Vault's (NODE_EXTRA_CA_CERTS takes a bundle).
      caPem: this.pki.ca + (this.vault ? fs.readFileSync(this.vault.caFile, "utf8") : ""),
      bridgeIp: this.node.bridgeIp,
      eksWebhook: this.eksWebhook !== undefined,
      aksWebhook: this.aksWebhook !== undefined,
      gcp: Object.assign(gcp, {
        podEnv: () =>
          ({
            GCE_METADATA_HOST: gcp.metadataHost,
            CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${gcp.endpoint}/`,
            ...gcp.regionalEnv(),
          }) as Record<string, string>,
      }),
    };
    // STS trusts the service-account tokens the kubelet projected for the audience sts.amazonaws.com.
    this.aws.trustWebIdentityTokens(this.projected("aws-iam-token", "token"));
  }

  async stop(): Promise<void> {
    this.vault?.stop();
    this.eksWebhook?.stop();
    this.aksWebhook?.stop();
    await this.aws?.close();
    await this.stores?.gcp.stop();
    await this.stores?.azure.stop();
    this.pki?.dispose();
    this.node?.stop();
    this.cluster?.stop();
    // The cluster's own directory (etcd's data, keys, logs): this suite's to remove.
    if (this.cluster) {
      await sleep(1000);
      fs.rmSync(this.cluster.dir, { recursive: true, force: true });
    }
    if (this.work) fs.rmSync(this.work, { recursive: true, force: true });
  }

  /** Creates objects as a user would (strict field validation); Pod Security must warn about none. */
  async create(objects: KubeObject[]): Promise<void> {
    for (const o of objects) {
      const r = await this.cluster.request("POST", `${collectionPath(o)}?fieldValidation=Strict`, o);
      if (r.status === 409 && o.kind === "Namespace") continue;
      assert.equal(r.status, 201, `${o.kind} ${o.metadata.name}: ${responseSummary(r)}`);
      // Pod Security (restricted, enforce + warn): a workload whose template would be refused gets a warning.
      assert.deepEqual(r.warnings, [], `${o.kind} ${o.metadata.name}: ${responseSummary(r)}`);
    }
  }

  async pods(namespace: string, selector: Record<string, string>): Promise<KubeObject[]> {
    const q = encodeURIComponent(
      Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    );
    const r = await this.cluster.request("GET", `/api/v1/namespaces/${namespace}/pods?labelSelector=${q}`);
    assert.equal(r.status, 200, responseSummary(r));
    return r.body.items;
  }

  /** Polls until `test` returns a value, or fails with the node's logs. */
  async until<T>(
    what: string,
    test: () => Promise<T | undefined>,
    ms = 120_000,
    more?: () => Promise<string>,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await test();
      if (v !== undefined) return v;
      if (Date.now() > deadline)
        assert.fail(`timed out waiting for ${what}\n${more ? await more() : ""}\n${this.node.logs()}`);
      await sleep(1000);
    }
  }

  /** Waits until a container of a pod of `selector` printed `marker`: that pod and the container's log. */
  async appLog(
    namespace: string,
    selector: Record<string, string>,
    container: string,
    marker: string,
  ): Promise<{ pod: KubeObject; log: string }> {
    const fetchLogs = async () =>
      (await this.pods(namespace, selector))
        .map(
          (p) =>
            `--- ${p.metadata.name} secret-mount-fetch:\n${this.node.containerLog(namespace, p.metadata.name, "secret-mount-fetch")}`,
        )
        .join("\n");
    return this.until(
      `${container} in ${namespace} to print ${marker}`,
      async () => {
        for (const p of await this.pods(namespace, selector)) {
          const log = this.node.containerLog(namespace, p.metadata.name, container);
          if (log.includes(marker)) return { pod: p, log };
        }
        return undefined;
      },
      120_000,
      fetchLogs,
    );
  }

  /** The fetch container's first failed run in a namespace: its pod, its terminated state, its log's JSON lines. */
  async fetchFailure(ns: string, selector: Record<string, string>) {
    const { pod, fetch } = await this.until("the fetch container to fail", async () => {
      for (const p of await this.pods(ns, selector)) {
        const f = (p.status?.initContainerStatuses ?? []).find((st: KubeObject) => st.name === "secret-mount-fetch");
        const term = f?.state?.terminated ?? f?.lastState?.terminated;
        if (term) return { pod: p, fetch: term };
      }
      return undefined;
    });
    const run =
      runLogsIn(path.join(this.node.dir, "pod-logs"), ns, pod.metadata.name, "secret-mount-fetch").get(0) ?? "";
    return { pod, fetch, log: jsonLines(run) };
  }

  /** The service-account tokens the kubelet projected into pods' volumes `volume`, file `file`. */
  projected(volume: string, file: string): () => string[] {
    return () => {
      const podsDir = path.join(this.node.dir, "kubelet", "pods");
      if (!fs.existsSync(podsDir)) return [];
      return fs.readdirSync(podsDir).flatMap((uid) => {
        try {
          return [fs.readFileSync(path.join(podsDir, uid, "volumes", "kubernetes.io~projected", volume, file), "utf8")];
        } catch {
          return [];
        }
      });
    };
  }
}
