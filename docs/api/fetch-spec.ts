/**
 * The FetchSpec: the one document between the components and the fetch image (references only,
 * never values), with its validating parser. Also published as a JSON Schema,
 * `secret-mount/fetch-spec.schema.json`. Imported from `secret-mount`.
 * @module FetchSpec
 */
export {
  FETCH_SPEC_VERSION, FETCH_SPEC_ENV, FETCH_SPEC_FILE_ENV, SOURCE_TYPES, NOTIFY_SIGNALS, NOTIFY_METHODS, DEFAULT_GENERATION_FILE,
  RESTART_POD_EXIT_CODE, DEFAULT_RESTART_MIN_INTERVAL_SECONDS, MIN_RESTART_INTERVAL_SECONDS,
  FetchSpecError, parseFetchSpec, parseFetchSpecJson,
  type FetchSpec, type FetchFile, type FetchMode, type EnvFileSpec, type NotifySpec, type HttpNotifySpec, type SignalNotifySpec,
  type GenerationFileNotifySpec, type RestartPodNotifySpec, type KubeletEnvFileSpec, type SecretSource, type SourceType, type AwsSecretsManagerSource, type AwsSsmSource,
  type AzureKeyVaultSource, type GcpSecretManagerSource, type VaultKvSource,
} from "../../spec/fetch-spec";
