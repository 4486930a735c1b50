import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ROOT } from "./rendered";

/** The value the engine shows for an input not known at preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The recording stand-in providers and language host (tests-real/stand-ins/bin). */
export const STAND_INS = path.join(__dirname, "..", "stand-ins", "bin");
/** The harness's stack transform for a cluster without kubelets (see the file). */
const NO_KUBELET = path.join(__dirname, "..", "fixtures", "no-kubelet.js");

type Obj = Record<string, any>;

/** One example copied into `dir/program`, with its own file backend, plugin home and record file. */
export interface EngineProgram {
  prog: string;
  project: string;
  env: NodeJS.ProcessEnv;
  /** Runs the Pulumi CLI non-interactively in the program; a failure throws with the output's tail. */
  pulumi(args: string[]): string;
  /** The resources of `pulumi stack export` (secrets encrypted). */
  exported(): Obj[];
  /** The stack's state file as the backend wrote it. */
  stateFile: string;
  /** What the stand-in providers recorded, one entry per operation. */
  recorded(): Obj[];
}

/**
 * Copies examples/<example> (or the program at an absolute path) into `dir`, resolving `secret-mount` to this clone and `@pulumi/*` to
 * its node_modules, and returns a runner for the Pulumi CLI at `pulumiBin` with a local file
 * backend, a passphrase, no update check and no plugin download. `path` goes first on PATH (real
 * tools), then the stand-ins. `noKubelet` puts the harness's no-kubelet stack transform in front of
 * the program. The stack is not created.
 */
export function engineProgram(
  dir: string,
  example: string,
  pulumiBin: string,
  opts: { path?: string; env?: NodeJS.ProcessEnv; noKubelet?: boolean } = {},
): EngineProgram {
  const prog = path.join(dir, "program");
  fs.cpSync(path.isAbsolute(example) ? example : path.join(ROOT, "examples", example), prog, { recursive: true });
  fs.mkdirSync(path.join(prog, "node_modules"));
  fs.symlinkSync(ROOT, path.join(prog, "node_modules", "secret-mount"));
  fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(prog, "node_modules", "@pulumi"));
  const state = path.join(dir, "state");
  fs.mkdirSync(state);
  const projectFile = parseYaml(fs.readFileSync(path.join(prog, "Pulumi.yaml"), "utf8")) as {
    name: string;
    main?: string;
  };
  const project = projectFile.name;
  if (opts.noKubelet) {
    fs.copyFileSync(NO_KUBELET, path.join(prog, "no-kubelet.js"));
    fs.writeFileSync(path.join(prog, "Pulumi.yaml"), stringifyYaml({ ...projectFile, main: "no-kubelet.js" }));
  }
  const record = path.join(dir, "record.jsonl");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${opts.path ?? ""}${STAND_INS}:${path.dirname(pulumiBin)}:${process.env.PATH}`,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "real-parts-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    SECRET_MOUNT_RECORD: record,
    ...opts.env,
  };
  const pulumi = (args: string[]): string => {
    try {
      return execFileSync(pulumiBin, [...args, "--non-interactive"], {
        cwd: prog,
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 << 20,
      });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `pulumi ${args.join(" ")} failed:\n${`${e.stdout ?? ""}\n${e.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n")}`,
        { cause: err },
      );
    }
  };
  return {
    prog,
    project,
    env,
    pulumi,
    exported: () => JSON.parse(pulumi(["stack", "export"])).deployment.resources ?? [],
    stateFile: path.join(state, ".pulumi", "stacks", project, "example.json"),
    recorded: () =>
      fs.existsSync(record)
        ? fs
            .readFileSync(record, "utf8")
            .trim()
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [],
  };
}

/** The resources a program manages: neither the stack nor a provider. */
export const managed = (rs: Obj[]): Obj[] =>
  rs.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));

const SIG = "4dabf18193072939515e22adb298388d";

/**
 * Every value the engine holds as a secret in the stack's state (decrypted here only to look for
 * it in the raw file), how many of them a copy of the state with every secret unwrapped holds in
 * clear (the detector's control: all of them), and how many the state file holds in clear.
 */
export function secretsInState(p: EngineProgram): { secrets: number; inLeakyCopy: number; leaked: number } {
  const secrets: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string" && v.length >= 8) secrets.push(v);
    // A decrypted secret is still wrapped: { <sig>: <secret sig>, plaintext: <JSON of the value> }.
    else if (v && typeof v === "object" && SIG in v) collect(JSON.parse((v as Obj).plaintext));
    else if (v && typeof v === "object") Object.values(v).forEach(collect);
  };
  const plain = JSON.parse(p.pulumi(["stack", "export", "--show-secrets"])).deployment.resources as Obj[];
  const cipher = new Map(p.exported().map((r) => [r.urn, r]));
  for (const r of plain) {
    for (const [k, v] of Object.entries(r.outputs ?? {})) {
      const enc = cipher.get(r.urn)?.outputs?.[k];
      if (enc && typeof enc === "object" && "ciphertext" in enc) collect(v);
    }
  }
  // How a value would appear in a state file that held it in clear: JSON-escaped.
  const inClear = (text: string, v: string) => text.includes(JSON.stringify(v).slice(1, -1));
  const unwrap = (v: unknown): unknown =>
    v && typeof v === "object"
      ? SIG in v
        ? JSON.parse((v as Obj).plaintext)
        : Array.isArray(v)
          ? v.map(unwrap)
          : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]))
      : v;
  const leakyCopy = JSON.stringify(unwrap(plain));
  const raw = fs.readFileSync(p.stateFile, "utf8");
  return {
    secrets: secrets.length,
    inLeakyCopy: secrets.filter((v) => inClear(leakyCopy, v)).length,
    leaked: secrets.filter((v) => inClear(raw, v)).length,
  };
}
