import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The version of our @pulumi/pulumi: Pulumi's Python SDK is installed at the same version. */
export const PULUMI_SDK_VERSION = (require("@pulumi/pulumi/package.json") as { version: string }).version;

/** Runs a command; on failure, throws with the command and the tail of its output. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  try {
    return execFileSync(cmd, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 << 20,
      ...opts,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(" ")} failed:\n${(e.stderr || e.stdout || e.message).trim().split("\n").slice(-25).join("\n")}`,
      { cause: err },
    );
  }
}

/**
 * The Python of a venv holding Pulumi's Python SDK (`pulumi==<our @pulumi/pulumi version>` from
 * PyPI), made once and kept in the tool cache beside the built tools. A venv python3 cannot make
 * fails the test; an SDK pip cannot install makes it pending, saying so.
 */
export function pulumiPythonVenv(ctx: Mocha.Context): string {
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "secret-mount", "tools");
  const venv = path.join(cache, `python-venv-pulumi-${PULUMI_SDK_VERSION}`);
  const python = path.join(venv, "bin", "python");
  if (!fs.existsSync(path.join(venv, "ready"))) {
    fs.rmSync(venv, { recursive: true, force: true });
    run("python3", ["-m", "venv", venv]);
    try {
      run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `pulumi==${PULUMI_SDK_VERSION}`]);
    } catch (err) {
      console.log(
        `      PENDING: Pulumi's Python SDK could not be installed (pip install pulumi==${PULUMI_SDK_VERSION} from PyPI): ${(err as Error).message.split("\n").slice(-1)[0]}`,
      );
      ctx.skip();
    }
    fs.writeFileSync(path.join(venv, "ready"), "");
  }
  return python;
}
