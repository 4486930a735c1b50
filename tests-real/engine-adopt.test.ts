import assert from "node:assert/strict";
import * as path from "node:path";
import { startCluster, type Cluster } from "./helpers/cluster";
import { engineProgram, type EngineProgram } from "./helpers/engine-program";
import { needTool } from "./helpers/tools";

// The real Pulumi engine runs a SecretMount's stack transform (transforms are the engine's: the
// SDK registers a callback, the engine calls it for every resource, the SDK serializes what it
// returns). Same parts as pulumi-engine.test.ts: the real kubernetes provider against a real API
// server (behind the harness's no-kubelet switches), stand-ins for the cloud providers.

type Obj = Record<string, any>;

describe("the real Pulumi engine runs SecretMount's stack transform: workloads declared elsewhere reach the API server adopted", function () {
  let cluster: Cluster;
  let program: EngineProgram | undefined;
  const ns = "engine-adopt";
  const pulumi = (args: string[]): string => program!.pulumi(args);

  before(async function () {
    this.timeout(0);
    const pulumiBin = needTool(this, "pulumi");
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    const kubeProviderDir = path.dirname(needTool(this, "pulumi-resource-kubernetes"));
    cluster = await startCluster(etcd, apiserver);
    const created = await cluster.request("POST", "/api/v1/namespaces", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns },
    });
    assert.equal(created.status, 201);
    program = engineProgram("adopt-program", pulumiBin, kubeProviderDir, cluster, ns);
  });

  after(() => {
    cluster?.stop();
    program?.remove();
  });

  it("up: the Deployment and StatefulSet in the API server carry the fetcher first, the mount, the identity; the chart's ServiceAccount names the role", async function () {
    this.timeout(600_000);
    pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse(pulumi(["stack", "output", "--json"])) as Obj;
    const web = await cluster.request("GET", `/apis/apps/v1/namespaces/${ns}/deployments/web`);
    assert.equal(web.status, 200);
    const spec = web.body.spec.template.spec;
    assert.deepEqual(
      spec.initContainers.map((c: Obj) => c.name),
      ["secret-mount-fetch", "wait-for-db"],
    );
    assert.ok(spec.containers[0].volumeMounts.some((m: Obj) => m.name === "secret-mount" && m.readOnly === true));
    assert.equal(web.body.spec.template.metadata.annotations["eks.amazonaws.com/skip-containers"], "wait-for-db,web");
    assert.equal(web.body.spec.template.metadata.annotations["secret-mount.io/adopted-by"], "shop");
    const env = Object.fromEntries(spec.initContainers[0].env.map((e: Obj) => [e.name, e.value]));
    assert.equal(JSON.parse(env.SECRET_MOUNT_SPEC).files[0].path, "db-password");
    const db = await cluster.request("GET", `/apis/apps/v1/namespaces/${ns}/statefulsets/db`);
    assert.equal(db.status, 200);
    assert.equal(db.body.spec.template.spec.initContainers[0].name, "secret-mount-fetch");
    const sa = await cluster.request("GET", `/api/v1/namespaces/${ns}/serviceaccounts/web`);
    assert.equal(sa.body.metadata.annotations["eks.amazonaws.com/role-arn"], outputs.roleArn);
    assert.ok(outputs.roleArn.startsWith("arn:aws:iam::"), outputs.roleArn);
  });

  it("destroy: nothing left", async function () {
    this.timeout(600_000);
    pulumi(["destroy", "--yes", "--skip-preview"]);
    const web = await cluster.request("GET", `/apis/apps/v1/namespaces/${ns}/deployments/web`);
    assert.equal(web.status, 404);
  });
});
