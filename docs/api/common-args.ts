/**
 * Args every Kubernetes platform shares: the secrets and their files, the app containers, the
 * fetch container, refresh and notification. Imported from `secret-mount`.
 * @module Common args
 */
export type {
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
} from "../../components/core/args";
export {
  EcdsaCurve,
  FileDecoding,
  GenerateType,
  NotifyMethod,
  NotifySignal,
  PortProtocol,
  ProbeScheme,
} from "../../components/core/args";
