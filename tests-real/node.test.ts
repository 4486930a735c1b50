import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCluster, type Cluster, type KubeResponse } from "./helpers/cluster";
import {
  FETCH_IMAGE_CONFIG,
  IMAGE_NAMES,
  stageBusyboxImage,
  stageFetchImage,
  stagePauseImage,
  writeOciArchive,
} from "./helpers/images";
import { startNode, type KubeNode } from "./helpers/node";
import {
  checks,
  checkScript,
  inNamespace,
  MOUNT,
  fetchSpecOf,
  podSpecOf,
  prepare,
  rendered,
  sha,
  type Prepared,
  type Stores,
} from "./helpers/node-pods";
import {
  collectionPath,
  kubernetesExamples,
  renderedFiles,
  renderedObjectsAt,
  type KubeObject,
} from "./helpers/rendered";
import { tokenReviewer } from "./helpers/service-accounts";
import {
  applyVaultSide,
  enableKubernetesAuth,
  enableKvV2,
  startVault,
  writeKv,
  type VaultServer,
  type VaultSide,
} from "./helpers/vault";
import { needTool, tool } from "./helpers/tools";
import { startEksWebhook, type EksWebhook } from "./helpers/eks-webhook";
import { startAksWebhook, type AksWebhook } from "./helpers/aks-webhook";
import { AwsDouble } from "../tests/runtime/doubles/aws";
import { GcpDoubles } from "../tests/runtime/doubles/gcp";
import { AzureDoubles } from "../tests/runtime/doubles/azure";
import { makeTestPki, type TestPki } from "../tests/runtime/doubles/tls";

/**
 * The rendered pods on a real node: kubelet, containerd and runc built here, the fetch image
 * assembled from the bundle as runtime-image/Dockerfile lays it out, registered with the real tier's
 * API server. Secrets come from the clouds' doubles and from the real Vault (built here), all
 * listening on the pod network's bridge; Vault's Kubernetes auth reviews the pods' projected tokens
 * with the real API server, and its policy and role are the ones the render writes, unchanged. EKS's pod
 * identity webhook, built here and registered with the API server as EKS does, injects the role ARN
 * and a projected service-account token for sts.amazonaws.com (honouring skip-containers), and
 * AKS's workload identity webhook, built here and registered from its release manifest, does the
 * same for Azure; when one is not built, helpers/node-pods.ts adds what it would, test-only. The
 * doubles' endpoints are test-only additions made here, not in the product. App containers run a check script instead of their
 * command; it prints hashes, never values.
 */

/** The pod network of this test: a private /24 that exists only on this machine's bridge. */
const POD_SUBNET = "10.250.81.0/24";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The containers of a pod spec that got IRSA's role and token (env and mount). */
function irsaContainers(spec: KubeObject): string[] {
  return [...(spec.initContainers ?? []), ...spec.containers]
    .filter(
      (c: KubeObject) =>
        (c.env ?? []).some((e: KubeObject) => e.name === "AWS_ROLE_ARN") ||
        (c.volumeMounts ?? []).some((m: KubeObject) => m.name === "aws-iam-token"),
    )
    .map((c: KubeObject) => c.name);
}

/** Every run's log of one container (kubelet podLogsDir/<ns>_<pod>_<uid>/<container>/<run>.log), text only. */
function runLogsIn(podLogs: string, ns: string, pod: string, container: string): Map<number, string> {
  const podDir = fs.readdirSync(podLogs).find((d) => d.startsWith(`${ns}_${pod}_`));
  const dir = podDir ? path.join(podLogs, podDir, container) : undefined;
  const out = new Map<number, string>();
  if (!dir || !fs.existsSync(dir)) return out;
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => /^\d+\.log$/.test(x))
    .sort((a, b) => parseInt(a) - parseInt(b)))
    out.set(
      parseInt(f),
      fs
        .readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .map((l) => l.split(" ").slice(3).join(" "))
        .join("\n"),
    );
  return out;
}

