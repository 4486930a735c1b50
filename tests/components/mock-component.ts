import * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../../components";
import { OfflineMocks, type RecordedResource } from "../../components/render/offline-engine";

export interface MockedComponent {
  resources: RecordedResource[];
  /** Parent resource name of each child. */
  parents: Map<string, string | undefined>;
  /** Names of the resources each child explicitly depends on. */
  dependsOn: Map<string, string[]>;
  outputs: Record<string, unknown>;
  one(type: string): Record<string, any>;
  all(type: string): RecordedResource[];
}

/**
 * Declares any secret-mount component under Pulumi mocks (`create` gets the options that record
 * parents and dependencies) and returns every child's resolved inputs and the named outputs.
 */
export async function mockComponent(
  create: (opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource,
  outputNames: string[],
  mocks: OfflineMocks = new OfflineMocks(),
): Promise<MockedComponent> {
  await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
  const parents = new Map<string, string | undefined>();
  const dependsOn = new Map<string, string[]>();
  const nameOf = (r: unknown) => (r as { __name?: string } | undefined)?.__name ?? "?";
  const c = create({
    transformations: [
      (t) => {
        parents.set(t.name, nameOf(t.opts.parent));
        const deps = t.opts.dependsOn;
        dependsOn.set(t.name, Array.isArray(deps) ? deps.map(nameOf) : deps ? [nameOf(deps)] : []);
        return undefined;
      },
    ],
  }) as unknown as Record<string, pulumi.Output<unknown> | undefined>;
  const outputs: Record<string, unknown> = {};
  for (const k of outputNames) {
    const o = c[k];
    outputs[k] = o === undefined ? undefined : await new Promise((resolve) => o.apply(resolve));
  }
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

/** Asserts `create` throws a DeclarationError on `field` matching `message`, before anything is registered. */
export async function assertRefused(
  create: () => unknown,
  component: string,
  field: string,
  message: RegExp,
  assert: typeof import("node:assert/strict"),
) {
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
  assert.throws(create, (err: unknown) => {
    assert.ok(err instanceof DeclarationError, `expected a DeclarationError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.match(err.message, message);
    assert.ok(err.message.startsWith(`${component}: ${field}: `), err.message);
    return true;
  });
  assert.deepEqual(mocks.resources, [], "a failed declaration must register nothing");
}
