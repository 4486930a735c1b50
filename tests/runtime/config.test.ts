import * as assert from "node:assert/strict";
import { fileModeProblem } from "../../spec/fetch-spec";
import { ConfigError, LEGACY_DEFAULT_FILE, loadRunConfig, retryKnobs } from "../../runtime-image/src/config";
import { awsClientOptions } from "../../runtime-image/src/providers/aws-client-options";
import { sdkRetryBudget } from "../../runtime-image/src/providers/provider-support";

const spec = {
  version: 1,
  dir: "/run/secrets/app",
  mode: "init",
  timeoutSeconds: 7,
  files: [{ path: "a", source: { type: "aws-ssm", name: "/a" } }],
};
const configError = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    loadRunConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail("expected a ConfigError");
};

describe("runtime: configuration from the environment (pure)", () => {
  it("the spec wins over legacy variables; its timeout becomes the deadline", () => {
    const c = loadRunConfig({
      SECRET_MOUNT_SPEC: JSON.stringify(spec),
      SECRET_NAME: "ignored",
      AWS_REGION: "eu-west-1",
    });
    assert.equal(c.legacyFile, undefined);
    assert.equal(c.spec.dir, "/run/secrets/app");
    assert.equal(c.knobs.timeoutMs, 7000);
  });

  it("legacy AWS: SECRET_NAME + AWS_REGION, default file /tmp/secret, mode 0440", () => {
    const c = loadRunConfig({ SECRET_NAME: "prod/db", AWS_REGION: "eu-west-1" });
    assert.deepEqual(c.spec.files[0].source, { type: "aws-secretsmanager", secretId: "prod/db", region: "eu-west-1" });
    assert.deepEqual(c.legacyFile, { path: LEGACY_DEFAULT_FILE, mode: 0o440 });
  });

  it("legacy Azure: AZURE_VAULT_NAME + AZURE_SECRET_NAME read that vault's secret into SECRET_FILE", () => {
    const c = loadRunConfig({
      AZURE_VAULT_NAME: "acme-kv",
      AZURE_SECRET_NAME: "db-password",
      SECRET_FILE: "/secrets/db",
    });
    assert.deepEqual(c.spec.files[0].source, {
      type: "azure-keyvault",
      vaultUrl: "https://acme-kv.vault.azure.net",
      name: "db-password",
    });
    assert.equal(c.legacyFile?.path, "/secrets/db");
  });

  it("incomplete or unsafe legacy settings and bad knobs name the variable", () => {
    assert.equal(configError({ AZURE_VAULT_NAME: "acme-kv" }).field, "AZURE_SECRET_NAME");
    assert.equal(
      configError({ AZURE_VAULT_NAME: "acme.evil.example/x", AZURE_SECRET_NAME: "s" }).field,
      "AZURE_VAULT_NAME",
    );
    assert.equal(
      configError({ SECRET_NAME: "s", AWS_REGION: "eu-west-1", SECRET_FILE: "relative/path" }).field,
      "SECRET_FILE",
    );
    assert.equal(
      configError({ SECRET_NAME: "s", AWS_REGION: "eu-west-1", SECRET_FILE: "/tmp/../etc/x" }).field,
      "SECRET_FILE",
    );
    assert.equal(
      configError({ SECRET_MOUNT_SPEC: JSON.stringify(spec), SECRET_MOUNT_MAX_ATTEMPTS: "0" }).field,
      "SECRET_MOUNT_MAX_ATTEMPTS",
    );
    assert.equal(
      configError({ SECRET_MOUNT_SPEC: JSON.stringify(spec), SECRET_MOUNT_TIMEOUT_MS: "soon" }).field,
      "SECRET_MOUNT_TIMEOUT_MS",
    );
  });
});

