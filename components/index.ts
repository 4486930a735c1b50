export { SecretMountedWorkload } from "./workload";
export type { SecretMountedWorkloadArgs } from "./workload-args";
export type {
  ContainerArgs, ContainerPortArgs, EnvFileArgs, ExistingSecretArgs, FetchContainerArgs, GenerateArgs, RefreshArgs,
  ResourcesArgs, SecretArgs, SecretFileArgs, AwsSecretArgs,
} from "./core/args";
export type { EksPlatformArgs } from "./aws/eks-args";
export { DeclarationError } from "./core/declaration-error";
export { DEFAULT_FETCH_IMAGE } from "./kubernetes/pod";
export * from "./spec/fetch-spec";
