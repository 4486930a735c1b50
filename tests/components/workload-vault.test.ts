import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  DeclarationError,
  SecretMount,
  SecretMountedTask,
  SecretMountedWorkload,
  parseFetchSpecJson,
  type SecretMountedWorkloadArgs,
  type SecretMountArgs,
} from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { restrictedViolations } from "../helpers/pod-security";
import { AKS_ISSUER, AzureMocks, FETCH_IMAGE, OIDC_ARN, OIDC_URL } from "./mock-run";
import { mockComponent } from "./mock-component";
import { vaultAccessPlanOf } from "../../components/vault-access";

const POLICY = "vault:index/policy:Policy";
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const KV = "vault:kv/secretV2:SecretV2";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const VALUE = "value-that-must-stay-in-vault-3f9a";
const CA = "-----BEGIN CERTIFICATE-----\nMIIBtestCA\n-----END CERTIFICATE-----\n";
const OUTPUTS = ["fetchSpec", "vaultPolicy", "vaultRole", "roleArn", "permissionPolicy", "serviceAccountName"];
const APP = { name: "app", image: "registry.example.com/shop@sha256:" + "a".repeat(64), runAsUser: 10001 };

/** KV versions per resource name, as Vault answers them (default 1). */
class KvMocks extends OfflineMocks {
  constructor(readonly kvVersions: Record<string, string> = {}) {
    super();
  }

  override newResource(args: pulumi.runtime.MockResourceArgs) {
    const r = super.newResource(args);
    if (args.type === KV) r.state.metadata = { version: this.kvVersions[args.name] ?? "1" };
    return r;
  }
}

function vaultArgs(over: Partial<SecretMountedWorkloadArgs> = {}): SecretMountedWorkloadArgs {
  return {
    namespace: "shop",
    vault: { address: "https://vault.vault.svc:8200" },
    secrets: [
      { name: "db", value: pulumi.secret(VALUE), vault: {} },
      {
        name: "stripe",
        existing: { name: "apps/shop/stripe" },
        vault: { mount: "kv" },
        files: [{ path: "stripe/key", jsonKey: "apiKey" }],
      },
      { name: "session", generate: { type: "password" }, vault: { path: "apps/shop/session" } },
    ],
    container: APP,
    fetch: { image: FETCH_IMAGE },
    ...over,
  };
}

const workload = (args: SecretMountedWorkloadArgs, mocks: OfflineMocks = new KvMocks()) =>
  mockComponent((opts) => new SecretMountedWorkload("shop", args, opts), OUTPUTS, mocks);

function refusedAtConstruction(create: () => unknown, field: string, pattern: RegExp): void {
  assert.throws(create, (e: unknown) => {
    assert.ok(e instanceof DeclarationError, String(e));
    assert.equal(e.field, field);
    assert.match(e.problem, pattern);
    return true;
  });
}

