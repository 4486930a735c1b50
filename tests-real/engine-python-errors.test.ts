import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/index.js";
import { STAND_INS } from "./helpers/engine";
import { ROOT } from "./helpers/rendered";
import { pulumiPythonVenv, run } from "./helpers/python";
import { needTool } from "./helpers/tools";

// A Python program declares SecretMountedWorkload through the Python SDK that Pulumi's code
// generator makes from the component's schema, with three mistakes; the real engine runs it. The
// component runs as Pulumi serves a PulumiPlugin.yaml (runtime nodejs) package: @pulumi/pulumi's
// own plugin runner (cmd/run-plugin) on this repository, started as the `secret-mount` resource
// plugin (what the Node language host's RunPlugin does; the Node stand-in has none). Pulumi's
// provider server turns the component's InputPropertiesError into structured errors, which the
// engine prints one property per line. Stand-in: the Python language host (the Go module proxy
// refuses the real one, see tests-real/stand-ins/python-language-host.js); Pulumi's Python SDK is
// the real one from PyPI, at the version of our @pulumi/pulumi (PyPI has no pulumi 3.274.0, the
// CLI's version; an older SDK under a newer CLI is what users run), in the venv
// tests-real/sdk-generation.test.ts uses.

const pkg = require(path.join(ROOT, "package.json")) as { name: string; version: string };

/** Newest modification time under `dir` of files ending in `ext`. */
function newest(dir: string, ext: string): number {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(ext))
    .reduce((m, f) => Math.max(m, fs.statSync(path.join(dir, f)).mtimeMs), 0);
}

/** The three mistakes, each with the property path the engine must name and the start of its reason. */
const MISTAKES = [
  {
    path: "namespace",
    reason: '"kube-system" belongs to the cluster itself; deploy the workload into its own namespace',
  },
  { path: "secrets[0].name", reason: '"DB_PASSWORD" is not a DNS-1123 label' },
  { path: "containers[0].image", reason: "is required: give the image reference, ideally pinned by digest" },
];

const PROGRAM = `import pulumi_secret_mount as sm

sm.SecretMountedWorkload(
    "web",
    namespace="kube-system",
    eks=sm.EksPlatformArgs(oidc_issuer_url="https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"),
    secrets=[sm.SecretArgs(name="DB_PASSWORD", generate=sm.GenerateArgs(type=sm.GenerateType.PASSWORD))],
    containers=[sm.ContainerArgs(name="api", image="", run_as_user=10001)],
    fetch=sm.FetchContainerArgs(image="registry.example.com/secret-mount-fetch@sha256:" + "f" * 64),
)
`;

describe("a Python program with three mistakes in a declaration: the real engine reports all three, each with its property path", function () {
  let pulumiBin: string;
  let work = "";
  let env: NodeJS.ProcessEnv;
  let prog: string;

  before(async function () {
    this.timeout(0);
    pulumiBin = needTool(this, "pulumi");
    const codegen = needTool(this, "pulumi-codegen");
    // Pulumi's Python SDK, in a venv kept in the tool cache (made here on a clean machine, as on CI).
    const python = pulumiPythonVenv(this);
    // The plugin runs the package's compiled entry point: rebuilt when a source is newer.
    const dist = path.join(ROOT, "dist/components/index.js");
    if (!fs.existsSync(dist) || newest(path.join(ROOT, "components"), ".ts") > fs.statSync(dist).mtimeMs) {
      execFileSync("npm", ["run", "build:lib"], { cwd: ROOT, stdio: "ignore" });
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-python-errors-"));
    // The generated Python SDK, installed next to the program.
    const provider = new ComponentProvider({
      components: getPulumiComponents(require(ROOT)),
      name: pkg.name,
      dirname: ROOT,
      version: pkg.version,
    });
    const schema = path.join(work, "schema.json");
    fs.writeFileSync(schema, await provider.getSchema());
    run(codegen, ["python", schema, path.join(work, "sdk")]);
    const site = path.join(work, "site");
    run(python, [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--no-deps",
      "--target",
      site,
      path.join(work, "sdk"),
    ]);
    // The `secret-mount` resource plugin: @pulumi/pulumi's plugin runner on this repository.
    const plugins = path.join(work, "plugins");
    fs.mkdirSync(plugins);
    fs.writeFileSync(
      path.join(plugins, "pulumi-resource-secret-mount"),
      `#!/bin/sh\nexec node ${JSON.stringify(path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-plugin"))} ${JSON.stringify(ROOT)} "$@"\n`,
      { mode: 0o755 },
    );
    prog = path.join(work, "program");
    fs.mkdirSync(prog);
    fs.writeFileSync(path.join(prog, "Pulumi.yaml"), "name: python-mistakes\nruntime: python\n");
    fs.writeFileSync(path.join(prog, "__main__.py"), PROGRAM);
    const state = path.join(work, "state");
    fs.mkdirSync(state);
    env = {
      ...process.env,
      PATH: `${plugins}:${STAND_INS}:${path.dirname(pulumiBin)}:${process.env.PATH}`,
      PULUMI_HOME: path.join(work, "home"),
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_CONFIG_PASSPHRASE: "real-parts-test-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      SECRET_MOUNT_PYTHON: python,
      PYTHONPATH: site,
    };
    run(pulumiBin, ["stack", "init", "dev", "--non-interactive"], { cwd: prog, env });
  });

  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  /** Runs the CLI; its exit status and everything it printed. */
  const pulumi = (args: string[]) => {
    const r = spawnSync(pulumiBin, [...args, "--non-interactive"], {
      cwd: prog,
      env,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  };

  for (const command of [["preview"], ["up", "--yes", "--skip-preview"]]) {
    it(`pulumi ${command[0]}: fails, naming every mistake as a property with its path and the problem, worded as in TypeScript`, function () {
      this.timeout(600_000);
      const { status, out } = pulumi(command);
      assert.notEqual(status, 0, out);
      for (const m of MISTAKES) {
        // errorToMessage in the engine's resource monitor: "property <path> [with value '<v>'] has a problem: <reason>".
        const line = out.split("\n").find((l) => l.includes(`property ${m.path} `) && l.includes("has a problem: "));
        assert.ok(line, `no structured input error for ${m.path}:\n${out}`);
        assert.ok(line.slice(line.indexOf("has a problem: ") + "has a problem: ".length).startsWith(m.reason), line);
      }
      assert.ok(!/^\s+at .+\.js:\d+/m.test(out), `no stack trace:\n${out}`);
    });
  }

  it("nothing was created: the stack holds no component and no child", function () {
    this.timeout(120_000);
    const resources =
      JSON.parse(run(pulumiBin, ["stack", "export", "--non-interactive"], { cwd: prog, env })).deployment.resources ??
      [];
    assert.deepEqual(
      resources.filter(
        (r: { type: string }) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
      ),
      [],
    );
  });
});
