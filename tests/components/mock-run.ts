import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "../../components";
import type { SecretMountedWorkloadArgs } from "../../components";
import { OfflineMocks, type RecordedResource } from "../../components/render/offline-engine";

export const OIDC_ARN = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
export const OIDC_URL = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
/** A digest-pinned fetch image: this repository records no released one, so tests name theirs. */
export const FETCH_IMAGE = "registry.example.com/secret-mount-fetch@sha256:" + "f".repeat(64);
export const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";

export interface MockedWorkload {
  resources: RecordedResource[];
  /** Parent resource name of each child, from a transformation on the component. */
  parents: Map<string, string | undefined>;
  outputs: Record<string, unknown>;
  one(type: string): Record<string, any>;
  all(type: string): RecordedResource[];
}

const OUTPUTS = ["roleArn", "serviceAccountName", "deploymentName", "namespace", "mountPath", "fetchSpec", "permissionPolicy", "trustPolicy"] as const;

/** Declares a workload under Pulumi mocks and returns every child's resolved inputs. */
export async function mockWorkload(name: string, args: SecretMountedWorkloadArgs): Promise<MockedWorkload> {
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
  const parents = new Map<string, string | undefined>();
  const w = new SecretMountedWorkload(name, args, {
    transformations: [(t) => {
      parents.set(t.name, (t.opts.parent as unknown as { __name?: string } | undefined)?.__name);
      return undefined;
    }],
  });
  const outputs: Record<string, unknown> = {};
  for (const k of OUTPUTS) outputs[k] = await new Promise((resolve) => w[k].apply(resolve));
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const all = (type: string) => mocks.resources.filter((r) => r.type === type);
  return {
    resources: mocks.resources,
    parents,
    outputs,
    all,
    one(type) {
      const found = all(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0].inputs as Record<string, any>;
    },
  };
}

/** A minimal valid EKS declaration to vary in tests. */
export function baseArgs(over: Partial<SecretMountedWorkloadArgs> = {}): SecretMountedWorkloadArgs {
  return {
    namespace: "shop",
    eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    containers: [{ name: "app", image: "registry.example.com/shop@sha256:" + "a".repeat(64), runAsUser: 10001 }],
    fetch: { image: FETCH_IMAGE },
    ...over,
  };
}
