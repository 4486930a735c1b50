/**
 * One instance of the SDK's credential providers (IRSA web identity, Pod Identity / ECS container
 * credentials, ...) shared by the Secrets Manager and SSM clients: each client would otherwise
 * resolve (and cache) credentials on its own, costing one more STS or agent call per pod. Memoized
 * and refreshed before expiry as the SDK's default chain does.
 *
 * A pod has no AWS profile: no AWS_PROFILE and no shared config or credentials file. Then the SDK's
 * default chain's SSO, INI and process links can only fail (after loading their code, reading for
 * the files and loading node:child_process), so the same chain runs without them: the SDK's own
 * environment, web identity token file, and container / instance metadata providers, in the default
 * chain's order, each loaded only when the pod's environment names it. With a profile or either
 * file present, the SDK's full default chain runs unchanged.
 */
import { ENV_KEY, ENV_SECRET, fromEnv } from "@aws-sdk/credential-provider-env";
import {
  credentialsTreatedAsExpired,
  credentialsWillNeedRefresh,
  defaultProvider,
} from "@aws-sdk/credential-provider-node";
import { CredentialsProviderError, chain, getHomeDir, memoize } from "@smithy/core/config";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import * as fs from "node:fs";
import * as path from "node:path";

let shared: AwsCredentialIdentityProvider | undefined;

export function sharedAwsCredentials(): AwsCredentialIdentityProvider {
  shared ??= hasAwsProfile(process.env) ? defaultProvider() : podCredentials(process.env);
  return shared;
}

/** Whether the default chain's profile links (SSO, INI, process) could find anything: AWS_PROFILE, or a shared config / credentials file where the SDK looks. */
export function hasAwsProfile(env: NodeJS.ProcessEnv): boolean {
  if (env.AWS_PROFILE) return true;
  const home = getHomeDir();
  const files = [
    env.AWS_CONFIG_FILE || path.join(home, ".aws", "config"),
    env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, ".aws", "credentials"),
  ];
  return files.some((f) => fs.existsSync(f));
}

const skip = (message: string) => new CredentialsProviderError(message, { tryNextLink: true });

/** The default chain without its profile links: environment keys, web identity token file, then container (Pod Identity / ECS) or instance metadata. */
function podCredentials(env: NodeJS.ProcessEnv): AwsCredentialIdentityProvider {
  const links: AwsCredentialIdentityProvider[] = [
    async () => {
      if (!env[ENV_KEY] || !env[ENV_SECRET]) throw skip("no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY");
      return fromEnv()();
    },
    async (props) => {
      if (!env.AWS_WEB_IDENTITY_TOKEN_FILE) throw skip("no AWS_WEB_IDENTITY_TOKEN_FILE");
      const { fromTokenFile } = await import("@aws-sdk/credential-provider-web-identity");
      return fromTokenFile()(props);
    },
    async () => {
      const { fromContainerMetadata, fromInstanceMetadata } = await import("@smithy/credential-provider-imds");
      if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
        const { fromHttp } = await import("@aws-sdk/credential-provider-http");
        return chain(fromHttp({}), fromContainerMetadata({}))();
      }
      if (env.AWS_EC2_METADATA_DISABLED && env.AWS_EC2_METADATA_DISABLED !== "false")
        throw new CredentialsProviderError("EC2 Instance Metadata Service access disabled");
      return fromInstanceMetadata({})();
    },
    async () => {
      throw new CredentialsProviderError("Could not load credentials from any providers", { tryNextLink: false });
    },
  ];
  return memoize<AwsCredentialIdentity>(chain(...links), credentialsTreatedAsExpired, credentialsWillNeedRefresh);
}
