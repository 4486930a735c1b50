/**
 * A real HashiCorp Vault (v1.21.4, built from the Go module proxy by tools/build.sh) with its
 * Kubernetes auth method configured against the real kube-apiserver of this tier, and the real fetch
 * bundle (runtime-image/dist) reading KV version 2 with ServiceAccount tokens the API server minted.
 *
 * The Vault side of the declaration (an ACL policy and a Kubernetes auth role) is applied with
 * Vault's own HTTP API from `vaultSideOf(DECLARATION)`, which is the component's pure builder
 * (`vaultAccessPlanOf`, components/vault-access.ts): the policy and role tested here are the ones
 * the component creates and render writes, unchanged.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCluster, type Cluster } from "./helpers/cluster";
import { createServiceAccount, requestToken, tokenReviewer } from "./helpers/service-accounts";
import { needTool } from "./helpers/tools";
import {
  applyVaultSide,
  enableKubernetesAuth,
  enableKvV2,
  expectStatus,
  startVault,
  writeKv,
  type VaultServer,
  type VaultSide,
} from "./helpers/vault";
import { vaultAccessPlanOf } from "../components/vault-access";
import { runFetch, startFetch, type LogLine, type RunResult } from "../tests/runtime/harness";
import { VaultDouble } from "../tests/runtime/doubles/vault";
import { makeTestPki } from "../tests/runtime/doubles/tls";
import * as https from "node:https";

const ROOT = path.resolve(__dirname, "..");
/** The fetch image's user (runtime-image/Dockerfile); the bundle runs as it when the tests run as root. */
const FETCH_UID = 65532;

/** What a user declares (the input the component's Vault builders take). */
interface VaultDeclaration {
  serviceAccount: { name: string; namespace: string };
  /** The audience of the ServiceAccount token the pod presents (a projected token's `audience`). */
  audience: string;
  /** KV version 2 mount and the secrets' paths under it. */
  mount: string;
  paths: string[];
  authMount: string;
  tokenTtlSeconds: number;
}

const DECLARATION: VaultDeclaration = {
  serviceAccount: { name: "billing", namespace: "shop" },
  audience: "vault",
  mount: "apps",
  paths: ["billing/db", "billing/api"],
  authMount: "kubernetes",
  tokenTtlSeconds: 600,
};

/**
 * The component's own pure builder (components/vault-access.ts): the same declaration as a
 * SecretMountedWorkload's args (existing secrets at the declared paths, Vault-only), and the policy
 * and role it plans, exactly as the component creates them and render writes them.
 */
function vaultSideOf(d: VaultDeclaration): VaultSide {
  const plan = vaultAccessPlanOf(
    d.serviceAccount.name,
    {
      namespace: d.serviceAccount.namespace,
      vault: {
        address: "https://vault.example:8200",
        authMount: d.authMount,
        kvMount: d.mount,
        role: { audience: d.audience, tokenTtlSeconds: d.tokenTtlSeconds },
      },
      secrets: d.paths.map((p, i) => ({ name: `secret-${i}`, existing: { name: p }, vault: {} })),
      container: { name: "app", image: "app", runAsUser: 10001 },
    },
    "workload",
    "proj",
    "dev",
  )!;
  const r = plan.role;
  return {
    policy: { name: plan.policyName, hcl: plan.policyHcl },
    role: {
      authMount: r.authMount,
      name: r.name,
      body: {
        bound_service_account_names: r.boundServiceAccountNames,
        bound_service_account_namespaces: r.boundServiceAccountNamespaces,
        audience: r.audience,
        token_ttl: r.tokenTtl,
        token_max_ttl: r.tokenMaxTtl,
        token_policies: r.tokenPolicies,
        token_no_default_policy: r.tokenNoDefaultPolicy,
      },
    },
  };
}

/** Distinct per run, so a value found in a log is ours; never printed. */
const VALUES = {
  username: `user-${process.pid}`,
  password: `pw-${process.pid}-${Date.now().toString(36)}-v1`,
  apiToken: `tok-${process.pid}-${Date.now().toString(36)}`,
  undeclared: `root-${process.pid}-${Date.now().toString(36)}`,
  rotated: `pw-${process.pid}-${Date.now().toString(36)}-v2`,
};

