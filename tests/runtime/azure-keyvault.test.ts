/**
 * Azure Key Vault end to end: the bundled fetcher as a child process with the env and federated
 * token file the AKS workload-identity webhook gives a pod, against TLS doubles of Entra ID and
 * Key Vault (401 challenge first), trusted through NODE_EXTRA_CA_CERTS.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AzureDoubles } from "./doubles/azure";
import { RateLimit } from "./doubles/rate-limit";
import {
  expectFileFailure,
  expectRotationPickedUp,
  expectSuccess,
  fastRetries,
  FAULT_MATRIX,
  readVolumeFile,
  visible,
} from "./doubles/fault-matrix";
import { makeTestPki, type TestPki } from "./doubles/tls";
import { isolatedEnv, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

const TENANT = "00000000-0000-0000-0000-000000000000";
const CLIENT = "0b3f6e0a-1d2c-4e5f-8a9b-0c1d2e3f4a5b";

describe("runtime: azure-keyvault (Entra workload identity + Key Vault over TLS)", function () {
  this.timeout(20_000);
  let pki: TestPki;
  let az: AzureDoubles;
  let tokenFile: string;

  before(async () => {
    pki = makeTestPki();
    tokenFile = path.join(tempDir("sm-azure-sa-"), "azure-identity-token");
    fs.writeFileSync(tokenFile, "eyJhbGciOiJSUzI1NiJ9.projected-sa-token-for-aks.sig\n");
    az = await new AzureDoubles({ pki, tenantId: TENANT, clientId: CLIENT, tokenFile }).start();
  });
  after(async () => {
    await az?.stop();
    pki?.dispose();
  });
  beforeEach(() => {
    az.secrets.clear();
    az.faults.clear();
    az.rejectAssertion = false;
    az.propagatingRequests = 0;
    az.tokenRequests = 0;
    az.secretReads = 0;
    az.rateLimit = undefined;
  });

  /** What the AKS webhook injects, plus the test CA. */
  function podEnv(): NodeJS.ProcessEnv {
    return {
      AZURE_CLIENT_ID: CLIENT,
      AZURE_TENANT_ID: TENANT,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
      AZURE_AUTHORITY_HOST: az.authorityHost,
      NODE_EXTRA_CA_CERTS: pki.caFile,
    };
  }

  function source(name: string, version?: string) {
    return {
      type: "azure-keyvault",
      vaultUrl: az.vaultUrl,
      name,
      ...(version ? { version } : {}),
      disableChallengeResourceVerification: true,
    };
  }

  function spec(volume: string, files: { path: string; source: unknown; jsonKey?: string }[], mode = "init") {
    return { version: 1, dir: volume, mode, timeoutSeconds: 10, files };
  }

  it("fetches several secrets with one token exchange, after the 401 challenge, and writes them", async () => {
    az.secrets.set("db-password", { value: `pw-${SECRET_MARKER}`, version: "a1b2c3" });
    az.secrets.set("app-config", {
      value: JSON.stringify({ apiKey: `key-${SECRET_MARKER}`, region: "westeurope" }),
      version: "d4e5f6",
    });
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(
        spec(volume, [
          { path: "db/password", source: source("db-password") },
          { path: "api-key", source: source("app-config"), jsonKey: "apiKey" },
          { path: "pinned", source: source("db-password", "a1b2c3") },
        ]),
        podEnv(),
      ),
    );
    assert.equal(readVolumeFile(volume, "db/password"), `pw-${SECRET_MARKER}`);
    assert.equal(readVolumeFile(volume, "api-key"), `key-${SECRET_MARKER}`);
    assert.equal(readVolumeFile(volume, "pinned"), `pw-${SECRET_MARKER}`);
    assert.equal(az.tokenRequests, 1, "one token for the vault, shared by every secret");
    const written = r.logs.filter((l) => l.event === "file-written").map((l) => [l.file, l.version]);
    assert.deepEqual(written.sort(), [
      ["api-key", "d4e5f6"],
      ["db/password", "a1b2c3"],
      ["pinned", "a1b2c3"],
    ]);
  });

  it("shares one credential and token across vaults of the tenant", async () => {
    az.secrets.set("shared", { value: `s-${SECRET_MARKER}`, version: "1" });
    // The same double under two host names is two vaults (two SecretClients) to the fetcher.
    const other = az.vaultUrl.replace("127.0.0.1", "localhost");
    const volume = tempDir("sm-vol-");
    await expectSuccess(
      specEnv(
        spec(volume, [
          { path: "a", source: source("shared") },
          { path: "b", source: { ...source("shared"), vaultUrl: other } },
        ]),
        podEnv(),
      ),
    );
    assert.equal(readVolumeFile(volume, "b"), `s-${SECRET_MARKER}`);
    assert.equal(az.tokenRequests, 1);
  });

  it("recovers from one throttled answer within the deadline", async () => {
    az.secrets.set("flaky", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.faults.set("flaky", { kind: "throttle", times: 1 });
    const volume = tempDir("sm-vol-");
    await expectSuccess(
      specEnv(spec(volume, [{ path: "flaky", source: source("flaky") }]), { ...podEnv(), ...fastRetries() }),
    );
    assert.equal(readVolumeFile(volume, "flaky"), `v-${SECRET_MARKER}`);
  });

  it("retries a 429 in the runtime's attempts, one request each, past the attempt limit until it clears", async () => {
    az.secrets.set("busy", { value: `b-${SECRET_MARKER}`, version: "1" });
    az.faults.set("busy", { kind: "throttle", times: 6 });
    const volume = tempDir("sm-vol-");
    // 3 attempts of 2 SDK tries each would have given up after 6 throttled requests.
    const r = await expectSuccess(
      specEnv(spec(volume, [{ path: "busy", source: source("busy") }]), {
        ...podEnv(),
        ...fastRetries(),
        SECRET_MOUNT_RETRY_BASE_MS: "20",
        SECRET_MOUNT_RETRY_CAP_MS: "100",
      }),
    );
    assert.equal(readVolumeFile(volume, "busy"), `b-${SECRET_MARKER}`);
    assert.equal(az.secretReads, 7, "one request per attempt: the SDK does not retry the 429 itself");
    assert.equal(r.logs.find((l) => l.event === "file-written")?.attempt, 7);
    assert.deepEqual(
      r.logs.filter((l) => l.event === "retrying").map((l) => l.causes),
      Array.from({ length: 6 }, () => ["throttled"]),
    );
  });

  it("after a 429 waits at least its Retry-After, plus a random share, not exactly Retry-After", async () => {
    az.secrets.set("a", { value: `a-${SECRET_MARKER}`, version: "1" });
    az.secrets.set("b", { value: `b-${SECRET_MARKER}`, version: "1" });
    // One read per second: of the two reads sent together, one is refused with Retry-After: 1.
    az.rateLimit = new RateLimit(1, 1000);
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(
        spec(volume, [
          { path: "a", source: source("a") },
          { path: "b", source: source("b") },
        ]),
        { ...podEnv(), ...fastRetries() },
      ),
    );
    assert.equal(readVolumeFile(volume, "b"), `b-${SECRET_MARKER}`);
    const retries = r.logs.filter((l) => l.event === "retrying");
    assert.equal(retries.length, 1, JSON.stringify(retries));
    assert.deepEqual(retries[0].causes, ["throttled"]);
    assert.equal(retries[0].retryAfterMs, 1000);
    // Retry-After plus a share of up to one more Retry-After (base 250 ms is below it).
    assert.ok(
      Number(retries[0].delayMs) >= 1000 && Number(retries[0].delayMs) < 2000,
      `waited ${String(retries[0].delayMs)} ms`,
    );
    const log = az.rateLimit.log;
    assert.deepEqual(
      log.map((x) => x.admitted),
      [true, false, true],
      "one refusal, retried once",
    );
    assert.ok(log[2].t - log[1].t >= 1000, `the retry came ${log[2].t - log[1].t} ms after the 429`);
  });

  it("refresh mode: a new secret version is swapped in, reusing the token", async () => {
    az.secrets.set("rotating", { value: `gen1-${SECRET_MARKER}`, version: "v1" });
    const volume = tempDir("sm-vol-");
    const env = specEnv(spec(volume, [{ path: "rotating", source: source("rotating") }], "refresh"), podEnv());
    await expectRotationPickedUp(
      env,
      volume,
      "rotating",
      () => az.secrets.set("rotating", { value: `gen2-${SECRET_MARKER}`, version: "v2" }),
      `gen2-${SECRET_MARKER}`,
    );
    assert.equal(az.tokenRequests, 1, "the cached token served every refresh");
  });

  for (const { fault, cause } of FAULT_MATRIX) {
    it(`reports ${fault} from Key Vault as ${cause}, exits 1 and writes nothing`, async () => {
      az.secrets.set("good", { value: `g-${SECRET_MARKER}`, version: "1" });
      if (fault !== "missing") {
        az.secrets.set("target", { value: `t-${SECRET_MARKER}`, version: "1" });
        az.faults.set("target", { kind: fault });
      }
      const volume = tempDir("sm-vol-");
      const env = specEnv(
        spec(volume, [
          { path: "good", source: source("good") },
          { path: "bad/target", source: source("target") },
        ]),
        { ...podEnv(), ...fastRetries(fault) },
      );
      await expectFileFailure(env, volume, { file: "bad/target", sourceType: "azure-keyvault", cause });
    });
  }

  it("reports a federated credential Entra keeps refusing (AADSTS700213) as identity-not-ready after retrying, naming what to check", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.rejectAssertion = true;
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("s") }]), { ...podEnv(), ...fastRetries() }),
      volume,
      { file: "s", sourceType: "azure-keyvault", cause: "identity-not-ready" },
    );
    assert.match(String(line.message), /AADSTS700213.*if this persists, check its issuer, subject and audience/);
    assert.equal(az.tokenRequests, 3, "one token request per attempt");
  });

  it("retries while a new federated credential propagates (AADSTS70021), then fetches within the deadline", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.propagatingRequests = 2;
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(spec(volume, [{ path: "s", source: source("s") }]), { ...podEnv(), ...fastRetries() }),
    );
    assert.equal(readVolumeFile(volume, "s"), `v-${SECRET_MARKER}`);
    assert.equal(az.tokenRequests, 3);
    const retries = r.logs.filter((l) => l.event === "retrying");
    assert.deepEqual(
      retries.map((l) => l.causes),
      [["identity-not-ready"], ["identity-not-ready"]],
    );
  });

  it("reports AADSTS70021 that outlasts the deadline as identity-not-ready", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.propagatingRequests = 1000;
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("s") }]), { ...podEnv(), ...fastRetries() }),
      volume,
      { file: "s", sourceType: "azure-keyvault", cause: "identity-not-ready" },
    );
    assert.match(
      String(line.message),
      /AADSTS70021: No matching federated identity record found for presented assertion\..*takes minutes to propagate/,
    );
  });

  it("retries a 403 right after pulumi up (a role assignment still applying), then fetches", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.faults.set("s", { kind: "denied", times: 2 });
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(spec(volume, [{ path: "s", source: source("s") }]), { ...podEnv(), ...fastRetries() }),
    );
    assert.equal(readVolumeFile(volume, "s"), `v-${SECRET_MARKER}`);
    assert.deepEqual(
      r.logs.filter((l) => l.event === "retrying").map((l) => l.causes),
      [["access-denied"], ["access-denied"]],
    );
  });

  it("reports a 403 that lasts to the end as access-denied, saying it was retried", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.faults.set("s", { kind: "denied" });
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("s") }]), { ...podEnv(), ...fastRetries() }),
      volume,
      { file: "s", sourceType: "azure-keyvault", cause: "access-denied" },
    );
    assert.match(
      String(line.message),
      /Key Vault answered 403 Forbidden.*role assignment made moments ago can take a few minutes to apply; retried until the deadline/,
    );
  });

  it("reports throttling at the Entra token endpoint as throttled", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    az.faults.set("token", { kind: "throttle" });
    const volume = tempDir("sm-vol-");
    await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source("s") }]), { ...podEnv(), ...fastRetries("throttle") }),
      volume,
      { file: "s", sourceType: "azure-keyvault", cause: "throttled" },
    );
  });

  it("reports a missing federated token file as identity-not-ready", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    const volume = tempDir("sm-vol-");
    const env = specEnv(spec(volume, [{ path: "s", source: source("s") }]), {
      ...podEnv(),
      ...fastRetries(),
      AZURE_FEDERATED_TOKEN_FILE: path.join(volume, "..", "no-such-token"),
    });
    await expectFileFailure(env, volume, { file: "s", sourceType: "azure-keyvault", cause: "identity-not-ready" });
    assert.equal(az.tokenRequests, 0);
  });

  it("reports a pod without the workload-identity env as identity-not-ready, naming the variables", async () => {
    const volume = tempDir("sm-vol-");
    const env = specEnv(spec(volume, [{ path: "s", source: source("s") }]), {
      NODE_EXTRA_CA_CERTS: pki.caFile,
      ...fastRetries(),
    });
    const line = await expectFileFailure(env, volume, {
      file: "s",
      sourceType: "azure-keyvault",
      cause: "identity-not-ready",
    });
    assert.match(String(line.message), /AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE/);
  });

  it("keeps the challenge resource check on unless the source disables it", async () => {
    az.secrets.set("s", { value: `v-${SECRET_MARKER}`, version: "1" });
    const volume = tempDir("sm-vol-");
    const strict = { type: "azure-keyvault", vaultUrl: az.vaultUrl, name: "s" };
    const line = await expectFileFailure(specEnv(spec(volume, [{ path: "s", source: strict }]), podEnv()), volume, {
      file: "s",
      sourceType: "azure-keyvault",
      cause: "invalid",
    });
    assert.match(String(line.message), /disableChallengeResourceVerification/);
    assert.equal(az.tokenRequests, 0, "no token was requested for a vault that failed the check");
  });

  it("serves the legacy AZURE_VAULT_NAME + AZURE_SECRET_NAME interface into SECRET_FILE", async () => {
    az.secrets.set("legacy-secret", { value: `legacy-${SECRET_MARKER}`, version: "9" });
    const out = path.join(tempDir("sm-legacy-"), "secret");
    const r = await runFetch({
      env: isolatedEnv({
        ...podEnv(),
        AZURE_VAULT_NAME: "acme-kv",
        AZURE_SECRET_NAME: "legacy-secret",
        // The documented override for the vault's URL (sovereign clouds, private endpoints, tests).
        AZURE_VAULT_URL: az.vaultUrl,
        AZURE_KEYVAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: "true",
        SECRET_FILE: out,
      }),
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(fs.readFileSync(out, "utf8"), `legacy-${SECRET_MARKER}`);
    assert.deepEqual(visible(path.dirname(out)), ["secret"]);
  });
});
