/**
 * Amazon ECS: the containers, fetch container, native secrets and service of `SecretMountedTask`.
 * Imported from `secret-mount`.
 * @module ECS args
 */
export type {
  EcsFetchContainer,
  EcsHealthCheck,
  EcsLogConfiguration,
  EcsNativeSecret,
  EcsNetwork,
  EcsPortMapping,
  EcsService,
  TaskContainer,
} from "../../components/platforms/ecs/args";
export { EcsLaunchType, EcsLogDriver, EcsPortProtocol } from "../../components/platforms/ecs/args";
