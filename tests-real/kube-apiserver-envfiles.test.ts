/**
 * The two Kubernetes fields issue 21 uses, against the real kube-apiserver v1.36.3 (its default
 * feature gates: EnvFiles beta, ContainerRestartRules beta, RestartAllContainersOnContainerExits
 * beta), under fieldValidation=Strict and Pod Security enforcing restricted:
 *   - `env[].valueFrom.fileKeyRef` on the app container, pointing at the memory volume;
 *   - `restartPolicyRules: [{action: RestartAllContainers, exitCodes: {In, [75]}}]` on the fetch
 *     sidecar (an init container with restartPolicy: Always).
 * Objects are created for real and read back: a field the server dropped would show there.
 * Negative controls: the server refuses what preview refuses (bad keys, a non-emptyDir volume, ...).
 */
import assert from "node:assert/strict";
import { RESTART_POD_EXIT_CODE } from "../spec/fetch-spec";
import { startCluster, type Cluster, type KubeResponse } from "./helpers/cluster";
import { collectionPath, podFromTemplate, renderedObjects, type KubeObject } from "./helpers/rendered";
import { needTool } from "./helpers/tools";

const STRICT = "fieldValidation=Strict";
const NS = "envfiles";
type Obj = Record<string, any>;

function summary(r: KubeResponse): string {
  return `HTTP ${r.status}: ${typeof r.body === "object" ? r.body.message : String(r.body).slice(0, 300)}${r.warnings.length ? ` warnings: ${r.warnings.join(" | ")}` : ""}`;
}

const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true };

/** A pod as the components shape it: the fetch sidecar with the restart rule, the app reading env vars from the file. */
export function envFilePodSpec(opts: { key?: string; volume?: Obj; rules?: Obj[] } = {}): Obj {
  return {
    serviceAccountName: "app",
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      fsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumes: [opts.volume ?? { name: "secrets", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
    initContainers: [
      {
        name: "secret-fetch",
        image: "ghcr.io/example/secret-mount-fetch:1",
        restartPolicy: "Always",
        restartPolicyRules: opts.rules ?? [
          { action: "RestartAllContainers", exitCodes: { operator: "In", values: [RESTART_POD_EXIT_CODE] } },
        ],
        startupProbe: { exec: { command: ["/nodejs/bin/node", "/app/fetch.js", "--probe"] } },
        volumeMounts: [{ name: "secrets", mountPath: "/run/secrets/app" }],
        securityContext: restricted,
      },
    ],
    containers: [
      {
        name: "app",
        image: "ghcr.io/example/app:1",
        env: [
          {
            name: "DB_PASSWORD",
            valueFrom: { fileKeyRef: { volumeName: "secrets", path: "kube.env", key: opts.key ?? "DB_PASSWORD" } },
          },
        ],
        securityContext: restricted,
      },
    ],
  };
}

const pod = (name: string, spec: Obj): Obj => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: NS },
  spec,
});

