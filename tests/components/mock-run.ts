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
  /** Names of the resources each child explicitly depends on (`dependsOn`). */
  dependsOn: Map<string, string[]>;
  outputs: Record<string, unknown>;
  one(type: string): Record<string, any>;
  all(type: string): RecordedResource[];
}

const OUTPUTS = [
  "roleArn", "serviceAccountName", "deploymentName", "namespace", "mountPath", "fetchSpec", "permissionPolicy", "trustPolicy",
  "identityClientId", "identityPrincipalId", "vaultUri", "roleAssignments", "federatedCredential", "iamMembers",
] as const;

/** Declares a workload under Pulumi mocks and returns every child's resolved inputs. */
export async function mockWorkload(name: string, args: SecretMountedWorkloadArgs, mocks = new OfflineMocks()): Promise<MockedWorkload> {
  await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
  const parents = new Map<string, string | undefined>();
  const dependsOn = new Map<string, string[]>();
  const nameOf = (r: unknown) => (r as { __name?: string } | undefined)?.__name ?? "?";
  const w = new SecretMountedWorkload(name, args, {
    transformations: [(t) => {
      parents.set(t.name, nameOf(t.opts.parent));
      const deps = t.opts.dependsOn;
      dependsOn.set(t.name, Array.isArray(deps) ? deps.map(nameOf) : deps ? [nameOf(deps)] : []);
      return undefined;
    }],
  });
  const outputs: Record<string, unknown> = {};
  for (const k of OUTPUTS) {
    const o = w[k];
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

/**
 * The offline mocks, plus what the AWS provider returns that they leave out or invent otherwise:
 * managed policy ARNs without the generated suffix, Secrets Manager version ids and SSM parameter versions (set per resource name; default "v1" / 1).
 */
export class VersionedMocks extends OfflineMocks {
  constructor(readonly versionIds: Record<string, string> = {}, readonly parameterVersions: Record<string, number> = {}) {
    super();
  }

  override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const r = super.newResource(args);
    if (args.type === "aws:iam/policy:Policy") r.state.arn = `arn:aws:iam::111122223333:policy/${args.name}`;
    if (args.type === "aws:secretsmanager/secretVersion:SecretVersion") r.state.versionId = this.versionIds[args.name] ?? "v1";
    if (args.type === "aws:ssm/parameter:Parameter") r.state.version = this.parameterVersions[args.name] ?? 1;
    return r;
  }
}

/** A minimal valid GKE declaration to vary in tests (direct workload identity, the provider's project). */
export function gkeArgs(over: Partial<SecretMountedWorkloadArgs> = {}): SecretMountedWorkloadArgs {
  return {
    namespace: "shop",
    gke: {},
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    containers: [{ name: "app", image: "registry.example.com/shop@sha256:" + "a".repeat(64), runAsUser: 10001 }],
    fetch: { image: FETCH_IMAGE },
    ...over,
  };
}

export const AZ_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const AZ_SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
export const AKS_ISSUER = "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/5e6b7c8d-0000-4000-8000-000000000001/";

/** The offline mocks, plus the azure-native provider's own answer: the signed-in tenant and subscription. */
export class AzureMocks extends OfflineMocks {
  readonly clientConfigCalls: number[] = [];

  override call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    if (args.token === "azure-native:authorization:getClientConfig") {
      this.clientConfigCalls.push(1);
      return { clientId: "provider-client", objectId: "provider-object", subscriptionId: AZ_SUBSCRIPTION, tenantId: AZ_TENANT };
    }
    return super.call(args);
  }
}

/** A minimal valid AKS declaration to vary in tests (the same app as baseArgs, on AKS). */
export function aksArgs(over: Partial<SecretMountedWorkloadArgs> = {}): SecretMountedWorkloadArgs {
  const { eks: _eks, ...rest } = baseArgs();
  return { ...rest, aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: "shop-rg" }, ...over };
}
