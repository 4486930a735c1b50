import type { SecretSetDeclaration } from "./secret-set";

/**
 * What a platform plans from: the secret set and where it is mounted (namespace, ServiceAccount,
 * fsGroup, volume). SecretMountedWorkload's Declaration adds its workload; SecretMount's
 * MountDeclaration adds what adoption needs. Neither is filled with placeholders for the other.
 */

export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_FS_GROUP = 65532;
/** Namespaces the cluster owns; a workload's secrets never belong there. */
export const RESERVED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

export interface MountTarget extends SecretSetDeclaration {
  /** The platform chosen: its field in the args (one of {@link PlatformChoice.names}); none when every secret lives in Vault. */
  platform?: string;
  namespace: string;
  /** The ServiceAccount the pods run as, which the platform's identity trusts. */
  serviceAccountName: string;
  /** Names the mount in descriptions: the workload's name, or a SecretMount's ServiceAccount's. */
  workloadName: string;
  fsGroup: number;
  /** Requested sizeLimit of the volume, if the user set one. */
  volumeSizeLimit?: string;
  /** The app containers' names when the component declares them (SecretMountedWorkload); adopted pods bring their own. */
  containerNames?: string[];
}

/**
 * What the core knows of the platforms, handed down by the registry (platforms/registry.ts): the
 * core itself names none.
 */
export interface PlatformChoice {
  /** Every platform's field in the args. */
  names: readonly string[];
  /** Examples for the "no platform is set" message, e.g. `eks: { oidcProviderArn, oidcIssuerUrl }`. */
  example: string;
  /** Label and annotation prefixes of the platforms' identity webhooks. */
  identityPrefixes: readonly string[];
}

/** The declaration field of the Vault store (secrets declare `vault` too; the store's own folder reads both). */
export const VAULT_FIELD = "vault";

/** Whether a secret declares `vault` (it lives in Vault, not in the platform's store). */
export function declaresVault(s: unknown): boolean {
  const v = s && typeof s === "object" ? (s as Record<string, unknown>)[VAULT_FIELD] : undefined;
  return v !== undefined && v !== null;
}

/**
 * The one platform set in `a`, or none when every secret lives in Vault; otherwise `report`s the
 * problem (a collector's `add` or `fail`). A Vault-only declaration creates no cloud identity, so a
 * platform set then is refused rather than left creating an identity that reads nothing.
 */
export function chosenPlatform(
  a: object,
  choice: PlatformChoice,
  report: (field: string, problem: string) => void,
  withExample: boolean,
): string | undefined {
  const set = choice.names.filter(
    (p) => (a as Record<string, unknown>)[p] !== undefined && (a as Record<string, unknown>)[p] !== null,
  );
  const secrets = (a as { secrets?: unknown }).secrets;
  const vaultOnly = Array.isArray(secrets) && secrets.length > 0 && secrets.every(declaresVault);
  if (set.length > 1) report(set.join(", "), `${set.join(" and ")} are all set; set exactly one platform`);
  else if (set.length === 1 && vaultOnly) {
    report(
      set[0],
      `is set, but every secret lives in Vault: the platform would create a cloud identity that reads nothing; remove ${set[0]} (a Vault-only workload logs in with its ServiceAccount token alone)`,
    );
  } else if (set.length === 0 && !vaultOnly) {
    report(
      "platform",
      `no platform is set; set exactly one of ${choice.names.join(", ")}${withExample && choice.example ? ` (e.g. ${choice.example})` : ""}, or put every secret in Vault (vault: {} on each)`,
    );
  }
  return set[0];
}

/** A `fsGroup` as given (default {@link DEFAULT_FS_GROUP}): a non-zero GID; otherwise `report`s the problem. */
export function normalizeFsGroup(given: number | undefined, report: (field: string, problem: string) => void): number {
  const fsGroup = given ?? DEFAULT_FS_GROUP;
  if (!Number.isInteger(fsGroup) || fsGroup < 1 || fsGroup > 2147483647)
    report("fsGroup", `is ${JSON.stringify(fsGroup)}; use a non-zero GID such as ${DEFAULT_FS_GROUP}`);
  return fsGroup;
}
