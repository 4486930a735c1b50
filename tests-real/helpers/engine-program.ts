import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { Cluster } from "./cluster";
import { ROOT } from "./rendered";
import { tool } from "./tools";

const STAND_INS = path.join(__dirname, "..", "stand-ins", "bin");
const NO_KUBELET = path.join(__dirname, "..", "fixtures", "no-kubelet.js");

/** A test program of tests-real/fixtures copied to a temporary directory, with a stack on a file backend. */
export interface EngineProgram {
  dir: string;
  /** Runs the Pulumi CLI in the program (non-interactive); a failure throws with the output's tail. */
  pulumi(args: string[]): string;
  remove(): void;
}

/**
 * Copies `fixtures/<fixture>` next to the library (linked as `secret-mount`) and `@pulumi`, puts the
 * harness's no-kubelet stack transform in front of it, and inits stack `example` with
 * `namespace` in its config. The real kubernetes provider reaches `cluster`; stand-ins answer for
 * the cloud providers and the Node language host when the real one is not built.
 */
export function engineProgram(fixture: string, pulumiBin: string, kubeProviderDir: string, cluster: Cluster, namespace: string): EngineProgram {
  const host = tool("pulumi-language-nodejs");
  if (!fs.existsSync(path.join(ROOT, "dist/components/index.js"))) execFileSync("npm", ["run", "build:lib"], { cwd: ROOT, stdio: "ignore" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `secret-mount-${fixture}-`));
  const prog = path.join(dir, "program");
  fs.cpSync(path.join(__dirname, "..", "fixtures", fixture), prog, { recursive: true });
  fs.mkdirSync(path.join(prog, "node_modules"));
  fs.symlinkSync(ROOT, path.join(prog, "node_modules", "secret-mount"));
  fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(prog, "node_modules", "@pulumi"));
  fs.mkdirSync(path.join(dir, "state"));
  const projectFile = parseYaml(fs.readFileSync(path.join(prog, "Pulumi.yaml"), "utf8")) as { main?: string };
  fs.copyFileSync(NO_KUBELET, path.join(prog, "no-kubelet.js"));
  fs.writeFileSync(path.join(prog, "Pulumi.yaml"), stringifyYaml({ ...projectFile, main: "no-kubelet.js" }));
  const env: NodeJS.ProcessEnv = {
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
  const pulumi = (args: string[]): string => {
    try {
      return execFileSync(pulumiBin, [...args, "--non-interactive"], { cwd: prog, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`pulumi ${args.join(" ")} failed:\n${`${e.stdout ?? ""}\n${e.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n")}`);
    }
  };
  pulumi(["stack", "init", "example"]);
  pulumi(["config", "set", "namespace", namespace]);
  return { dir, pulumi, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
