import assert from "node:assert/strict";
import * as path from "node:path";
import type { Cluster } from "./helpers/cluster";
import { IMAGE_NAMES } from "./helpers/images";
import type { KubeNode } from "./helpers/node";
import { assertChecks, checks, checkScript } from "./helpers/node-checks";
import {
  fetchSpecOf,
  inNamespace,
  irsaContainers,
  podSpecOf,
  prepare,
  rendered,
  type Stores,
} from "./helpers/node-pods";
import { NodeTier, responseSummary } from "./helpers/node-tier";
import { assertVaultReads } from "./helpers/node-vault";
import { kubernetesExamples, renderedObjectsAt, type KubeObject } from "./helpers/rendered";
import { writeKv, type VaultServer } from "./helpers/vault";
import type { AwsDouble } from "../tests/runtime/doubles/aws";

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

describe("a real node (kubelet, containerd, runc, CNI bridge) runs the rendered pods", function () {
  this.timeout(600_000);
  const t = new NodeTier();
  let cluster: Cluster;
  let node: KubeNode;
  let aws: AwsDouble;
  let stores: Stores;
  let vault: VaultServer | undefined;

  before(async function () {
    this.timeout(0);
    await t.start(this);
    ({ cluster, node, aws, stores, vault } = t);
  });

  after(() => t.stop());

  it("registers with the API server as system:node:<name> and is Ready, with the containerd and kubelet built here", async () => {
    const r = await cluster.request("GET", `/api/v1/nodes/${node.name}`);
    assert.equal(r.status, 200, responseSummary(r));
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
        console.log(`      NOT RUN (pending): examples/vault needs the real Vault: ${t.vaultMissing}`);
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
      await t.create(objects);
      for (const d of objects.filter((o) => o.kind === "Deployment")) {
        const spec = d.spec.template.spec;
        const app = spec.containers[0].name;
        const { pod, log } = await t.appLog(d.metadata.namespace, d.spec.selector.matchLabels, app, "checks-done");
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
          await assertVaultReads(vault!, (v, f) => t.projected(v, f), fetchSpec, d);
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
    await t.create(objects);
    const { pod, log } = await t.appLog(d.metadata.namespace, d.spec.selector.matchLabels, "web", "checks-done");
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
    if (!t.eksWebhook) {
      console.log(`      NOT RUN (pending): ${t.eksWebhookMissing}`);
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
    const [pod] = await t.pods("billing-eks", d.spec.selector.matchLabels);
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
    const log = t.eksWebhook!.logs();
    assert.match(log, /Pod was mutated\. .*billing-eks/);
    for (const n of names.filter((x) => x !== "secret-mount-fetch"))
      assert.ok(log.includes(`Container ${n} was annotated to be skipped`), `the webhook skipped ${n}`);
    assert.ok(
      aws.callsOf("sts.AssumeRoleWithWebIdentity").some((c) => c.status === 200),
      "AssumeRoleWithWebIdentity with the projected token succeeded",
    );
  });

  it("Vault refuses the vault example's workload copied into another namespace (its ServiceAccount has the same name; the role binds the rendered namespace only): the fetcher fails with exit code 1 and an access-denied line, the app never starts", async function () {
    if (!vault) {
      console.log(`      NOT RUN (pending): needs the real Vault: ${t.vaultMissing}`);
      this.skip();
    }
    const ns = "billing-vault-copy";
    const { objects } = prepare(inNamespace(await rendered("vault"), ns), stores, (_o, files) =>
      checkScript(files, "exec sleep 86400"),
    );
    await t.create(objects);
    const d = objects.find((o) => o.kind === "Deployment")!;
    const { pod, fetch, log } = await t.fetchFailure(ns, d.spec.selector.matchLabels);
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
    const latest = (await t.pods(ns, d.spec.selector.matchLabels)).find((p) => p.metadata.name === pod.metadata.name)!;
    const app = latest.status.containerStatuses.find(
      (st: KubeObject) => st.name === d.spec.template.spec.containers[0].name,
    );
    assert.equal(app.started, false, JSON.stringify(app.state));
    assert.equal(app.lastState?.terminated, undefined);
  });

  it("AKS's workload identity webhook (built here, registered from its release manifest) injects the client and tenant id, the token file, the authority host and the projected token into the fetch container only, honouring skip-containers; the fetcher exchanged that token with Entra ID", async function () {
    if (!t.aksWebhook) {
      console.log(`      NOT RUN (pending): ${t.aksWebhookMissing}`);
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
    const [pod] = await t.pods("billing-aks", d.spec.selector.matchLabels);
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
    assert.equal(env.AZURE_AUTHORITY_HOST, t.aksWebhook!.authorityHost);
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
      await t.create(objects);
      const app = d.spec.template.spec.containers[0].name;
      const { pod, fetch, log } = await t.fetchFailure(ns, d.spec.selector.matchLabels);
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
      const latest = (await t.pods(ns, d.spec.selector.matchLabels)).find(
        (p) => p.metadata.name === pod.metadata.name,
      )!;
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
    // Every rendered workload above was created without a Pod Security warning (NodeTier.create checks it);
    // their pods were admitted and ran. The negative control is refused by the admission plugin itself.
    const running = await t.pods("billing-eks", {});
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
    assert.equal(r.status, 403, responseSummary(r));
    assert.match(
      r.body.message,
      /violates PodSecurity "restricted:[^"]+": privileged \(container "secret-mount-fetch" must not set securityContext.privileged=true\)/,
    );
  });
});
