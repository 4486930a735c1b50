import {
  fact,
  jsonFile,
  type Artifact,
  type Describer,
  type Fact,
  type Obj,
  type ResourceIndex,
  type Subject,
} from "../../review/describe";
import { kvDataPath, vaultPolicyHcl } from "./access-plan";

/** Pulumi type tokens of what the Vault store registers. */
export const VAULT_TYPES = {
  policy: "vault:index/policy:Policy",
  role: "vault:kubernetes/authBackendRole:AuthBackendRole",
  kv: "vault:kv/secretV2:SecretV2",
} as const;

/** The paths a policy's HCL grants, with their capabilities, read off the text as written. */
export function policyGrants(hcl: string): { path: string; capabilities: string[] }[] {
  return [...hcl.matchAll(/path\s+"([^"]+)"\s*\{([^}]*)\}/g)].map((m) => ({
    path: m[1],
    capabilities: [...(/capabilities\s*=\s*\[([^\]]*)\]/.exec(m[2])?.[1] ?? "").matchAll(/"([^"]+)"/g)].map(
      (c) => c[1],
    ),
  }));
}

const who = (r: Obj) =>
  `ServiceAccount ${[r.boundServiceAccountNamespaces].flat().join(",")}/${[r.boundServiceAccountNames].flat().join(",")}` +
  ` with a token for audience ${r.audience ?? "(any: no audience set)"}`;

function policy(s: Subject, index: ResourceIndex) {
  const name = String(s.inputs.name);
  const text = typeof s.inputs.policy === "string" ? s.inputs.policy : undefined;
  const roles = index.ofType(VAULT_TYPES.role).filter((r) => [r.inputs.tokenPolicies].flat().includes(name));
  const grants = text ? policyGrants(text) : [];
  const facts: Fact[] = [
    fact("policy", `${name}${s.inputs.namespace ? ` (namespace ${s.inputs.namespace})` : ""}`),
    text
      ? fact("grants", ...grants.map((g) => `${g.capabilities.join(", ")} on ${g.path}`))
      : fact("grants", "NOT READABLE offline: review it in the program"),
    fact(
      "who may read",
      ...(roles.length
        ? roles.map((r) => `${who(r.inputs)}, logging in to role ${r.inputs.roleName}`)
        : ["no role of this program carries it"]),
    ),
  ];
  const files: Artifact[] = text
    ? [
        {
          path: `vault/${name}.policy.hcl`,
          content: text,
          about: `Vault policy ${name}, HCL as Vault stores it: what its tokens may read`,
        },
      ]
    : [];
  return { facts, files };
}

/** The role as reviewed and written: the Kubernetes auth role's fields, by Vault's names. */
function roleDocument(i: Obj): Obj {
  return {
    role_name: i.roleName,
    auth_mount: i.backend ?? "kubernetes",
    ...(i.namespace ? { namespace: i.namespace } : {}),
    bound_service_account_names: i.boundServiceAccountNames,
    bound_service_account_namespaces: i.boundServiceAccountNamespaces,
    audience: i.audience,
    token_ttl: i.tokenTtl,
    token_max_ttl: i.tokenMaxTtl,
    token_policies: i.tokenPolicies,
    token_no_default_policy: i.tokenNoDefaultPolicy ?? false,
  };
}

function role(s: Subject, index: ResourceIndex) {
  const i = s.inputs;
  const policies = [i.tokenPolicies].flat().map(String);
  const reads = index
    .ofType(VAULT_TYPES.policy)
    .filter((p) => policies.includes(String(p.inputs.name)))
    .flatMap((p) =>
      typeof p.inputs.policy === "string"
        ? policyGrants(p.inputs.policy).map((g) => `${g.path} (${g.capabilities.join(", ")}, policy ${p.inputs.name})`)
        : [],
    );
  return {
    facts: [
      fact(
        "kubernetes auth role",
        `${i.roleName} on auth/${i.backend ?? "kubernetes"}${i.namespace ? ` (namespace ${i.namespace})` : ""}`,
      ),
      fact("who may log in", who(i)),
      fact(
        "token",
        `ttl ${i.tokenTtl ?? "Vault's default"} s, max ${i.tokenMaxTtl ?? "Vault's default"} s, policies ${policies.join(", ")}${i.tokenNoDefaultPolicy ? " only (no default policy)" : " and default"}`,
      ),
      fact("reads", ...(reads.length ? reads : ["what its policies grant (managed elsewhere)"])),
    ],
    files: [
      jsonFile(
        `vault/${i.roleName}.role.json`,
        roleDocument(i),
        `Vault Kubernetes auth role ${i.roleName}: who may log in, and with which policies`,
      ),
    ],
  };
}

