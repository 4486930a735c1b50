import * as path from "node:path";
import * as fs from "node:fs";
import Module from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { RenderError } from "./render-error";
import { readProject, readYamlMapping, shown } from "./program-files";
import { PLATFORM_REVIEWS } from "../platforms/registry";
import type { OfflineProvider, OfflineScope } from "../review/offline";

/** Every cloud's mocked provider, once each (several platforms share one cloud). */
const OFFLINE_PROVIDERS: OfflineProvider[] = [...new Set(PLATFORM_REVIEWS.flatMap((r) => r.offline ?? []))];
import { withTransforms } from "./transforming-mocks";
import { recordMissingConfig } from "./config-stand-ins";
import { DeclarationError } from "../core/declaration-error";

/**
 * Runs a Pulumi program with no CLI, no cloud and no cluster: `pulumi.runtime.setMocks` stands in
 * for the engine and the providers, and every resource the program registers is recorded with its
 * resolved inputs — what `pulumi up` would send to the providers.
 */

export interface RecordedResource {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** What the engine answered (the inputs plus invented ARNs, ids and generated names), when known. */
  outputs?: Record<string, unknown>;
  /** A remote component (awsx, eks, …): its provider plugin makes its resources at `pulumi up`, never offline. */
  remote?: boolean;
}

export type { OfflineScope } from "../review/offline";

export const DEFAULT_SCOPE: OfflineScope = {
  accountId: "111122223333",
  region: "eu-west-1",
  partition: "aws",
  dnsSuffix: "amazonaws.com",
};

/** Placeholder for values the providers generate at `pulumi up`; no real secret exists offline. */
export const GENERATED_PLACEHOLDER = "(generated at pulumi up)";

/** A value the offline engine invented for something that exists only after `pulumi up`. */
export interface Placeholder {
  /** The value as it appears in the rendered files. */
  value: string;
  /** What it stands for, e.g. `ARN of billing-api-role`. */
  standsFor: string;
}

