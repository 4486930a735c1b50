import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCluster, type Cluster } from "./helpers/cluster";
import { ROOT } from "./helpers/rendered";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { needTool, tool } from "./helpers/tools";

// The real Pulumi engine runs a SecretMount's stack transform (transforms are the engine's: the
// SDK registers a callback, the engine calls it for every resource, the SDK serializes what it
// returns). Same parts as pulumi-engine.test.ts: the real kubernetes provider against a real API
// server (behind the harness's no-kubelet switches), stand-ins for the cloud providers.

const STAND_INS = path.join(__dirname, "stand-ins", "bin");
const NO_KUBELET = path.join(__dirname, "fixtures", "no-kubelet.js");
type Obj = Record<string, any>;

describe("the real Pulumi engine runs SecretMount's stack transform: workloads declared elsewhere reach the API server adopted", function () {
  let pulumiBin: string;
  let cluster: Cluster;
  let dir = "";
  let prog: string;
  let env: NodeJS.ProcessEnv;
  const ns = "engine-adopt";
  const pulumi = (args: string[]): string => {
    try {
      return execFileSync(pulumiBin, [...args, "--non-interactive"], { cwd: prog, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`pulumi ${args.join(" ")} failed:\n${`${e.stdout ?? ""}\n${e.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n")}`);
    }
  };

  before(async function () {
    this.timeout(0);
    pulumiBin = needTool(this, "pulumi");
    const host = tool("pulumi-language-nodejs");
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    const kubeProviderDir = path.dirname(needTool(this, "pulumi-resource-kubernetes"));
    if (!fs.existsSync(path.join(ROOT, "dist/components/index.js"))) execFileSync("npm", ["run", "build:lib"], { cwd: ROOT, stdio: "ignore" });
    cluster = await startCluster(etcd, apiserver);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-engine-adopt-"));
    prog = path.join(dir, "program");
    fs.cpSync(path.join(__dirname, "fixtures", "adopt-program"), prog, { recursive: true });
    fs.mkdirSync(path.join(prog, "node_modules"));
    fs.symlinkSync(ROOT, path.join(prog, "node_modules", "secret-mount"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(prog, "node_modules", "@pulumi"));
    fs.mkdirSync(path.join(dir, "state"));
    const projectFile = parseYaml(fs.readFileSync(path.join(prog, "Pulumi.yaml"), "utf8")) as { main?: string };
    fs.copyFileSync(NO_KUBELET, path.join(prog, "no-kubelet.js"));
    fs.writeFileSync(path.join(prog, "Pulumi.yaml"), stringifyYaml({ ...projectFile, main: "no-kubelet.js" }));
    env = {
      ...process.env,
      PATH: `${host.ok ? `${host.dir}:` : ""}${kubeProviderDir}:${STAND_INS}:${path.dirname(pulumiBin)}:${process.env.PATH}`,
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "real-parts-test-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      SECRET_MOUNT_RECORD: path.join(dir, "record.jsonl"),
      KUBECONFIG: cluster.kubeconfig,
    };
    const created = await cluster.request("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    assert.equal(created.status, 201);
    pulumi(["stack", "init", "example"]);
    pulumi(["config", "set", "namespace", ns]);
  });

  after(() => {
    cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("up: the Deployment and StatefulSet in the API server carry the fetcher first, the mount, the identity; the chart's ServiceAccount names the role", async function () {
    this.timeout(600_000);
    pulumi(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse(pulumi(["stack", "output", "--json"])) as Obj;
    const web = await cluster.request("GET", `/apis/apps/v1/namespaces/${ns}/deployments/web`);
    assert.equal(web.status, 200);
    const spec = web.body.spec.template.spec;
    assert.deepEqual(spec.initContainers.map((c: Obj) => c.name), ["secret-mount-fetch", "wait-for-db"]);
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
