import assert from "node:assert/strict";
import type { NormalizedSecret } from "../../components/core/secret-set";
import { DeclarationError } from "../../components/core/declaration-error";
import {
  normalizeVault,
  type VaultDeclaration,
  type VaultDeclarationInput,
} from "../../components/stores/vault/normalize";
import { vaultAccessPlan, vaultPolicyHcl } from "../../components/stores/vault/access-plan";
import { vaultSource } from "../../components/stores/vault/fetch-sources";
import { vaultPodWiring } from "../../components/stores/vault/pod-wiring";
import type { VaultBackendArgs } from "../../components/stores/vault/args";
import { parseFetchSpec } from "../../spec/fetch-spec";
import { vaultAccessPlanOf } from "../../components/vault-access";

const fail = (field: string, problem: string): never => {
  throw new DeclarationError(field, problem, "shop");
};

function secret(i: number, over: Partial<NormalizedSecret> & { vault?: object; extra?: object }): NormalizedSecret {
  const { vault, extra, ...rest } = over;
  const name = rest.name ?? `s${i}`;
  return {
    index: i,
    name,
    kind: "existing",
    existing: { name: `apps/${name}` },
    isJson: undefined,
    files: [{ path: name }],
    args: { name, ...(vault !== undefined ? { vault } : {}), ...extra } as never,
    ...rest,
  };
}

function input(secrets: NormalizedSecret[]): VaultDeclarationInput {
  return { name: "shop", namespace: "shop", serviceAccountName: "shop-sa", secrets };
}

const VAULT: VaultBackendArgs = { address: "https://vault.vault.svc:8200" };

function plan(secrets: NormalizedSecret[], args: VaultBackendArgs = VAULT): VaultDeclaration {
  return normalizeVault(input(secrets), args, fail)!;
}

function refused(
  secrets: NormalizedSecret[],
  args: VaultBackendArgs | undefined,
  field: string,
  pattern: RegExp,
): void {
  assert.throws(
    () => normalizeVault(input(secrets), args, fail),
    (e: unknown) => {
      assert.ok(e instanceof DeclarationError, String(e));
      assert.equal(e.field, field);
      assert.match(e.problem, pattern);
      return true;
    },
  );
}

describe("Vault: the access plan of a declaration (pure)", () => {
  it("grants read on exactly the declared data paths: one block each, sorted, nothing on metadata/, no list, no glob", () => {
    const d = plan([
      secret(0, { vault: {}, existing: { name: "apps/billing/db" } }),
      secret(1, { name: "api", kind: "value", value: "v", existing: undefined, vault: { mount: "kv" } }),
      secret(2, { name: "other", vault: { version: 3 }, existing: { name: "apps/billing/db" } }),
    ]);
    const p = vaultAccessPlan(d);
    assert.deepEqual(p.readPaths, ["kv/data/shop/api", "secret/data/apps/billing/db"]);
    assert.equal(
      p.policyHcl,
      [
        "# secret-mount: the ServiceAccount shop/shop-sa (component shop) reads exactly these secrets",
        'path "kv/data/shop/api" {',
        '  capabilities = ["read"]',
        "}",
        "",
        'path "secret/data/apps/billing/db" {',
        '  capabilities = ["read"]',
        "}",
        "",
      ].join("\n"),
    );
    assert.doesNotMatch(p.policyHcl, /metadata|list|\*|\+/);
  });

  it("binds the role to exactly the workload's ServiceAccount name and namespace, with the audience, a short TTL and only its policy", () => {
    const p = vaultAccessPlan(plan([secret(0, { vault: {} })]));
    assert.deepEqual(p.role, {
      name: "shop-shop-sa",
      authMount: "kubernetes",
      existing: false,
      boundServiceAccountNames: ["shop-sa"],
      boundServiceAccountNamespaces: ["shop"],
      audience: "vault",
      tokenTtl: 300,
      tokenMaxTtl: 300,
      tokenPolicies: ["secret-mount-kubernetes-shop-shop-sa"],
      tokenNoDefaultPolicy: true,
    });
    assert.equal(p.policyName, "secret-mount-kubernetes-shop-shop-sa");
    assert.equal(p.policyExisting, false);
  });

  it("takes the role's name, audience, TTL, auth mount and namespace from the declaration", () => {
    const p = vaultAccessPlan(
      plan([secret(0, { vault: {} })], {
        ...VAULT,
        namespace: "team-a",
        authMount: "k8s-prod",
        role: { name: "billing", audience: "https://vault.example", tokenTtlSeconds: 120 },
        policy: { name: "billing-read" },
      }),
    );
    assert.equal(p.namespace, "team-a");
    assert.deepEqual(
      [p.role.name, p.role.authMount, p.role.audience, p.role.tokenTtl, p.role.tokenPolicies],
      ["billing", "k8s-prod", "https://vault.example", 120, ["billing-read"]],
    );
  });

  it("names a role managed elsewhere: nothing to create, and the plan says what it must bind and grant", () => {
    const p = vaultAccessPlan(
      plan([secret(0, { vault: {} })], { ...VAULT, role: { name: "ops-made", existing: true } }),
    );
    assert.equal(p.role.existing, true);
    assert.equal(p.policyExisting, true);
    assert.deepEqual(p.role.boundServiceAccountNames, ["shop-sa"]);
    assert.match(p.policyHcl, /path "secret\/data\/apps\/s0"/);
  });

  it("the default policy name carries the auth mount (one Vault, several clusters), in lower case", () => {
    assert.equal(
      vaultAccessPlan(plan([secret(0, { vault: {} })], { ...VAULT, authMount: "k8s/Prod" })).policyName,
      "secret-mount-k8s-prod-shop-shop-sa",
    );
  });

  it("a created secret's default path is under the default prefix, or secretNamePrefix", () => {
    const created = secret(0, { kind: "value", value: "v", existing: undefined, vault: {} });
    assert.equal(
      normalizeVault({ ...input([created]), defaultPrefix: "proj/dev/shop" }, VAULT, fail)!.secrets[0].path,
      "proj/dev/shop/s0",
    );
    assert.equal(
      normalizeVault({ ...input([created]), defaultPrefix: "proj/dev/shop", secretNamePrefix: "team" }, VAULT, fail)!
        .secrets[0].path,
      "team/s0",
    );
  });

  it("policy text is deterministic and deduplicated", () => {
    assert.equal(
      vaultPolicyHcl(["b/data/x", "a/data/y", "b/data/x"], "c"),
      vaultPolicyHcl(["a/data/y", "b/data/x"], "c"),
    );
  });
});

