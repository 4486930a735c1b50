import type { NormalizedFile, NormalizedSecret } from "../../core/secret-set";
import type { VaultBackendArgs, VaultSecretArgs } from "./args";
import { kvPathProblem, namespaceProblem, policyNameProblem, roleNameProblem } from "./names";

/** Defaults of the Vault side (they are also the TSDoc `@default`s of the args). */
export const VAULT_DEFAULTS = {
  authMount: "kubernetes",
  kvMount: "secret",
  audience: "vault",
  tokenTtlSeconds: 300,
} as const;
/** Shortest and longest token TTL accepted: a login is short-lived by design. */
export const TOKEN_TTL_RANGE = { min: 60, max: 3600 } as const;
/** The key a created secret's single value is stored under in its KV data (`{"value": "…"}`). */
export const VALUE_KEY = "value";
/** The most one KV read may return: the fetcher refuses larger answers. */
export const MAX_KV_BYTES = 1024 * 1024;

/** One declared secret that lives in Vault. */
export interface VaultSecretPlan {
  /** The core's normalized secret (index, name, kind, files, value/generate). */
  secret: NormalizedSecret;
  /** KV version 2 mount. */
  mount: string;
  /** Path under the mount. */
  path: string;
  /** Existing secrets: the pinned KV version (default: latest). */
  version?: number;
  /**
   * Created secrets: how the value is stored. `wrapped`: `{"value": <the value>}` and every file
   * reads the `value` key; `object`: the value is a JSON object stored as the KV data (key pairs, or
   * a `value` whose files pick keys with `jsonKey`).
   */
  shape?: "wrapped" | "object";
  /** The files as the FetchSpec writes them (for `wrapped`, each reads `value`). */
  files: NormalizedFile[];
}

/** A validated, defaulted Vault side: plain data, no resources. */
export interface VaultDeclaration {
  /** The component's name. */
  component: string;
  address: string;
  insecureHttp: boolean;
  /** A CA certificate was given: the fetch container gets it as VAULT_CACERT. */
  hasCaCertificate: boolean;
  namespace?: string;
  authMount: string;
  /** The workload's ServiceAccount: the role is bound to exactly it. */
  serviceAccount: { name: string; namespace: string };
  role: { name: string; existing: boolean; audience: string; tokenTtlSeconds: number };
  policy: { name: string; existing: boolean };
  /** The Vault secrets, in declaration order. */
  secrets: VaultSecretPlan[];
}

/** What of the core's declaration the Vault side reads. */
export interface VaultDeclarationInput {
  name: string;
  namespace: string;
  serviceAccountName: string;
  secretNamePrefix?: string;
  /** Prefix of created secrets' paths when `secretNamePrefix` is not set (the components: `<project>/<stack>/<component>`). */
  defaultPrefix?: string;
  secrets: NormalizedSecret[];
}

type Fail = (field: string, problem: string) => never;

const BACKEND_FIELDS = [
  "address",
  "insecureHttp",
  "caCertificate",
  "namespace",
  "authMount",
  "kvMount",
  "role",
  "policy",
];
const ROLE_FIELDS = ["name", "existing", "audience", "tokenTtlSeconds"];
const POLICY_FIELDS = ["name", "existing"];
const SECRET_FIELDS = ["mount", "path", "version"];
const OTHER_STORES = ["aws", "azure", "gcp"] as const;

/** Whether a declared secret lives in Vault (its `vault` field is set). */
export function isVaultSecret(s: NormalizedSecret): boolean {
  return (s.args as { vault?: unknown }).vault !== undefined && (s.args as { vault?: unknown }).vault !== null;
}

/**
 * Validates and defaults the Vault side of a declaration: `vault` (the backend) and every secret
 * with a `vault` field. Returns undefined when no secret lives in Vault (then `vault` must be unset).
 */