function assertNoValue(r: { stdout: string; stderr: string }, what: string): void {
  for (const [k, v] of Object.entries(VALUES)) {
    assert.ok(
      !r.stdout.includes(v) && !r.stderr.includes(v),
      `${what}: the value of ${k} appeared in the fetcher's output`,
    );
  }
}

describe("a real HashiCorp Vault (v1.21.4) with Kubernetes auth against the real kube-apiserver: the fetch bundle reads exactly the declared secrets", function () {
  let cluster: Cluster;
  let vault: VaultServer;
  let side: VaultSide;
  /** A directory every UID may read (tokens, HOME); volumes are made under it. */
  let work: string;
  const asRoot = process.getuid?.() === 0;

  before(async function () {
    this.timeout(0);
    const etcd = needTool(this, "etcd");
    const apiserver = needTool(this, "kube-apiserver");
    const vaultBin = needTool(this, "vault");
    // The bundle under test, as `npm run build` makes it (the fast tier builds it in its own copy).
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "secret-mount-vault-test-"));
    fs.chmodSync(work, 0o755);
    cluster = await startCluster(etcd, apiserver);
    vault = await startVault(vaultBin);

    // Kubernetes side: the declared ServiceAccount, one with another name in its namespace, and one
    // with its name in another namespace; Vault's own reviewer identity.
    await createServiceAccount(cluster, "shop", "billing");
    await createServiceAccount(cluster, "shop", "checkout");
    await createServiceAccount(cluster, "payroll", "billing");
    await enableKubernetesAuth(vault, cluster, await tokenReviewer(cluster), DECLARATION.authMount);

    // Vault side: KV v2 with the declared secrets and one the declaration does not name.
    await enableKvV2(vault, DECLARATION.mount);
    await writeKv(vault, "apps", "billing/db", { username: VALUES.username, password: VALUES.password });
    await writeKv(vault, "apps", "billing/api", { token: VALUES.apiToken });
    await writeKv(vault, "apps", "billing/admin", { root: VALUES.undeclared });
    side = vaultSideOf(DECLARATION);
    await applyVaultSide(vault, side);
  });

  after(() => {
    vault?.stop();
    cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  let n = 0;
  /** A fresh volume the fetch user may write, and a token file for `ns/name` (for `audiences`) it may read. */
  async function pod(ns: string, name: string, audiences: string[] | null = [DECLARATION.audience]) {
    const dir = path.join(work, `pod-${++n}`);
    fs.mkdirSync(path.join(dir, "volume"), { recursive: true });
    fs.mkdirSync(path.join(dir, "home"));
    const tokenFile = path.join(dir, "token");
    fs.writeFileSync(tokenFile, await requestToken(cluster, ns, name, audiences ?? undefined), { mode: 0o644 });
    if (asRoot) for (const d of ["volume", "home"]) fs.chownSync(path.join(dir, d), FETCH_UID, FETCH_UID);
    return { volume: path.join(dir, "volume"), tokenFile, home: path.join(dir, "home") };
  }

  function source(secretPath: string) {
    return {
      type: "vault-kv",
      address: vault.address,
      role: side.role.name,
      mount: DECLARATION.mount,
      authMount: side.role.authMount,
      path: secretPath,
    };
  }

  function env(
    p: { tokenFile: string; home: string; volume: string },
    files: unknown[],
    mode = "init",
    extra: NodeJS.ProcessEnv = {},
  ): NodeJS.ProcessEnv {
    const spec = { version: 1, dir: p.volume, mode, timeoutSeconds: 20, files };
    return {
      PATH: process.env.PATH,
      HOME: p.home,
      SECRET_MOUNT_SPEC: JSON.stringify(spec),
      VAULT_K8S_TOKEN_FILE: p.tokenFile,
      VAULT_CACERT: vault.caFile,
      SECRET_MOUNT_MAX_ATTEMPTS: "2",
      SECRET_MOUNT_RETRY_BASE_MS: "20",
      SECRET_MOUNT_RETRY_CAP_MS: "100",
      ...extra,
    };
  }

  const as = asRoot ? { uid: FETCH_UID, gid: FETCH_UID } : {};
  const declaredFiles = () => [
    { path: "db/username", source: source("billing/db"), jsonKey: "username" },
    { path: "db/password", source: source("billing/db"), jsonKey: "password" },
    { path: "api.json", source: source("billing/api") },
  ];

  /** The one failure line for `file`, after checking exit 1, the summary line, an empty volume and no value in the output. */
  function expectDenied(r: RunResult, volume: string, file: string): LogLine {
    assert.equal(r.code, 1, `exit 1 (FETCH_FAILED); output: ${r.stdout}${r.stderr}`);
    const failed = r.logs.filter((l) => l.event === "file-failed");
    assert.equal(failed.length, 1, `one file-failed line: ${JSON.stringify(failed)}`);
    assert.equal(failed[0].file, file);
    assert.equal(failed[0].cause, "access-denied", JSON.stringify(failed[0]));
    assert.ok(
      r.logs.some((l) => l.event === "fetch-failed"),
      "the fetch-failed summary",
    );
    assert.deepEqual(fs.readdirSync(volume), [], "nothing written");
    assertNoValue(r, "denied run");
    return failed[0];
  }

  it("applies the declaration's policy (read on each declared data path only) and role (one ServiceAccount, one namespace, the audience, a short TTL, that policy)", async () => {
    const policy = expectStatus(await vault.api("GET", `/v1/sys/policies/acl/${side.policy.name}`), "read policy");
    assert.equal(policy.body.data.policy, side.policy.hcl, "Vault stores the HCL as written");
    const role = expectStatus(
      await vault.api("GET", `/v1/auth/${side.role.authMount}/role/${side.role.name}`),
      "read role",
    );
    assert.deepEqual(role.body.data.bound_service_account_names, ["billing"]);
    assert.deepEqual(role.body.data.bound_service_account_namespaces, ["shop"]);
    assert.equal(role.body.data.audience, "vault");
    assert.deepEqual(role.body.data.token_policies, [side.policy.name]);
    assert.ok(
      role.body.data.token_ttl > 0 && role.body.data.token_ttl <= 3600,
      `short TTL: ${role.body.data.token_ttl}`,
    );
  });

  it("the declared ServiceAccount's token (TokenRequest, audience vault) reads the declared secrets into files, jsonKey fan-out included, as the fetch image's non-root UID", async () => {
    const p = await pod("shop", "billing");
    const r = await runFetch({ env: env(p, declaredFiles()), timeoutMs: 60_000, ...as });
    assert.equal(r.code, 0, `exit 0; output: ${r.stdout}${r.stderr}`);
    assert.equal(fs.readFileSync(path.join(p.volume, "db/username"), "utf8"), VALUES.username);
    assert.equal(fs.readFileSync(path.join(p.volume, "db/password"), "utf8"), VALUES.password);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(p.volume, "api.json"), "utf8")), { token: VALUES.apiToken });
    if (asRoot)
      assert.equal(fs.statSync(path.join(p.volume, "db/password")).uid, FETCH_UID, "written by the fetch UID");
    const versions = Object.fromEntries(
      r.logs.filter((l) => l.event === "file-written").map((l) => [l.file, l.version]),
    );
    assert.deepEqual(versions, { "db/username": "1", "db/password": "1", "api.json": "1" });
    assertNoValue(r, "successful run");
  });

  it("a token for another ServiceAccount in the declared namespace is refused at login: exit 1, one access-denied line, no value", async () => {
    const p = await pod("shop", "checkout");
    const line = expectDenied(
      await runFetch({ env: env(p, [declaredFiles()[1]]), timeoutMs: 60_000, ...as }),
      p.volume,
      "db/password",
    );
    assert.match(String(line.msg), /login/);
  });

  it("a token for the declared ServiceAccount name in another namespace is refused at login", async () => {
    const p = await pod("payroll", "billing");
    const line = expectDenied(
      await runFetch({ env: env(p, [declaredFiles()[1]]), timeoutMs: 60_000, ...as }),
      p.volume,
      "db/password",
    );
    assert.match(String(line.msg), /login/);
  });

  it("a token for the declared ServiceAccount without the declared audience is refused at login (Vault checks its aud claim against the role's audience)", async () => {
    // null: no audiences in the TokenRequest, so the token is for the API server's own audience.
    const p = await pod("shop", "billing", null);
    const line = expectDenied(
      await runFetch({ env: env(p, [declaredFiles()[1]]), timeoutMs: 60_000, ...as }),
      p.volume,
      "db/password",
    );
    assert.match(String(line.msg), /login/);
  });

  it("a path the declaration does not name is denied by the policy (the login succeeds, the read is refused)", async () => {
    const p = await pod("shop", "billing");
    const r = await runFetch({
      env: env(p, [{ path: "admin", source: source("billing/admin"), jsonKey: "root" }]),
      timeoutMs: 60_000,
      ...as,
    });
    const line = expectDenied(r, p.volume, "admin");
    assert.match(String(line.msg), /read: 403/);
  });

  it("the policy grants nothing but read on the declared data paths: no metadata, no list, no write, no other path", async () => {
    const token = await requestToken(cluster, "shop", "billing", [DECLARATION.audience]);
    const login = expectStatus(
      await vault.api("POST", `/v1/auth/${side.role.authMount}/login`, { role: side.role.name, jwt: token }, null),
      "login",
    );
    const client = login.body.auth.client_token as string;
    assert.deepEqual(login.body.auth.token_policies, [side.policy.name], "exactly the one policy: no default policy");
    assert.equal(login.body.auth.lease_duration, DECLARATION.tokenTtlSeconds);
    const status = async (method: string, p: string, body?: unknown) =>
      (await vault.api(method, p, body, client)).status;
    assert.equal(await status("GET", "/v1/apps/data/billing/db"), 200);
    assert.equal(await status("GET", "/v1/apps/data/billing/api"), 200);
    assert.equal(await status("GET", "/v1/apps/metadata/billing/db"), 403);
    assert.equal(await status("GET", "/v1/apps/metadata/billing?list=true"), 403);
    assert.equal(await status("POST", "/v1/apps/data/billing/db", { data: { password: "x" } }), 403);
    assert.equal(await status("GET", "/v1/apps/data/billing/admin"), 403);
    assert.equal(await status("GET", "/v1/apps/data/billing"), 403);
    assert.equal(await status("GET", "/v1/apps/data/billing/db/x"), 403);
    // Exactly the one policy: not even the default policy's token self-service (lookup, revoke).
    assert.equal(await status("GET", "/v1/auth/token/lookup-self"), 403);
    assert.equal(await status("POST", "/v1/auth/token/revoke-self"), 403);
    expectStatus(await vault.api("POST", "/v1/auth/token/revoke", { token: client }), "revoke (root)");
  });

  it("refresh mode: a new KV version reaches the refreshing fetcher, and one login serves every cycle (Vault's audit device)", async () => {
    const p = await pod("shop", "billing");
    const fetcher = startFetch({
      env: env(p, declaredFiles(), "refresh", { SECRET_MOUNT_REFRESH_MS: "1000" }),
      timeoutMs: 120_000,
      ...as,
    });
    let r: RunResult | undefined;
    try {
      await fetcher.waitForLog((l) => l.event === "set-written", 60_000);
      // Some unchanged cycles first: each one reads Vault again.
      await fetcher.waitForLog(
        (l) =>
          l.event === "refresh-unchanged" && fetcher.logs.filter((x) => x.event === "refresh-unchanged").length >= 3,
        30_000,
      );
      const version = await writeKv(vault, "apps", "billing/db", {
        username: VALUES.username,
        password: VALUES.rotated,
      });
      assert.equal(version, 2);
      await fetcher.waitForLog((l) => l.event === "set-swapped", 30_000);
      assert.equal(fs.readFileSync(path.join(p.volume, "db/password"), "utf8"), VALUES.rotated);
      assert.equal(fs.readFileSync(path.join(p.volume, "db/username"), "utf8"), VALUES.username);
      const written = fetcher.logs
        .filter((l) => l.event === "file-written" && l.file === "db/password")
        .map((l) => l.version);
      assert.deepEqual(written.slice(-1), ["2"]);
    } finally {
      r = await fetcher.stop();
    }
    assert.equal(r.code, 0, `a stopped sidecar exits 0; output: ${r.stdout}${r.stderr}`);
    assertNoValue(r, "refresh run");

    // What Vault saw (its audit device): the logins made with this pod's token (the audit log holds
    // its HMAC; sys/audit-hash computes the same HMAC), and the KV reads made with their tokens.
    const jwt = fs.readFileSync(p.tokenFile, "utf8").trim();
    const hashed = expectStatus(await vault.api("POST", "/v1/sys/audit-hash/file", { input: jwt }), "audit-hash").body;
    const hash = hashed.data?.hash ?? hashed.hash;
    const responses = vault.audit().filter((e) => e.type === "response");
    const logins = responses.filter(
      (e) => e.request?.path === `auth/${side.role.authMount}/login` && e.request?.data?.jwt === hash,
    );
    assert.equal(logins.length, 1, `one Kubernetes login for the whole run (${logins.length})`);
    const reads = responses.filter(
      (e) => e.request?.path === "apps/data/billing/db" && e.auth?.accessor === logins[0].response?.auth?.accessor,
    );
    const cycles = r.logs.filter(
      (l) => l.event === "set-written" || l.event === "refresh-unchanged" || l.event === "set-swapped",
    ).length;
    assert.ok(
      cycles >= 5 && reads.length >= cycles,
      `every cycle read billing/db with that one login's token (${reads.length} reads, ${cycles} cycles)`,
    );
  });

  it("refresh mode: near the end of its lease the login token is renewed (auth/token/renew-self), not replaced by a new login (Vault's audit device)", async () => {
    // A role managed elsewhere that allows renewal: a 3 s token TTL, max TTL 10 min, and Vault's
    // `default` policy (it grants auth/token/renew-self). The roles the component creates do not
    // (max TTL = TTL, no default policy): there the fetcher logs in again once per TTL.
    const roleUrl = `/v1/auth/${side.role.authMount}/role/${side.role.name}`;
    expectStatus(
      await vault.api("POST", roleUrl, {
        ...side.role.body,
        token_ttl: 3,
        token_max_ttl: 600,
        token_no_default_policy: false,
      }),
      "role with a short TTL",
    );
    const p = await pod("shop", "billing");
    const fetcher = startFetch({
      env: env(p, declaredFiles(), "refresh", { SECRET_MOUNT_REFRESH_MS: "500" }),
      timeoutMs: 120_000,
      ...as,
    });
    let r: RunResult | undefined;
    try {
      await fetcher.waitForLog((l) => l.event === "set-written", 60_000);
      await fetcher.waitForLog(
        (l) =>
          l.event === "vault-token-renewed" &&
          fetcher.logs.filter((x) => x.event === "vault-token-renewed").length >= 2,
        30_000,
      );
    } finally {
      r = await fetcher.stop();
      expectStatus(await vault.api("POST", roleUrl, side.role.body), "role restored");
    }
    assert.equal(r.code, 0, `a stopped sidecar exits 0; output: ${r.stdout}${r.stderr}`);
    assertNoValue(r, "renewal run");
    const jwt = fs.readFileSync(p.tokenFile, "utf8").trim();
    const hashed = expectStatus(await vault.api("POST", "/v1/sys/audit-hash/file", { input: jwt }), "audit-hash").body;
    const hash = hashed.data?.hash ?? hashed.hash;
    const responses = vault.audit().filter((e) => e.type === "response");
    const logins = responses.filter(
      (e) => e.request?.path === `auth/${side.role.authMount}/login` && e.request?.data?.jwt === hash,
    );
    assert.equal(logins.length, 1, `one Kubernetes login for the whole run (${logins.length})`);
    const accessor = logins[0].response?.auth?.accessor;
    const renewals = responses.filter(
      (e) => e.request?.path === "auth/token/renew-self" && e.auth?.accessor === accessor && !e.error,
    );
    assert.ok(renewals.length >= 2, `the login's token renewed by itself (${renewals.length} renew-self)`);
  });

  it("the runtime tests' loopback Vault double answers the fetcher's requests as this Vault does (status, errors, content type, the fields the fetcher reads)", async () => {
    // The same secrets, role and ServiceAccount token on both; the double knows mount `secret` only.
    await enableKvV2(vault, "secret");
    const data = {
      db1: { k: "db-v1" },
      db2: { k: "db-v2" },
      gone1: { k: "gone-v1" },
      gone2: { k: "gone-v2" },
      other: { k: "payroll" },
    };
    await writeKv(vault, "secret", "billing/db", data.db1);
    await writeKv(vault, "secret", "billing/db", data.db2);
    await writeKv(vault, "secret", "billing/gone", data.gone1);
    await writeKv(vault, "secret", "billing/gone", data.gone2);
    expectStatus(await vault.api("DELETE", "/v1/secret/data/billing/gone"), "delete the latest version");
    await writeKv(vault, "secret", "payroll/db", data.other);
    const paths = ["billing/db", "billing/gone", "billing/missing"];
    await applyVaultSide(vault, {
      policy: {
        name: "double-check",
        hcl: paths.map((p) => `path "secret/data/${p}" {\n  capabilities = ["read"]\n}\n`).join("\n"),
      },
      role: {
        authMount: "kubernetes",
        name: "double-check",
        body: {
          bound_service_account_names: ["billing"],
          bound_service_account_namespaces: ["shop"],
          audience: "vault",
          token_ttl: 600,
          token_max_ttl: 600,
          token_policies: ["double-check"],
        },
      },
    });
    const jwt = await requestToken(cluster, "shop", "billing", ["vault"]);
    const tokenFile = path.join(work, "double-token");
    fs.writeFileSync(tokenFile, jwt);
    const pki = makeTestPki();
    const double = await new VaultDouble({ tokenFile, pki }).start();
    try {
      double.roles.set("double-check", ["billing/"]);
      double.kv.set("billing/db", { versions: { 1: data.db1, 2: data.db2 } });
      double.kv.set("billing/gone", { versions: { 1: data.gone1, 2: null } });
      double.kv.set("payroll/db", { versions: { 1: data.other } });

      type Answer = { status: number; body: any; contentType: string; cacheControl: string };
      const call = (address: string, ca: string, method: string, p: string, body?: unknown, token?: string) =>
        new Promise<Answer>((resolve, reject) => {
          const payload = body === undefined ? undefined : JSON.stringify(body);
          const headers: Record<string, string> = {
            "X-Vault-Request": "true",
            ...(token ? { "X-Vault-Token": token } : {}),
            ...(payload ? { "content-type": "application/json" } : {}),
          };
          const req = https.request(`${address}${p}`, { method, ca, headers }, (res) => {
            let text = "";
            res
              .setEncoding("utf8")
              .on("data", (d) => (text += d))
              .on("end", () => {
                let parsed: unknown = text;
                try {
                  parsed = JSON.parse(text);
                } catch {
                  /* not JSON */
                }
                resolve({
                  status: res.statusCode ?? 0,
                  body: parsed,
                  contentType: String(res.headers["content-type"]),
                  cacheControl: String(res.headers["cache-control"]),
                });
              });
          });
          req.on("error", reject);
          req.end(payload);
        });
      /** What the fetcher depends on in one answer, in a form the two servers can be compared by. */
      const shape = (a: Answer) => {
        const b = a.body ?? {};
        return {
          status: a.status,
          contentType: a.contentType,
          cacheControl: a.cacheControl,
          errors: b.errors,
          keys: typeof b === "object" ? Object.keys(b).sort() : typeof b,
          auth: b.auth
            ? {
                keys: Object.keys(b.auth).sort(),
                token_type: b.auth.token_type,
                renewable: b.auth.renewable,
                orphan: b.auth.orphan,
                policies: b.auth.policies,
              }
            : b.auth,
          data: b.data?.data,
          metadata: b.data?.metadata
            ? {
                keys: Object.keys(b.data.metadata).sort(),
                version: b.data.metadata.version,
                destroyed: b.data.metadata.destroyed,
                deleted: b.data.metadata.deletion_time !== "",
              }
            : undefined,
        };
      };
      const run = async (address: string, ca: string) => {
        const out: Record<string, unknown> = {};
        const login = (role: string | undefined, j: string) =>
          call(address, ca, "POST", "/v1/auth/kubernetes/login", { ...(role ? { role } : {}), jwt: j });
        out.unknownRole = shape(await login("nope", jwt));
        out.noRole = shape(await login(undefined, jwt));
        const ok = await login("double-check", jwt);
        out.login = shape(ok);
        const token = ok.body?.auth?.client_token as string;
        const read = async (p: string, t: string = token) =>
          shape(await call(address, ca, "GET", `/v1/secret/data/${p}`, undefined, t));
        out.latest = await read("billing/db");
        out.pinned = await read("billing/db?version=1");
        out.noSuchVersion = await read("billing/db?version=9");
        out.deleted = await read("billing/gone");
        out.missing = await read("billing/missing");
        out.outsidePolicy = await read("payroll/db");
        out.unknownToken = await read("billing/db", "hvs.CAESIunknowntoken");
        out.noToken = await read("billing/db", "");
        return out;
      };
      const real = await run(vault.address, fs.readFileSync(vault.caFile, "utf8"));
      const doubled = await run(double.address, pki.ca);
      assert.deepEqual(doubled, real);
    } finally {
      await double.stop();
      pki.dispose();
    }
  });
});