describe("Vault: FetchSpec sources and pod wiring (pure)", () => {
  it("a source carries only references, parsed by the one FetchSpec parser; a created value/password file reads the value key", () => {
    const d = plan(
      [
        secret(0, {
          name: "db",
          kind: "generate",
          existing: undefined,
          generate: { type: "password" } as never,
          vault: {},
        }),
        secret(1, {
          name: "api",
          vault: { version: 4 },
          existing: { name: "apps/api" },
          files: [{ path: "api/key", jsonKey: "key" }],
        }),
      ],
      { ...VAULT, namespace: "team-a" },
    );
    assert.deepEqual(d.secrets[0].files, [{ path: "db", jsonKey: "value" }]);
    const sources = d.secrets.map((s) => vaultSource(d, s));
    assert.deepEqual(sources[1], {
      type: "vault-kv",
      address: "https://vault.vault.svc:8200",
      role: "shop-shop-sa",
      mount: "secret",
      path: "apps/api",
      authMount: "kubernetes",
      version: 4,
      namespace: "team-a",
    });
    assert.equal(sources[0].version, undefined, "a created secret is read at its latest version");
    const spec = parseFetchSpec({
      version: 1,
      dir: "/run/secrets/app",
      mode: "init",
      files: d.secrets.flatMap((s, i) => s.files.map((f) => ({ ...f, source: sources[i] }))),
    });
    assert.equal(spec.files.length, 2);
  });

  it("a created value whose files pick keys is stored as the object itself (no value key added)", () => {
    const d = plan([
      secret(0, {
        name: "db",
        kind: "value",
        value: "{}",
        existing: undefined,
        vault: {},
        files: [
          { path: "u", jsonKey: "user" },
          { path: "p", jsonKey: "password" },
        ],
      }),
    ]);
    assert.equal(d.secrets[0].shape, "object");
    assert.deepEqual(
      d.secrets[0].files.map((f) => f.jsonKey),
      ["user", "password"],
    );
  });

  it("the login token is projected for the role's audience and mounted, with the CA, into the fetch container only", () => {
    const d = plan([secret(0, { vault: {} })], {
      ...VAULT,
      role: { audience: "vault-prod" },
      caCertificate: "-----BEGIN CERTIFICATE-----",
    });
    const w = vaultPodWiring(d, "shop-vault-ca");
    assert.deepEqual(w.fetchEnv, {
      VAULT_K8S_TOKEN_FILE: "/var/run/secrets/secret-mount/vault-token/token",
      VAULT_CACERT: "/var/run/secrets/secret-mount/vault-ca/ca.crt",
    });
    assert.deepEqual(w.fetchVolumes[0].volume, {
      name: "secret-mount-vault-token",
      projected: {
        sources: [{ serviceAccountToken: { audience: "vault-prod", expirationSeconds: 600, path: "token" } }],
      },
    });
    assert.deepEqual(w.fetchVolumes[1].volume, {
      name: "secret-mount-vault-ca",
      configMap: { name: "shop-vault-ca", items: [{ key: "ca.crt", path: "ca.crt" }] },
    });
  });

  it("insecureHttp is carried into the source only when the declaration opts in", () => {
    const d = plan([secret(0, { vault: {} })], { address: "http://vault.mesh:8200", insecureHttp: true });
    assert.equal(vaultSource(d, d.secrets[0]).insecureHttp, true);
    assert.equal(
      vaultSource(plan([secret(0, { vault: {} })]), plan([secret(0, { vault: {} })]).secrets[0]).insecureHttp,
      undefined,
    );
  });
});