export function normalizeVault(
  d: VaultDeclarationInput,
  args: VaultBackendArgs | undefined,
  fail: Fail,
): VaultDeclaration | undefined {
  const inVault = d.secrets.filter(isVaultSecret);
  if (args === undefined || args === null) {
    if (inVault.length)
      fail(
        `secrets[${inVault[0].index}].vault`,
        'puts this secret in Vault, but `vault` (the address and how pods log in) is not set; add vault: { address: "https://vault.example:8200" }',
      );
    return undefined;
  }
  if (typeof args !== "object") fail("vault", 'must be an object such as { address: "https://vault.vault.svc:8200" }');
  if (inVault.length === 0)
    fail("vault", "is set but no secret lives in Vault; add vault: {} to the secrets Vault holds, or remove vault");
  only(args, BACKEND_FIELDS, "vault", fail);
  if (d.serviceAccountName === "default") {
    fail(
      "serviceAccountName",
      'is "default", the ServiceAccount of every pod in the namespace that names none: the Vault role would let each of them read these secrets; give the workload a ServiceAccount of its own',
    );
  }

  const insecureHttp = args.insecureHttp ?? false;
  if (typeof insecureHttp !== "boolean")
    fail("vault.insecureHttp", `is ${JSON.stringify(args.insecureHttp)}; use true or false`);
  const address = addressOf(args.address, insecureHttp, fail);
  if (args.namespace !== undefined) check(namespaceProblem(args.namespace), "vault.namespace", fail);
  const authMount = trimSlashes(args.authMount ?? VAULT_DEFAULTS.authMount);
  check(kvPathProblem(authMount, "mount"), "vault.authMount", fail);
  const kvMount = trimSlashes(args.kvMount ?? VAULT_DEFAULTS.kvMount);
  check(kvPathProblem(kvMount, "mount"), "vault.kvMount", fail);

  const r = args.role ?? {};
  only(r, ROLE_FIELDS, "vault.role", fail);
  const roleExisting = bool(r.existing, "vault.role.existing", fail);
  if (roleExisting && r.name === undefined)
    fail("vault.role.name", "is required with existing: true: name the Kubernetes auth role managed elsewhere");
  const roleName = r.name ?? `${d.namespace}-${d.serviceAccountName}`;
  check(
    roleNameProblem(roleName),
    r.name === undefined ? "vault.role.name (default <namespace>-<serviceAccountName>)" : "vault.role.name",
    fail,
  );
  const audience = r.audience ?? VAULT_DEFAULTS.audience;
  if (typeof audience !== "string" || !/^[\x21-\x7e]{1,253}$/.test(audience))
    fail(
      "vault.role.audience",
      `is ${JSON.stringify(r.audience)}; use a token audience such as "vault" (printable, no spaces)`,
    );
  const ttl = r.tokenTtlSeconds ?? VAULT_DEFAULTS.tokenTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < TOKEN_TTL_RANGE.min || ttl > TOKEN_TTL_RANGE.max) {
    fail(
      "vault.role.tokenTtlSeconds",
      `is ${JSON.stringify(r.tokenTtlSeconds)}; use whole seconds from ${TOKEN_TTL_RANGE.min} to ${TOKEN_TTL_RANGE.max} (a login is short-lived; the fetcher logs in again)`,
    );
  }
  if (roleExisting && r.tokenTtlSeconds !== undefined) {
    fail(
      "vault.role.tokenTtlSeconds",
      "configures a role created here; a role managed elsewhere keeps its own token settings, so remove it (vault.role.audience stays: it sets the audience of the token the pods log in with, which must match that role's)",
    );
  }

  const p = args.policy ?? {};
  only(p, POLICY_FIELDS, "vault.policy", fail);
  const policyExisting = bool(p.existing, "vault.policy.existing", fail);
  if (policyExisting && p.name === undefined)
    fail("vault.policy.name", "is required with existing: true: name the policy managed elsewhere");
  if (roleExisting && args.policy !== undefined && !policyExisting) {
    fail(
      "vault.policy",
      "creates a policy, but vault.role is a role managed elsewhere, which carries its own policies; remove vault.policy (the review says what that role's policy must grant)",
    );
  }
  // One Vault may serve several clusters (one auth mount each): the default names the mount too.
  const policyName =
    p.name ?? `secret-mount-${authMount.replace(/\//g, "-")}-${d.namespace}-${d.serviceAccountName}`.toLowerCase();
  check(
    policyNameProblem(policyName),
    p.name === undefined
      ? "vault.policy.name (default secret-mount-<authMount>-<namespace>-<serviceAccountName>)"
      : "vault.policy.name",
    fail,
  );

  const seen = new Map<string, string>();
  const secrets = inVault.map((s) => {
    const plan = secretPlan(s, d, kvMount, fail);
    const key = `${plan.mount}/${plan.path}`;
    const at = `secrets[${s.index}]`;
    const prior = seen.get(key);
    if (prior !== undefined && (s.kind !== "existing" || !prior.endsWith("(existing)"))) {
      fail(
        `${at}.vault`,
        `${key} is also the path of ${prior.replace(" (existing)", "")}; a created secret needs a path of its own (read several keys of one secret with files[].jsonKey)`,
      );
    }
    seen.set(key, `${at}${s.kind === "existing" ? " (existing)" : ""}`);
    return plan;
  });

  return {
    component: d.name,
    address,
    insecureHttp,
    hasCaCertificate: args.caCertificate !== undefined && args.caCertificate !== null,
    ...(args.namespace !== undefined ? { namespace: trimSlashes(args.namespace) } : {}),
    authMount,
    serviceAccount: { name: d.serviceAccountName, namespace: d.namespace },
    role: { name: roleName, existing: roleExisting, audience, tokenTtlSeconds: ttl },
    policy: { name: policyName, existing: roleExisting || policyExisting },
    secrets,
  };
}

