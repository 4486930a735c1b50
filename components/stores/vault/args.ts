import type * as pulumi from "@pulumi/pulumi";

/**
 * The Vault side of a declaration: where Vault is, how the pods log in, and what this declaration
 * creates there. The pod's own ServiceAccount token is the credential (Vault's Kubernetes auth
 * method); no cloud identity is involved. Structural fields are plain values, checked at preview.
 */
export interface VaultBackend {
  /**
   * Vault's address, e.g. `https://vault.vault.svc:8200`. Must be `https://` unless
   * `insecureHttp` is set.
   */
  address: string;
  /**
   * Accept an `http://` address: the ServiceAccount token and the secret values then cross the
   * network unencrypted (the fetcher logs a warning at start). Only for a link that is already
   * encrypted, e.g. a service mesh.
   * @default `false`
   */
  insecureHttp?: boolean;
  /**
   * PEM of the CA that signed Vault's certificate, when it is not a public one. Public data: it is
   * put in a ConfigMap and mounted read-only into the fetch container only (`VAULT_CACERT`).
   */
  caCertificate?: pulumi.Input<string>;
  /**
   * Vault Enterprise namespace of the mounts, the policy and the role.
   * @default none: the root namespace
   */
  namespace?: string;
  /**
   * Path of the Kubernetes auth method the pods log in with.
   * @default `kubernetes`
   */
  authMount?: string;
  /**
   * Default KV version 2 mount of the declared secrets (a secret's `vault.mount` overrides it).
   * @default `secret`
   */
  kvMount?: string;
  /** The Kubernetes auth role created for this workload, or the one to use when Vault is managed elsewhere. */
  role?: VaultRoleArgs;
  /** The policy created for this workload, or the one to attach when Vault is managed elsewhere. */
  policy?: VaultPolicyArgs;
}
/** {@link VaultBackend} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type VaultBackendArgs = VaultBackend;

/**
 * The Kubernetes auth role. Created by default, bound to exactly the workload's ServiceAccount name
 * and namespace, with the token audience, a short token TTL and exactly the workload's policy.
 */
export interface VaultRole {
  /**
   * Name of the role.
   * @default `<namespace>-<serviceAccountName>`
   */
  name?: string;
  /**
   * Use a role managed elsewhere (`name` is then required): nothing is created in Vault, and the
   * review says what the role must bind and grant.
   * @default `false`
   */
  existing?: boolean;
  /**
   * The audience of the ServiceAccount token the fetch container logs in with (a token projected
   * for the fetch container only); the role requires it.
   * @default `vault`
   */
  audience?: string;
  /**
   * TTL of the Vault token a login returns, in seconds (60-3600); it is also its maximum TTL.
   * @default `300`
   */
  tokenTtlSeconds?: number;
}
/** {@link VaultRole} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type VaultRoleArgs = VaultRole;

/** The policy granting `read` on exactly the declared secrets' data paths. */
export interface VaultPolicy {
  /**
   * Name of the policy (lower case: Vault stores policy names in lower case).
   * @default `secret-mount-<authMount>-<namespace>-<serviceAccountName>` (a `/` of the mount as `-`)
   */
  name?: string;
  /**
   * Attach a policy managed elsewhere (`name` is then required): no policy is created, and the
   * review says what it must grant.
   * @default `false`
   */
  existing?: boolean;
}
/** {@link VaultPolicy} under its TypeScript name, which the generated Python and Go SDKs give their input type too. @inline */
export type VaultPolicyArgs = VaultPolicy;

// The per-secret options live with the other stores' in the core's args (the core imports nothing above it).
export type { VaultSecret, VaultSecretArgs } from "../../core/args";

/** The `vault` field of SecretMountedWorkload and SecretMount. */
export interface VaultStoreArgs {
  /**
   * HashiCorp Vault, for the secrets declared with `vault` (docs/vault.md): the address, how the
   * pods log in (Kubernetes auth, the pod's own ServiceAccount token), and the policy and role
   * created for exactly this workload. Beside a platform, or alone: a declaration whose secrets all
   * live in Vault sets no platform and creates no cloud identity.
   */
  vault?: VaultBackendArgs;
}
