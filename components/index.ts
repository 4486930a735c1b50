export type { SecretMountedWorkloadArgs } from "./workload-args";
export { WorkloadKind } from "./workload-args";
export type {
  ContainerArgs, ContainerPortArgs, EnvFileArgs, ExistingSecretArgs, FetchContainerArgs, GenerateArgs, RefreshArgs,
  ResourcesArgs, SecretArgs, SecretFileArgs, AwsSecretArgs, ProbeArgs, HttpGetProbeArgs, HttpHeaderArgs,
  TcpSocketProbeArgs, ExecProbeArgs, GrpcProbeArgs, AzureSecretArgs, NotifyArgs, HttpNotifyArgs, SignalNotifyArgs,
  GenerationFileNotifyArgs,
} from "./core/args";
export type { AwsSecret, AzureSecret, Container, ContainerPort, EnvFile, ExecProbe, ExistingSecret, FetchContainer, Generate, GenerationFileNotify, GrpcProbe, HttpGetProbe, HttpHeader, HttpNotify, Notify, Probe, Refresh, Resources, Secret, SecretFile, SignalNotify, TcpSocketProbe } from "./core/args";
export { AwsSecretStore, EcdsaCurve, FileDecoding, GenerateType, NotifyMethod, NotifySignal, PortProtocol, ProbeScheme } from "./core/args";
export type { EksPlatformArgs } from "./aws/eks-args";
export type { EksPlatform } from "./aws/eks-args";
export { EksIdentity } from "./aws/eks-args";
export type { AksPlatformArgs, AksKeyVaultArgs, AksExistingIdentityArgs } from "./azure/aks-args";
export type { AksExistingIdentity, AksKeyVault, AksPlatform } from "./azure/aks-args";
export { AksPublicNetworkAccess, AksRoleScope } from "./azure/aks-args";
export type { GkePlatformArgs, GkeGoogleServiceAccountArgs, GcpSecretArgs, GcpReplicaArgs } from "./gcp/gke-args";
export type { GcpReplica, GcpSecret, GkeGoogleServiceAccount, GkePlatform } from "./gcp/gke-args";
export { GkeIdentity } from "./gcp/gke-args";
export type {
  Affinity, AffinityArgs, LabelSelector, LabelSelectorArgs, LabelSelectorRequirement, LabelSelectorRequirementArgs, NodeAffinity, NodeAffinityArgs,
  NodeSelector, NodeSelectorArgs, NodeSelectorRequirement, NodeSelectorRequirementArgs, NodeSelectorTerm, NodeSelectorTermArgs, PodAffinity, PodAffinityArgs,
  PodAffinityTerm, PodAffinityTermArgs, PreferredSchedulingTerm, PreferredSchedulingTermArgs, Toleration, TolerationArgs, TopologySpreadConstraint,
  TopologySpreadConstraintArgs, WeightedPodAffinityTerm, WeightedPodAffinityTermArgs,
} from "./kubernetes/scheduling-args";
export { LabelSelectorOperator, NodeInclusionPolicy, NodeSelectorOperator, TaintEffect, TolerationOperator, WhenUnsatisfiable } from "./kubernetes/scheduling-args";
// The component comes after its args: Pulumi's schema analyzer reads the TSDoc of interfaces in the
// files it has walked before it reaches the component.
export type { VaultBackendArgs, VaultRoleArgs, VaultPolicyArgs, VaultSecretArgs } from "./stores/vault/args";
export type { VaultBackend, VaultRole, VaultPolicy, VaultSecret } from "./stores/vault/args";
export { SecretMountedWorkload } from "./workload";
// ECS: its own component beside the workload (docs/guides/ecs.md), args first as above.
export type { SecretMountedTaskArgs } from "./task-args";
export type {
  EcsFetchContainerArgs, EcsHealthCheckArgs, EcsLogConfigurationArgs, EcsNativeSecretArgs, EcsNetworkArgs, EcsPortMappingArgs, EcsServiceArgs,
  TaskContainerArgs,
} from "./aws/ecs-args";
export type { EcsFetchContainer, EcsHealthCheck, EcsLogConfiguration, EcsNativeSecret, EcsNetwork, EcsPortMapping, EcsService, TaskContainer } from "./aws/ecs-args";
export { EcsLaunchType, EcsLogDriver, EcsPortProtocol } from "./aws/ecs-args";
export { SecretMountedTask } from "./task";
// The identity pieces on their own: one ServiceAccount, the permissions you give it
// (docs/identity.md), args first as above.
export type { EksWorkloadIdentityArgs, AwsPolicyStatement, AwsPolicyStatementArgs, AwsPolicyCondition, AwsPolicyConditionArgs } from "./aws/eks-identity-args";
export { AwsPolicyEffect } from "./aws/eks-identity-args";
export { EksWorkloadIdentity } from "./eks-identity";
export type { AksWorkloadIdentityArgs, AksRoleAssignment, AksRoleAssignmentArgs } from "./azure/aks-identity-args";
export { AksWorkloadIdentity } from "./aks-identity";
export type { GkeWorkloadIdentityArgs, GkeIamBinding, GkeIamBindingArgs } from "./gcp/gke-identity-args";
export { GcpIamResourceKind } from "./gcp/gke-identity-args";
export { GkeWorkloadIdentity } from "./gke-identity";
// Adopting workloads declared elsewhere (docs/adoption.md), args first as above.
export type { SecretMountArgs } from "./mount-args";
export { SecretMount } from "./mount";
export { adoptPodTemplate, ADOPTED_BY_ANNOTATION, TIGHTENED_ANNOTATION, type PodWiring, type AdoptTarget, type Adopted } from "./kubernetes/adopt";
export { adoptTransform, MOUNT_ANNOTATION, type AdoptSelection, type TransformContext } from "./kubernetes/adopt-transform";
export { DeclarationError, type DeclarationProblem } from "./core/declaration-error";
export { RELEASED_FETCH_IMAGE, defaultFetchImage, type FetchImageRecord } from "./kubernetes/fetch-image";
export * from "./spec/fetch-spec";
