// Bench only: the runtime's AWS credentials before this change (the SDK's whole default chain), swapped into the "before" variant's bundle.
/**
 * One instance of the SDK's own default credential chain (IRSA web identity, Pod Identity / ECS
 * container credentials, ...) shared by the Secrets Manager and SSM clients: each client would
 * otherwise resolve (and cache) credentials on its own, costing one more STS or agent call per pod.
 * The chain memoizes and refreshes before expiry itself.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";

let shared: ReturnType<typeof defaultProvider> | undefined;

export function sharedAwsCredentials(): ReturnType<typeof defaultProvider> {
  shared ??= defaultProvider();
  return shared;
}
