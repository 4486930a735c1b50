import type * as pulumi from "@pulumi/pulumi";
import type { VaultDeclaration } from "./normalize";

/** Where the fetch container finds its Vault login token (projected for the role's audience). */
export const VAULT_TOKEN_DIR = "/var/run/secrets/secret-mount/vault-token";
/** Where the fetch container finds the CA that signed Vault's certificate. */
export const VAULT_CA_DIR = "/var/run/secrets/secret-mount/vault-ca";
export const VAULT_TOKEN_VOLUME = "secret-mount-vault-token";
export const VAULT_CA_VOLUME = "secret-mount-vault-ca";
export const VAULT_CA_KEY = "ca.crt";
/**
 * Lifetime of the projected login token (the kubelet's minimum, 10 minutes): the kubelet renews it
 * at 80% of that, and the fetcher reads the file at each login.
 */
export const VAULT_TOKEN_EXPIRATION_SECONDS = 600;

/** A volume only the fetch container mounts (read-only). */
export interface FetchVolume {
  volume: { name: string; [field: string]: unknown };
  mountPath: string;
}

/**
 * What Vault adds to the pod: a ServiceAccount token for the role's audience and, when given, the
 * CA, both mounted into the fetch container only (the app containers get neither), and the
 * fetcher's environment naming them. The pod keeps `automountServiceAccountToken: false`.
 */
export function vaultPodWiring(
  d: VaultDeclaration,
  caConfigMap?: pulumi.Input<string>,
): { fetchEnv: { [name: string]: string }; fetchVolumes: FetchVolume[] } {
  const fetchVolumes: FetchVolume[] = [
    {
      volume: {
        name: VAULT_TOKEN_VOLUME,
        projected: {
          sources: [
            {
              serviceAccountToken: {
                audience: d.role.audience,
                expirationSeconds: VAULT_TOKEN_EXPIRATION_SECONDS,
                path: "token",
              },
            },
          ],
        },
      },
      mountPath: VAULT_TOKEN_DIR,
    },
  ];
  const fetchEnv: { [name: string]: string } = { VAULT_K8S_TOKEN_FILE: `${VAULT_TOKEN_DIR}/token` };
  if (caConfigMap !== undefined) {
    fetchVolumes.push({
      volume: {
        name: VAULT_CA_VOLUME,
        configMap: { name: caConfigMap, items: [{ key: VAULT_CA_KEY, path: VAULT_CA_KEY }] },
      },
      mountPath: VAULT_CA_DIR,
    });
    fetchEnv.VAULT_CACERT = `${VAULT_CA_DIR}/${VAULT_CA_KEY}`;
  }
  return { fetchEnv, fetchVolumes };
}
