import assert from "node:assert/strict";
import * as path from "node:path";
import { startCluster, type Cluster } from "./helpers/cluster";
import { engineProgram, type EngineProgram } from "./helpers/engine-program";
import { needTool } from "./helpers/tools";

// A real Helm v4 Chart (tests-real/fixtures/helm-adopt-program/chart, a local chart: the real
// kubernetes provider renders it itself, no network) whose children a SecretMount's transform
// adopts. The Chart is a remote component: the provider registers its children, and the engine
// runs each registration through the program's transforms (the stack's, and the Chart's own
// `transforms` option) via the program's callback server.

type Obj = Record<string, any>;

describe("the real Pulumi engine and kubernetes provider: a SecretMount transform adopts a real Helm v4 Chart's children", function () {
  let cluster: Cluster;
  let pulumiBin = "";
  let kubeProviderDir = "";
  const get = (p: string) => cluster.request("GET", p);

  before(async function () {
    this.timeout(0);
    pulumiBin = needTool(this, "pulumi");
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    kubeProviderDir = path.dirname(needTool(this, "pulumi-resource-kubernetes"));
    cluster = await startCluster(etcd, apiserver);
  });

  after(() => cluster?.stop());

  for (const via of ["stack", "chart"] as const) {
    describe(
      via === "stack" ? "as a stack transform (registerResourceTransform)" : "in the Chart's own `transforms` option",
      function () {
        let program: EngineProgram | undefined;
        const ns = `helm-adopt-${via}`;

        before(async function () {
          this.timeout(0);
          if (!cluster) this.skip();
          const created = await cluster.request("POST", "/api/v1/namespaces", {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: ns },
          });
          assert.equal(created.status, 201);
          program = engineProgram("helm-adopt-program", pulumiBin, kubeProviderDir, cluster, ns);
          program.pulumi(["config", "set", "via", via]);
        });

        after(() => program?.remove());

        it("up: the chart's Deployment (by name) has the fetcher first, its own init container second, the read-only mount, the tightened security contexts listed; its StatefulSet (by annotation) too; the chart's ServiceAccount names the role", async function () {
          this.timeout(600_000);
          const up = program!.pulumi(["up", "--yes", "--skip-preview"]);
          const outputs = JSON.parse(program!.pulumi(["stack", "output", "--json"])) as Obj;
          // The children really are the chart's: the provider registered them under the Chart component.
          const state = JSON.parse(program!.pulumi(["stack", "export"])) as { deployment: { resources: Obj[] } };
          const chart = state.deployment.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart");
          assert.ok(chart, "a Chart component in the state");
          const child = (type: string) =>
            state.deployment.resources.find((r) => r.type === type && r.parent === chart.urn);
          assert.ok(
            child("kubernetes:apps/v1:Deployment")?.urn.endsWith(`::shop:${ns}/web`),
            "the Deployment is the chart's child",
          );
          assert.ok(child("kubernetes:core/v1:ServiceAccount"), "the ServiceAccount is the chart's child");
          assert.match(up, new RegExp(`shop adopts Deployment ${ns}/web`));

          const web = await get(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
          assert.equal(web.status, 200);
          const spec = web.body.spec.template.spec;
          assert.deepEqual(
            spec.initContainers.map((c: Obj) => c.name),
            ["secret-mount-fetch", "wait-for-db"],
          );
          assert.deepEqual(
            spec.initContainers[1].command,
            ["sh", "-c", "until nc -z db 5432; do sleep 1; done"],
            "the chart's init container as written",
          );
          const mount = spec.containers[0].volumeMounts.find((m: Obj) => m.name === "secret-mount");
          assert.equal(mount?.readOnly, true);
          const annotations = web.body.spec.template.metadata.annotations;
          assert.equal(annotations["eks.amazonaws.com/skip-containers"], "wait-for-db,web");
          assert.equal(annotations["secret-mount.io/adopted-by"], "shop");
          const env = Object.fromEntries(spec.initContainers[0].env.map((e: Obj) => [e.name, e.value]));
          assert.equal(JSON.parse(env.SECRET_MOUNT_SPEC).files[0].path, "db-password");
          // The chart wrote no security contexts: what restricted needs is set, and the pod lists it (paths as the chart wrote them).
          assert.equal(
            annotations["secret-mount.io/tightened"],
            [
              "securityContext.runAsNonRoot=true",
              "securityContext.seccompProfile.type=RuntimeDefault",
              'initContainers[0] "wait-for-db" securityContext.allowPrivilegeEscalation=false',
              'initContainers[0] "wait-for-db" securityContext.capabilities.drop+=ALL',
              'containers[0] "web" securityContext.allowPrivilegeEscalation=false',
              'containers[0] "web" securityContext.capabilities.drop+=ALL',
            ].join("; "),
          );
          assert.deepEqual(spec.securityContext.seccompProfile, { type: "RuntimeDefault" });
          assert.equal(spec.securityContext.runAsNonRoot, true);
          assert.deepEqual(spec.containers[0].securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
          });

          const db = await get(`/apis/apps/v1/namespaces/${ns}/statefulsets/db`);
          assert.equal(db.status, 200);
          assert.deepEqual(
            db.body.spec.template.spec.initContainers.map((c: Obj) => c.name),
            ["secret-mount-fetch"],
          );

          const sa = await get(`/api/v1/namespaces/${ns}/serviceaccounts/web`);
          assert.equal(sa.status, 200);
          assert.ok(outputs.roleArn.startsWith("arn:aws:iam::"), outputs.roleArn);
          assert.equal(sa.body.metadata.annotations["eks.amazonaws.com/role-arn"], outputs.roleArn);
        });

        it("destroy: the chart's objects are gone", async function () {
          this.timeout(600_000);
          program!.pulumi(["destroy", "--yes", "--skip-preview"]);
          for (const p of [
            `/apis/apps/v1/namespaces/${ns}/deployments/web`,
            `/apis/apps/v1/namespaces/${ns}/statefulsets/db`,
            `/api/v1/namespaces/${ns}/serviceaccounts/web`,
          ]) {
            assert.equal((await get(p)).status, 404, p);
          }
        });
      },
    );
  }
});
