import * as path from "node:path";
import * as fs from "node:fs";
import Module from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { gcpCall, gcpState, OFFLINE_GCP_PROJECT } from "./gcp-offline";

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
}

/** The account and region the mocked AWS provider answers with. */
export interface OfflineScope {
  accountId: string;
  region: string;
  partition: string;
  dnsSuffix: string;
  /** The Google provider's project (config `gcp:project`). */
  gcpProject?: string;
}

export const DEFAULT_SCOPE: OfflineScope = { accountId: "111122223333", region: "eu-west-1", partition: "aws", dnsSuffix: "amazonaws.com" };

/** Placeholder for values the providers generate at `pulumi up`; no real secret exists offline. */
export const GENERATED_PLACEHOLDER = "(generated at pulumi up)";

export class OfflineMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];

  constructor(private readonly scope: OfflineScope = DEFAULT_SCOPE) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    this.resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
    const { accountId, region, partition } = this.scope;
    const state: Record<string, unknown> = { ...args.inputs };
    const named = (args.inputs.name as string | undefined) ?? `${args.name}-1a2b3c4`;
    switch (args.type) {
      case "aws:iam/role:Role":
        state.arn = `arn:${partition}:iam::${accountId}:role/${named}`;
        state.name = named;
        break;
      case "aws:secretsmanager/secret:Secret":
        state.arn = `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${named}-AbCdEf`;
        break;
      case "aws:ssm/parameter:Parameter":
        state.arn = `arn:${partition}:ssm:${region}:${accountId}:parameter/${named.replace(/^\/+/, "")}`;
        break;
      case "random:index/randomPassword:RandomPassword":
        state.result = GENERATED_PLACEHOLDER;
        break;
      case "tls:index/privateKey:PrivateKey":
        state.privateKeyPem = GENERATED_PLACEHOLDER;
        state.privateKeyPemPkcs8 = GENERATED_PLACEHOLDER;
        state.publicKeyPem = GENERATED_PLACEHOLDER;
        break;
    }
    if (args.type.startsWith("gcp:")) Object.assign(state, gcpState(args.type, args.inputs, this.scope.gcpProject ?? OFFLINE_GCP_PROJECT));
    if (args.type.startsWith("kubernetes:")) {
      const meta = { ...((args.inputs.metadata as Record<string, unknown>) ?? {}) };
      meta.name ??= `${args.name}-1a2b3c4`;
      state.metadata = meta;
    }
    return { id: `${args.name}-id`, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    const { accountId, region, partition, dnsSuffix } = this.scope;
    switch (args.token) {
      case "aws:index/getRegion:getRegion":
        return { id: region, name: region, region, description: region, endpoint: `ec2.${region}.${dnsSuffix}` };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: accountId, accountId, arn: `arn:${partition}:iam::${accountId}:user/offline`, userId: "AIDAOFFLINE" };
      case "aws:index/getPartition:getPartition":
        return { id: partition, partition, dnsSuffix, reverseDnsPrefix: dnsSuffix.split(".").reverse().join(".") };
      default: {
        const gcp = gcpCall(args.token, args.inputs, this.scope.gcpProject ?? OFFLINE_GCP_PROJECT);
        if (gcp) return gcp;
        throw new Error(`the offline engine has no answer for ${args.token}; use a resource or a config value instead`);
      }
    }
  }
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` of a program directory, runs its main module
 * under mocks, and returns what it registered. The program may import the library by its
 * published name, `secret-mount`; it resolves to this checkout.
 */
export async function runProgram(dir: string, stack = "example", scope?: Partial<OfflineScope>): Promise<ProgramRun> {
  const projectFile = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name: string; main?: string; stackConfigDir?: string };
  const stackPath = path.join(dir, projectFile.stackConfigDir ?? "", `Pulumi.${stack}.yaml`);
  const stackFile = fs.existsSync(stackPath)
    ? (parseYaml(fs.readFileSync(stackPath, "utf8")) as { config?: Record<string, unknown> })
    : {};
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(stackFile.config ?? {})) {
    if (v && typeof v === "object" && "secure" in v) {
      throw new Error(`${stackPath}: ${k} is an encrypted config value; the offline engine cannot decrypt it, give an example value instead`);
    }
    config[k.includes(":") ? k : `${projectFile.name}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const region = config["aws:region"];
  const gcpProject = config["gcp:project"];
  const mocks = new OfflineMocks({ ...DEFAULT_SCOPE, ...(region ? { region } : {}), ...(gcpProject ? { gcpProject } : {}), ...scope });

  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(mocks, projectFile.name, stack, false);
  aliasLibrary();
  const main = path.resolve(dir, projectFile.main ?? "index.ts");
  const exported = require(main) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(exported)) {
    outputs[k] = pulumi.Output.isInstance(v) ? await outputValue(v) : v;
  }
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { project: projectFile.name, stack, resources: mocks.resources, outputs };
}

function outputValue(o: pulumi.Output<unknown>): Promise<unknown> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
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