describe("runtime: legacy SECRET_FILE_MODE follows the FetchSpec's mode policy", () => {
  const legacy = (mode: string) => ({ SECRET_NAME: "prod/db", AWS_REGION: "eu-west-1", SECRET_FILE_MODE: mode });
  for (const mode of ["0666", "0777", "0644", "0460", "0040", "0444"]) {
    it(`refuses ${mode} with the same reason as a spec's fileMode`, () => {
      const e = configError(legacy(mode));
      assert.equal(e.field, "SECRET_FILE_MODE");
      assert.equal(e.problem, fileModeProblem(mode));
    });
  }
  it("accepts 0440 and 0400 (and 440)", () => {
    assert.equal(loadRunConfig(legacy("0440")).legacyFile?.mode, 0o440);
    assert.equal(loadRunConfig(legacy("0400")).legacyFile?.mode, 0o400);
    assert.equal(loadRunConfig(legacy("440")).legacyFile?.mode, 0o440);
  });
});

describe("runtime: one parser for the retry variables (config, AWS clients, Azure / Google retry options)", () => {
  const withSpec = (extra: NodeJS.ProcessEnv) => ({ SECRET_MOUNT_SPEC: JSON.stringify(spec), ...extra });
  it("the knobs, the AWS clients' maxAttempts and the SDK retry budget read the same values", () => {
    const env = withSpec({
      SECRET_MOUNT_SDK_MAX_ATTEMPTS: "4",
      SECRET_MOUNT_RETRY_BASE_MS: "30",
      SECRET_MOUNT_RETRY_CAP_MS: "900",
    });
    const k = loadRunConfig(env).knobs;
    assert.equal(k.sdkMaxAttempts, 4);
    assert.equal(awsClientOptions("eu-west-1", env).maxAttempts, 4);
    assert.deepEqual(sdkRetryBudget(env), { retries: 3, baseMs: 30, capMs: 900 });
    assert.deepEqual(retryKnobs(env), {
      maxAttempts: k.maxAttempts,
      retryBaseMs: 30,
      retryCapMs: 900,
      sdkMaxAttempts: 4,
    });
  });
  for (const [name, value] of [
    ["SECRET_MOUNT_SDK_MAX_ATTEMPTS", "11"],
    ["SECRET_MOUNT_SDK_MAX_ATTEMPTS", "0"],
    ["SECRET_MOUNT_SDK_MAX_ATTEMPTS", "2.5"],
    ["SECRET_MOUNT_RETRY_BASE_MS", "60001"],
    ["SECRET_MOUNT_RETRY_CAP_MS", "-1"],
  ] as const) {
    it(`${name}=${value} is refused by every reader, not silently replaced by one of them`, () => {
      const env = withSpec({ [name]: value });
      assert.equal(configError(env).field, name);
      assert.throws(() => sdkRetryBudget(env), ConfigError);
      if (name === "SECRET_MOUNT_SDK_MAX_ATTEMPTS")
        assert.throws(() => awsClientOptions("eu-west-1", env), ConfigError);
    });
  }
});

describe("runtime: a FetchSpec too large for the environment, read from SECRET_MOUNT_SPEC_FILE", () => {
  it("reads the spec from the file the variable names (the mounted ConfigMap)", () => {
    const read: string[] = [];
    const c = loadRunConfig(
      { SECRET_MOUNT_SPEC_FILE: "/etc/secret-mount-spec/spec.json" },
      (p) => (read.push(p), JSON.stringify(spec)),
    );
    assert.deepEqual(read, ["/etc/secret-mount-spec/spec.json"]);
    assert.equal(c.spec.files[0].path, "a");
    assert.equal(c.legacyFile, undefined);
  });

  it("an unreadable file is an invalid-config error naming the variable and the path", () => {
    const e = configError({ SECRET_MOUNT_SPEC_FILE: "/nonexistent/spec.json" });
    assert.equal(e.field, "SECRET_MOUNT_SPEC_FILE");
    assert.match(e.message, /cannot read "\/nonexistent\/spec.json" \(ENOENT\)/);
  });
});