describe("SecretMountedWorkload with Vault secrets only (no platform, no cloud identity), under mocks", () => {
  let w: Awaited<ReturnType<typeof workload>>;
  before(async () => {
    w = await workload(vaultArgs());
  });

  it("creates the KV secrets, the policy and the role, and no cloud resource at all", () => {
    const types = w.resources.filter((r) => r.custom).map((r) => r.type);
    assert.deepEqual(
      types.filter((t) => /^(aws|gcp|azure-native):/.test(t)),
      [],
      "no cloud identity or store",
    );
    assert.equal(w.all(KV).length, 2, "db and session are created; stripe exists");
    assert.deepEqual(
      w.all(KV).map((r) => [r.inputs.mount, r.inputs.name]),
      [
        ["secret", "proj/dev/shop/db"],
        ["secret", "apps/shop/session"],
      ],
    );
    for (const r of w.resources.filter((x) => x.custom)) assert.equal(w.parents.get(r.name), "shop");
  });

  it("the policy grants read on exactly the three data paths; its HCL is the vaultPolicy output", () => {
    const p = w.one(POLICY);
    assert.equal(p.name, "secret-mount-kubernetes-shop-shop");
    assert.equal(p.policy, w.outputs.vaultPolicy);
    const paths = [...String(p.policy).matchAll(/path "([^"]+)" \{\n {2}capabilities = \["read"\]\n\}/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(paths, [
      "kv/data/apps/shop/stripe",
      "secret/data/apps/shop/session",
      "secret/data/proj/dev/shop/db",
    ]);
    assert.equal((String(p.policy).match(/path "/g) ?? []).length, 3, "nothing else");
  });

  it("the role is bound to exactly the workload's ServiceAccount and namespace, with the audience, a short TTL and only that policy", () => {
    const r = w.one(ROLE);
    assert.deepEqual(
      {
        backend: r.backend,
        roleName: r.roleName,
        names: r.boundServiceAccountNames,
        namespaces: r.boundServiceAccountNamespaces,
        audience: r.audience,
        ttl: r.tokenTtl,
        max: r.tokenMaxTtl,
        policies: r.tokenPolicies,
        noDefault: r.tokenNoDefaultPolicy,
      },
      {
        backend: "kubernetes",
        roleName: "shop-shop",
        names: ["shop"],
        namespaces: ["shop"],
        audience: "vault",
        ttl: 300,
        max: 300,
        policies: ["secret-mount-kubernetes-shop-shop"],
        noDefault: true,
      },
    );
    assert.ok(w.dependsOn.get("shop-vault-role")?.includes("shop-vault-policy"), "the role waits for its policy");
  });

  it("vaultAccessPlanOf (the pure plan other tools apply) is exactly what the component registered", () => {
    const plan = vaultAccessPlanOf("shop", vaultArgs(), "workload", "proj", "dev")!;
    const p = w.one(POLICY);
    const r = w.one(ROLE);
    assert.deepEqual([plan.policyName, plan.policyHcl], [p.name, p.policy]);
    assert.deepEqual(
      [
        plan.role.name,
        plan.role.authMount,
        plan.role.boundServiceAccountNames,
        plan.role.boundServiceAccountNamespaces,
        plan.role.audience,
        plan.role.tokenTtl,
        plan.role.tokenMaxTtl,
        plan.role.tokenPolicies,
      ],
      [
        r.roleName,
        r.backend,
        r.boundServiceAccountNames,
        r.boundServiceAccountNamespaces,
        r.audience,
        r.tokenTtl,
        r.tokenMaxTtl,
        r.tokenPolicies,
      ],
    );
  });

  it("stores a value and a password under the value key, and the FetchSpec reads that key; it carries references only", () => {
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(
      spec.files.map((f) => [f.path, f.jsonKey, f.source]),
      [
        [
          "db",
          "value",
          {
            type: "vault-kv",
            address: "https://vault.vault.svc:8200",
            role: "shop-shop",
            mount: "secret",
            path: "proj/dev/shop/db",
            authMount: "kubernetes",
          },
        ],
        [
          "stripe/key",
          "apiKey",
          {
            type: "vault-kv",
            address: "https://vault.vault.svc:8200",
            role: "shop-shop",
            mount: "kv",
            path: "apps/shop/stripe",
            authMount: "kubernetes",
          },
        ],
        [
          "session",
          "value",
          {
            type: "vault-kv",
            address: "https://vault.vault.svc:8200",
            role: "shop-shop",
            mount: "secret",
            path: "apps/shop/session",
            authMount: "kubernetes",
          },
        ],
      ],
    );
    const everything =
      JSON.stringify(w.resources.filter((r) => r.type !== KV).map((r) => r.inputs)) + JSON.stringify(w.outputs);
    assert.ok(!everything.includes(VALUE), "the value appears only in the KV write");
  });

  it("the fetch container alone gets a token projected for the role's audience; the pod automounts none and stays restricted", () => {
    const pod = w.one(DEPLOYMENT).spec.template;
    const fetch = pod.spec.initContainers[0];
    assert.equal(pod.spec.automountServiceAccountToken, false);
    assert.deepEqual(
      pod.spec.volumes.find((v: { name: string }) => v.name === "secret-mount-vault-token"),
      {
        name: "secret-mount-vault-token",
        projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 600, path: "token" } }] },
      },
    );
    assert.ok(
      fetch.volumeMounts.some(
        (m: { name: string; readOnly?: boolean }) => m.name === "secret-mount-vault-token" && m.readOnly,
      ),
    );
    assert.ok(
      fetch.env.some(
        (e: { name: string; value: string }) =>
          e.name === "VAULT_K8S_TOKEN_FILE" && e.value === "/var/run/secrets/secret-mount/vault-token/token",
      ),
    );
    for (const c of pod.spec.containers)
      assert.ok(
        !c.volumeMounts.some((m: { name: string }) => m.name.startsWith("secret-mount-vault")),
        `${c.name} must not see the Vault token`,
      );
    assert.deepEqual(restrictedViolations(pod.spec, pod.metadata), []);
  });
});

