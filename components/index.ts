export { SecretMountedWorkload } from "./workload";
export type { SecretMountedWorkloadArgs } from "./workload-args";
export type {
  ContainerArgs, ContainerPortArgs, EnvFileArgs, ExistingSecretArgs, FetchContainerArgs, GenerateArgs, RefreshArgs,
  ResourcesArgs, SecretArgs, SecretFileArgs, AwsSecretArgs,
} from "./core/args";
export type { EksPlatformArgs } from "./aws/eks-args";
export { DeclarationError } from "./core/declaration-error";
export { RELEASED_FETCH_IMAGE, defaultFetchImage, type FetchImageRecord } from "./kubernetes/fetch-image";
export * from "./spec/fetch-spec";
