/**
 * HashiCorp Vault KV v2 end to end: the bundled fetcher as a child process with the pod's service
 * account token file, logging in with Kubernetes auth and reading KV v2, against a Vault double.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  expectFileFailure,
  expectRotationPickedUp,
  expectSuccess,
  fastRetries,
  FAULT_MATRIX,
  readVolumeFile,
} from "./doubles/fault-matrix";
import { makeTestPki, type TestPki } from "./doubles/tls";
import { RateLimit } from "./doubles/rate-limit";
import { VaultDouble } from "./doubles/vault";
import { runFetch, SECRET_MARKER, specEnv, startFetch, tempDir } from "./harness";

describe("runtime: vault-kv (Kubernetes auth + KV v2)", function () {
  this.timeout(20_000);
  let vault: VaultDouble;
  let saToken: string;
  let pki: TestPki;

  // Vault is served over TLS (https only, unless a source opts in with insecureHttp).
  before(async () => {
    saToken = path.join(tempDir("sm-vault-sa-"), "token");
    fs.writeFileSync(saToken, "eyJhbGciOiJSUzI1NiJ9.pod-service-account-token.sig");
    pki = makeTestPki();
    vault = await new VaultDouble({ tokenFile: saToken, pki }).start();
  });
  after(async () => {
    await vault?.stop();
    pki?.dispose();
  });
  beforeEach(() => {
    vault.kv.clear();
    vault.roles.clear();
    vault.faults.clear();
    vault.roles.set("billing", ["apps/billing/"]);
    vault.logins = 0;
    vault.reads = 0;
    vault.readDelayMs = 0;
    vault.maxInFlight = 0;
    vault.rateLimit = undefined;
    vault.rateLimitHeaders = false;
    vault.leaseSeconds = 2764800;
    vault.maxTtlSeconds = undefined;
    vault.renewals = 0;
    vault.renewAttempts = 0;
    vault.renewGranted = true;
  });

  const podEnv = () => ({ VAULT_K8S_TOKEN_FILE: saToken, VAULT_CACERT: pki.caFile });
  const source = (p: string, extra: Record<string, unknown> = {}) => ({
    type: "vault-kv",
    address: vault.address,
    role: "billing",
    path: p,
    ...extra,
  });

  function spec(volume: string, files: { path: string; source: unknown; jsonKey?: string }[], mode = "init") {
    return { version: 1, dir: volume, mode, timeoutSeconds: 10, files };
  }

  it("logs in once, reads KV v2 (latest and pinned versions), and writes data.data or one key of it", async () => {
    vault.kv.set("apps/billing/db", {
      versions: {
        1: { password: `old-${SECRET_MARKER}` },
        2: { username: "billing", password: `pw-${SECRET_MARKER}` },
      },
    });
    vault.kv.set("apps/billing/api", { versions: { 4: { token: `tok-${SECRET_MARKER}` } } });
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(
        spec(volume, [
          { path: "db/password", source: source("apps/billing/db"), jsonKey: "password" },
          { path: "db/previous", source: source("apps/billing/db", { version: 1 }), jsonKey: "password" },
          { path: "api.json", source: source("apps/billing/api") },
        ]),
        podEnv(),
      ),
    );
    assert.equal(readVolumeFile(volume, "db/password"), `pw-${SECRET_MARKER}`);
    assert.equal(readVolumeFile(volume, "db/previous"), `old-${SECRET_MARKER}`);
    assert.deepEqual(JSON.parse(readVolumeFile(volume, "api.json")), { token: `tok-${SECRET_MARKER}` });
    assert.equal(vault.logins, 1, "one Kubernetes login shared by every read");
    const versions = Object.fromEntries(
      r.logs.filter((l) => l.event === "file-written").map((l) => [l.file, l.version]),
    );
    assert.deepEqual(versions, { "db/password": "2", "db/previous": "1", "api.json": "4" });
  });

  it("reads many secrets concurrently, at most 16 at a time, with one login", async () => {
    const files = Array.from({ length: 40 }, (_, i) => {
      vault.kv.set(`apps/billing/s${i}`, { versions: { 1: { v: `${i}-${SECRET_MARKER}` } } });
      return { path: `s/${i}`, source: source(`apps/billing/s${i}`), jsonKey: "v" };
    });
    vault.readDelayMs = 30;
    const volume = tempDir("sm-vol-");
    await expectSuccess(specEnv(spec(volume, files), podEnv()));
    assert.equal(readVolumeFile(volume, "s/39"), `39-${SECRET_MARKER}`);
    assert.equal(vault.logins, 1);
    assert.ok(vault.maxInFlight > 1 && vault.maxInFlight <= 16, `reads in flight at once: ${vault.maxInFlight}`);
  });

  it("recovers from one sealed (503) answer within the deadline", async () => {
    vault.kv.set("apps/billing/flaky", { versions: { 1: { v: `v-${SECRET_MARKER}` } } });
    vault.faults.set("apps/billing/flaky", { kind: "server-error", times: 1 });
    const volume = tempDir("sm-vol-");
    await expectSuccess(
      specEnv(spec(volume, [{ path: "flaky", source: source("apps/billing/flaky"), jsonKey: "v" }]), {
        ...podEnv(),
        ...fastRetries(),
      }),
    );
    assert.equal(readVolumeFile(volume, "flaky"), `v-${SECRET_MARKER}`);
  });

  it("retries a rate-limit quota's 429 past the attempt limit until it clears", async () => {
    vault.kv.set("apps/billing/busy", { versions: { 1: { v: `b-${SECRET_MARKER}` } } });
    vault.faults.set("apps/billing/busy", { kind: "throttle", times: 6 });
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(spec(volume, [{ path: "busy", source: source("apps/billing/busy"), jsonKey: "v" }]), {
        ...podEnv(),
        ...fastRetries(),
        SECRET_MOUNT_RETRY_BASE_MS: "20",
        SECRET_MOUNT_RETRY_CAP_MS: "100",
      }),
    );
    assert.equal(readVolumeFile(volume, "busy"), `b-${SECRET_MARKER}`);
    assert.equal(
      r.logs.find((l) => l.event === "file-written")?.attempt,
      7,
      "3 attempts allowed, throttling retried until it cleared",
    );
    assert.deepEqual(
      r.logs.filter((l) => l.event === "retrying").map((l) => l.causes),
      Array.from({ length: 6 }, () => ["throttled"]),
    );
  });

  it("refresh mode: a new KV version is swapped in, reusing the Vault token", async () => {
    vault.kv.set("apps/billing/rotating", { versions: { 1: { pw: `gen1-${SECRET_MARKER}` } } });
    const volume = tempDir("sm-vol-");
    const env = specEnv(
      spec(volume, [{ path: "pw", source: source("apps/billing/rotating"), jsonKey: "pw" }], "refresh"),
      podEnv(),
    );
    const rotate = () =>
      vault.kv.set("apps/billing/rotating", {
        versions: { 1: { pw: `gen1-${SECRET_MARKER}` }, 2: { pw: `gen2-${SECRET_MARKER}` } },
      });
    await expectRotationPickedUp(env, volume, "pw", rotate, `gen2-${SECRET_MARKER}`);
    assert.equal(vault.logins, 1, "one login served every refresh (its lease is long)");
  });

  for (const { fault, cause } of FAULT_MATRIX) {
    it(`reports ${fault} from Vault as ${cause}, exits 1 and writes nothing`, async () => {
      vault.kv.set("apps/billing/good", { versions: { 1: { v: `g-${SECRET_MARKER}` } } });
      if (fault !== "missing") {
        vault.kv.set("apps/billing/target", { versions: { 1: { v: `t-${SECRET_MARKER}` } } });
        vault.faults.set("apps/billing/target", { kind: fault });
      }
      const volume = tempDir("sm-vol-");
      const env = specEnv(
        spec(volume, [
          { path: "good", source: source("apps/billing/good") },
          { path: "bad/target", source: source("apps/billing/target") },
        ]),
        { ...podEnv(), ...fastRetries(fault) },
      );
      await expectFileFailure(env, volume, { file: "bad/target", sourceType: "vault-kv", cause });
    });
  }

  it("reports a path outside the role's policy as access-denied", async () => {
    vault.kv.set("apps/payroll/db", { versions: { 1: { v: `p-${SECRET_MARKER}` } } });
    const volume = tempDir("sm-vol-");
    await expectFileFailure(
      specEnv(spec(volume, [{ path: "p", source: source("apps/payroll/db") }]), podEnv()),
      volume,
      { file: "p", sourceType: "vault-kv", cause: "access-denied" },
    );
  });

  it("reports a deleted version as not-found", async () => {
    vault.kv.set("apps/billing/gone", { versions: { 1: { v: `x-${SECRET_MARKER}` }, 2: null } });
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "g", source: source("apps/billing/gone") }]), podEnv()),
      volume,
      { file: "g", sourceType: "vault-kv", cause: "not-found" },
    );
    assert.match(String(line.message), /deleted/);
  });

  it("reports an unknown Kubernetes auth role as access-denied", async () => {
    vault.kv.set("apps/billing/db", { versions: { 1: { v: `v-${SECRET_MARKER}` } } });
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("apps/billing/db", { role: "nobody" }) }]), podEnv()),
      volume,
      { file: "s", sourceType: "vault-kv", cause: "access-denied" },
    );
    assert.match(String(line.message), /invalid role name/);
    assert.equal(vault.reads, 0);
  });

  it("reports a service account token Vault rejects as access-denied", async () => {
    vault.kv.set("apps/billing/db", { versions: { 1: { v: `v-${SECRET_MARKER}` } } });
    const other = path.join(tempDir("sm-vault-sa-"), "token");
    fs.writeFileSync(other, "eyJhbGciOiJSUzI1NiJ9.another-namespace-token.sig");
    const volume = tempDir("sm-vol-");
    await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("apps/billing/db") }]), {
        ...podEnv(),
        VAULT_K8S_TOKEN_FILE: other,
      }),
      volume,
      { file: "s", sourceType: "vault-kv", cause: "access-denied" },
    );
  });

  it("refresh mode: the login token is renewed (renew-self) near the end of its lease, not a new login each lease", async () => {
    vault.kv.set("apps/billing/renewed", { versions: { 1: { pw: `r-${SECRET_MARKER}` } } });
    // Renewed at 80% of the lease: every 3.2 s, 0.8 s before the token expires (a shorter lease made
    // the test depend on the machine's load: a renewal that comes after the expiry rightly logs in again).
    vault.leaseSeconds = 4;
    const volume = tempDir("sm-vol-");
    const env = specEnv(
      spec(volume, [{ path: "pw", source: source("apps/billing/renewed"), jsonKey: "pw" }], "refresh"),
      podEnv(),
    );
    const fetcher = startFetch({ env: { ...env, SECRET_MOUNT_REFRESH_MS: "100" }, timeoutMs: 30_000 });
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      await fetcher.waitForLog((l) => l.event === "vault-token-renewed");
      const readsBefore = vault.reads;
      const deadline = Date.now() + 15_000;
      while (vault.renewals < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(vault.reads > readsBefore, "the sidecar kept reading");
    } finally {
      const r = await fetcher.stop();
      assert.equal(r.code, 0);
    }
    assert.equal(vault.logins, 1, "one login; its token renewed, every read with it");
    assert.ok(vault.renewals >= 2, `renewals: ${vault.renewals}`);
  });

  it("refresh mode: a role that does not grant renew-self is asked once, then the fetcher logs in again each lease", async () => {
    vault.kv.set("apps/billing/norenew", { versions: { 1: { pw: `n-${SECRET_MARKER}` } } });
    vault.leaseSeconds = 1;
    vault.renewGranted = false;
    const volume = tempDir("sm-vol-");
    const env = specEnv(
      spec(volume, [{ path: "pw", source: source("apps/billing/norenew"), jsonKey: "pw" }], "refresh"),
      podEnv(),
    );
    const fetcher = startFetch({ env: { ...env, SECRET_MOUNT_REFRESH_MS: "100" }, timeoutMs: 15_000 });
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      await new Promise((r) => setTimeout(r, 3500));
    } finally {
      const r = await fetcher.stop();
      assert.equal(r.code, 0);
    }
    assert.equal(vault.renewAttempts, 1, "one refused renew-self, not one per lease");
    assert.ok(vault.logins >= 3, `logins: ${vault.logins}: a new login each lease`);
  });

  it("refresh mode: a renewal cut short by the role's max TTL is used, then the fetcher logs in again", async () => {
    vault.kv.set("apps/billing/capped", { versions: { 1: { pw: `c-${SECRET_MARKER}` } } });
    vault.leaseSeconds = 1;
    vault.maxTtlSeconds = 2;
    const volume = tempDir("sm-vol-");
    const env = specEnv(
      spec(volume, [{ path: "pw", source: source("apps/billing/capped"), jsonKey: "pw" }], "refresh"),
      podEnv(),
    );
    const fetcher = startFetch({ env: { ...env, SECRET_MOUNT_REFRESH_MS: "100" }, timeoutMs: 15_000 });
    try {
      await fetcher.waitForLog((l) => l.event === "set-written");
      await new Promise((r) => setTimeout(r, 4000));
    } finally {
      const r = await fetcher.stop();
      assert.equal(r.code, 0);
      assert.ok(!r.stdout.includes(SECRET_MARKER) && !r.stderr.includes(SECRET_MARKER), "no value in the log");
    }
    assert.ok(vault.renewals >= 1, `renewals: ${vault.renewals}`);
    assert.ok(
      vault.logins >= 2,
      `logins: ${vault.logins}: past the max TTL the token cannot be renewed, so a new login`,
    );
  });

  it("a rate limit quota's 429: waits at least the Retry-After Vault names (response headers on), plus a random share", async () => {
    vault.kv.set("apps/billing/a", { versions: { 1: { v: `a-${SECRET_MARKER}` } } });
    vault.kv.set("apps/billing/b", { versions: { 1: { v: `b-${SECRET_MARKER}` } } });
    // Two requests a second for this client: the login and one read pass, the other read is refused.
    vault.rateLimit = new RateLimit(2, 1000);
    vault.rateLimitHeaders = true;
    const volume = tempDir("sm-vol-");
    const secrets = [
      { path: "a", source: source("apps/billing/a"), jsonKey: "v" },
      { path: "b", source: source("apps/billing/b"), jsonKey: "v" },
    ];
    const r = await expectSuccess(specEnv(spec(volume, secrets), { ...podEnv(), ...fastRetries() }));
    assert.equal(readVolumeFile(volume, "b"), `b-${SECRET_MARKER}`);
    const retries = r.logs.filter((l) => l.event === "retrying");
    assert.ok(retries.length >= 1, "one read was refused and retried");
    for (const x of retries) {
      assert.deepEqual(x.causes, ["throttled"]);
      // Retry-After is the bucket's reset as a whole-second date: at most a second away, never before now.
      assert.ok(
        typeof x.retryAfterMs === "number" && x.retryAfterMs >= 0 && x.retryAfterMs <= 1000,
        `retryAfterMs ${String(x.retryAfterMs)}`,
      );
      assert.ok(
        Number(x.delayMs) >= Number(x.retryAfterMs),
        `waited ${String(x.delayMs)} ms, asked ${String(x.retryAfterMs)}`,
      );
    }
    const refused = vault.rateLimit.log.findIndex((x) => !x.admitted);
    assert.ok(
      vault.rateLimit.log[refused + 1].t - vault.rateLimit.log[refused].t >= Number(retries[0].retryAfterMs),
      "the retry came after the named wait",
    );
  });

  it("a rate limit quota's 429 without response headers (Vault's default): retried on the backoff alone", async () => {
    vault.kv.set("apps/billing/a", { versions: { 1: { v: `a-${SECRET_MARKER}` } } });
    vault.kv.set("apps/billing/b", { versions: { 1: { v: `b-${SECRET_MARKER}` } } });
    vault.rateLimit = new RateLimit(2, 1000);
    const volume = tempDir("sm-vol-");
    const secrets = [
      { path: "a", source: source("apps/billing/a"), jsonKey: "v" },
      { path: "b", source: source("apps/billing/b"), jsonKey: "v" },
    ];
    const r = await expectSuccess(
      specEnv(spec(volume, secrets), {
        ...podEnv(),
        ...fastRetries(),
        SECRET_MOUNT_RETRY_BASE_MS: "200",
        SECRET_MOUNT_RETRY_CAP_MS: "400",
      }),
    );
    assert.equal(readVolumeFile(volume, "a"), `a-${SECRET_MARKER}`);
    const retries = r.logs.filter((l) => l.event === "retrying");
    assert.ok(retries.length >= 1);
    for (const x of retries) assert.equal(x.retryAfterMs, undefined);
  });

  it("reports a throttled login as throttled", async () => {
    vault.kv.set("apps/billing/db", { versions: { 1: { v: `v-${SECRET_MARKER}` } } });
    vault.faults.set("login", { kind: "throttle" });
    const volume = tempDir("sm-vol-");
    await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("apps/billing/db") }]), {
        ...podEnv(),
        ...fastRetries("throttle"),
      }),
      volume,
      { file: "s", sourceType: "vault-kv", cause: "throttled" },
    );
  });

  it("reports a missing service account token file as identity-not-ready", async () => {
    const volume = tempDir("sm-vol-");
    const env = specEnv(spec(volume, [{ path: "s", source: source("apps/billing/db") }]), {
      ...podEnv(),
      ...fastRetries(),
      VAULT_K8S_TOKEN_FILE: path.join(volume, "..", "no-such-token"),
    });
    await expectFileFailure(env, volume, { file: "s", sourceType: "vault-kv", cause: "identity-not-ready" });
    assert.equal(vault.logins, 0);
  });

  describe("over plain http", () => {
    let httpVault: VaultDouble;
    before(async () => {
      httpVault = await new VaultDouble({ tokenFile: saToken }).start();
      httpVault.roles.set("billing", ["apps/"]);
      httpVault.kv.set("apps/db", { versions: { 1: { password: `http-${SECRET_MARKER}` } } });
    });
    after(async () => {
      await httpVault?.stop();
    });

    it("is refused without insecureHttp: exit 2, one line naming the field and the fix, no login", async () => {
      const volume = tempDir("sm-vol-");
      const src = { type: "vault-kv", address: httpVault.address, role: "billing", path: "apps/db" };
      const r = await runFetch({
        env: specEnv(spec(volume, [{ path: "pw", source: src }]), { VAULT_K8S_TOKEN_FILE: saToken }),
      });
      assert.equal(r.code, 2, r.stderr);
      const errors = r.logs.filter((l) => l.level === "error");
      assert.equal(errors.length, 1, r.stderr);
      assert.match(
        JSON.stringify(errors[0]),
        /files\[0\]\.source\.address.*plain http.*https:\/\/.*insecureHttp: true/,
      );
      assert.equal(httpVault.logins, 0);
      assert.deepEqual(fs.readdirSync(volume), []);
    });

    it("works with insecureHttp: true and logs one vault-insecure-http warning at start", async () => {
      const volume = tempDir("sm-vol-");
      const src = {
        type: "vault-kv",
        address: httpVault.address,
        role: "billing",
        path: "apps/db",
        insecureHttp: true,
      };
      const r = await expectSuccess(
        specEnv(
          spec(volume, [
            { path: "pw", source: src, jsonKey: "password" },
            { path: "again", source: { ...src }, jsonKey: "password" },
          ]),
          { VAULT_K8S_TOKEN_FILE: saToken },
        ),
      );
      assert.equal(readVolumeFile(volume, "pw"), `http-${SECRET_MARKER}`);
      const warnings = r.logs.filter((l) => l.event === "vault-insecure-http");
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0].level, "warn");
      assert.equal(warnings[0].address, httpVault.address);
    });
  });

  describe("over TLS with a private CA and a Vault Enterprise namespace", () => {
    let tlsVault: VaultDouble;
    before(async () => {
      tlsVault = await new VaultDouble({ tokenFile: saToken, pki, namespace: "team-a" }).start();
      tlsVault.roles.set("billing", ["apps/"]);
      tlsVault.kv.set("apps/db", { versions: { 3: { password: `ns-${SECRET_MARKER}` } } });
    });
    after(async () => {
      await tlsVault?.stop();
    });

    it("trusts the CA in VAULT_CACERT and sends X-Vault-Namespace on login and read", async () => {
      const volume = tempDir("sm-vol-");
      const src = {
        type: "vault-kv",
        address: tlsVault.address,
        role: "billing",
        path: "apps/db",
        namespace: "team-a",
      };
      await expectSuccess(
        specEnv(spec(volume, [{ path: "pw", source: src, jsonKey: "password" }]), {
          ...podEnv(),
          VAULT_CACERT: pki.caFile,
        }),
      );
      assert.equal(readVolumeFile(volume, "pw"), `ns-${SECRET_MARKER}`);
    });

    it("takes the namespace from VAULT_NAMESPACE when the source names none", async () => {
      const volume = tempDir("sm-vol-");
      const src = { type: "vault-kv", address: tlsVault.address, role: "billing", path: "apps/db" };
      await expectSuccess(
        specEnv(spec(volume, [{ path: "pw", source: src, jsonKey: "password" }]), {
          ...podEnv(),
          VAULT_CACERT: pki.caFile,
          VAULT_NAMESPACE: "team-a",
        }),
      );
      assert.equal(readVolumeFile(volume, "pw"), `ns-${SECRET_MARKER}`);
    });

    it("refuses a certificate it cannot verify, saying how to fix it", async () => {
      const volume = tempDir("sm-vol-");
      const src = {
        type: "vault-kv",
        address: tlsVault.address,
        role: "billing",
        path: "apps/db",
        namespace: "team-a",
      };
      const line = await expectFileFailure(
        specEnv(spec(volume, [{ path: "pw", source: src }]), { VAULT_K8S_TOKEN_FILE: saToken, ...fastRetries() }),
        volume,
        { file: "pw", sourceType: "vault-kv", cause: "unavailable" },
      );
      assert.match(String(line.message), /VAULT_CACERT/);
    });
  });
});