describe("SecretMountedWorkload with Vault: the rest of the declaration, under mocks", () => {
  it("mixes Vault with the platform's store (EKS): the IAM role reads only the AWS secret", async () => {
    const w = await workload(
      vaultArgs({
        eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
        secrets: [
          { name: "aws-one", generate: { type: "password" } },
          { name: "db", existing: { name: "apps/db" }, vault: {} },
        ],
      }),
    );
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(
      spec.files.map((f) => f.source.type),
      ["aws-secretsmanager", "vault-kv"],
    );
    assert.doesNotMatch(String(w.outputs.permissionPolicy), /apps\/db/);
    assert.match(String(w.outputs.vaultPolicy), /path "secret\/data\/apps\/db"/);
    const fetch = w.one(DEPLOYMENT).spec.template.spec.initContainers[0];
    assert.ok(
      fetch.env.some((e: { name: string }) => e.name === "AWS_ROLE_ARN" || e.name === "AWS_REGION") ||
        w.outputs.roleArn,
      "the EKS identity stays",
    );
    assert.ok(fetch.env.some((e: { name: string }) => e.name === "VAULT_K8S_TOKEN_FILE"));
  });

  it("mixes Vault with GKE's store", async () => {
    const w = await workload(
      vaultArgs({
        gke: {},
        secrets: [
          { name: "g", generate: { type: "password" } },
          { name: "db", existing: { name: "apps/db" }, vault: {} },
        ],
      }),
    );
    assert.deepEqual(
      parseFetchSpecJson(String(w.outputs.fetchSpec)).files.map((f) => f.source.type),
      ["gcp-secretmanager", "vault-kv"],
    );
  });

  it("mixes Vault with AKS's store", async () => {
    const w = await workload(
      vaultArgs({
        aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: "shop-rg" },
        secrets: [
          { name: "a", generate: { type: "password" } },
          { name: "db", existing: { name: "apps/db" }, vault: {} },
        ],
      }),
      new AzureMocks(),
    );
    assert.deepEqual(
      parseFetchSpecJson(String(w.outputs.fetchSpec)).files.map((f) => f.source.type),
      ["azure-keyvault", "vault-kv"],
    );
  });

  it("a CA goes in a ConfigMap of the namespace, mounted into the fetch container only, named by VAULT_CACERT", async () => {
    const w = await workload(
      vaultArgs({ vault: { address: "https://vault.internal:8200", caCertificate: CA }, createNamespace: true }),
    );
    const cm = w.all(CONFIG_MAP).find((r) => r.name === "shop-vault-ca")! as unknown as {
      inputs: Record<string, any>;
      outputs: Record<string, any>;
    };
    assert.deepEqual(cm.inputs.data, { "ca.crt": CA });
    assert.equal(cm.inputs.metadata.namespace, "shop");
    assert.ok(
      w.dependsOn.get("shop-vault-ca")?.includes("shop-namespace"),
      "waits for the namespace the component creates",
    );
    const pod = w.one(DEPLOYMENT).spec.template.spec;
    const fetch = pod.initContainers[0];
    assert.ok(
      fetch.env.some(
        (e: { name: string; value: string }) =>
          e.name === "VAULT_CACERT" && e.value === "/var/run/secrets/secret-mount/vault-ca/ca.crt",
      ),
    );
    assert.equal(
      pod.volumes.find((v: { name: string }) => v.name === "secret-mount-vault-ca").configMap.name,
      cm.outputs.metadata.name,
    );
    for (const c of pod.containers)
      assert.ok(!c.volumeMounts.some((m: { name: string }) => m.name === "secret-mount-vault-ca"));
  });

  it("a role managed elsewhere: no policy and no role are created; the outputs say what it must bind and grant", async () => {
    const w = await workload(
      vaultArgs({ vault: { address: "https://vault.vault.svc:8200", role: { name: "ops-billing", existing: true } } }),
    );
    assert.equal(w.all(POLICY).length, 0);
    assert.equal(w.all(ROLE).length, 0);
    const role = JSON.parse(String(w.outputs.vaultRole));
    assert.deepEqual(
      [role.name, role.existing, role.boundServiceAccountNames, role.boundServiceAccountNamespaces],
      ["ops-billing", true, ["shop"], ["shop"]],
    );
    assert.match(String(w.outputs.vaultPolicy), /path "kv\/data\/apps\/shop\/stripe"/);
    assert.equal(
      parseFetchSpecJson(String(w.outputs.fetchSpec)).files[0].source.type === "vault-kv" &&
        (parseFetchSpecJson(String(w.outputs.fetchSpec)).files[0].source as { role: string }).role,
      "ops-billing",
    );
  });

  it("a policy managed elsewhere: the role is created with it, no policy is", async () => {
    const w = await workload(
      vaultArgs({
        vault: { address: "https://vault.vault.svc:8200", policy: { name: "billing-read", existing: true } },
      }),
    );
    assert.equal(w.all(POLICY).length, 0);
    assert.deepEqual(w.one(ROLE).tokenPolicies, ["billing-read"]);
  });

  it("a new KV version of a created secret changes the revision (init-mode pods roll); the same version does not", async () => {
    const rev = async (versions: Record<string, string>) =>
      (await workload(vaultArgs(), new KvMocks(versions))).one(DEPLOYMENT).spec.template.metadata.annotations[
        "secret-mount.io/revision"
      ];
    const v1 = await rev({});
    assert.match(v1, /^[0-9a-f]{16}$/);
    assert.equal(await rev({}), v1);
    assert.notEqual(await rev({ "shop-db": "2" }), v1);
  });

  it("pinning an existing secret to another KV version changes the revision; refresh mode reads the latest of an unpinned one", async () => {
    const withPin = (version?: number) =>
      vaultArgs({
        secrets: [
          { name: "stripe", existing: { name: "apps/shop/stripe" }, vault: version === undefined ? {} : { version } },
        ],
      });
    const rev = async (a: SecretMountedWorkloadArgs) =>
      (await workload(a)).one(DEPLOYMENT).spec.template.metadata.annotations["secret-mount.io/revision"];
    assert.notEqual(await rev(withPin(3)), await rev(withPin(4)));
    const refresh = await workload({ ...withPin(), refresh: { intervalSeconds: 60 } });
    const spec = parseFetchSpecJson(String(refresh.outputs.fetchSpec));
    assert.equal(spec.mode, "refresh");
    assert.equal(
      (spec.files[0].source as { version?: number }).version,
      undefined,
      "the latest version, re-read each cycle",
    );
  });

  it("a value whose files pick keys is stored as that JSON object", async () => {
    const w = await workload(
      vaultArgs({
        secrets: [
          {
            name: "db",
            value: JSON.stringify({ user: "u", password: "p" }),
            vault: {},
            files: [
              { path: "user", jsonKey: "user" },
              { path: "password", jsonKey: "password" },
            ],
          },
        ],
      }),
    );
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(
      spec.files.map((f) => f.jsonKey),
      ["user", "password"],
    );
    assert.equal(w.all(KV).length, 1);
  });
});