function kvSecret(s: Subject) {
  return {
    facts: [
      fact(
        "KV v2 secret",
        `${s.inputs.mount}/${s.inputs.name}${s.inputs.namespace ? ` (namespace ${s.inputs.namespace})` : ""}`,
      ),
      fact("value", "withheld: written to Vault at pulumi up, never to this folder"),
    ],
  };
}

/** Render's table for the Vault store's resources. */
export const VAULT_DESCRIBERS: Record<string, Describer> = {
  [VAULT_TYPES.policy]: policy,
  [VAULT_TYPES.role]: role,
  [VAULT_TYPES.kv]: kvSecret,
};

/**
 * For a workload whose FetchSpec reads Vault: who may read what, and, for a role that no resource of
 * the program creates (managed elsewhere), what it must bind and grant, with the policy it needs.
 */
export function vaultWorkloadReview(
  spec: Obj,
  pod: Obj,
  where: string,
  index: ResourceIndex,
): { facts: Fact[]; files: Artifact[] } {
  const sources = ((spec.files ?? []) as Obj[]).map((f) => f.source).filter((s) => s?.type === "vault-kv");
  if (!sources.length) return { facts: [], files: [] };
  const token = ((pod.volumes ?? []) as Obj[])
    .flatMap((v) => v.projected?.sources ?? [])
    .find((p: Obj) => p.serviceAccountToken)?.serviceAccountToken;
  const sa = `ServiceAccount ${where.split("/")[0]}/${pod.serviceAccountName ?? "default"}`;
  const tokenVolumes = ((pod.volumes ?? []) as Obj[])
    .filter((v) => (v.projected?.sources ?? []).some((p: Obj) => p.serviceAccountToken))
    .map((v) => v.name);
  const holders = [...(pod.initContainers ?? []), ...(pod.containers ?? [])]
    .filter((c: Obj) => (c.volumeMounts ?? []).some((m: Obj) => tokenVolumes.includes(m.name)))
    .map((c: Obj) => c.name);
  const facts: Fact[] = [
    fact(
      "vault login token",
      tokenVolumes.length
        ? `projected for audience ${token?.audience}, mounted in ${holders.join(", ") || "no container"}${holders.length === 1 ? " only" : ""}`
        : "NO projected ServiceAccount token: the fetcher cannot log in to Vault",
    ),
  ];
  const files: Artifact[] = [];
  const byRole = new Map<string, Obj[]>();
  for (const s of sources)
    byRole.set(`${s.authMount ?? "kubernetes"}|${s.role}`, [
      ...(byRole.get(`${s.authMount ?? "kubernetes"}|${s.role}`) ?? []),
      s,
    ]);
  for (const [key, ss] of byRole) {
    const [authMount, roleName] = key.split("|");
    const paths = [...new Set(ss.map((s) => kvDataPath(s.mount ?? "secret", s.path)))].sort();
    const role = index
      .ofType(VAULT_TYPES.role)
      .find((r) => r.inputs.roleName === roleName && (r.inputs.backend ?? "kubernetes") === authMount);
    const created = role !== undefined;
    facts.push(
      fact(
        "vault",
        `${sa} logs in to ${ss[0].address} as role ${roleName} (auth/${authMount}) with a token for audience ${token?.audience ?? "(the API server's)"}; reads ${paths.join(", ")}`,
      ),
    );
    if (!created) {
      facts.push(
        fact(
          "vault role elsewhere",
          `role ${roleName} is not created here: it must be bound to exactly ${sa} (namespace and name), require audience ${token?.audience ?? "(set one)"}, ` +
            `and carry a policy granting read on exactly ${paths.join(", ")} (vault/${roleName}.required-policy.hcl), nothing on metadata/, no list`,
        ),
      );
      files.push({
        path: `vault/${roleName}.required-policy.hcl`,
        content: vaultPolicyHcl(
          paths,
          `what the policy of role ${roleName} (managed elsewhere) must grant ${sa}: read on exactly these paths`,
        ),
        about: `what the policies of Vault role ${roleName}, managed elsewhere, must grant (nothing more)`,
      });
      continue;
    }
    const createdPolicies = new Set(index.ofType(VAULT_TYPES.policy).map((p) => String(p.inputs.name)));
    for (const name of [role.inputs.tokenPolicies]
      .flat()
      .map(String)
      .filter((n) => !createdPolicies.has(n))) {
      facts.push(
        fact(
          "vault policy elsewhere",
          `policy ${name} is not created here: it must grant read on exactly ${paths.join(", ")} (vault/${name}.required-policy.hcl), nothing on metadata/, no list`,
        ),
      );
      files.push({
        path: `vault/${name}.required-policy.hcl`,
        content: vaultPolicyHcl(
          paths,
          `what policy ${name} (managed elsewhere) must grant ${sa} through role ${roleName}: read on exactly these paths`,
        ),
        about: `what Vault policy ${name}, managed elsewhere, must grant (nothing more)`,
      });
    }
  }
  return { facts, files };
}