function secretPlan(s: NormalizedSecret, d: VaultDeclarationInput, kvMount: string, fail: Fail): VaultSecretPlan {
  const at = `secrets[${s.index}]`;
  const v = (s.args as { vault?: VaultSecretArgs }).vault!;
  if (typeof v !== "object") fail(`${at}.vault`, "must be an object: {} for the defaults, or { mount, path, version }");
  only(v, SECRET_FIELDS, `${at}.vault`, fail);
  for (const other of OTHER_STORES) {
    if ((s.args as unknown as Record<string, unknown>)[other] !== undefined)
      fail(
        `${at}.${other}`,
        `sets options of another store, but this secret lives in Vault (its vault field is set); remove ${other}`,
      );
  }
  const mount = trimSlashes(v.mount ?? kvMount);
  if (v.mount !== undefined) check(kvPathProblem(mount, "mount"), `${at}.vault.mount`, fail);

  if (s.kind === "existing") {
    const e = s.existing!;
    if (e.arn !== undefined)
      fail(
        `${at}.existing.arn`,
        'names an AWS secret; a Vault secret is named by its path under the mount: existing: { name: "apps/billing/db" }',
      );
    if (e.kmsKeyArn !== undefined)
      fail(
        `${at}.existing.kmsKeyArn`,
        "applies to AWS secrets; remove it (Vault encrypts KV data with its own barrier key)",
      );
    if (v.path !== undefined)
      fail(
        `${at}.vault.path`,
        "places a created secret; an existing one is named by existing.name (its path under the mount); remove vault.path",
      );
    const path = trimSlashes(e.name!);
    check(kvPathProblem(path, "path"), `${at}.existing.name`, fail);
    if (v.version !== undefined && (!Number.isInteger(v.version) || v.version < 1))
      fail(
        `${at}.vault.version`,
        `is ${JSON.stringify(v.version)}; use a KV version number ≥ 1, or remove it to read the latest`,
      );
    return { secret: s, mount, path, ...(v.version !== undefined ? { version: v.version } : {}), files: s.files };
  }
  if (v.version !== undefined)
    fail(
      `${at}.vault.version`,
      "pins the version of an existing secret; a created secret is read at its latest version, and a new value rolls the pods",
    );
  const path = trimSlashes(v.path ?? `${d.secretNamePrefix ?? d.defaultPrefix ?? d.name}/${s.name}`);
  check(
    kvPathProblem(path, "path"),
    v.path === undefined
      ? `${at}.vault.path (default <secretNamePrefix, or <project>/<stack>/<component>>/${s.name})`
      : `${at}.vault.path`,
    fail,
  );
  const keyPair = s.kind === "generate" && s.generate!.type !== "password";
  const picksKeys = s.kind === "value" && s.files.some((f) => f.jsonKey !== undefined);
  const shape = keyPair || picksKeys ? "object" : "wrapped";
  const files = shape === "wrapped" ? s.files.map((f) => ({ ...f, jsonKey: VALUE_KEY })) : s.files;
  return { secret: s, mount, path, shape, files };
}

function addressOf(raw: unknown, insecureHttp: boolean, fail: Fail): string {
  const example = "https://vault.vault.svc:8200";
  if (typeof raw !== "string" || raw.length === 0)
    fail("vault.address", `is required: Vault's address, e.g. "${example}"`);
  let u: URL;
  try {
    u = new URL(raw as string);
  } catch {
    return fail("vault.address", `"${raw}" is not a URL; use e.g. "${example}"`);
  }
  if (u.protocol === "http:" && !insecureHttp) {
    fail(
      "vault.address",
      `"${raw}" is plain http: the ServiceAccount token and the secret values would cross the network unencrypted; use https://, or set vault.insecureHttp: true to accept that`,
    );
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    fail("vault.address", `"${raw}" must use https, e.g. "${example}"`);
  if (u.username || u.password)
    fail("vault.address", "carries credentials; give the address alone (pods log in with their ServiceAccount token)");
  if ((u.pathname !== "/" && u.pathname !== "") || u.search || u.hash)
    fail(
      "vault.address",
      `"${raw}" has a path, query or fragment; give the scheme, host and port only, e.g. "${example}"`,
    );
  if (insecureHttp && u.protocol === "https:")
    fail("vault.insecureHttp", "is set but the address is https; remove insecureHttp");
  return `${u.protocol}//${u.host}`;
}

function trimSlashes(p: string): string {
  return typeof p === "string" ? p.replace(/^\/+|\/+$/g, "") : p;
}

function bool(v: unknown, at: string, fail: Fail): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") fail(at, `is ${JSON.stringify(v)}; use true or false`);
  return v as boolean;
}

function check(problem: string | undefined, field: string, fail: Fail): void {
  if (problem) fail(field, problem);
}

function only(o: object, allowed: string[], at: string, fail: Fail): void {
  if (!o || typeof o !== "object") fail(at, "must be an object");
  for (const k of Object.keys(o)) {
    if ((o as Record<string, unknown>)[k] !== undefined && !allowed.includes(k))
      fail(`${at}.${k}`, `is not a known field; known fields here: ${allowed.join(", ")}`);
  }
}