export class OfflineMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  /** Every id, name and ARN the mocks invented, so review output can label them. */
  readonly placeholders: Placeholder[] = [];
  /** The types the program registered as remote components (see noteRemoteComponents). */
  readonly remoteTypes = new Set<string>();

  constructor(private readonly scope: OfflineScope = DEFAULT_SCOPE) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const state: Record<string, unknown> = { ...args.inputs };
    const remote = this.remoteTypes.has(args.type);
    this.resources.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: args.inputs,
      outputs: state,
      ...(remote ? { remote } : {}),
    });
    const autoName = `${args.name}-1a2b3c4`;
    const invent = (value: string, what: string) => {
      this.placeholders.push({ value, standsFor: `${what} of ${args.name}` });
      return value;
    };
    switch (args.type) {
      case "random:index/randomPassword:RandomPassword":
        state.result = GENERATED_PLACEHOLDER;
        break;
      case "vault:kv/secretV2:SecretV2":
        // What Vault answers for a first write: version 1 (the revision reads it, never the data).
        state.metadata = { version: "1" };
        delete state.dataJson;
        break;
      case "tls:index/privateKey:PrivateKey":
        state.privateKeyPem = GENERATED_PLACEHOLDER;
        state.privateKeyPemPkcs8 = GENERATED_PLACEHOLDER;
        state.publicKeyPem = GENERATED_PLACEHOLDER;
        break;
    }
    // The clouds' providers: what they answer beyond the inputs (through the platform registry).
    for (const p of OFFLINE_PROVIDERS)
      if (p.state) Object.assign(state, p.state(args.type, args.name, args.inputs, this.scope, invent));
    if (args.type.startsWith("kubernetes:")) {
      const meta = { ...((args.inputs.metadata as Record<string, unknown>) ?? {}) };
      meta.name ??= invent(autoName, "name");
      state.metadata = meta;
    }
    return { id: args.custom === false ? `${args.name}-id` : invent(`${args.name}-id`, "id"), state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    for (const p of OFFLINE_PROVIDERS) {
      const answer = p.call?.(args.token, args.inputs, this.scope);
      if (answer) return answer;
    }
    throw new Error(`the offline engine has no answer for ${args.token}; use a resource or a config value instead`);
  }
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
  /** Values the engine invented, longest first; see {@link Placeholder}. */
  placeholders: Placeholder[];
  /** The account and region the program saw, and whether the region came from `aws:region`. */
  scope: OfflineScope & { regionConfigured: boolean };
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` of a program directory, runs its main module
 * under mocks, and returns what it registered. The program may import the library by its
 * published name, `secret-mount`; it resolves to this checkout.
 */
export async function runProgram(dir: string, stack = "example", scope?: Partial<OfflineScope>): Promise<ProgramRun> {
  const { project, projectFile, stackPath } = readProject(dir, stack);
  checkRuntime(dir, projectFile);
  const stackFile = fs.existsSync(stackPath) ? readYamlMapping(stackPath) : {};
  const rawConfig = stackFile.config ?? {};
  if (!rawConfig || typeof rawConfig !== "object" || Array.isArray(rawConfig)) {
    throw new RenderError(`${shown(stackPath)}: \`config:\` must be a mapping of key: value`);
  }
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawConfig as Record<string, unknown>)) {
    if (v && typeof v === "object" && "secure" in v) {
      throw new RenderError(
        `${shown(stackPath)}: ${k} is an encrypted config value; the offline engine cannot decrypt it, give an example value instead`,
      );
    }
    config[k.includes(":") ? k : `${project}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const region = config["aws:region"];
  const gcpProject = config["gcp:project"];
  const fullScope = {
    ...DEFAULT_SCOPE,
    ...(region ? { region } : {}),
    ...(gcpProject ? { gcpProject } : {}),
    ...scope,
  };
  const mocks = new OfflineMocks(fullScope);

  pulumi.runtime.setAllConfig(config);
  // Transforms run, so a program that adopts workloads (SecretMount.transform) renders them adopted.
  await pulumi.runtime.setMocks(withTransforms(mocks), project, stack, false);
  noteRemoteComponents(mocks);
  aliasLibrary();
  const main = entryPoint(dir, projectFile);
  const ctx = { dir, stackPath, stackExists: fs.existsSync(stackPath), stack, main };
  const missingConfig = recordMissingConfig([pulumi, ...programSdk(dir)]);
  const failures: unknown[] = [];
  const fail = (e: unknown) => {
    if (!failures.includes(e)) failures.push(e);
  };
  // As Pulumi's language host does: an error inside an Output (an apply that throws, a resource
  // that cannot be serialized) surfaces as a rejection nobody awaits; here it fails the run.
  process.on("unhandledRejection", fail);
  const outputs: Record<string, unknown> = {};
  const restoreStacks = cheapStacks(process.env);
  try {
    try {
      const exported = require(main) as Record<string, unknown>;
      for (const [k, v] of Object.entries(exported))
        outputs[k] = pulumi.Output.isInstance(v) ? await outputValue(v) : v;
    } catch (e) {
      fail(e);
    }
    // Every registration settles (also after a failure), so nothing of this run fails later.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs().catch(fail);
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", fail);
    missingConfig.restore();
    restoreStacks();
  }
  if (missingConfig.missing.length)
    throw missingConfigError(
      missingConfig.missing.map((m) => m.key),
      ctx,
    );
  if (failures.length) throw explainProgramError(failures.find(isDeclarationError) ?? failures[0], ctx);
  const placeholders = [...mocks.placeholders].sort((a, b) => b.value.length - a.value.length);
  return {
    project,
    stack,
    resources: mocks.resources,
    outputs,
    placeholders,
    scope: { ...fullScope, regionConfigured: Boolean(region || scope?.region) },
  };
}

/**
 * Pulumi's mock monitor hands a remote component (`new awsx.ecs.FargateService(…)`, whose resources
 * the awsx plugin makes at `pulumi up`) to the mocks as it does a local component, without the
 * request's `remote` flag: the flag is read off the request here, so the review can say what it
 * cannot show.
 */
function noteRemoteComponents(mocks: OfflineMocks): void {
  type Request = { getType(): string; getRemote(): boolean };
  const monitor = pulumi.runtime.getMonitor() as unknown as
    { registerResource(req: Request, callback: unknown): unknown } | undefined;
  if (!monitor) return;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    if (req.getRemote()) mocks.remoteTypes.add(req.getType());
    return register(req, callback);
  };
}

/** Render runs Node.js programs: a project whose `runtime` names another language is refused. */
function checkRuntime(dir: string, projectFile: Record<string, unknown>): void {
  const runtime = projectFile.runtime;
  const name = typeof runtime === "object" && runtime !== null ? (runtime as { name?: unknown }).name : runtime;
  if (name === undefined || name === "nodejs") return;
  throw new RenderError(
    `${shown(path.join(dir, "Pulumi.yaml"))} declares runtime ${JSON.stringify(name)}; render runs Node.js programs only ` +
      "(TypeScript or JavaScript, runtime nodejs). Review this program with `pulumi preview` in its directory instead, " +
      "or render a Node.js program that makes the same declaration.",
  );
}

/** What Pulumi runs: `main` from Pulumi.yaml, else the directory (its package.json `main`, index.ts or index.js). */
function entryPoint(dir: string, projectFile: Record<string, unknown>): string {
  const main = path.resolve(dir, typeof projectFile.main === "string" ? projectFile.main : ".");
  return fs.existsSync(main) && fs.statSync(main).isDirectory() ? `${main}${path.sep}` : main;
}

/** The program's own copy of the Pulumi SDK, when it has one (a program outside this repository). */
function programSdk(dir: string): Array<typeof pulumi> {
  try {
    return [require(require.resolve("@pulumi/pulumi", { paths: [dir] })) as typeof pulumi];
  } catch {
    return [];
  }
}

/** A DeclarationError from whichever copy of the library threw it. */
function isDeclarationError(e: unknown): e is DeclarationError {
  return e instanceof DeclarationError || (e as Error)?.name === "DeclarationError";
}

/** Every missing key in one message: the file to add them to, and how. */
function missingConfigError(keys: string[], ctx: ProgramContext): RenderError {
  const where = ctx.stackExists
    ? shown(ctx.stackPath)
    : `${shown(ctx.stackPath)} (stack "${ctx.stack}"; the file does not exist yet)`;
  const which = keys.length === 1 ? `config key ${keys[0]} is` : `config keys ${keys.join(", ")} are`;
  return new RenderError(
    `${which} missing from ${where}. The offline engine reads config only from that file: ` +
      `add ${keys.length === 1 ? "it" : "them"} under \`config:\`, e.g.\n  config:\n${keys.map((k) => `    ${k}: <example value>`).join("\n")}`,
  );
}

