/**
 * The provider registry. Each provider is imported only when a spec names its type, so the bundle
 * keeps every cloud's SDK in its own chunk and a pod that reads only Secrets Manager never loads the
 * Azure, Google or Vault code.
 */
import type { SourceType } from "../../../spec/fetch-spec";
import type { Provider } from "./provider";

const loaders: Record<SourceType, () => Promise<{ provider: Provider<never> }>> = {
  "aws-secretsmanager": () => import("./aws-secretsmanager"),
  "aws-ssm": () => import("./aws-ssm"),
  "azure-keyvault": () => import("./azure-keyvault"),
  "gcp-secretmanager": () => import("./gcp-secretmanager"),
  "vault-kv": () => import("./vault-kv"),
};

export async function loadProvider(type: SourceType): Promise<Provider> {
  const mod = await loaders[type]();
  return mod.provider as unknown as Provider;
}
