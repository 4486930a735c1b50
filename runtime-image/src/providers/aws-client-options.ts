import { retryKnobs } from "../config";
import { sharedAwsCredentials } from "./aws-credentials";

/**
 * Options shared by the AWS clients: the SDK's default credential chain (one shared instance, so
 * IRSA web identity, Pod Identity / ECS container credentials, ... all come from the SDK), endpoints
 * only from the SDK's own AWS_ENDPOINT_URL_* variables, and bounded SDK retries (SECRET_MOUNT_SDK_MAX_ATTEMPTS, through config.ts's one parser).
 */
export function awsClientOptions(region: string | undefined, env: NodeJS.ProcessEnv) {
  return {
    ...(region ? { region } : {}),
    credentials: sharedAwsCredentials(),
    maxAttempts: retryKnobs(env).sdkMaxAttempts,
  };
}

type ClientOptions = ReturnType<typeof awsClientOptions>;

/** One client per region for the life of the process: refresh cycles reuse its connections. */
export function clientPerRegion<C>(make: (options: ClientOptions) => C): (region: string, env: NodeJS.ProcessEnv) => C {
  const clients = new Map<string, C>();
  return (region, env) => {
    let c = clients.get(region);
    if (!c) {
      c = make(awsClientOptions(region || undefined, env));
      clients.set(region, c);
    }
    return c;
  };
}