/**
 * Makes stack traces cheap while the program runs, and returns what undoes it. The Pulumi SDK takes a
 * stack trace of every promise it wraps (debuggablePromise, read only to report leaked promises under
 * PULUMI_DEBUG_PROMISE_LEAKS) and a full one of every resource (its source position, which mocks do
 * not use); under tsx each is source-mapped. At 100 workloads that was about half the render's CPU.
 * Render prints a failing program's message, never its stack, so: no source mapping, and no frames
 * by default (Pulumi's resource trace sets its own limit). PULUMI_DEBUG_PROMISE_LEAKS keeps both.
 */
export function cheapStacks(env: NodeJS.ProcessEnv): () => void {
  if (env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
  const sourceMaps = process.sourceMapsEnabled;
  const limit = Error.stackTraceLimit;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  return () => {
    process.setSourceMapsEnabled(sourceMaps);
    Error.stackTraceLimit = limit;
  };
}

/** Where a program ran from, for error messages. */
export interface ProgramContext {
  /** The program directory. */
  dir: string;
  /** The stack's config file (which may not exist). */
  stackPath: string;
  /** Whether `stackPath` exists. */
  stackExists: boolean;
  /** The stack name. */
  stack: string;
  /** The module render runs: Pulumi.yaml's `main`, or the directory. */
  main?: string;
}

/** Turns the errors a user can fix (a missing config key, a module not installed) into one clear message. */
export function explainProgramError(e: unknown, ctx: ProgramContext): unknown {
  const err = e as { message?: string; key?: unknown; code?: unknown; requireStack?: unknown };
  if (typeof err?.key === "string" && /^Missing required configuration variable/.test(err.message ?? "")) {
    return missingConfigError([err.key], ctx);
  }
  // Several problems: one line each, each as self-contained as the single one (`render: <component>: <field>: <problem>`).
  if (isDeclarationError(e)) return new RenderError(e.message.split("\n").join("\nrender: "));
  if (err?.code === "MODULE_NOT_FOUND" && typeof err.message === "string") {
    const request = /Cannot find module '([^']+)'/.exec(err.message)?.[1];
    const stack = Array.isArray(err.requireStack) ? (err.requireStack as string[]) : [];
    if (request !== undefined && ctx.main !== undefined && request === ctx.main) {
      const main = shown(ctx.main.replace(/[/\\]$/, ""));
      return new RenderError(
        `${main} is not a module render can run: Pulumi runs the \`main:\` of Pulumi.yaml, else the directory's ` +
          `package.json \`main\`, index.ts or index.js. Add one of them, or set \`main:\` to the program's entry file.`,
      );
    }
    if (request && !request.startsWith(".") && !path.isAbsolute(request)) {
      const pkg = request.startsWith("@") ? request.split("/").slice(0, 2).join("/") : request.split("/")[0];
      const from = stack[0] ? ` (imported by ${shown(stack[0])})` : "";
      const home = packageDir(ctx.dir);
      const fix = home
        ? `run \`npm install\` in ${shown(home)} (its package.json must list ${pkg})`
        : `run \`npm install ${pkg}\` in ${shown(ctx.dir)}`;
      return new RenderError(
        `the program needs the module ${request}${from}, which is not installed where the program is. ` +
          `A program outside this repository needs its own dependencies: ${fix}. ` +
          `(\`secret-mount\` itself always resolves to this checkout.)`,
      );
    }
  }
  return e;
}

/** The nearest folder at or above `dir` holding a package.json. */
function packageDir(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The Output's own promise (internal, not typed): rejects when the Output failed, where `apply` would never run. */
function outputValue(o: pulumi.Output<unknown>): Promise<unknown> {
  return (o as unknown as { promise(): Promise<unknown> }).promise();
}

let aliased = false;
/** Lets example programs `import ... from "secret-mount"` against this checkout's source. */
function aliasLibrary(): void {
  if (aliased) return;
  aliased = true;
  // Extensionless: components/index.ts from source (tsx), dist/components/index.js in the npm package.
  const entry = require.resolve(path.resolve(__dirname, "..", "index"));
  const m = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const original = m._resolveFilename;
  m._resolveFilename = function (request: string, ...rest: unknown[]) {
    return original.call(this, request === "secret-mount" ? entry : request, ...rest);
  };
}
