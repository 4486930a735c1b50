import * as pulumi from "@pulumi/pulumi";
import { SecretMountedWorkload } from "../../components";
import type { SecretMountedWorkloadArgs } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { mockComponent, type MockedComponent } from "./mock-component";

export const OIDC_ARN = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
export const OIDC_URL = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";
/** A digest-pinned fetch image: this repository records no released one, so tests name theirs. */
export const FETCH_IMAGE = "registry.example.com/secret-mount-fetch@sha256:" + "f".repeat(64);
export const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789";

/** What mockWorkload returns: every child's resolved inputs, parents, dependencies and the outputs. */
export type MockedWorkload = MockedComponent;

const OUTPUTS = [
  "roleArn",
  "serviceAccountName",
  "deploymentName",
  "namespace",
  "mountPath",
  "fetchSpec",
  "permissionPolicy",
  "trustPolicy",
  "identityClientId",
  "identityPrincipalId",
  "vaultUri",
  "roleAssignments",
  "federatedCredential",
  "iamMembers",
  "googleServiceAccountEmail",
  "workloadName",
  "selectorLabels",
];

/** Declares a workload under Pulumi mocks and returns every child's resolved inputs. */
export function mockWorkload(
  name: string,
  args: SecretMountedWorkloadArgs,
  mocks = new OfflineMocks(),
): Promise<MockedWorkload> {
  return mockComponent((opts) => new SecretMountedWorkload(name, args, opts), OUTPUTS, mocks);
}

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
  constructor(
    readonly versionIds: Record<string, string> = {},
    readonly parameterVersions: Record<string, number> = {},
  ) {
    super();
  }

  override newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const r = super.newResource(args);
    if (args.type === "aws:iam/policy:Policy") r.state.arn = `arn:aws:iam::111122223333:policy/${args.name}`;
    if (args.type === "aws:secretsmanager/secretVersion:SecretVersion")
      r.state.versionId = this.versionIds[args.name] ?? "v1";
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

export const AZ_TENANT = "00000000-0000-0000-0000-000000000000";
export const AZ_SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
export const AKS_ISSUER =
  "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/5e6b7c8d-0000-4000-8000-000000000001/";

/** The offline mocks, plus the azure-native provider's own answer: the signed-in tenant and subscription. */
export class AzureMocks extends OfflineMocks {
  readonly clientConfigCalls: number[] = [];

  override call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    if (args.token === "azure-native:authorization:getClientConfig") {
      this.clientConfigCalls.push(1);
      return {
        clientId: "provider-client",
        objectId: "provider-object",
        subscriptionId: AZ_SUBSCRIPTION,
        tenantId: AZ_TENANT,
      };
    }
    return super.call(args);
  }
}

/** A minimal valid AKS declaration to vary in tests (the same app as baseArgs, on AKS). */
export function aksArgs(over: Partial<SecretMountedWorkloadArgs> = {}): SecretMountedWorkloadArgs {
  const { eks: _eks, ...rest } = baseArgs();
  return { ...rest, aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: "shop-rg" }, ...over };
}