describe("Vault: refusals (each names the field and the fix)", () => {
  const s0 = (vault: object = {}, over: Partial<NormalizedSecret> = {}) => [secret(0, { vault, ...over })];
  const cases: [string, NormalizedSecret[], VaultBackendArgs | undefined, string, RegExp][] = [
    [
      "plain http without the opt-in",
      s0(),
      { address: "http://vault:8200" },
      "vault.address",
      /plain http.*insecureHttp: true/,
    ],
    [
      "insecureHttp on an https address",
      s0(),
      { ...VAULT, insecureHttp: true },
      "vault.insecureHttp",
      /address is https/,
    ],
    [
      "an address with a path",
      s0(),
      { address: "https://vault:8200/v1/secret" },
      "vault.address",
      /path, query or fragment/,
    ],
    ["an address with credentials", s0(), { address: "https://root:x@vault:8200" }, "vault.address", /credentials/],
    ["no address", s0(), {} as VaultBackendArgs, "vault.address", /is required/],
    ["a Vault secret without vault", s0(), undefined, "secrets[0].vault", /vault.*is not set/],
    ["vault with no Vault secret", [secret(0, {})], VAULT, "vault", /no secret lives in Vault/],
    [
      "a glob * in an existing path",
      s0({}, { existing: { name: "apps/*" } }),
      VAULT,
      "secrets[0].existing.name",
      /glob.*exact path/,
    ],
    [
      "a + segment wildcard",
      s0({}, { existing: { name: "apps/+/db" } }),
      VAULT,
      "secrets[0].existing.name",
      /"\+".*glob/,
    ],
    [
      "a template",
      s0({}, { existing: { name: "apps/{{identity.entity.id}}" } }),
      VAULT,
      "secrets[0].existing.name",
      /template/,
    ],
    [
      "a glob in a created path",
      [secret(0, { kind: "value", value: "v", existing: undefined, vault: { path: "apps/*" } })],
      VAULT,
      "secrets[0].vault.path",
      /glob/,
    ],
    ["a glob in the mount", s0({ mount: "kv*" }), VAULT, "secrets[0].vault.mount", /glob/],
    ["a reserved mount", s0({ mount: "sys" }), VAULT, "secrets[0].vault.mount", /reserves/],
    ["a .. segment", s0({}, { existing: { name: "apps/../x" } }), VAULT, "secrets[0].existing.name", /"\.\." segment/],
    [
      "an ARN for a Vault secret",
      s0({}, { existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:x-AbCdEf" } }),
      VAULT,
      "secrets[0].existing.arn",
      /path under the mount/,
    ],
    ["vault.path on an existing secret", s0({ path: "x" }), VAULT, "secrets[0].vault.path", /existing.name/],
    [
      "a version pin on a created secret",
      [secret(0, { kind: "value", value: "v", existing: undefined, vault: { version: 2 } })],
      VAULT,
      "secrets[0].vault.version",
      /existing secret/,
    ],
    ["a zero version", s0({ version: 0 }), VAULT, "secrets[0].vault.version", /≥ 1/],
    [
      "another store's options",
      [secret(0, { vault: {}, extra: { aws: { store: "ssm-parameter" } } })],
      VAULT,
      "secrets[0].aws",
      /lives in Vault/,
    ],
    ["an unknown secret field", s0({ pth: "x" }), VAULT, "secrets[0].vault.pth", /not a known field/],
    ["an unknown backend field", s0(), { ...VAULT, token: "s.x" } as never, "vault.token", /not a known field/],
    [
      "a TTL too long",
      s0(),
      { ...VAULT, role: { tokenTtlSeconds: 86400 } },
      "vault.role.tokenTtlSeconds",
      /60 to 3600/,
    ],
    [
      "an existing role without a name",
      s0(),
      { ...VAULT, role: { existing: true } },
      "vault.role.name",
      /required with existing/,
    ],
    [
      "an existing policy without a name",
      s0(),
      { ...VAULT, policy: { existing: true } },
      "vault.policy.name",
      /required with existing/,
    ],
    [
      "a created policy for a role managed elsewhere",
      s0(),
      { ...VAULT, role: { name: "r", existing: true }, policy: { name: "p" } },
      "vault.policy",
      /carries its own policies/,
    ],
    [
      "TTL on a role managed elsewhere",
      s0(),
      { ...VAULT, role: { name: "r", existing: true, tokenTtlSeconds: 100 } },
      "vault.role.tokenTtlSeconds",
      /role managed elsewhere/,
    ],
    ["an upper-case policy name", s0(), { ...VAULT, policy: { name: "Billing" } }, "vault.policy.name", /lower case/],
    ["the default policy", s0(), { ...VAULT, policy: { name: "default" } }, "vault.policy.name", /built-in/],
    ["a role name with a space", s0(), { ...VAULT, role: { name: "a b" } }, "vault.role.name", /not a role name/],
    ["a bad namespace", s0(), { ...VAULT, namespace: "team a" }, "vault.namespace", /namespace segment/],
    ["a bad auth mount", s0(), { ...VAULT, authMount: "k8s/*" }, "vault.authMount", /glob/],
    [
      "two created secrets at one path",
      [
        secret(0, { kind: "value", value: "v", existing: undefined, vault: { path: "a/b" } }),
        secret(1, { kind: "value", value: "v", existing: undefined, vault: { path: "a/b" } }),
      ],
      VAULT,
      "secrets[1].vault",
      /also the path of secrets\[0\]/,
    ],
    [
      "a created secret at an existing one's path",
      [
        secret(0, { vault: {}, existing: { name: "a/b" } }),
        secret(1, { kind: "value", value: "v", existing: undefined, vault: { path: "a/b" } }),
      ],
      VAULT,
      "secrets[1].vault",
      /also the path/,
    ],
  ];
  for (const [what, secrets, args, field, pattern] of cases) {
    it(`refuses ${what}`, () => refused(secrets, args, field, pattern));
  }

  it("a default created path from a prefix with a glob character is refused naming the default", () => {
    assert.throws(
      () =>
        normalizeVault(
          {
            ...input([secret(0, { kind: "value", value: "v", existing: undefined, vault: {} })]),
            secretNamePrefix: "a+b",
          },
          VAULT,
          fail,
        ),
      (e: unknown) => e instanceof DeclarationError && e.field.startsWith("secrets[0].vault.path (default"),
    );
  });

  it("two entries reading one existing secret are one grant", () => {
    const d = plan([
      secret(0, { vault: {}, existing: { name: "a/b" } }),
      secret(1, { vault: {}, existing: { name: "a/b" } }),
    ]);
    assert.deepEqual(vaultAccessPlan(d).readPaths, ["secret/data/a/b"]);
  });
});

describe("Vault: the access plan of a component's args (for applying the plan elsewhere)", () => {
  it("equals what the component registers: same policy text, same role bindings", () => {
    const p = vaultAccessPlanOf(
      "shop",
      {
        namespace: "shop",
        vault: { address: "https://vault:8200" },
        container: { name: "app", image: "x", runAsUser: 10001 },
        secrets: [
          { name: "db", generate: { type: "password" }, vault: {} },
          { name: "api", existing: { name: "apps/api" }, vault: {} },
        ],
      },
      "workload",
      "proj",
      "dev",
    )!;
    assert.equal(p.policyName, "secret-mount-kubernetes-shop-shop");
    assert.deepEqual(p.readPaths, ["secret/data/apps/api", "secret/data/proj/dev/shop/db"]);
    assert.deepEqual(
      [
        p.role.name,
        p.role.boundServiceAccountNames,
        p.role.boundServiceAccountNamespaces,
        p.role.audience,
        p.role.tokenTtl,
        p.role.tokenPolicies,
      ],
      ["shop-shop", ["shop"], ["shop"], "vault", 300, ["secret-mount-kubernetes-shop-shop"]],
    );
  });
});
