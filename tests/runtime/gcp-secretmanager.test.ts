/**
 * Google Secret Manager end to end: the bundled fetcher as a child process with what a GKE pod has
 * (Application Default Credentials from the metadata server, here GCE_METADATA_HOST pointing at the
 * double), against doubles of the GKE metadata server and the Secret Manager REST API.
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
import { GcpDoubles } from "./doubles/gcp";
import { endpoint, locationOf } from "../../runtime-image/src/providers/gcp-secretmanager";
import { SECRET_MARKER, specEnv, tempDir } from "./harness";

const name = (secret: string, version = "latest") => `projects/acme-prod/secrets/${secret}/versions/${version}`;

describe("runtime: gcp-secretmanager (GKE metadata server + Secret Manager REST)", function () {
  this.timeout(20_000);
  let g: GcpDoubles;

  before(async () => {
    g = await new GcpDoubles().start();
  });
  after(async () => {
    await g?.stop();
  });
  before(async () => {
    await g.startRegion("europe-west4");
  });
  beforeEach(() => g.reset());

  /** A GKE pod reaches the metadata server at its fixed address; the double stands in through the env ADC honours. */
  function podEnv(): NodeJS.ProcessEnv {
    return { GCE_METADATA_HOST: g.metadataHost, CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${g.endpoint}/` };
  }

  function spec(
    volume: string,
    files: { path: string; source: unknown; jsonKey?: string; decode?: string }[],
    mode = "init",
  ) {
    return { version: 1, dir: volume, mode, timeoutSeconds: 10, files };
  }

  const source = (n: string) => ({ type: "gcp-secretmanager", name: n });

  it("fetches text, JSON-key and binary secrets with one metadata token, CRC32C checked, and writes them", async () => {
    const binary = Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x80]), Buffer.from(SECRET_MARKER)]);
    g.versions.set(name("db-password"), { data: `pw-${SECRET_MARKER}`, version: 7 });
    g.versions.set(name("app", "3"), { data: JSON.stringify({ token: `tok-${SECRET_MARKER}` }), version: 3 });
    g.versions.set(name("keystore"), { data: binary, version: 1 });
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(
        spec(volume, [
          { path: "db/password", source: source(name("db-password")) },
          { path: "api-token", source: source(name("app", "3")), jsonKey: "token" },
          { path: "keystore.p12", source: source(name("keystore")) },
        ]),
        podEnv(),
      ),
    );
    assert.equal(readVolumeFile(volume, "db/password"), `pw-${SECRET_MARKER}`);
    assert.equal(readVolumeFile(volume, "api-token"), `tok-${SECRET_MARKER}`);
    assert.deepEqual(fs.readFileSync(path.join(volume, "keystore.p12")), binary);
    assert.equal(g.tokenRequests, 1, "one metadata token shared by every secret");
    assert.equal(g.accessRequests, 3);
    const versions = Object.fromEntries(
      r.logs.filter((l) => l.event === "file-written").map((l) => [l.file, l.version]),
    );
    assert.deepEqual(versions, { "db/password": "7", "api-token": "3", "keystore.p12": "1" });
  });

  it("recovers from one unavailable answer within the deadline", async () => {
    g.versions.set(name("flaky"), { data: `v-${SECRET_MARKER}`, version: 1 });
    g.faults.set(name("flaky"), { kind: "server-error", times: 1 });
    const volume = tempDir("sm-vol-");
    await expectSuccess(
      specEnv(spec(volume, [{ path: "flaky", source: source(name("flaky")) }]), { ...podEnv(), ...fastRetries() }),
    );
    assert.equal(readVolumeFile(volume, "flaky"), `v-${SECRET_MARKER}`);
  });

  it("refresh mode: a new version behind `latest` is swapped in, reusing the metadata token", async () => {
    g.versions.set(name("rotating"), { data: `gen1-${SECRET_MARKER}`, version: 1 });
    const volume = tempDir("sm-vol-");
    const env = specEnv(spec(volume, [{ path: "rotating", source: source(name("rotating")) }], "refresh"), podEnv());
    await expectRotationPickedUp(
      env,
      volume,
      "rotating",
      () => g.versions.set(name("rotating"), { data: `gen2-${SECRET_MARKER}`, version: 2 }),
      `gen2-${SECRET_MARKER}`,
    );
    assert.equal(g.tokenRequests, 1, "the cached token served every refresh");
  });

  for (const { fault, cause } of FAULT_MATRIX) {
    it(`reports ${fault} from Secret Manager as ${cause}, exits 1 and writes nothing`, async () => {
      g.versions.set(name("good"), { data: `g-${SECRET_MARKER}`, version: 1 });
      if (fault !== "missing") {
        g.versions.set(name("target"), { data: `t-${SECRET_MARKER}`, version: 1 });
        g.faults.set(name("target"), { kind: fault });
      }
      const volume = tempDir("sm-vol-");
      const env = specEnv(
        spec(volume, [
          { path: "good", source: source(name("good")) },
          { path: "bad/target", source: source(name("target")) },
        ]),
        // PERMISSION_DENIED is retried until the deadline (a grant may still be propagating): keep it short here.
        { ...podEnv(), ...fastRetries(fault), ...(fault === "denied" ? { SECRET_MOUNT_TIMEOUT_MS: "1500" } : {}) },
      );
      await expectFileFailure(env, volume, { file: "bad/target", sourceType: "gcp-secretmanager", cause });
    });
  }

  it("reports a payload whose CRC32C does not match as malformed", async () => {
    g.versions.set(name("corrupt"), { data: `c-${SECRET_MARKER}`, version: 2, badCrc: true });
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "c", source: source(name("corrupt")) }]), { ...podEnv(), ...fastRetries() }),
      volume,
      {
        file: "c",
        sourceType: "gcp-secretmanager",
        cause: "malformed",
      },
    );
    assert.match(String(line.message), /CRC32C/);
  });

  it("reports a disabled version (FAILED_PRECONDITION) as not-found", async () => {
    g.versions.set(name("old", "1"), { data: `o-${SECRET_MARKER}`, version: 1, disabled: true });
    const volume = tempDir("sm-vol-");
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "o", source: source(name("old", "1")) }]), podEnv()),
      volume,
      { file: "o", sourceType: "gcp-secretmanager", cause: "not-found" },
    );
    assert.match(String(line.message), /DISABLED/);
  });

  it("reports a pod whose service account is not bound (metadata has no token) as identity-not-ready", async () => {
    g.versions.set(name("s"), { data: `v-${SECRET_MARKER}`, version: 1 });
    g.noServiceAccount = true;
    const volume = tempDir("sm-vol-");
    await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source(name("s")) }]), { ...podEnv(), ...fastRetries() }),
      volume,
      { file: "s", sourceType: "gcp-secretmanager", cause: "identity-not-ready" },
    );
    assert.equal(g.accessRequests, 0);
  });

  it("holds the deadline while the metadata client retries a resetting token endpoint on its own", async () => {
    g.versions.set(name("s"), { data: `v-${SECRET_MARKER}`, version: 1 });
    g.faults.set("token", { kind: "reset" });
    const volume = tempDir("sm-vol-");
    // gcp-metadata retries the token request by itself for about 5 s; the runtime's deadline wins.
    await expectFileFailure(
      specEnv(spec(volume, [{ path: "s", source: source(name("s")) }]), { ...podEnv(), ...fastRetries("slow") }),
      volume,
      { file: "s", sourceType: "gcp-secretmanager", cause: "timed-out" },
    );
    assert.equal(g.accessRequests, 0);
  });

  it("reads a regional secret from its regional endpoint and a global one from the global endpoint, in one set", async () => {
    const regional = "projects/acme-prod/locations/europe-west4/secrets/eu-db/versions/latest";
    g.versions.set(regional, { data: `eu-${SECRET_MARKER}`, version: 4 });
    g.versions.set(name("global-db"), { data: `gl-${SECRET_MARKER}`, version: 2 });
    g.iam = {
      principal: "serviceAccount:reader@acme-prod.iam.gserviceaccount.com",
      grants: [
        {
          resource: "projects/acme-prod/locations/europe-west4/secrets/eu-db",
          role: "roles/secretmanager.secretAccessor",
          member: "serviceAccount:reader@acme-prod.iam.gserviceaccount.com",
        },
        {
          resource: "projects/acme-prod/secrets/global-db",
          role: "roles/secretmanager.secretAccessor",
          member: "serviceAccount:reader@acme-prod.iam.gserviceaccount.com",
        },
      ],
    };
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(
        spec(volume, [
          { path: "eu", source: source(regional) },
          { path: "gl", source: source(name("global-db")) },
        ]),
        { ...podEnv(), ...g.regionalEnv() },
      ),
    );
    assert.equal(readVolumeFile(volume, "eu"), `eu-${SECRET_MARKER}`);
    assert.equal(readVolumeFile(volume, "gl"), `gl-${SECRET_MARKER}`);
    assert.deepEqual(g.reads.map((x) => [x.secret, x.endpoint]).sort(), [
      ["projects/acme-prod/locations/europe-west4/secrets/eu-db", "europe-west4"],
      ["projects/acme-prod/secrets/global-db", "global"],
    ]);
    assert.equal(r.logs.find((l) => l.event === "file-written" && l.file === "eu")?.version, "4");
  });

  it("retries PERMISSION_DENIED right after a grant (still propagating) past SECRET_MOUNT_MAX_ATTEMPTS, within the deadline", async () => {
    g.versions.set(name("fresh"), { data: `f-${SECRET_MARKER}`, version: 1 });
    g.faults.set(name("fresh"), { kind: "denied", times: 3 });
    const volume = tempDir("sm-vol-");
    const r = await expectSuccess(
      specEnv(spec(volume, [{ path: "fresh", source: source(name("fresh")) }]), {
        ...podEnv(),
        SECRET_MOUNT_MAX_ATTEMPTS: "2",
        SECRET_MOUNT_RETRY_BASE_MS: "20",
        SECRET_MOUNT_RETRY_CAP_MS: "50",
      }),
    );
    assert.equal(readVolumeFile(volume, "fresh"), `f-${SECRET_MARKER}`);
    assert.equal(g.accessRequests, 4, "three denials, then the grant applies");
    assert.ok(
      r.logs.some((l) => l.event === "retrying" && JSON.stringify(l.causes) === JSON.stringify(["access-denied"])),
      "the retries are logged as access-denied",
    );
  });

  it("reports a secret still denied at the deadline as access-denied, after retrying until then", async () => {
    g.versions.set(name("never"), { data: `n-${SECRET_MARKER}`, version: 1 });
    g.faults.set(name("never"), { kind: "denied" });
    const volume = tempDir("sm-vol-");
    const started = Date.now();
    const line = await expectFileFailure(
      specEnv(spec(volume, [{ path: "never", source: source(name("never")) }]), {
        ...podEnv(),
        SECRET_MOUNT_MAX_ATTEMPTS: "2",
        SECRET_MOUNT_TIMEOUT_MS: "1500",
        SECRET_MOUNT_RETRY_BASE_MS: "20",
        SECRET_MOUNT_RETRY_CAP_MS: "100",
      }),
      volume,
      { file: "never", sourceType: "gcp-secretmanager", cause: "access-denied" },
    );
    assert.ok(Date.now() - started >= 1400, "not reported before the deadline");
    assert.ok(g.accessRequests > 2, `retried past SECRET_MOUNT_MAX_ATTEMPTS: ${g.accessRequests} requests`);
    assert.match(String(line.message), /PERMISSION_DENIED.*deadline of \d+ s passed while retrying/);
  });

  it("retries 429 RESOURCE_EXHAUSTED (quota) in the runtime's attempts, full-jitter spread, past the attempt limit until the deadline", async () => {
    g.versions.set(name("busy"), { data: `b-${SECRET_MARKER}`, version: 1 });
    g.faults.set(name("busy"), { kind: "throttle", times: 6 });
    const volume = tempDir("sm-vol-");
    const base = 40;
    const cap = 200;
    const r = await expectSuccess(
      specEnv(spec(volume, [{ path: "busy", source: source(name("busy")) }]), {
        ...podEnv(),
        SECRET_MOUNT_MAX_ATTEMPTS: "3",
        SECRET_MOUNT_RETRY_BASE_MS: String(base),
        SECRET_MOUNT_RETRY_CAP_MS: String(cap),
      }),
    );
    assert.equal(readVolumeFile(volume, "busy"), `b-${SECRET_MARKER}`);
    assert.equal(
      g.accessRequests,
      7,
      "one request per attempt: gaxios's fixed delays would bring throttled pods back together",
    );
    assert.equal(
      r.logs.find((l) => l.event === "file-written")?.attempt,
      7,
      "quota errors are retried past SECRET_MOUNT_MAX_ATTEMPTS, until the deadline",
    );
    const retries = r.logs.filter((l) => l.event === "retrying");
    assert.equal(retries.length, 6);
    retries.forEach((l, k) => {
      assert.deepEqual(l.causes, ["throttled"]);
      // The runtime's full jitter: uniformly random in [0, min(cap, base * 2^(retry-1))).
      assert.ok(
        Number(l.delayMs) >= 0 && Number(l.delayMs) < Math.min(cap, base * 2 ** k),
        `retry ${k + 1} waited ${String(l.delayMs)} ms`,
      );
    });
  });

  it("sends regional names to secretmanager.<location>.rep.<universe>, or the per-location override", () => {
    assert.equal(endpoint({}, "europe-west4"), "https://secretmanager.europe-west4.rep.googleapis.com");
    assert.equal(
      endpoint({ GOOGLE_CLOUD_UNIVERSE_DOMAIN: "example-universe.goog" }, "u-east1"),
      "https://secretmanager.u-east1.rep.example-universe.goog",
    );
    assert.equal(
      endpoint({ CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: "https://private.example/" }, "europe-west4"),
      "https://secretmanager.europe-west4.rep.googleapis.com",
      "the global override is not a regional endpoint",
    );
    assert.equal(
      endpoint(
        { SECRET_MOUNT_SECRETMANAGER_ENDPOINT_NORTHAMERICA_NORTHEAST1: "https://sm-nane1.example/v1/" },
        "northamerica-northeast1",
      ),
      "https://sm-nane1.example",
    );
    assert.equal(locationOf("projects/p/locations/europe-west4/secrets/s/versions/1"), "europe-west4");
    assert.equal(locationOf("projects/p/secrets/s/versions/1"), undefined);
  });

  it("takes the Secret Manager endpoint from the gcloud override, else the universe domain", () => {
    assert.equal(endpoint({}), "https://secretmanager.googleapis.com");
    assert.equal(
      endpoint({ GOOGLE_CLOUD_UNIVERSE_DOMAIN: "example-universe.goog" }),
      "https://secretmanager.example-universe.goog",
    );
    assert.equal(
      endpoint({ CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: "https://secretmanager-acme.p.googleapis.com/" }),
      "https://secretmanager-acme.p.googleapis.com",
    );
    assert.equal(
      endpoint({ CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: "https://private.example/v1/" }),
      "https://private.example",
    );
  });
});
