import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Cluster } from "./cluster";
import { engineProgram as program } from "./engine";
import { ROOT } from "./rendered";
import { tool } from "./tools";

/** A test program of tests-real/fixtures copied to a temporary directory, with a stack on a file backend. */
export interface EngineProgram {
  dir: string;
  /** Runs the Pulumi CLI in the program (non-interactive); a failure throws with the output's tail. */
  pulumi(args: string[]): string;
  remove(): void;
}

/**
 * Copies `fixtures/<fixture>` (see helpers/engine.ts) behind the harness's no-kubelet stack
 * transform and inits stack `example` with `namespace` in its config. The real kubernetes provider
 * reaches `cluster`; stand-ins answer for the cloud providers and the Node language host when the
 * real one is not built.
 */
export function engineProgram(
  fixture: string,
  pulumiBin: string,
  kubeProviderDir: string,
  cluster: Cluster,
  namespace: string,
): EngineProgram {
  const host = tool("pulumi-language-nodejs");
  if (!fs.existsSync(path.join(ROOT, "dist/components/index.js")))
    execFileSync("npm", ["run", "build:lib"], { cwd: ROOT, stdio: "ignore" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `secret-mount-${fixture}-`));
  const p = program(dir, path.join(__dirname, "..", "fixtures", fixture), pulumiBin, {
    path: `${host.ok ? `${host.dir}:` : ""}${kubeProviderDir}:`,
    env: { KUBECONFIG: cluster.kubeconfig },
    noKubelet: true,
  });
  p.pulumi(["stack", "init", "example"]);
  p.pulumi(["config", "set", "namespace", namespace]);
  return { dir, pulumi: p.pulumi, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
