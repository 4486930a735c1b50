import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { startCluster, type Cluster, type KubeResponse } from "./helpers/cluster";
import {
  collectionPath,
  kubernetesExamples,
  podFromTemplate,
  renderedObjects,
  type KubeObject,
} from "./helpers/rendered";
import { needTool } from "./helpers/tools";
import { adoptedObjects } from "./helpers/adopted";
import { podSecurityViolations } from "../components/kubernetes/restricted";
import { ALLOWED_CASES, FORBIDDEN_CASES } from "../tests/helpers/pod-security-cases";

const DRY = "dryRun=All&fieldValidation=Strict";
const POLICY = path.join(__dirname, "fixtures/read-only-secret-volume.policy.yaml");

function summary(r: KubeResponse): string {
  return `HTTP ${r.status}: ${typeof r.body === "object" ? r.body.message : String(r.body).slice(0, 300)}${r.warnings.length ? ` warnings: ${r.warnings.join(" | ")}` : ""}`;
}

function appContainer(pod: KubeObject): KubeObject {
  const mount = pod.spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory").name;
  return pod.spec.containers.find((c: KubeObject) => (c.volumeMounts ?? []).some((m: KubeObject) => m.name === mount));
}

describe("a real kube-apiserver (etcd + kube-apiserver from the Go module proxy) accepts what the components render", function () {
  let cluster: Cluster;

  before(async function () {
    this.timeout(0);
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    cluster = await startCluster(etcd, apiserver);
    for (const doc of parseAllDocuments(fs.readFileSync(POLICY, "utf8"))) {
      const o = doc.toJS();
      const plural =
        o.kind === "ValidatingAdmissionPolicy" ? "validatingadmissionpolicies" : "validatingadmissionpolicybindings";
      const r = await cluster.request(
        "POST",
        `/apis/admissionregistration.k8s.io/v1/${plural}?fieldValidation=Strict`,
        o,
      );
      assert.equal(r.status, 201, summary(r));
    }
  });

  after(() => cluster?.stop());

  it("runs with RBAC, the ServiceAccount plugin and Pod Security enforcing restricted by default", async function () {
    const version = await cluster.request("GET", "/version");
    assert.match(version.body.gitVersion, /^v1\.(3[4-9]|[4-9]\d)\./);
    // A namespace with no pod-security labels: the server's AdmissionConfiguration alone decides.
    const ns = await cluster.request("POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "unlabelled" },
    });
    assert.equal(ns.status, 201, summary(ns));
    // No controller manager runs, so no `default` ServiceAccount appears by itself; the
    // ServiceAccount admission plugin refuses pods whose account does not exist.
    const sa = await cluster.request("POST", "/api/v1/namespaces/unlabelled/serviceaccounts", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default" },
    });
    assert.equal(sa.status, 201, summary(sa));
    const root = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "root", namespace: "unlabelled" },
      spec: { containers: [{ name: "c", image: "busybox" }] },
    };
    const refused = await cluster.request("POST", `/api/v1/namespaces/unlabelled/pods?${DRY}`, root);
    assert.equal(refused.status, 403, summary(refused));
    assert.match(refused.body.message, /violates PodSecurity "restricted:latest"/);
    // RBAC: an unauthenticated caller gets nothing.
    const anon = await fetch(`${cluster.url}/api/v1/namespaces`).catch(() => undefined);
    assert.ok(anon === undefined || anon.status === 401 || anon.status === 403);
  });

  describe("adopted workloads (SecretMount + a stack transform): a Helm-like child with init containers, a StatefulSet, a Job, a CronJob; SecretMountedWorkload's StatefulSet, Job, CronJob", () => {
    const ns = "adopt-shop";
    let objects: KubeObject[] = [];
    before(async function () {
      this.timeout(120_000);
      objects = await adoptedObjects(ns);
      const created = await cluster.request("POST", "/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns },
      });
      assert.equal(created.status, 201, summary(created));
    });

    it("every object is accepted with dryRun=All and fieldValidation=Strict, with no warnings (restricted enforced and warned)", async () => {
      assert.deepEqual(objects.map((o) => o.kind).sort(), [
        "CronJob",
        "CronJob",
        "Deployment",
        "Job",
        "Job",
        "ServiceAccount",
        "ServiceAccount",
        "ServiceAccount",
        "ServiceAccount",
        "StatefulSet",
        "StatefulSet",
      ]);
      for (const o of objects) {
        const r = await cluster.request("POST", `${collectionPath(o)}?${DRY}`, o);
        assert.equal(r.status, 201, `${o.kind} ${o.metadata.name}: ${summary(r)}`);
        assert.deepEqual(r.warnings, [], `${o.kind} ${o.metadata.name} drew warnings`);
        if (o.kind === "ServiceAccount") {
          const sa = await cluster.request("POST", `${collectionPath(o)}?fieldValidation=Strict`, o);
          assert.equal(sa.status, 201, summary(sa));
        }
      }
    });

    it("a Pod from each adopted template is admitted under enforce: restricted; the fetcher first, the chart's init containers after it", async () => {
      for (const o of objects.filter((x) => x.kind !== "ServiceAccount")) {
        const template = o.kind === "CronJob" ? o.spec.jobTemplate.spec.template : o.spec.template;
        const pod = podFromTemplate({ metadata: o.metadata, spec: { template } }, o.kind.toLowerCase());
        const r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
        assert.equal(r.status, 201, `${o.kind} ${pod.metadata.name}: ${summary(r)}`);
        assert.deepEqual(r.warnings, [], `${pod.metadata.name} drew warnings`);
        assert.equal(r.body.spec.initContainers[0].name, "secret-mount-fetch");
        if (o.kind === "Deployment")
          assert.deepEqual(
            r.body.spec.initContainers.map((c: KubeObject) => c.name),
            ["secret-mount-fetch", "wait-for-db", "migrate"],
          );
      }
    });

    // The one restricted-profile checker the components use (restricted.ts), held to the real thing:
    // each forbidden value is refused by both, each allowed one accepted by both.
    describe("restricted.ts agrees with Pod Security admission (enforce: restricted), case by case, on the adopted Deployment's pod", () => {
      const base = () =>
        podFromTemplate(
          objects.find((o) => o.kind === "Deployment")!,
          "psa",
        );
      for (const c of FORBIDDEN_CASES) {
        it(`forbidden: ${c.title} (${c.control}; admission: ${c.reason})`, async () => {
          const pod = base();
          c.change(pod);
          const ours = podSecurityViolations(pod.spec, pod.metadata);
          assert.ok(
            ours.some((v) => v.control === c.control),
            `restricted.ts: ${JSON.stringify(ours)}`,
          );
          const r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
          assert.equal(r.status, 403, summary(r));
          assert.match(r.body.message, /violates PodSecurity "restricted:latest"/);
          assert.ok(r.body.message.includes(c.reason!), `admission's reason "${c.reason}": ${r.body.message}`);
        });
      }
      for (const c of ALLOWED_CASES) {
        it(`allowed: ${c.title}`, async () => {
          const pod = base();
          c.change(pod);
          assert.deepEqual(podSecurityViolations(pod.spec, pod.metadata), []);
          const r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
          assert.equal(r.status, 201, summary(r));
        });
      }
    });

    it("negative control: the chart's pod as written is refused by Pod Security admission", async () => {
      const d = objects.find((o) => o.kind === "Deployment")!;
      const pod = podFromTemplate(d, "unadopted");
      pod.spec.initContainers = pod.spec.initContainers
        .slice(1)
        .map((c: KubeObject) => ({ ...c, securityContext: { runAsUser: 10001 } }));
      pod.spec.containers = pod.spec.containers.map((c: KubeObject) => ({
        ...c,
        securityContext: { runAsUser: 10001 },
        volumeMounts: [],
      }));
      pod.spec.volumes = [];
      delete pod.spec.securityContext;
      const r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
      assert.equal(r.status, 403, summary(r));
      assert.match(r.body.message, /violates PodSecurity "restricted/);
    });
  });

  const list = kubernetesExamples();
  it("finds the examples to check (every examples/*/ Node.js program that declares a Kubernetes workload)", () =>
    assert.ok(list.includes("eks"), list.join(",")));

  for (const example of list) {
    describe(`examples/${example}`, () => {
      let objects: KubeObject[] = [];
      before(async function () {
        this.timeout(120_000);
        // One API server serves every example, and the examples share namespace names: each example's
        // objects move to namespaces of its own (<example>-<namespace>), nothing else changes.
        const own = (ns: string) => `${example}-${ns}`;
        objects = (await renderedObjects(example)).map((o) => {
          if (o.kind === "Namespace") return { ...o, metadata: { ...o.metadata, name: own(o.metadata.name) } };
          return o.metadata?.namespace
            ? { ...o, metadata: { ...o.metadata, namespace: own(o.metadata.namespace) } }
            : o;
        });
      });

      it("renders Kubernetes objects (a Namespace, a ServiceAccount, a Deployment)", () => {
        const kinds = new Set(objects.map((o) => o.kind));
        for (const k of ["ServiceAccount", "Deployment"])
          assert.ok(kinds.has(k), `${example} renders no ${k}: ${[...kinds]}`);
      });

      it("every rendered object is accepted with dryRun=All and fieldValidation=Strict, with no warnings", async () => {
        const namespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
        for (const ns of new Set(
          objects.map((o) => o.metadata.namespace).filter((n) => n && !namespaces.has(n) && n !== "default"),
        )) {
          await cluster.request("POST", "/api/v1/namespaces", {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: ns },
          });
        }
        for (const o of objects) {
          const r = await cluster.request("POST", `${collectionPath(o)}?${DRY}`, o);
          assert.equal(r.status, 201, `${o.kind} ${o.metadata.name}: ${summary(r)}`);
          assert.deepEqual(r.warnings, [], `${o.kind} ${o.metadata.name} drew warnings`);
          // Later objects need these to exist: namespaced dry runs and the ServiceAccount plugin.
          if (["Namespace", "ServiceAccount", "ConfigMap"].includes(o.kind)) {
            const created = await cluster.request("POST", `${collectionPath(o)}?fieldValidation=Strict`, o);
            assert.ok(
              created.status === 201 || created.status === 409,
              `${o.kind} ${o.metadata.name}: ${summary(created)}`,
            );
          }
        }
      });

      it("a Pod built from each Deployment template is admitted under enforce: restricted, with no warnings", async () => {
        const deployments = objects.filter((o) => o.kind === "Deployment");
        assert.ok(deployments.length >= 1);
        for (const d of deployments) {
          const pod = podFromTemplate(d);
          const r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
          assert.equal(r.status, 201, `${pod.metadata.name}: ${summary(r)}`);
          assert.deepEqual(r.warnings, [], `${pod.metadata.name} drew warnings`);
          // What the server made of it: the service account the IAM binding names, and no token
          // mounted into any container unless the template asked for one.
          assert.equal(r.body.spec.serviceAccountName, d.spec.template.spec.serviceAccountName);
          if (d.spec.template.spec.automountServiceAccountToken === false) {
            // The template's own projected token volumes (a Vault login token for the fetch container) only.
            const tokenVolumes = (volumes: KubeObject[] = []) =>
              volumes
                .filter((v) => v.projected?.sources?.some((s: KubeObject) => s.serviceAccountToken))
                .map((v) => v.name)
                .sort();
            assert.deepEqual(
              tokenVolumes(r.body.spec.volumes),
              tokenVolumes(d.spec.template.spec.volumes),
              "a token volume was injected",
            );
          }
        }
      });

      describe("negative controls: the same checks refuse a broken object", () => {
        let deployment: KubeObject;
        before(() => {
          deployment = objects.find((o) => o.kind === "Deployment")!;
        });

        it("an unknown field is refused by strict field validation (and only warned about without it)", async () => {
          const bad = structuredClone(deployment);
          bad.spec.template.spec.containers[0].readOnlyRootFileSystem = true;
          const strict = await cluster.request("POST", `${collectionPath(bad)}?${DRY}`, bad);
          assert.equal(strict.status, 400, summary(strict));
          assert.match(
            strict.body.message,
            /unknown field "spec\.template\.spec\.containers\[0\]\.readOnlyRootFileSystem"/,
          );
          const warned = await cluster.request("POST", `${collectionPath(bad)}?dryRun=All&fieldValidation=Warn`, bad);
          assert.equal(warned.status, 201, summary(warned));
          assert.ok(
            warned.warnings.some((w) => /unknown field/.test(w)),
            "the warning check would have seen it",
          );
        });

        it("a privileged container is refused by Pod Security admission", async () => {
          const pod = podFromTemplate(deployment, "privileged");
          // (privileged with allowPrivilegeEscalation: false is refused earlier, by API validation)
          appContainer(pod).securityContext = {
            ...appContainer(pod).securityContext,
            privileged: true,
            allowPrivilegeEscalation: true,
          };
          const r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
          assert.equal(r.status, 403, summary(r));
          assert.match(r.body.message, /violates PodSecurity "restricted:.*privileged/);
        });

        it("an app container mounting the secret volume writable is refused (ValidatingAdmissionPolicy)", async () => {
          const pod = podFromTemplate(deployment, "writable");
          for (const m of appContainer(pod).volumeMounts) m.readOnly = false;
          // The policy takes effect once the server has loaded it (asynchronously, about a second).
          let r: KubeResponse | undefined;
          for (let i = 0; i < 40; i++) {
            r = await cluster.request("POST", `${collectionPath(pod)}?${DRY}`, pod);
            if (r.status !== 201) break;
            await new Promise((res) => setTimeout(res, 500));
          }
          assert.equal(r!.status, 422, summary(r!));
          assert.match(r!.body.message, /secret-mount-read-only-app-mounts.*mount it readOnly/);
        });
      });
    });
  }
});