describe("SecretMount with Vault secrets only, under mocks", () => {
  it("the pod wiring carries the projected token for the fetch container and the FetchSpec reads Vault", async () => {
    const args: SecretMountArgs = {
      namespace: "shop",
      serviceAccountName: "shop-chart",
      vault: { address: "https://vault.vault.svc:8200" },
      secrets: [{ name: "db", existing: { name: "apps/db" }, vault: {} }],
      fetch: { image: FETCH_IMAGE },
    };
    const m = await mockComponent(
      (opts) => new SecretMount("shop", args, opts),
      ["podWiring", "fetchSpec", "vaultPolicy"],
      new KvMocks(),
    );
    const wiring = JSON.parse(String(m.outputs.podWiring));
    assert.ok(wiring.volumes.some((v: { name: string }) => v.name === "secret-mount-vault-token"));
    assert.ok(wiring.fetchContainer.volumeMounts.some((v: { name: string }) => v.name === "secret-mount-vault-token"));
    assert.deepEqual(m.one(ROLE).boundServiceAccountNames, ["shop-chart"]);
    assert.equal(parseFetchSpecJson(String(m.outputs.fetchSpec)).files[0].source.type, "vault-kv");
  });
});

describe("Vault declarations refused at preview, before anything is registered", () => {
  it("a platform set when every secret lives in Vault (it would create an identity that reads nothing)", () => {
    refusedAtConstruction(
      () => new SecretMountedWorkload("shop", vaultArgs({ gke: {} })),
      "gke",
      /every secret lives in Vault/,
    );
  });

  it("no platform while a secret lives in a cloud store", () => {
    refusedAtConstruction(
      () =>
        new SecretMountedWorkload(
          "shop",
          vaultArgs({
            secrets: [
              { name: "a", generate: { type: "password" } },
              { name: "b", existing: { name: "x" }, vault: {} },
            ],
          }),
        ),
      "platform",
      /no platform is set/,
    );
  });

  it("a Vault role bound to the namespace's default ServiceAccount", () => {
    refusedAtConstruction(
      () => new SecretMountedWorkload("shop", vaultArgs({ serviceAccountName: "default" })),
      "serviceAccountName",
      /every pod in the namespace/,
    );
  });

  it("a mount path over the fetcher's Vault token directory", () => {
    refusedAtConstruction(
      () => new SecretMountedWorkload("shop", vaultArgs({ mountPath: "/var/run/secrets/secret-mount" })),
      "mountPath",
      /token directory/,
    );
  });

  it("Vault on ECS, with the reason (the aws auth method is not built)", () => {
    const task = {
      secrets: [{ name: "db", existing: { name: "apps/db" }, vault: {} }],
      container: { name: "app", image: "x", user: "10001:65532" },
    };
    refusedAtConstruction(
      () => new SecretMountedTask("shop", task as never),
      "secrets[0].vault",
      /not supported on ECS.*aws auth method.*not built/,
    );
    refusedAtConstruction(
      () => new SecretMountedTask("shop", { ...task, vault: { address: "https://v:8200" } } as never),
      "vault",
      /not supported on ECS/,
    );
  });
});

