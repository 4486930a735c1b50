export type { SecretMountedWorkloadArgs } from "./workload-args";
export { WorkloadKind } from "./workload-args";
export type {
  ContainerArgs,
  ContainerPortArgs,
  EnvFileArgs,
  ExistingSecretArgs,
  FetchContainerArgs,
  GenerateArgs,
  RefreshArgs,
  ResourcesArgs,
  SecretArgs,
  SecretFileArgs,
  AwsSecretArgs,
  ProbeArgs,
  HttpGetProbeArgs,
  HttpHeaderArgs,
  TcpSocketProbeArgs,
  ExecProbeArgs,
  GrpcProbeArgs,
  AzureSecretArgs,
  NotifyArgs,
  HttpNotifyArgs,
  SignalNotifyArgs,
  GenerationFileNotifyArgs,
  RestartPodNotifyArgs,
} from "./core/args";
export type {
  AwsSecret,
  AzureSecret,
  Container,
  ContainerPort,
  EnvFile,
  ExecProbe,
  ExistingSecret,
  FetchContainer,
  Generate,
  GenerationFileNotify,
  GrpcProbe,
  HttpGetProbe,
  HttpHeader,
  HttpNotify,
  Notify,
  Probe,
  Refresh,
  Resources,
  RestartPodNotify,
  Secret,
  SecretFile,
  SignalNotify,
  TcpSocketProbe,
} from "./core/args";
export {
  AwsSecretStore,
  EcdsaCurve,
  FileDecoding,
  GenerateType,
  NotifyMethod,
  NotifySignal,
  PortProtocol,
  ProbeScheme,
} from "./core/args";
export type { EksPlatformArgs } from "./platforms/eks/args";
export type { EksPlatform } from "./platforms/eks/args";
export { EksIdentity } from "./platforms/eks/args";
export type { AksPlatformArgs, AksKeyVaultArgs, AksExistingIdentityArgs } from "./platforms/aks/args";
export type { AksExistingIdentity, AksKeyVault, AksPlatform } from "./platforms/aks/args";
export { AksPublicNetworkAccess, AksRoleScope } from "./platforms/aks/args";
export type { GkePlatformArgs, GkeGoogleServiceAccountArgs } from "./platforms/gke/args";
export type { GcpSecretArgs, GcpReplicaArgs, GcpReplica, GcpSecret } from "./core/args";
export type { GkeGoogleServiceAccount, GkePlatform } from "./platforms/gke/args";
export { GkeIdentity } from "./platforms/gke/args";
export type {
  Affinity,
  AffinityArgs,
  LabelSelector,
  LabelSelectorArgs,
  LabelSelectorRequirement,
  LabelSelectorRequirementArgs,
  NodeAffinity,
  NodeAffinityArgs,
  NodeSelector,
  NodeSelectorArgs,
  NodeSelectorRequirement,
  NodeSelectorRequirementArgs,
  NodeSelectorTerm,
  NodeSelectorTermArgs,
  PodAffinity,
  PodAffinityArgs,
  PodAffinityTerm,
  PodAffinityTermArgs,
  PreferredSchedulingTerm,
  PreferredSchedulingTermArgs,
  Toleration,
  TolerationArgs,
  TopologySpreadConstraint,
  TopologySpreadConstraintArgs,
  WeightedPodAffinityTerm,
  WeightedPodAffinityTermArgs,
} from "./core/scheduling-args";
export {
  LabelSelectorOperator,
  NodeInclusionPolicy,
  NodeSelectorOperator,
  TaintEffect,
  TolerationOperator,
  WhenUnsatisfiable,
} from "./core/scheduling-args";
// The component comes after its args: Pulumi's schema analyzer reads the TSDoc of interfaces in the
// files it has walked before it reaches the component.
export type { VaultBackendArgs, VaultRoleArgs, VaultPolicyArgs, VaultSecretArgs } from "./stores/vault/args";
export type { VaultBackend, VaultRole, VaultPolicy, VaultSecret, VaultStoreArgs } from "./stores/vault/args";
export { SecretMountedWorkload } from "./workload";
// ECS: its own component beside the workload (docs/guides/ecs.md), args first as above.
export type { SecretMountedTaskArgs } from "./platforms/ecs/task-args";
export type {
  EcsFetchContainerArgs,
  EcsHealthCheckArgs,
  EcsLogConfigurationArgs,
  EcsNativeSecretArgs,
  EcsNetworkArgs,
  EcsPortMappingArgs,
  EcsServiceArgs,
  TaskContainerArgs,
} from "./platforms/ecs/args";
export type {
  EcsFetchContainer,
  EcsHealthCheck,
  EcsLogConfiguration,
  EcsNativeSecret,
  EcsNetwork,
  EcsPortMapping,
  EcsService,
  TaskContainer,
} from "./platforms/ecs/args";
export { EcsLaunchType, EcsLogDriver, EcsPortProtocol } from "./platforms/ecs/args";
export { SecretMountedTask } from "./platforms/ecs/task";
// The identity pieces on their own: one ServiceAccount, the permissions you give it
// (docs/identity.md), args first as above.
export type {
  EksWorkloadIdentityArgs,
  AwsPolicyStatement,
  AwsPolicyStatementArgs,
  AwsPolicyCondition,
  AwsPolicyConditionArgs,
} from "./platforms/eks/identity-args";
export { AwsPolicyEffect } from "./platforms/eks/identity-args";
export { EksWorkloadIdentity } from "./platforms/eks/identity";
export type { AksWorkloadIdentityArgs, AksRoleAssignment, AksRoleAssignmentArgs } from "./platforms/aks/identity-args";
export { AksWorkloadIdentity } from "./platforms/aks/identity";
export type { GkeWorkloadIdentityArgs, GkeIamBinding, GkeIamBindingArgs } from "./platforms/gke/identity-args";
export { GcpIamResourceKind } from "./platforms/gke/identity-args";
export { GkeWorkloadIdentity } from "./platforms/gke/identity";
// Adopting workloads declared elsewhere (docs/adoption.md), args first as above.
export type { SecretMountArgs } from "./mount-args";
export { SecretMount } from "./mount";
export {
  adoptPodTemplate,
  ADOPTED_BY_ANNOTATION,
  TIGHTENED_ANNOTATION,
  type PodWiring,
  type AdoptTarget,
  type Adopted,
} from "./kubernetes/adopt";
export {
  adoptTransform,
  MOUNT_ANNOTATION,
  type AdoptSelection,
  type TransformContext,
} from "./kubernetes/adopt-transform";
export { DeclarationError, type DeclarationProblem } from "./core/declaration-error";
export { RELEASED_FETCH_IMAGE, defaultFetchImage, type FetchImageRecord } from "./kubernetes/fetch-image";
export * from "../spec/fetch-spec";