describe("a real kube-apiserver v1.36.3 accepts fileKeyRef env vars and the RestartAllContainers rule (strict, restricted)", function () {
  let cluster: Cluster;

  before(async function () {
    this.timeout(0);
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    cluster = await startCluster(etcd, apiserver);
    for (const [p, o] of [
      ["/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }],
      [
        `/api/v1/namespaces/${NS}/serviceaccounts`,
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "app" } },
      ],
    ] as const) {
      const r = await cluster.request("POST", `${p}?${STRICT}`, o);
      assert.equal(r.status, 201, summary(r));
    }
  });
  after(() => cluster?.stop());

  it("a Pod with both is created under restricted Pod Security, no warnings, and both fields read back unchanged", async () => {
    const r = await cluster.request("POST", `/api/v1/namespaces/${NS}/pods?${STRICT}`, pod("both", envFilePodSpec()));
    assert.equal(r.status, 201, summary(r));
    assert.deepEqual(r.warnings, []);
    const got = await cluster.request("GET", `/api/v1/namespaces/${NS}/pods/both`);
    assert.deepEqual(
      got.body.spec.containers[0].env[0].valueFrom,
      { fileKeyRef: { volumeName: "secrets", path: "kube.env", key: "DB_PASSWORD", optional: false } },
      "kept (optional defaulted to false)",
    );
    assert.deepEqual(got.body.spec.initContainers[0].restartPolicyRules, [
      { action: "RestartAllContainers", exitCodes: { operator: "In", values: [RESTART_POD_EXIT_CODE] } },
    ]);
    assert.equal(got.body.spec.restartPolicy, "Always");
  });

  it("a Deployment with the pod as its template is created (strict, no warnings)", async () => {
    const spec = envFilePodSpec();
    const d = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app", namespace: NS },
      spec: { selector: { matchLabels: { app: "a" } }, template: { metadata: { labels: { app: "a" } }, spec } },
    };
    const r = await cluster.request("POST", `/apis/apps/v1/namespaces/${NS}/deployments?${STRICT}`, d);
    assert.equal(r.status, 201, summary(r));
    assert.deepEqual(r.warnings, []);
    assert.equal(r.body.spec.template.spec.initContainers[0].restartPolicyRules[0].action, "RestartAllContainers");
  });

  it("what the API allows for run-to-completion pods: a Job's template (restartPolicy Never) and a bare Pod with restartPolicy OnFailure are accepted too", async () => {
    // The server does not refuse it; the components do (a pod restarted in place runs its work again).
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "job", namespace: NS },
      spec: { template: { spec: { ...envFilePodSpec(), restartPolicy: "Never" } } },
    };
    const j = await cluster.request("POST", `/apis/batch/v1/namespaces/${NS}/jobs?dryRun=All&${STRICT}`, job);
    assert.equal(j.status, 201, summary(j));
    const p = await cluster.request(
      "POST",
      `/api/v1/namespaces/${NS}/pods?dryRun=All&${STRICT}`,
      pod("onfailure", { ...envFilePodSpec(), restartPolicy: "OnFailure" }),
    );
    assert.equal(p.status, 201, summary(p));
  });

  it("the components' own render (examples/env-restart): the Deployment and a Pod from its template are created; fileKeyRef and the restart rule read back", async function () {
    this.timeout(120_000);
    const objects = await renderedObjects("env-restart");
    for (const o of objects.filter((x) => ["Namespace", "ServiceAccount"].includes(x.kind))) {
      const r = await cluster.request("POST", `${collectionPath(o)}?${STRICT}`, o);
      assert.equal(r.status, 201, `${o.kind}: ${summary(r)}`);
    }
    const deployment = objects.find((o) => o.kind === "Deployment") as KubeObject;
    const d = await cluster.request("POST", `${collectionPath(deployment)}?${STRICT}`, deployment);
    assert.equal(d.status, 201, summary(d));
    assert.deepEqual(d.warnings, []);
    const pod = podFromTemplate(deployment);
    const p = await cluster.request("POST", `${collectionPath(pod)}?${STRICT}`, pod);
    assert.equal(p.status, 201, summary(p));
    assert.deepEqual(p.warnings, [], "restricted is enforced and warned: no warning");
    const got = (await cluster.request("GET", `${collectionPath(pod)}/${pod.metadata.name}`)).body;
    const refs = got.spec.containers[0].env
      .filter((e: Obj) => e.valueFrom?.fileKeyRef)
      .map((e: Obj) => e.valueFrom.fileKeyRef);
    assert.deepEqual(
      refs.map((r: Obj) => r.key),
      ["DB_PASSWORD", "API_TOKEN"],
    );
    assert.ok(
      refs.every(
        (r: Obj) =>
          r.volumeName === got.spec.initContainers[0].volumeMounts[0].name && r.path === "secret-mount.kubelet.env",
      ),
    );
    assert.deepEqual(got.spec.initContainers[0].restartPolicyRules, [
      { action: "RestartAllContainers", exitCodes: { operator: "In", values: [RESTART_POD_EXIT_CODE] } },
    ]);
  });

  describe("negative controls: the server refuses what preview refuses", () => {
    const refused = async (name: string, spec: Obj, message: RegExp) => {
      const r = await cluster.request("POST", `/api/v1/namespaces/${NS}/pods?dryRun=All&${STRICT}`, pod(name, spec));
      assert.equal(r.status, 422, summary(r));
      assert.match(r.body.message, message);
    };

    it("a key with '=' is refused", () =>
      refused("eq", envFilePodSpec({ key: "A=B" }), /fileKeyRef\.key: Invalid value: "A=B"/));
    it("a key outside printable ASCII is refused", () =>
      refused("uni", envFilePodSpec({ key: "PÄSSWORD" }), /fileKeyRef\.key: Invalid value/));
    it("a key with a control character is refused", () =>
      refused("tab", envFilePodSpec({ key: "A\tB" }), /fileKeyRef\.key: Invalid value/));
    it("a fileKeyRef to a volume that is not an emptyDir is refused", () =>
      refused(
        "cm",
        envFilePodSpec({ volume: { name: "secrets", configMap: { name: "x" } } }),
        /volumeName: Invalid value: "secrets": referenced volume must be of type emptyDir/,
      ));
    it("a restart rule without exitCodes is refused", () =>
      refused(
        "noexit",
        envFilePodSpec({ rules: [{ action: "RestartAllContainers" }] }),
        /restartPolicyRules\[0\]\.exitCodes: Required value/,
      ));
    it("an unknown action is refused", () =>
      refused(
        "action",
        envFilePodSpec({ rules: [{ action: "RestartPod", exitCodes: { operator: "In", values: [75] } }] }),
        /Unsupported value: "RestartPod"/,
      ));

    it("the KEP's draft field name (onExit) is an unknown field under strict validation", async () => {
      const spec = envFilePodSpec({
        rules: [{ action: "RestartAllContainers", onExit: { exitCodes: { operator: "In", values: [75] } } }] as Obj[],
      });
      const r = await cluster.request(
        "POST",
        `/api/v1/namespaces/${NS}/pods?dryRun=All&${STRICT}`,
        pod("onexit", spec),
      );
      assert.equal(r.status, 400, summary(r));
      assert.match(r.body.message, /unknown field "spec\.initContainers\[0\]\.restartPolicyRules\[0\]\.onExit"/);
    });
  });
});