describe("SecretMount with Vault: adopting a chart's pod template", () => {
  const args: SecretMountArgs = {
    namespace: "shop",
    serviceAccountName: "web",
    vault: { address: "https://vault.vault.svc:8200" },
    secrets: [{ name: "db", existing: { name: "apps/db" }, vault: {} }],
    fetch: { image: FETCH_IMAGE },
  };
  const template = (mounts: object[] = []) => ({
    spec: {
      serviceAccountName: "web",
      containers: [{ name: "web", image: "nginx", securityContext: { runAsUser: 10001 }, volumeMounts: mounts }],
    },
  });

  it("adds the login token volume, mounted by the fetch container only", async () => {
    let mount!: SecretMount;
    await mockComponent((opts) => (mount = new SecretMount("shop", args, opts)), [], new KvMocks());
    const { template: t } = mount.adopt(template(), { kind: "Deployment", name: "web", namespace: "shop" });
    assert.ok(t.spec.volumes.some((v: { name: string }) => v.name === "secret-mount-vault-token"));
    assert.ok(
      t.spec.initContainers[0].volumeMounts.some((m: { name: string }) => m.name === "secret-mount-vault-token"),
    );
    assert.ok(!t.spec.containers[0].volumeMounts.some((m: { name: string }) => m.name === "secret-mount-vault-token"));
  });

  it("refuses a chart container that already names the token volume (it would get the login token)", async () => {
    let mount!: SecretMount;
    await mockComponent((opts) => (mount = new SecretMount("shop", args, opts)), [], new KvMocks());
    assert.throws(
      () =>
        mount.adopt(template([{ name: "secret-mount-vault-token", mountPath: "/x" }]), {
          kind: "Deployment",
          name: "web",
          namespace: "shop",
        }),
      (e: unknown) =>
        e instanceof DeclarationError && /mounts "secret-mount-vault-token" in container "web"/.test(e.problem),
    );
  });
});
