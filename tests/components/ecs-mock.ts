import * as pulumi from "@pulumi/pulumi";
import { SecretMountedTask } from "../../components";
import type { SecretMountedTaskArgs } from "../../components";
import type { RecordedResource } from "../../components/render/offline-engine";
import { FETCH_IMAGE, VersionedMocks } from "./mock-run";

export const APP_IMAGE = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/api@sha256:" + "a".repeat(64);

export interface MockedTask {
  resources: RecordedResource[];
  parents: Map<string, string | undefined>;
  dependsOn: Map<string, string[]>;
  outputs: Record<string, string>;
  one(type: string): Record<string, any>;
  all(type: string): RecordedResource[];
}

const OUTPUTS = [
  "taskDefinitionArn",
  "family",
  "taskRoleArn",
  "executionRoleArn",
  "logGroupName",
  "serviceName",
  "mountPath",
  "fetchSpec",
  "containerDefinitions",
  "taskRolePolicy",
  "taskRoleTrustPolicy",
  "executionRolePolicy",
  "executionRoleTrustPolicy",
] as const;

/** Declares a task under Pulumi mocks and returns every child's resolved inputs. */
export async function mockTask(
  name: string,
  args: SecretMountedTaskArgs,
  mocks = new VersionedMocks(),
): Promise<MockedTask> {
  await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
  const parents = new Map<string, string | undefined>();
  const dependsOn = new Map<string, string[]>();
  const nameOf = (r: unknown) => (r as { __name?: string } | undefined)?.__name ?? "?";
  const t = new SecretMountedTask(name, args, {
    transformations: [
      (x) => {
        parents.set(x.name, nameOf(x.opts.parent));
        const deps = x.opts.dependsOn;
        dependsOn.set(x.name, Array.isArray(deps) ? deps.map(nameOf) : deps ? [nameOf(deps)] : []);
        return undefined;
      },
    ],
  });
  const outputs: Record<string, string> = {};
  for (const k of OUTPUTS) outputs[k] = await new Promise((resolve) => t[k].apply((v) => resolve(v)));
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const all = (type: string) => mocks.resources.filter((r) => r.type === type);
  return {
    resources: mocks.resources,
    parents,
    dependsOn,
    outputs,
    all,
    one(type) {
      const found = all(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0].inputs as Record<string, any>;
    },
  };
}

/** A minimal valid Fargate task to vary in tests. */
export function taskArgs(over: Partial<SecretMountedTaskArgs> = {}): SecretMountedTaskArgs {
  return {
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    containers: [{ name: "api", image: APP_IMAGE, user: "10001:65532" }],
    fetch: { image: FETCH_IMAGE },
    ...over,
  };
}
