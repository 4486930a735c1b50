export type { SecretMountedWorkloadArgs } from "./workload-args";
export type {
  ContainerArgs, ContainerPortArgs, EnvFileArgs, ExistingSecretArgs, FetchContainerArgs, GenerateArgs, RefreshArgs,
  ResourcesArgs, SecretArgs, SecretFileArgs, AwsSecretArgs, ProbeArgs, HttpGetProbeArgs, HttpHeaderArgs,
  TcpSocketProbeArgs, ExecProbeArgs, GrpcProbeArgs, AzureSecretArgs, NotifyArgs, HttpNotifyArgs, SignalNotifyArgs,
  GenerationFileNotifyArgs,
} from "./core/args";
export { AwsSecretStore, EcdsaCurve, FileDecoding, GenerateType, NotifyMethod, NotifySignal, PortProtocol, ProbeScheme } from "./core/args";
export type { EksPlatformArgs } from "./aws/eks-args";
export { EksIdentity } from "./aws/eks-args";
export type { AksPlatformArgs, AksKeyVaultArgs, AksExistingIdentityArgs } from "./azure/aks-args";
export { AksPublicNetworkAccess, AksRoleScope } from "./azure/aks-args";
export type { GkePlatformArgs, GkeGoogleServiceAccountArgs, GcpSecretArgs, GcpReplicaArgs } from "./gcp/gke-args";
export { GkeIdentity } from "./gcp/gke-args";
// The component comes after its args: Pulumi's schema analyzer reads the TSDoc of interfaces in the
// files it has walked before it reaches the component.
export { SecretMountedWorkload } from "./workload";
// ECS: its own component beside the workload (README, "Use it on ECS"), args first as above.
export type { SecretMountedTaskArgs } from "./task-args";
export type {
  EcsFetchContainerArgs, EcsHealthCheckArgs, EcsLogConfigurationArgs, EcsNativeSecretArgs, EcsNetworkArgs, EcsPortMappingArgs, EcsServiceArgs,
  TaskContainerArgs,
} from "./aws/ecs-args";
export { EcsLaunchType, EcsLogDriver, EcsPortProtocol } from "./aws/ecs-args";
export { SecretMountedTask } from "./task";
export { DeclarationError } from "./core/declaration-error";
export { RELEASED_FETCH_IMAGE, defaultFetchImage, type FetchImageRecord } from "./kubernetes/fetch-image";
export * from "./spec/fetch-spec";
