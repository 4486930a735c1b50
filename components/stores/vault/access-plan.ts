import type { VaultDeclaration } from "./normalize";

/**
 * Exactly what one declaration needs on the Vault side: a policy granting `read` on each declared
 * secret's KV version 2 data path and nothing else, and a Kubernetes auth role bound to exactly the
 * workload's ServiceAccount. The same plan feeds the Pulumi resources, the review (render) and the
 * real-tier test that applies it to a real Vault.
 */
export interface VaultAccessPlan {
  /** The policy's name (created here unless `policyExisting`). */
  policyName: string;
  /** The policy document, HCL exactly as written to (and stored by) Vault. */
  policyHcl: string;
  /** The policy is managed elsewhere: `policyHcl` is what it must grant. */
  policyExisting: boolean;
  /** The `<mount>/data/<path>` paths the policy grants `read` on, sorted. */
  readPaths: string[];
  /** Vault Enterprise namespace of the policy and role (undefined: the root namespace). */
  namespace?: string;
  /** The Kubernetes auth role (created here unless `existing`). */
  role: {
    name: string;
    /** Path of the Kubernetes auth method the role belongs to. */
    authMount: string;
    /** The role is managed elsewhere: these are the bindings it must have. */
    existing: boolean;
    boundServiceAccountNames: string[];
    boundServiceAccountNamespaces: string[];
    audience: string;
    /** Seconds; also the token's maximum TTL. */
    tokenTtl: number;
    tokenMaxTtl: number;
    /** Exactly the one policy. */
    tokenPolicies: string[];
    /** The `default` policy is not attached: the token carries exactly `tokenPolicies`. */
    tokenNoDefaultPolicy: true;
  };
}

/** The KV version 2 API path a read of `path` under `mount` goes to. */
export function kvDataPath(mount: string, path: string): string {
  return `${mount}/data/${path}`;
}

/**
 * The policy text: one `path` block per secret with `capabilities = ["read"]`, sorted, no globs
 * (normalize refused any path that would need one), nothing on `metadata/`, no `list`.
 */
export function vaultPolicyHcl(paths: string[], comment: string): string {
  const blocks = [...new Set(paths)].sort().map((p) => `path "${p}" {\n  capabilities = ["read"]\n}\n`);
  return `# ${comment.replace(/[\r\n]+/g, " ")}\n${blocks.join("\n")}`;
}

/** The access plan of a normalized Vault declaration: pure, no resources. */
export function vaultAccessPlan(d: VaultDeclaration): VaultAccessPlan {
  const readPaths = [...new Set(d.secrets.map((s) => kvDataPath(s.mount, s.path)))].sort();
  const who = `${d.serviceAccount.namespace}/${d.serviceAccount.name}`;
  return {
    policyName: d.policy.name,
    policyHcl: vaultPolicyHcl(
      readPaths,
      `secret-mount: the ServiceAccount ${who} (component ${d.component}) reads exactly these secrets`,
    ),
    policyExisting: d.policy.existing,
    readPaths,
    ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
    role: {
      name: d.role.name,
      authMount: d.authMount,
      existing: d.role.existing,
      boundServiceAccountNames: [d.serviceAccount.name],
      boundServiceAccountNamespaces: [d.serviceAccount.namespace],
      audience: d.role.audience,
      tokenTtl: d.role.tokenTtlSeconds,
      tokenMaxTtl: d.role.tokenTtlSeconds,
      tokenPolicies: [d.policy.name],
      tokenNoDefaultPolicy: true,
    },
  };
}
