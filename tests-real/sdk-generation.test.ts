import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/index.js";
import { ROOT } from "./helpers/rendered";
import { PULUMI_SDK_VERSION as SDK_VERSION, pulumiPythonVenv, run } from "./helpers/python";
import { needTool } from "./helpers/tools";

// Consumers in other languages: the schema the CLI's Node plugin host serves for this repository
// (ComponentProvider.getSchema, what `pulumi package get-schema` prints), turned into SDKs by
// Pulumi's own code generators, then installed/imported (Python) and compiled (Go).

const pkg = require(path.join(ROOT, "package.json")) as { name: string; version: string };
const GO_CLOUD_SDK = "v1.20261106.0";

describe("SDKs for other languages, generated from the component's schema by Pulumi's code generators", function () {
  let codegen: string;
  let work: string;
  let schemaFile: string;
  /** The venv's Python and the directory the generated Python SDK is installed into. */
  let python = "";
  let site = "";

  before(async function () {
    this.timeout(0);
    codegen = needTool(this, "pulumi-codegen");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-sdk-"));
    const provider = new ComponentProvider({
      components: getPulumiComponents(require(ROOT)),
      name: pkg.name,
      dirname: ROOT,
      version: pkg.version,
    });
    schemaFile = path.join(work, "schema.json");
    fs.writeFileSync(schemaFile, await provider.getSchema());
  });

  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  it("Python: the generated SDK installs with pip into a venv and imports, with the args and enums of the TypeScript API", function () {
    this.timeout(0);
    const out = path.join(work, "python");
    run(codegen, ["python", schemaFile, out]);
    // A venv with the Python SDK matching the Node one, made once and kept in the tool cache.
    python = pulumiPythonVenv(this);
    site = path.join(work, "python-site");
    run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--target", site, out]);
    const probe = `
import inspect, json, pulumi_secret_mount as sm
args = inspect.signature(sm.SecretMountedWorkloadArgs.__init__).parameters
print(json.dumps({
  "component": issubclass(sm.SecretMountedWorkload, __import__("pulumi").ComponentResource),
  "args": sorted(a for a in args if a != "self"),
  "generate": sorted(e.value for e in sm.GenerateType),
  "identity": sorted(e.value for e in sm.EksIdentity),
  "outputs": sorted(n for n in ("role_arn", "service_account_name", "deployment_name", "fetch_spec") if isinstance(getattr(sm.SecretMountedWorkload, n, None), property)),
}))`;
    const got = JSON.parse(run(python, ["-c", probe], { env: { ...process.env, PYTHONPATH: site } }).trim());
    assert.equal(got.component, true);
    for (const a of ["secrets", "containers", "container", "namespace", "eks", "fetch", "refresh", "env_file"])
      assert.ok(got.args.includes(a), `${a} in ${got.args}`);
    assert.deepEqual(got.generate, ["ecdsa", "password", "rsa"]);
    assert.deepEqual(got.identity, ["irsa", "pod-identity"]);
    assert.deepEqual(got.outputs, ["deployment_name", "fetch_spec", "role_arn", "service_account_name"]);
  });

  it("Python: examples/python-eks runs against the generated SDK under Pulumi's Python mocks, and the args it sends are a valid TypeScript declaration", async function () {
    this.timeout(0);
    if (!site) this.skip(); // the Python SDK test above skipped (no PyPI)
    const example = path.join(ROOT, "examples/python-eks");
    const probe = path.join(work, "run-example.py");
    // Runs the example program with Pulumi's Python mocks and prints every resource it registers:
    // class names, keyword args and enums the example uses must exist in the generated SDK.
    fs.writeFileSync(
      probe,
      `import json, runpy, sys
import pulumi

seen = []
class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        seen.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
        return [args.name + "-id", {}]
    def call(self, args):
        return {}

pulumi.runtime.set_mocks(Mocks(), project="python-eks", stack="dev", preview=False)

@pulumi.runtime.test
def program():
    runpy.run_path(sys.argv[1], run_name="__main__")

program()
print(json.dumps(seen))
`,
    );
    const config = {
      "python-eks:oidcProviderArn":
        "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
      "python-eks:oidcIssuerUrl": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789",
      "python-eks:stripeSecretArn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/stripe-AbCdEf",
      "python-eks:fetchImage": `registry.example.com/secret-mount-fetch@sha256:${"f".repeat(64)}`,
    };
    const out = run(python, [probe, path.join(example, "__main__.py")], {
      cwd: example,
      env: { ...process.env, PYTHONPATH: site, PULUMI_CONFIG: JSON.stringify(config) },
    });
    const seen = JSON.parse(out.trim().split("\n").pop()!) as {
      type: string;
      name: string;
      inputs: Record<string, unknown>;
    }[];
    assert.deepEqual(
      seen.map((r) => `${r.type}::${r.name}`),
      ["secret-mount:index:SecretMountedWorkload::billing-api"],
    );
    const inputs = seen[0].inputs as { secrets: { name: string }[]; containers: { name: string }[] };
    assert.deepEqual(
      inputs.secrets.map((s) => s.name),
      ["db-password", "signing-key", "stripe", "feature-flags"],
    );
    assert.deepEqual(
      inputs.containers.map((c) => c.name),
      ["api"],
    );
    // What the plugin host hands the TypeScript component: the same args must declare a workload.
    const { SecretMountedWorkload } = require(ROOT) as typeof import("../components");
    const { OfflineMocks } = require(
      path.join(ROOT, "components/render/offline-engine"),
    ) as typeof import("../components/render/offline-engine");
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "python-eks", "dev", false);
    new SecretMountedWorkload("billing-api", inputs as never);
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    const types = mocks.resources.map((r) => r.type);
    for (const t of ["aws:iam/role:Role", "kubernetes:core/v1:ServiceAccount", "kubernetes:apps/v1:Deployment"])
      assert.ok(types.includes(t), `${t} in ${types.join(", ")}`);
  });

  it("Go: the generated SDK and a consumer program declaring both components build and vet against the Go SDK of the same version", function () {
    this.timeout(0);
    const out = path.join(work, "go");
    let started = Date.now();
    run(codegen, ["go", schemaFile, out]);
    const genMs = Date.now() - started;
    const sources = fs.readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".go"));
    const internal = sources
      .map((f) => /"([^"]+)\/internal"/.exec(fs.readFileSync(path.join(out, f), "utf8"))?.[1])
      .find(Boolean);
    assert.ok(internal, "the generated Go SDK imports its internal package");
    // The package directory (the one holding internal/) is the module root: its import path is `internal`.
    const pkgDir = path.join(out, path.dirname(path.dirname(sources.find((f) => f.includes("/internal/"))!)));
    const env = { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
    // sdk/v3 v${SDK_VERSION} requires pulumi-cloud-sdk/go v1.20260918.0, which the Go module proxy
    // refuses (403); the nearest version it serves stands in (see versions.env).
    fs.writeFileSync(
      path.join(pkgDir, "go.mod"),
      `module ${internal}\n\ngo 1.24\n\nrequire (\n\tgithub.com/pulumi/pulumi/sdk/v3 v${SDK_VERSION}\n\tgithub.com/pulumi/pulumi-cloud-sdk/go ${GO_CLOUD_SDK}\n)\n`,
    );
    fs.mkdirSync(path.join(pkgDir, "consumer"));
    // Nested args are <Type>Args structs: the schema type Container gives ContainerArgs, the same
    // name as in TypeScript. Both forms of the container list are used.
    fs.writeFileSync(
      path.join(pkgDir, "consumer", "main.go"),
      `package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	sm "${internal}"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		identity := sm.EksIdentityPodIdentity
		user := "10001:65532" // a plain optional string: *string
		password := []sm.SecretArgs{{
			Name:     "db-password",
			Generate: &sm.GenerateArgs{Type: sm.GenerateTypePassword},
			Files:    []sm.SecretFileArgs{{Path: "db/password"}},
		}}
		w, err := sm.NewSecretMountedWorkload(ctx, "billing-api", &sm.SecretMountedWorkloadArgs{
			Secrets: password,
			Container: &sm.ContainerArgs{
				Name:           "api",
				Image:          pulumi.String("busybox:1.37"),
				Ports:          []sm.ContainerPortArgs{{ContainerPort: 8080}},
				ReadinessProbe: &sm.ProbeArgs{HttpGet: &sm.HttpGetProbeArgs{Port: 8080}},
			},
			Eks: &sm.EksPlatformArgs{Identity: &identity, ClusterName: pulumi.String("prod")},
		})
		if err != nil {
			return err
		}
		t, err := sm.NewSecretMountedTask(ctx, "billing-task", &sm.SecretMountedTaskArgs{
			Secrets: password,
			Containers: []sm.TaskContainerArgs{{
				Name:         "api",
				Image:        pulumi.String("busybox:1.37"),
				User:         &user,
				PortMappings: []sm.EcsPortMappingArgs{{ContainerPort: 8080}},
			}},
			MountInto: []string{"api"},
		})
		if err != nil {
			return err
		}
		ctx.Export("roleArn", w.RoleArn)
		ctx.Export("taskDefinitionArn", t.TaskDefinitionArn)
		return nil
	})
}
`,
    );
    started = Date.now();
    run("nice", ["-n", "10", "go", "build", "./..."], { cwd: pkgDir, env });
    const buildMs = Date.now() - started;
    started = Date.now();
    run("nice", ["-n", "10", "go", "vet", "./..."], { cwd: pkgDir, env });
    console.log(
      `      (Go SDK: generated in ${genMs} ms, built with the consumer in ${Math.round(buildMs / 1000)} s, vetted in ${Math.round((Date.now() - started) / 1000)} s)`,
    );
  });
});