/** The JSON lines of a fetcher's log. */
function jsonLines(text: string): KubeObject[] {
  return text.split("\n").flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/** The hash of API_TOKEN an app's check script printed (the last run's). */
function envHash(log: string): string | undefined {
  return /^check env API_TOKEN (\S+)$/m.exec(log)?.[1];
}

function summary(r: KubeResponse): string {
  return `HTTP ${r.status}: ${typeof r.body === "object" ? r.body.message : String(r.body).slice(0, 300)}${r.warnings.length ? ` warnings: ${r.warnings.join(" | ")}` : ""}`;
}

describe("a real node (kubelet, containerd, runc, CNI bridge) runs the rendered pods", function () {
  this.timeout(600_000);
  let cluster: Cluster;
  let node: KubeNode;
  let aws: AwsDouble;
  let stores: Stores;
  let pki: TestPki | undefined;
  let work: string;
  let eksWebhook: EksWebhook | undefined;
  let eksWebhookMissing = "";
  let aksWebhook: AksWebhook | undefined;
  let aksWebhookMissing = "";
  let vault: VaultServer | undefined;
  let vaultMissing = "";
  const created: string[] = [];

  async function create(objects: KubeObject[]): Promise<void> {
    for (const o of objects) {
      const r = await cluster.request("POST", `${collectionPath(o)}?fieldValidation=Strict`, o);
      if (r.status === 409 && o.kind === "Namespace") continue;
      assert.equal(r.status, 201, `${o.kind} ${o.metadata.name}: ${summary(r)}`);
      // Pod Security (restricted, enforce + warn): a workload whose template would be refused gets a warning.
      assert.deepEqual(r.warnings, [], `${o.kind} ${o.metadata.name}: ${summary(r)}`);
      created.push(`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    }
  }

  async function pods(namespace: string, selector: Record<string, string>): Promise<KubeObject[]> {
    const q = encodeURIComponent(
      Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    );
    const r = await cluster.request("GET", `/api/v1/namespaces/${namespace}/pods?labelSelector=${q}`);
    assert.equal(r.status, 200, summary(r));
    return r.body.items;
  }

  /** Polls until `test` returns a value, or fails with the node's logs. */
  async function until<T>(
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
        assert.fail(`timed out waiting for ${what}\n${more ? await more() : ""}\n${node.logs()}`);
      await sleep(1000);
    }
  }

  async function appLog(
    namespace: string,
    selector: Record<string, string>,
    container: string,
    marker: string,
  ): Promise<{ pod: KubeObject; log: string }> {
    const fetchLogs = async () =>
      (await pods(namespace, selector))
        .map(
          (p) =>
            `--- ${p.metadata.name} secret-mount-fetch:\n${node.containerLog(namespace, p.metadata.name, "secret-mount-fetch")}`,
        )
        .join("\n");
    return until(
      `${container} in ${namespace} to print ${marker}`,
      async () => {
        for (const p of await pods(namespace, selector)) {
          const log = node.containerLog(namespace, p.metadata.name, container);
          if (log.includes(marker)) return { pod: p, log };
        }
        return undefined;
      },
      120_000,
      fetchLogs,
    );
  }

  function assertChecks(
    log: string,
    expected: Map<string, string>,
    sizeLimit: string,
    fsGroup: number,
    fileMode: string,
    runAsGroup?: number,
  ) {
    const c = checks(log);
    const [uid, ...groups] = (c.get("id") ?? "").split(" ");
    assert.equal(uid, "10001", "the app runs as its declared UID");
    // `id -G` lists the primary group first: the declared runAsGroup, or the image's (0 here) without one.
    if (runAsGroup !== undefined) assert.equal(groups[0], String(runAsGroup), "the app's primary group: runAsGroup");
    assert.ok(groups.includes(String(fsGroup)), `fsGroup ${fsGroup} among the app's groups: ${groups.join(",")}`);
    for (const [file, hash] of expected) {
      assert.equal(
        c.get(`file ${file}`),
        `${parseInt(fileMode, 8).toString(8)} 65532 ${fsGroup} ${hash}`,
        `${file}: mode, owner, group and content`,
      );
    }
    // The volume's root: the kubelet's SetVolumeOwnership (group fsGroup, setgid); the data dir as
    // runtime-image/README.md promises: 0750 with setgid kept, the fetcher's, group fsGroup.
    const [rootMode, , rootGroup] = (c.get("dir .") ?? "").split(" ");
    assert.equal(rootGroup, String(fsGroup), `the volume root's group: ${c.get("dir .")}`);
    assert.ok(parseInt(rootMode, 8) & 0o2000, `the volume root is setgid: ${c.get("dir .")}`);
    assert.equal(c.get("dir ..data"), `2750 65532 ${fsGroup}`);
    const mount = (c.get("mount") ?? "").split(" ");
    assert.equal(mount[2], "tmpfs", `the volume is tmpfs: ${c.get("mount")}`);
    const opts = mount[3].split(",");
    assert.ok(opts.includes("ro"), `mounted read-only in the app: ${mount[3]}`);
    // The kernel shows a tmpfs size in KiB (shmem_show_options: ",size=%luk").
    const q = /^(\d+)(Ki|Mi|Gi)$/.exec(sizeLimit);
    assert.ok(q, `a sizeLimit in Ki, Mi or Gi: ${sizeLimit}`);
    const kib = Number(q[1]) * { Ki: 1, Mi: 1024, Gi: 1024 * 1024 }[q[2] as "Ki" | "Mi" | "Gi"];
    assert.ok(opts.includes(`size=${kib}k`), `tmpfs size = the rendered sizeLimit ${sizeLimit}: ${mount[3]}`);
    assert.match(c.get("write") ?? "", /Read-only file system/, log);
    assert.match(c.get("write-data") ?? "", /Read-only file system/, log);
  }

  before(async function () {
    this.timeout(0);
    if (process.getuid?.() !== 0) {
      console.log("      NOT RUN (pending): the kubelet and containerd need root");
      this.skip();
    }
    const bins = {
      etcd: needTool(this, "etcd"),
      apiserver: needTool(this, "kube-apiserver"),
      kcm: needTool(this, "kube-controller-manager"),
      kubelet: needTool(this, "kubelet"),
      scheduler: needTool(this, "kube-scheduler"),
      containerd: needTool(this, "containerd"),
      runc: needTool(this, "runc"),
      cni: needTool(this, "cni-plugins"),
      busybox: needTool(this, "busybox"),
      pause: needTool(this, "pause"),
    };
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-node-images-"));
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
    cluster = await startCluster(bins.etcd, bins.apiserver, bins.kcm);
    const t1 = Date.now();
    node = await startNode(
      cluster,
      {
        kubelet: bins.kubelet,
        scheduler: bins.scheduler,
        containerdDir: path.dirname(bins.containerd),
        runc: bins.runc,
        cniDir: path.dirname(bins.cni),
      },
      { podSubnet: POD_SUBNET, pauseImage: IMAGE_NAMES.pause },
    );
    console.log(`      node ${node.name} Ready in ${Math.round((Date.now() - t1) / 1000)} s`);
    // EKS's pod identity webhook when it is built; otherwise its injection is played by prepare().
    const webhookTool = tool("amazon-eks-pod-identity-webhook");
    if (webhookTool.ok)
      eksWebhook = await startEksWebhook(cluster, webhookTool.bin, path.join(work, "eks-webhook"), "eu-west-1");
    else {
      eksWebhookMissing = webhookTool.reason;
      console.log(`      EKS's pod identity webhook not built (its injection is test-only here): ${eksWebhookMissing}`);
    }
    for (const tar of images) node.importImage(tar);
    aws = await new AwsDouble().start(node.bridgeIp);
    // The aks example's identity and vault, for the Azure doubles (its vault's host name is in their certificate).
    const aks = await rendered("aks");
    const aksSa = aks.find((o) => o.kind === "ServiceAccount")!.metadata.annotations;
    const aksDeployment = aks.find((o) => o.kind === "Deployment")!;
    const aksSpec = fetchSpecOf(aksDeployment.spec.template.spec);
    const vaultHosts = [...new Set<string>(aksSpec.files.map((f: KubeObject) => new URL(f.source.vaultUrl).hostname))];
    pki = makeTestPki([node.bridgeIp, ...vaultHosts]);
    const azure = await new AzureDoubles({
      pki,
      tenantId: aksSa["azure.workload.identity/tenant-id"],
      clientId: aksSa["azure.workload.identity/client-id"],
      tokenFile: "",
      tokens: projected("azure-identity-token", "azure-identity-token"),
      host: node.bridgeIp,
      vaultPort: 443,
    }).start();
    // AKS's workload identity webhook when it is built, its Entra ID endpoint the double's (configured
    // as for Azure Stack); the cluster's tenant differs from the ServiceAccount's on purpose (the
    // webhook must take the ServiceAccount's). Otherwise prepare() adds what it would, test-only.
    const aksTool = tool("azure-workload-identity-webhook");
    if (aksTool.ok)
      aksWebhook = await startAksWebhook(cluster, aksTool.bin, path.join(work, "aks-webhook"), {
        tenantId: "00000000-0000-4000-8000-00000000c1c1",
        authorityHost: `${azure.authorityHost}/`,
      });
    else {
      aksWebhookMissing = aksTool.reason;
      console.log(
        `      AKS's workload identity webhook not built (its injection is test-only here): ${aksWebhookMissing}`,
      );
    }
    const gcp = await new GcpDoubles().start(node.bridgeIp);
    // The regional endpoint of the gke example's regional secret (secretmanager.<location>.rep.googleapis.com).
    await gcp.startRegion("europe-west4");
    // The vault example's Vault: the real one, on the bridge at the port its address names, its
    // certificate for that address's host name (which a pod resolves to the bridge: hostAliases).
    const vaultTool = tool("vault");
    if (vaultTool.ok) vault = await startExamplesVault(vaultTool.bin);
    else {
      vaultMissing = vaultTool.reason;
      console.log(`      Vault not built (the vault example is pending): ${vaultMissing}`);
    }
    stores = {
      aws,
      azure,
      vault,
      // The Azure doubles' CA and Vault's (NODE_EXTRA_CA_CERTS takes a bundle).
      caPem: pki.ca + (vault ? fs.readFileSync(vault.caFile, "utf8") : ""),
      bridgeIp: node.bridgeIp,
      eksWebhook: eksWebhook !== undefined,
      aksWebhook: aksWebhook !== undefined,
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
    aws.trustWebIdentityTokens(projected("aws-iam-token", "token"));
  });

  /** The service-account tokens the kubelet projected into pods' volumes `volume`, file `file`. */
  const projected = (volume: string, file: string) => () => {
    const podsDir = path.join(node.dir, "kubelet", "pods");
    if (!fs.existsSync(podsDir)) return [];
    return fs.readdirSync(podsDir).flatMap((uid) => {
      try {
        return [fs.readFileSync(path.join(podsDir, uid, "volumes", "kubernetes.io~projected", volume, file), "utf8")];
      } catch {
        return [];
      }
    });
  };

  /**
   * What the real Vault saw (its audit device) of a Vault workload's pod: a Kubernetes login with the
   * token the kubelet projected for the pod (audience and subject as the role binds them; the audit
   * log holds the token's HMAC, which sys/audit-hash computes), a Vault token carrying the one policy
   * the render wrote, and with that token a read of every declared path, each answered.
   */
  async function assertVaultReads(fetchSpec: KubeObject, d: KubeObject): Promise<void> {
    const spec = d.spec.template.spec;
    const volume = spec.volumes.find((v: KubeObject) =>
      v.projected?.sources?.some((s: KubeObject) => s.serviceAccountToken),
    );
    const audience = volume.projected.sources[0].serviceAccountToken.audience;
    const tokens = projected(volume.name, volume.projected.sources[0].serviceAccountToken.path)();
    assert.ok(tokens.length > 0, `the kubelet projected ${volume.name}`);
    const subject = `system:serviceaccount:${d.metadata.namespace}:${spec.serviceAccountName}`;
    const hashes = new Set<string>();
    for (const jwt of tokens) {
      const claims = JSON.parse(Buffer.from(jwt.trim().split(".")[1], "base64url").toString("utf8"));
      if (claims.sub !== subject) continue;
      assert.deepEqual(claims.aud, [audience], "a token for Vault's audience only");
      const r = await vault!.api("POST", "/v1/sys/audit-hash/file", { input: jwt.trim() });
      hashes.add(r.body.data?.hash ?? r.body.hash);
    }
    assert.ok(hashes.size > 0, `a projected token of ${subject}`);
    const { authMount } = fetchSpec.files[0].source;
    const responses = vault!.audit().filter((e) => e.type === "response");
    const logins = responses.filter(
      (e) => e.request?.path === `auth/${authMount}/login` && hashes.has(e.request?.data?.jwt) && !e.error,
    );
    assert.ok(logins.length >= 1, "the fetcher logged in with the projected token");
    const files = (await renderedFiles("vault")).filter((f) => f.path.endsWith(".policy.hcl"));
    const policy = path.basename(files[0].path, ".policy.hcl");
    for (const l of logins) assert.deepEqual(l.response.auth.policies, [policy], "the role's one policy, no default");
    const accessors = new Set(logins.map((l) => l.response.auth.accessor));
    for (const src of new Set(fetchSpec.files.map((f: KubeObject) => `${f.source.mount}/data/${f.source.path}`))) {
      const reads = responses.filter(
        (e) => e.request?.path === src && accessors.has(e.auth?.accessor) && e.request?.operation === "read",
      );
      assert.ok(reads.length >= 1, `${src} read with the login's token`);
      assert.ok(
        reads.every((e) => !e.error),
        `${src}: ${reads.map((e) => e.error).join(", ")}`,
      );
    }
  }

  /**
   * The real Vault for examples/vault, set up as its README's prerequisites say a Vault admin does
   * once (KV version 2 at the mount the spec names, the Kubernetes auth method configured for this
   * cluster), then the policy and the role exactly as `npm run render` writes them
   * (vault/<policy>.policy.hcl, vault/<role>.role.json): what `pulumi up` creates with @pulumi/vault.
   */
  async function startExamplesVault(bin: string): Promise<VaultServer> {
    const objects = await rendered("vault");
    const d = objects.find((o) => o.kind === "Deployment")!;
    const spec = fetchSpecOf(d.spec.template.spec);
    const sources: KubeObject[] = spec.files.map((f: KubeObject) => f.source);
    const addresses = [...new Set(sources.map((src) => src.address))];
    assert.equal(addresses.length, 1, `one Vault address in the vault example: ${addresses.join(", ")}`);
    const url = new URL(addresses[0]);
    const v = await startVault(bin, { host: node.bridgeIp, port: Number(url.port || 443), names: [url.hostname] });
    try {
      for (const mount of new Set(sources.map((src) => src.mount))) await enableKvV2(v, mount);
      const files = await renderedFiles("vault");
      const policies = files.filter((f) => /^vault\/.+\.policy\.hcl$/.test(f.path));
      const roles = files.filter((f) => /^vault\/.+\.role\.json$/.test(f.path));
      assert.equal(policies.length, 1, "the render wrote one Vault policy");
      assert.equal(roles.length, 1, "the render wrote one Kubernetes auth role");
      const { role_name, auth_mount, ...body } = JSON.parse(roles[0].content);
      const side: VaultSide = {
        policy: { name: path.basename(policies[0].path, ".policy.hcl"), hcl: policies[0].content },
        role: { authMount: auth_mount, name: role_name, body },
      };
      assert.deepEqual(
        [...new Set(sources.map((src) => `${src.authMount}/${src.role}`))],
        [`${auth_mount}/${role_name}`],
        "the fetcher logs in to the role the render wrote",
      );
      await enableKubernetesAuth(v, cluster, await tokenReviewer(cluster), auth_mount);
      await applyVaultSide(v, side);
    } catch (e) {
      v.stop();
      throw e;
    }
    return v;
  }

  after(async () => {
    vault?.stop();
    eksWebhook?.stop();
    aksWebhook?.stop();
    await aws?.close();
    await stores?.gcp.stop();
    await stores?.azure.stop();
    pki?.dispose();
    node?.stop();
    cluster?.stop();
    // The cluster's own directory (etcd's data, keys, logs): this suite's to remove.
    if (cluster) {
      await sleep(1000);
      fs.rmSync(cluster.dir, { recursive: true, force: true });
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("registers with the API server as system:node:<name> and is Ready, with the containerd and kubelet built here", async () => {
    const r = await cluster.request("GET", `/api/v1/nodes/${node.name}`);
    assert.equal(r.status, 200, summary(r));
    const info = r.body.status.nodeInfo;
    assert.equal(info.kubeletVersion, "v1.36.3");
    assert.match(info.containerRuntimeVersion, /^containerd:\/\/v?2\.4\./);
    assert.equal(r.body.status.conditions.find((c: KubeObject) => c.type === "Ready").status, "True");
    const images = node.ctr(["images", "ls", "-q"]);
    for (const name of Object.values(IMAGE_NAMES)) assert.ok(images.includes(name), `${name} imported`);
  });

  for (const example of kubernetesExamples()) {
    it(`examples/${example}: the fetch init container exits 0 (or, in refresh mode, the sidecar is started); the app (UID 10001, fsGroup) reads every file, owners and modes as documented, on a read-only tmpfs of the rendered size`, async function () {
      if (example === "vault" && !vault) {
        console.log(`      NOT RUN (pending): examples/vault needs the real Vault: ${vaultMissing}`);
        this.skip();
      }
      // Each example in a namespace of its own (they all name theirs "billing"); the vault example
      // keeps its own, to which the Vault role it rendered is bound.
      const objects0 = await rendered(example);
      const envFiles = new Map<string, KubeObject>();
      const { objects, expected, vaultWrites } = prepare(
        example === "vault" ? objects0 : inNamespace(objects0, `billing-${example}`),
        stores,
        (o, files) => {
          // A dotenv file read as POSIX sh reads it (`.`): each variable's hash, never its value.
          const fetchSpec = fetchSpecOf(podSpecOf(o)!.spec);
          if (!fetchSpec.envFile) return checkScript(files, "exec sleep 86400");
          envFiles.set(o.metadata.name, fetchSpec.envFile);
          return checkScript(
            [...files, fetchSpec.envFile.path],
            [
              ...Object.keys(fetchSpec.envFile.vars).map(
                (name) =>
                  `echo "check dotenv ${name} $( (. "$d/${fetchSpec.envFile.path}"; printf %s "$${name}") | sha256sum | cut -d' ' -f1)"`,
              ),
              "exec sleep 86400",
            ].join("\n"),
          );
        },
      );
      for (const w of vaultWrites) await writeKv(vault!, w.mount, w.path, w.data);
      await create(objects);
      for (const d of objects.filter((o) => o.kind === "Deployment")) {
        const spec = d.spec.template.spec;
        const app = spec.containers[0].name;
        const { pod, log } = await appLog(d.metadata.namespace, d.spec.selector.matchLabels, app, "checks-done");
        const fetch = pod.status.initContainerStatuses.find((s: KubeObject) => s.name === "secret-mount-fetch");
        if (spec.initContainers[0].restartPolicy === "Always") {
          // Refresh mode: the fetcher is a native sidecar; the app started only once it was started (its startup probe: the first set written).
          assert.ok(fetch.state.running && fetch.started === true, JSON.stringify(fetch));
        } else {
          assert.equal(fetch.state.terminated?.exitCode, 0, JSON.stringify(fetch.state));
        }
        const fetchSpec = fetchSpecOf(spec);
        const volume = spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory");
        assertChecks(
          log,
          expected.get(d.metadata.name)!,
          volume.emptyDir.sizeLimit,
          spec.securityContext.fsGroup,
          fetchSpec.fileMode ?? "0440",
          spec.containers[0].securityContext?.runAsGroup,
        );
        const envFile = envFiles.get(d.metadata.name);
        if (envFile) {
          const c = checks(log);
          assert.match(c.get(`file ${envFile.path}`) ?? "", new RegExp(`^440 65532 ${spec.securityContext.fsGroup} `));
          for (const [name, file] of Object.entries(envFile.vars as Record<string, string>))
            assert.equal(
              c.get(`dotenv ${name}`),
              expected.get(d.metadata.name)!.get(file),
              `${name} in ${envFile.path}`,
            );
        }
        const cloud = String(fetchSpec.files[0].source.type).split("-")[0];
        if (cloud === "vault") {
          await assertVaultReads(fetchSpec, d);
        } else if (cloud === "aws") {
          // The fetcher used the projected token: STS was asked, and every read was signed with what it issued.
          assert.ok(
            aws.callsOf("sts.AssumeRoleWithWebIdentity").some((c) => c.status === 200),
            "AssumeRoleWithWebIdentity succeeded",
          );
          assert.equal(aws.signatureFailures, 0);
        } else if (cloud === "gcp") {
          assert.ok(stores.gcp.tokenRequests > 0, "the fetcher took its token from the metadata server");
        } else {
          assert.ok(stores.azure.tokenRequests > 0, "the fetcher exchanged the projected token with Entra ID");
          assert.ok(stores.azure.secretReads > 0, "and read the vault with what Entra ID issued");
        }
      }
    });
  }

  it("adoption: a Helm chart's Deployment adopted by a SecretMount (fixtures/node-adopt-program) runs the same way: the fetcher first, the chart's init container after it, the chart's app reads every file", async () => {
    const { objects, expected } = prepare(
      await renderedObjectsAt(path.join(__dirname, "fixtures/node-adopt-program")),
      stores,
      // The chart's init container waits for a database this test has none of: it checks and exits.
      (_o, files, _c, init) => (init ? "exit 0" : checkScript(files, "exec sleep 86400")),
    );
    const d = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "web")!;
    const spec = d.spec.template.spec;
    assert.equal(d.spec.template.metadata.annotations["secret-mount.io/adopted-by"], "shop", "rendered adopted");
    assert.deepEqual(
      spec.initContainers.map((c: KubeObject) => c.name),
      ["secret-mount-fetch", "wait-for-db"],
    );
    // The chart names no user: the app's image does (USER 10001:10001).
    assert.equal(spec.containers[0].securityContext?.runAsUser, undefined);
    assert.equal(spec.containers[0].image, IMAGE_NAMES.appUser);
    const assumedBefore = aws.callsOf("sts.AssumeRoleWithWebIdentity").filter((c) => c.status === 200).length;
    await create(objects);
    const { pod, log } = await appLog(d.metadata.namespace, d.spec.selector.matchLabels, "web", "checks-done");
    const inits = Object.fromEntries(
      pod.status.initContainerStatuses.map((st: KubeObject) => [st.name, st.state.terminated]),
    );
    assert.equal(inits["secret-mount-fetch"]?.exitCode, 0, JSON.stringify(inits));
    assert.equal(inits["wait-for-db"]?.exitCode, 0, JSON.stringify(inits));
    assert.ok(
      Date.parse(inits["secret-mount-fetch"].finishedAt) <= Date.parse(inits["wait-for-db"].startedAt),
      "the chart's init container ran after the fetch",
    );
    // The role and the token are the fetcher's only (the chart's containers are in skip-containers).
    assert.deepEqual(irsaContainers(pod.spec), ["secret-mount-fetch"]);
    const fetchSpec = fetchSpecOf(spec);
    assert.equal(expected.get("web")!.size, 2);
    assertChecks(
      log,
      expected.get("web")!,
      spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory").emptyDir.sizeLimit,
      spec.securityContext.fsGroup,
      fetchSpec.fileMode ?? "0440",
    );
    assert.ok(
      aws.callsOf("sts.AssumeRoleWithWebIdentity").filter((c) => c.status === 200).length > assumedBefore,
      "the fetcher assumed the role with the projected token",
    );
  });

  it("EKS's pod identity webhook (built here, registered as EKS does) injects the role and the projected token into the fetch container only, honouring skip-containers; the fetcher assumed the role with that token", async function () {
    if (!eksWebhook) {
      console.log(`      NOT RUN (pending): ${eksWebhookMissing}`);
      this.skip();
    }
    const objects = await rendered("eks");
    const d = objects.find((o) => o.kind === "Deployment")!;
    const roleArn = objects.find((o) => o.kind === "ServiceAccount")!.metadata.annotations[
      "eks.amazonaws.com/role-arn"
    ];
    // Nothing of it is rendered: what the pod has, the webhook added at admission.
    const tpl = d.spec.template;
    assert.deepEqual(irsaContainers(tpl.spec), []);
    assert.equal(
      tpl.spec.volumes.some((v: KubeObject) => v.name === "aws-iam-token"),
      false,
    );
    const [pod] = await pods("billing-eks", d.spec.selector.matchLabels);
    assert.ok(pod, "the eks example's pod");
    const names = [...pod.spec.initContainers, ...pod.spec.containers].map((c: KubeObject) => c.name);
    assert.ok(names.length > 1, `the pod has containers beside the fetcher: ${names.join(",")}`);
    assert.deepEqual(
      String(tpl.metadata.annotations["eks.amazonaws.com/skip-containers"]).split(",").sort(),
      names.filter((n) => n !== "secret-mount-fetch").sort(),
      "the rendered skip-containers lists every container but the fetcher",
    );
    assert.deepEqual(irsaContainers(pod.spec), ["secret-mount-fetch"]);
    const fetch = pod.spec.initContainers.find((c: KubeObject) => c.name === "secret-mount-fetch");
    const env = Object.fromEntries(fetch.env.map((e: KubeObject) => [e.name, e.value]));
    assert.equal(env.AWS_ROLE_ARN, roleArn);
    assert.equal(env.AWS_WEB_IDENTITY_TOKEN_FILE, "/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
    assert.equal(env.AWS_STS_REGIONAL_ENDPOINTS, "regional");
    assert.deepEqual(
      fetch.volumeMounts.find((m: KubeObject) => m.name === "aws-iam-token"),
      { name: "aws-iam-token", mountPath: "/var/run/secrets/eks.amazonaws.com/serviceaccount", readOnly: true },
    );
    const volume = pod.spec.volumes.find((v: KubeObject) => v.name === "aws-iam-token");
    assert.deepEqual(volume.projected.sources, [
      { serviceAccountToken: { audience: "sts.amazonaws.com", expirationSeconds: 86400, path: "token" } },
    ]);
    // The webhook saw the pod (its own log) and STS accepted the token the kubelet projected for it.
    const log = eksWebhook!.logs();
    assert.match(log, /Pod was mutated\. .*billing-eks/);
    for (const n of names.filter((x) => x !== "secret-mount-fetch"))
      assert.ok(log.includes(`Container ${n} was annotated to be skipped`), `the webhook skipped ${n}`);
    assert.ok(
      aws.callsOf("sts.AssumeRoleWithWebIdentity").some((c) => c.status === 200),
      "AssumeRoleWithWebIdentity with the projected token succeeded",
    );
  });

  /** The fetch container's first failed run in a namespace: its pod, its terminated state, its log's JSON lines. */
  async function fetchFailure(ns: string, selector: Record<string, string>) {
    const { pod, fetch } = await until("the fetch container to fail", async () => {
      for (const p of await pods(ns, selector)) {
        const f = (p.status?.initContainerStatuses ?? []).find((st: KubeObject) => st.name === "secret-mount-fetch");
        const term = f?.state?.terminated ?? f?.lastState?.terminated;
        if (term) return { pod: p, fetch: term };
      }
      return undefined;
    });
    const run = runLogsIn(path.join(node.dir, "pod-logs"), ns, pod.metadata.name, "secret-mount-fetch").get(0) ?? "";
    return { pod, fetch, log: jsonLines(run) };
  }

  it("Vault refuses the vault example's workload copied into another namespace (its ServiceAccount has the same name; the role binds the rendered namespace only): the fetcher fails with exit code 1 and an access-denied line, the app never starts", async function () {
    if (!vault) {
      console.log(`      NOT RUN (pending): needs the real Vault: ${vaultMissing}`);
      this.skip();
    }
    const ns = "billing-vault-copy";
    const { objects } = prepare(inNamespace(await rendered("vault"), ns), stores, (_o, files) =>
      checkScript(files, "exec sleep 86400"),
    );
    await create(objects);
    const d = objects.find((o) => o.kind === "Deployment")!;
    const { pod, fetch, log } = await fetchFailure(ns, d.spec.selector.matchLabels);
    assert.equal(fetch.exitCode, 1, JSON.stringify(fetch));
    const failed = log.filter((l) => l.event === "file-failed");
    assert.ok(failed.length > 0, `file-failed lines in ${JSON.stringify(log.map((l) => l.event))}`);
    for (const l of failed) {
      assert.equal(l.cause, "access-denied", JSON.stringify(l));
      assert.match(l.msg, /Kubernetes login as role "billing-billing-api"/);
    }
    assert.ok(
      log.some((l) => l.event === "fetch-failed" && /files failed; nothing was written/.test(l.msg)),
      "the fetch-failed summary line",
    );
    // Vault itself refused it: a login from this namespace's token, answered with an error, no token issued.
    const refused = vault!
      .audit()
      .filter((e) => e.type === "response" && e.request?.path === "auth/kubernetes/login" && e.error);
    assert.ok(refused.length > 0, "Vault's audit device shows a refused login");
    assert.ok(refused.every((e) => !e.response?.auth?.client_token));
    const latest = (await pods(ns, d.spec.selector.matchLabels)).find((p) => p.metadata.name === pod.metadata.name)!;
    const app = latest.status.containerStatuses.find(
      (st: KubeObject) => st.name === d.spec.template.spec.containers[0].name,
    );
    assert.equal(app.started, false, JSON.stringify(app.state));
    assert.equal(app.lastState?.terminated, undefined);
  });

  it("AKS's workload identity webhook (built here, registered from its release manifest) injects the client and tenant id, the token file, the authority host and the projected token into the fetch container only, honouring skip-containers; the fetcher exchanged that token with Entra ID", async function () {
    if (!aksWebhook) {
      console.log(`      NOT RUN (pending): ${aksWebhookMissing}`);
      this.skip();
    }
    const objects = await rendered("aks");
    const d = objects.find((o) => o.kind === "Deployment")!;
    const sa = objects.find((o) => o.kind === "ServiceAccount")!.metadata.annotations;
    const tpl = d.spec.template;
    assert.equal(tpl.metadata.labels["azure.workload.identity/use"], "true");
    const azureContainers = (spec: KubeObject) =>
      [...(spec.initContainers ?? []), ...spec.containers]
        .filter((c: KubeObject) => (c.env ?? []).some((e: KubeObject) => e.name.startsWith("AZURE_")))
        .map((c: KubeObject) => c.name);
    // Nothing of it is rendered: what the pod has, the webhook added at admission.
    assert.deepEqual(azureContainers(tpl.spec), []);
    const [pod] = await pods("billing-aks", d.spec.selector.matchLabels);
    assert.ok(pod, "the aks example's pod");
    const names = [...pod.spec.initContainers, ...pod.spec.containers].map((c: KubeObject) => c.name);
    assert.deepEqual(
      String(tpl.metadata.annotations["azure.workload.identity/skip-containers"]).split(";").sort(),
      names.filter((n) => n !== "secret-mount-fetch").sort(),
      "the rendered skip-containers lists every container but the fetcher",
    );
    assert.deepEqual(azureContainers(pod.spec), ["secret-mount-fetch"]);
    const fetch = pod.spec.initContainers.find((c: KubeObject) => c.name === "secret-mount-fetch");
    const env = Object.fromEntries(fetch.env.map((e: KubeObject) => [e.name, e.value]));
    assert.equal(env.AZURE_CLIENT_ID, sa["azure.workload.identity/client-id"]);
    assert.equal(env.AZURE_TENANT_ID, sa["azure.workload.identity/tenant-id"], "the ServiceAccount's tenant");
    assert.equal(env.AZURE_FEDERATED_TOKEN_FILE, "/var/run/secrets/azure/tokens/azure-identity-token");
    assert.equal(env.AZURE_AUTHORITY_HOST, aksWebhook!.authorityHost);
    const volume = pod.spec.volumes.find((v: KubeObject) => v.name === "azure-identity-token");
    assert.deepEqual(volume.projected.sources, [
      {
        serviceAccountToken: {
          audience: "api://AzureADTokenExchange",
          expirationSeconds: 3600,
          path: "azure-identity-token",
        },
      },
    ]);
    // Entra ID (the double) accepted the token the kubelet projected into that volume.
    assert.ok(stores.azure.tokenRequests > 0, "the fetcher exchanged the projected token with Entra ID");
    assert.ok(stores.azure.secretReads > 0, "and read the vault with what Entra ID issued");
  });

  it("a denied secret: the fetch init container fails with exit code 1 and the documented log lines, and the app container never starts", async () => {
    // The eks example's objects again, in a namespace of their own; the double refuses one secret.
    const ns = "billing-denied";
    const { objects } = prepare(inNamespace(await rendered("eks"), ns), stores, (_o, files) =>
      checkScript(files, "exec sleep 86400"),
    );
    const d = objects.find((o) => o.kind === "Deployment")!;
    const fetchSpec = fetchSpecOf(d.spec.template.spec);
    const deniedArn: string = fetchSpec.files.find((f: KubeObject) => f.path === "db-password").source.secretId;
    const deniedName = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(deniedArn)![1];
    aws.denied.add(deniedName);
    try {
      await create(objects);
      const app = d.spec.template.spec.containers[0].name;
      const { pod, fetch, log } = await fetchFailure(ns, d.spec.selector.matchLabels);
      assert.equal(fetch.exitCode, 1, JSON.stringify(fetch));
      const failed = log.find((l) => l.event === "file-failed" && l.file === "db-password");
      assert.ok(failed, `a file-failed line for db-password in ${JSON.stringify(log.map((l) => l.event))}`);
      assert.equal(failed.cause, "access-denied");
      assert.match(failed.msg, /the pod's identity may not read it \(/);
      assert.ok(
        log.some((l) => l.event === "fetch-failed" && /files failed; nothing was written/.test(l.msg)),
        "the fetch-failed summary line",
      );
      // The app container never ran: waiting behind the init container, no log, no earlier run.
      const latest = (await pods(ns, d.spec.selector.matchLabels)).find((p) => p.metadata.name === pod.metadata.name)!;
      const appStatus = latest.status.containerStatuses.find((st: KubeObject) => st.name === app);
      assert.ok(appStatus.state.waiting, JSON.stringify(appStatus.state));
      assert.equal(appStatus.started, false);
      assert.equal(appStatus.lastState?.terminated, undefined);
      assert.equal(node.containerLog(ns, pod.metadata.name, app), "");
    } finally {
      aws.denied.delete(deniedName);
    }
  });

  it("Pod Security (restricted) admits every rendered pod and refuses a negative control: the same pod with a privileged fetch container", async () => {
    // Every rendered workload above was created without a Pod Security warning (create() checks it);
    // their pods were admitted and ran. The negative control is refused by the admission plugin itself.
    const running = await pods("billing-eks", {});
    assert.ok(running.length > 0, "the eks example's pod exists");
    const pod = structuredClone(running[0]);
    const control = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "privileged-control", namespace: "billing-eks" },
      spec: { ...pod.spec, nodeName: undefined },
    };
    // (privileged with allowPrivilegeEscalation false is refused by validation before admission)
    control.spec.initContainers[0].securityContext = {
      ...control.spec.initContainers[0].securityContext,
      privileged: true,
      allowPrivilegeEscalation: undefined,
    };
    const r = await cluster.request("POST", "/api/v1/namespaces/billing-eks/pods", control);
    assert.equal(r.status, 403, summary(r));
    assert.match(
      r.body.message,
      /violates PodSecurity "restricted:[^"]+": privileged \(container "secret-mount-fetch" must not set securityContext.privileged=true\)/,
    );
  });

  describe("the workload kinds and modes the examples do not show (tests-real/fixtures/node-program)", () => {
    let fixture: KubeObject[];
    let prepared: Prepared;
    before(async () => {
      fixture = await renderedObjectsAt(path.join(__dirname, "fixtures/node-program"));
      prepared = prepare(fixture, stores, (o, files) => {
        if (o.kind === "Deployment" && o.metadata.namespace === "node-env-restart") {
          // The variable the kubelet set from the env file: its hash, never its value.
          return checkScript(
            files,
            `echo "check env API_TOKEN $(printf %s "$API_TOKEN" | sha256sum | cut -d' ' -f1)"\necho env-done\nexec sleep 86400`,
          );
        }
        if (o.kind === "Deployment" && o.metadata.name === "signaled") {
          // A shell that traps SIGHUP and prints the file's hash and ..data's target; `wait` lets the
          // trap run at once.
          return checkScript(
            files,
            [
              `trap 'echo "reload HUP $(sha256sum < "$d/${files[0]}" | cut -d" " -f1) $(readlink "$d/..data")"' HUP`,
              "while :; do sleep 1 & wait $!; done",
            ].join("\n"),
          );
        }
        if (o.kind === "Deployment" && o.metadata.name === "watched") {
          // docs/rotation.md's Node watcher, in the fetch image's Node (the busybox here has no
          // inotifyd): on ..data moved in, the generation and the file's hash.
          const gen = fetchSpecOf(podSpecOf(o)!.spec).notify.generationFile.path;
          const js = [
            `const fs = require("fs"), crypto = require("crypto"), d = ${JSON.stringify(MOUNT)};`,
            `const show = (why) => console.log([why, JSON.parse(fs.readFileSync(d + "/" + ${JSON.stringify(gen ?? "secret-mount.generation")}, "utf8")).generation,`,
            `  crypto.createHash("sha256").update(fs.readFileSync(d + "/" + ${JSON.stringify(files[0])})).digest("hex"), fs.readlinkSync(d + "/..data")].join(" "));`,
            `show("generation");`,
            `fs.watch(d, (e, name) => name === "..data" && show("reload"));`,
            `console.log("checks-done");`,
          ].join("\n");
          return { image: IMAGE_NAMES.fetch, command: ["/nodejs/bin/node", "-e", js] };
        }
        if (o.kind === "Deployment") {
          return [
            `export RELOAD_DIR=${MOUNT} RELOAD_FILES="${files.join(" ")}"`,
            checkScript(files, `exec httpd -f -p 127.0.0.1:8080 -h /www`),
          ].join("\n");
        }
        if (o.kind === "Job" && o.metadata.name === "batch") {
          // A batch job that waits for the next generation of its secret, then reads it and exits.
          const gen = fetchSpecOf(podSpecOf(o)!.spec).notify.generationFile.path ?? "secret-mount.generation";
          return checkScript(
            files,
            [
              `until grep -q '"generation":2,' "$d/${gen}"; do sleep 1; done`,
              `echo "reload $(sha256sum < "$d/${files[0]}" | cut -d' ' -f1)"`,
              "exit 0",
            ].join("\n"),
          );
        }
        return checkScript(files, "exit 0");
      });
    });

    it("refresh: the native sidecar starts before the app and keeps running; a new version is swapped in, visible through ..data, and the HTTP notification reaches the app", async () => {
      const objects = prepared.objects.filter(
        (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === "node-refresh",
      );
      await create(objects);
      const d = objects.find((o) => o.kind === "Deployment")!;
      const spec = d.spec.template.spec;
      assert.equal(spec.initContainers[0].restartPolicy, "Always", "the fetcher is a native sidecar");
      const { pod, log } = await appLog("node-refresh", d.spec.selector.matchLabels, "app", "checks-done");
      const volume = spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory");
      assertChecks(
        log,
        prepared.expected.get(d.metadata.name)!,
        volume.emptyDir.sizeLimit,
        spec.securityContext.fsGroup,
        "0440",
      );
      // The pod's status as the kubelet reports it once the app runs.
      const { fetch, app } = await until("the app's status to say running", async () => {
        const p = (await pods("node-refresh", d.spec.selector.matchLabels)).find(
          (x) => x.metadata.name === pod.metadata.name,
        );
        const f = p?.status?.initContainerStatuses?.find((st: KubeObject) => st.name === "secret-mount-fetch");
        const a = p?.status?.containerStatuses?.find((st: KubeObject) => st.name === "app");
        return a?.state?.running ? { fetch: f, app: a } : undefined;
      });
      assert.ok(fetch.state.running, `the sidecar runs: ${JSON.stringify(fetch.state)}`);
      assert.ok(
        Date.parse(fetch.state.running.startedAt) <= Date.parse(app.state.running.startedAt),
        "the sidecar started first",
      );
      const firstLink = checks(log).get("data-link");

      // A new version in the store: the next refresh swaps it in and tells the app.
      const fetchSpec = fetchSpecOf(spec);
      const arn = fetchSpec.files[0].source.secretId;
      const rotated = `v-${randomBytes(12).toString("hex")}`;
      aws.putSecretAt(arn, rotated);
      const reload = await until(
        "the app's reload endpoint to see the new version",
        async () => {
          const l = node
            .containerLog("node-refresh", pod.metadata.name, "app")
            .split("\n")
            .find((x) => x.startsWith(`reload POST ${fetchSpec.files[0].path} ${sha(rotated)}`));
          return l;
        },
        90_000,
      );
      const link = reload.split(" ").pop();
      assert.ok(link && link !== firstLink, `..data now points at a new set (${firstLink} -> ${link})`);
      const after = (await pods("node-refresh", d.spec.selector.matchLabels)).find(
        (p) => p.metadata.name === pod.metadata.name,
      )!;
      const sidecar = after.status.initContainerStatuses.find((st: KubeObject) => st.name === "secret-mount-fetch");
      assert.ok(sidecar.state.running, "the sidecar keeps running");
      assert.equal(sidecar.restartCount, 0);
    });

    it("refresh notifications: SIGHUP reaches the app's shell in the shared process namespace, and the app's fs.watch sees ..data moved in with the next generation file", async () => {
      const ns = "node-notify";
      const objects = prepared.objects.filter(
        (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === ns,
      );
      await create(objects);
      const signaled = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "signaled")!;
      const watched = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "watched")!;
      assert.equal(signaled.spec.template.spec.shareProcessNamespace, true, "signal: one process namespace");
      assert.equal(watched.spec.template.spec.shareProcessNamespace, undefined, "generationFile: none shared");
      const specOf = (d: KubeObject) => fetchSpecOf(d.spec.template.spec);
      const s1 = await appLog(ns, signaled.spec.selector.matchLabels, "app", "checks-done");
      const w1 = await appLog(ns, watched.spec.selector.matchLabels, "app", "checks-done");
      const [, gen0, hash0] = /^generation (\d+) (\S+) /m.exec(w1.log)!;
      assert.equal(hash0, [...prepared.expected.get("watched")!.values()][0], "the first set's file");

      // A new version of each secret: the next refresh swaps it in and notifies.
      const rotated = {
        signaled: `v-${randomBytes(12).toString("hex")}`,
        watched: `v-${randomBytes(12).toString("hex")}`,
      };
      aws.putSecretAt(specOf(signaled).files[0].source.secretId, rotated.signaled);
      aws.putSecretAt(specOf(watched).files[0].source.secretId, rotated.watched);
      const hup = await until(
        "the app's shell to trap SIGHUP and see the new value",
        async () =>
          node
            .containerLog(ns, s1.pod.metadata.name, "app")
            .split("\n")
            .find((l) => l.startsWith(`reload HUP ${sha(rotated.signaled)} `)),
        90_000,
      );
      assert.notEqual(hup.split(" ").pop(), checks(s1.log).get("data-link"), "..data points at a new set");
      const notified = jsonLines(node.containerLog(ns, s1.pod.metadata.name, "secret-mount-fetch")).filter(
        (l) => l.event === "app-notified",
      );
      assert.ok(notified.length >= 1, "the sidecar logged app-notified");
      assert.ok(
        notified.every((l) => l.mode === "signal" && l.signal === "SIGHUP" && l.pids.length >= 1),
        JSON.stringify(notified),
      );
      const reload = await until(
        "the app's fs.watch to see ..data with the new value",
        async () =>
          node
            .containerLog(ns, w1.pod.metadata.name, "app")
            .split("\n")
            .find((l) => l.startsWith("reload ") && l.split(" ")[2] === sha(rotated.watched)),
        90_000,
      );
      assert.equal(Number(reload.split(" ")[1]), Number(gen0) + 1, `the generation file counts the sets: ${reload}`);
    });

    it("secretEnv + restartPod: the kubelet sets the app's variable from the env file; a rotation restarts the same pod in place (fetcher again, app with the new value); a second rotation soon after restarts it only minIntervalSeconds after the first", async () => {
      const ns = "node-env-restart";
      const runLogs = (n: string, p: string, c: string) => runLogsIn(path.join(node.dir, "pod-logs"), n, p, c);
      const objects = prepared.objects.filter(
        (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === ns,
      );
      await create(objects);
      const d = objects.find((o) => o.kind === "Deployment")!;
      const spec = d.spec.template.spec;
      const sel = d.spec.selector.matchLabels;
      // As rendered: a reference only in the app, the restart rule on the fetch sidecar.
      const appSpec = spec.containers.find((c: KubeObject) => c.name === "app");
      assert.deepEqual(
        appSpec.env.find((e: KubeObject) => e.name === "API_TOKEN").valueFrom.fileKeyRef.key,
        "API_TOKEN",
      );
      assert.equal(spec.initContainers[0].restartPolicy, "Always");
      assert.deepEqual(spec.initContainers[0].restartPolicyRules, [
        { action: "RestartAllContainers", exitCodes: { operator: "In", values: [75] } },
      ]);
      const expected = prepared.expected.get(d.metadata.name)!;
      assert.equal(expected.size, 1);
      const [[file, firstHash]] = [...expected];
      const fetchSpec = fetchSpecOf(spec);
      assert.equal(fetchSpec.kubeletEnvFile.vars.API_TOKEN, file);

      // (1) The app's environment holds the value the fetcher wrote (same hash as the file's).
      const { pod, log } = await appLog(ns, sel, "app", "env-done");
      assert.equal(checks(log).get(`file ${file}`)?.split(" ").pop(), firstHash, "the file holds the stored value");
      assert.equal(envHash(log), firstHash, "API_TOKEN holds the stored value");
      const uid = pod.metadata.uid;
      const status = async () => {
        const all = await pods(ns, sel);
        const p = all.find((x) => x.metadata.name === pod.metadata.name);
        return {
          all,
          p,
          fetch: p?.status?.initContainerStatuses?.find((st: KubeObject) => st.name === "secret-mount-fetch"),
          app: p?.status?.containerStatuses?.find((st: KubeObject) => st.name === "app"),
        };
      };
      const before = await until("the app to run", async () => {
        const s = await status();
        return s.app?.state?.running ? s : undefined;
      });
      assert.equal(before.app.restartCount, 0);
      assert.equal(before.fetch.restartCount, 0);

      // (2) A new version in the store: the sidecar swaps it in, exits 75, the kubelet restarts every container.
      const rotated = `v-${randomBytes(12).toString("hex")}`;
      aws.putSecretAt(fetchSpec.files[0].source.secretId, rotated);
      const describe = async () => {
        const s = await status();
        const ev = await cluster.request("GET", `/api/v1/namespaces/${ns}/events`);
        return [
          `pods: ${s.all.map((x) => `${x.metadata.name} ${x.metadata.uid}`).join(", ")}`,
          `fetch status: ${JSON.stringify(s.fetch)}`,
          `app status: ${JSON.stringify(s.app)}`,
          `events: ${(ev.body.items ?? []).map((e: KubeObject) => `${e.involvedObject.fieldPath ?? ""} ${e.reason}: ${e.message}`).join(" | ")}`,
          `fetch log: ${node.containerLog(ns, pod.metadata.name, "secret-mount-fetch")}`,
          `app log: ${node.containerLog(ns, pod.metadata.name, "app")}`,
        ].join("\n");
      };
      const after = await until(
        "the app to run again with the new value",
        async () => {
          const s = await status();
          if (!(s.app?.restartCount >= 1 && s.app?.state?.running)) return undefined;
          const l = node.containerLog(ns, pod.metadata.name, "app");
          return envHash(l) === sha(rotated) ? { ...s, log: l } : undefined;
        },
        120_000,
        describe,
      );
      const why = await describe();
      // The same pod, in place: same UID, no second pod, the restart counts went up.
      assert.deepEqual(
        after.all.map((x) => x.metadata.uid),
        [uid],
        why,
      );
      assert.equal(after.app.restartCount, 1, why);
      assert.equal(after.fetch.restartCount, 1, why);
      // What the kubelet reports for every container it restarted, the sidecar that exited 75
      // included: the removed container's state, not the exit code that triggered the rule.
      for (const st of [after.fetch, after.app])
        assert.deepEqual(
          [st.lastState?.terminated?.reason, st.lastState?.terminated?.exitCode],
          ["RestartingAllContainers", 137],
          why,
        );
      assert.ok(after.fetch.state.running, why);
      // The sidecar's first run (0.log) asked for it: restart-pod, exit 75; its second run (1.log)
      // wrote a fresh set and found the request recorded in the volume's ..restart-pod.
      const runs = runLogs(ns, pod.metadata.name, "secret-mount-fetch");
      assert.deepEqual([...runs.keys()], [0, 1], why);
      const first = jsonLines(runs.get(0)!);
      const restart = first.find((l) => l.event === "restart-pod");
      assert.ok(restart, `a restart-pod line in the first run: ${JSON.stringify(first.map((l) => l.event))}`);
      assert.equal(restart.exitCode, 75);
      assert.equal(restart.restartsRequested, 1);
      assert.ok(
        first.some((l) => l.event === "set-swapped"),
        why,
      );
      const second = jsonLines(runs.get(1)!);
      assert.ok(
        second.some((l) => l.event === "set-written"),
        why,
      );
      assert.equal(second.find((l) => l.event === "refresh-started")?.restartPod?.restartsRequested, 1, why);
      assert.equal(
        second.some((l) => l.event === "restart-pod" || l.event === "restart-deferred"),
        false,
        why,
      );
      assert.equal(checks(after.log).get(`file ${file}`)?.split(" ").pop(), sha(rotated), why);
      assert.equal(envHash(after.log), sha(rotated), why);
      // Nothing rolled: the Deployment's ReplicaSet is the one it had.
      const rs = await cluster.request("GET", `/apis/apps/v1/namespaces/${ns}/replicasets`);
      assert.equal(rs.body.items.length, 1, why);

      // (3) The debounce: a second rotation right after the first restart is swapped in at the next
      // refresh, but the restart waits until minIntervalSeconds after the first one (the state in
      // the volume's ..restart-pod outlived the sidecar's restart).
      const minMs = fetchSpec.notify.restartPod.minIntervalSeconds * 1000;
      const firstAt = Date.parse(restart.time);
      const rotated2 = `v-${randomBytes(12).toString("hex")}`;
      aws.putSecretAt(fetchSpec.files[0].source.secretId, rotated2);
      const deferred = await until(
        "the sidecar to defer the second restart",
        async () =>
          jsonLines(runLogs(ns, pod.metadata.name, "secret-mount-fetch").get(1) ?? "").find(
            (l) => l.event === "restart-deferred",
          ),
        60_000,
        describe,
      );
      assert.ok(
        Date.parse(deferred.time) < firstAt + minMs,
        `deferred inside the interval: ${JSON.stringify(deferred)}`,
      );
      assert.ok(deferred.inMs > 0 && deferred.inMs <= minMs, JSON.stringify(deferred));
      assert.equal(deferred.restartsRequested, 1);
      const again = await until(
        "the second restart in place, the app with the second value",
        async () => {
          const s = await status();
          if (!(s.app?.restartCount >= 2 && s.app?.state?.running)) return undefined;
          const l = node.containerLog(ns, pod.metadata.name, "app");
          return envHash(l) === sha(rotated2) ? s : undefined;
        },
        minMs + 90_000,
        describe,
      );
      const why2 = await describe();
      assert.deepEqual(
        again.all.map((x) => x.metadata.uid),
        [uid],
        why2,
      );
      assert.equal(again.app.restartCount, 2, why2);
      const second2 = jsonLines(runLogs(ns, pod.metadata.name, "secret-mount-fetch").get(1) ?? "");
      const restart2 = second2.find((l) => l.event === "restart-pod");
      assert.ok(restart2, why2);
      assert.equal(restart2.restartsRequested, 2);
      assert.ok(
        Date.parse(restart2.time) >= firstAt + minMs,
        `the second restart came ${Date.parse(restart2.time) - firstAt} ms after the first (min ${minMs})`,
      );
    });

    it("Jobs and a CronJob: the fetch runs first (init mode) or as a native sidecar (refresh mode: a rotation during the job reaches it, and the kubelet stops the sidecar once the job's container has exited); each job's container reads the files and each completes", async () => {
      const ns = "node-jobs";
      const objects = prepared.objects.filter(
        (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === ns,
      );
      await create(objects);
      /** A Job's pod once the Job is complete: the job container's checks, the fetcher's and the job's status. */
      const completed = async (job: KubeObject, spec: KubeObject, expected: Map<string, string>) => {
        const done = await until(
          `the Job ${job.metadata.name} to complete`,
          async () => {
            const r = await cluster.request("GET", `/apis/batch/v1/namespaces/${ns}/jobs/${job.metadata.name}`);
            const c = (r.body.status?.conditions ?? []).find(
              (x: KubeObject) => ["Complete", "Failed"].includes(x.type) && x.status === "True",
            );
            return c?.type;
          },
          150_000,
        );
        assert.equal(done, "Complete", job.metadata.name);
        const [pod] = await pods(ns, { "job-name": job.metadata.name });
        assert.equal(pod.status.phase, "Succeeded");
        const log = node.containerLog(ns, pod.metadata.name, spec.containers[0].name);
        assertChecks(
          log,
          expected,
          spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory").emptyDir.sizeLimit,
          spec.securityContext.fsGroup,
          "0440",
        );
        const fetch = pod.status.initContainerStatuses.find((st: KubeObject) => st.name === "secret-mount-fetch");
        const main = pod.status.containerStatuses[0].state.terminated;
        assert.equal(main?.exitCode, 0, JSON.stringify(pod.status.containerStatuses[0]));
        assert.equal(fetch.state.terminated?.exitCode, 0, JSON.stringify(fetch));
        if (spec.initContainers[0].restartPolicy === "Always") {
          // A native sidecar: it ran beside the job's container and the kubelet stopped it after.
          assert.ok(Date.parse(fetch.state.terminated.startedAt) <= Date.parse(main.startedAt), JSON.stringify(fetch));
          assert.ok(
            Date.parse(fetch.state.terminated.finishedAt) >= Date.parse(main.finishedAt),
            JSON.stringify(fetch),
          );
          const lines = jsonLines(node.containerLog(ns, pod.metadata.name, "secret-mount-fetch"));
          assert.ok(
            lines.some((l) => l.event === "refresh-started"),
            "the sidecar refreshed",
          );
          assert.equal(lines.at(-1)?.event, "stopped", "the sidecar's last line: stopped (SIGTERM)");
        } else {
          assert.ok(Date.parse(fetch.state.terminated.finishedAt) <= Date.parse(main.startedAt), JSON.stringify(fetch));
        }
        return log;
      };

      // Init mode.
      const report = objects.find((o) => o.kind === "Job" && o.metadata.name === "report")!;
      await completed(report, report.spec.template.spec, prepared.expected.get("report")!);

      // Refresh mode: the job's container waits for the second generation, which a rotation makes.
      const batch = objects.find((o) => o.kind === "Job" && o.metadata.name === "batch")!;
      const bspec = batch.spec.template.spec;
      assert.equal(bspec.initContainers[0].restartPolicy, "Always", "rendered as a native sidecar");
      await appLog(ns, { "job-name": batch.metadata.name }, "batch", "checks-done");
      const rotated = `v-${randomBytes(12).toString("hex")}`;
      const batchSpec = fetchSpecOf(bspec);
      aws.putSecretAt(batchSpec.files[0].source.secretId, rotated);
      const blog = await completed(batch, bspec, prepared.expected.get("batch")!);
      assert.match(blog, new RegExp(`^reload ${sha(rotated)}$`, "m"), "the job saw the rotated value");

      // The CronJob runs every minute, in refresh mode: its first Job completes.
      const cron = objects.find((o) => o.kind === "CronJob")!;
      const cspec = cron.spec.jobTemplate.spec.template.spec;
      assert.equal(cspec.initContainers[0].restartPolicy, "Always", "rendered as a native sidecar");
      const cronJob = await until(
        "the CronJob's first Job",
        async () => {
          const r = await cluster.request("GET", `/apis/batch/v1/namespaces/${ns}/jobs`);
          return r.body.items.find((j: KubeObject) =>
            (j.metadata.ownerReferences ?? []).some(
              (o: KubeObject) => o.kind === "CronJob" && o.name === cron.metadata.name,
            ),
          );
        },
        150_000,
      );
      await completed(cronJob, cspec, prepared.expected.get(cron.metadata.name)!);
    });
  });
});
