import { sharedAwsCredentials } from "./aws-credentials";

/**
 * Options shared by the AWS clients: the SDK's default credential chain (one shared instance, so
 * IRSA web identity, Pod Identity / ECS container credentials, ... all come from the SDK), endpoints
 * only from the SDK's own AWS_ENDPOINT_URL_* variables, and bounded SDK retries.
 */
export function awsClientOptions(region: string | undefined, env: NodeJS.ProcessEnv) {
  const n = Number(env.SECRET_MOUNT_SDK_MAX_ATTEMPTS || 3);
  return { ...(region ? { region } : {}), credentials: sharedAwsCredentials(), maxAttempts: Number.isInteger(n) && n >= 1 && n <= 10 ? n : 3 };
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
