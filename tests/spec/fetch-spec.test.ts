import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { FetchSpecError, parseFetchSpec, parseFetchSpecJson, type FetchSpec } from "../../spec/fetch-spec";
import { SCHEMA_FILE, generateFetchSpecSchema } from "../../spec/generate-schema";

/** The example document of docs/fetch-spec.md, read from the page itself so it cannot drift. */
const EXAMPLE_PAGE = path.resolve(__dirname, "../../docs/fetch-spec.md");
function documentedExample(): unknown {
  const page = fs.readFileSync(EXAMPLE_PAGE, "utf8");
  const block = /```json\n([\s\S]*?)\n```/.exec(page);
  assert.ok(block, "docs/fetch-spec.md holds a json block with the example FetchSpec");
  return JSON.parse(block[1]);
}

const minimal = (over: Record<string, unknown> = {}) => ({
  version: 1,
  dir: "/run/secrets/app",
  mode: "init",
  files: [{ path: "db", source: { type: "aws-secretsmanager", secretId: "db", region: "eu-west-1" } }],
  ...over,
});

describe("FetchSpec: Google Secret Manager names", () => {
  it("accepts global and regional version names, the version always explicit", () => {
    for (const name of [
      "projects/acme-prod/secrets/db_pw-1/versions/latest",
      "projects/acme-prod/locations/europe-west4/secrets/db/versions/3",
      "projects/123456789012/locations/northamerica-northeast1/secrets/db/versions/latest",
    ]) {
      const spec = parseFetchSpec({
        version: 1,
        dir: "/run/secrets/app",
        mode: "init",
        files: [{ path: "a", source: { type: "gcp-secretmanager", name } }],
      });
      assert.deepEqual(spec.files[0].source, { type: "gcp-secretmanager", name });
    }
  });
});

describe("FetchSpec: the example in docs/fetch-spec.md", () => {
  it("parses and means what it says", () => {
    const spec: FetchSpec = parseFetchSpec(documentedExample());
    assert.equal(spec.version, 1);
    assert.equal(spec.dir, "/run/secrets/app");
    assert.equal(spec.mode, "init");
    assert.equal(spec.refreshSeconds, 300);
    assert.equal(spec.fileMode, "0440");
    assert.deepEqual(
      spec.files.map((f) => f.path),
      ["db/password", "tls.key", "api-token", "cfg/flags"],
    );
    assert.deepEqual(spec.files[0], {
      path: "db/password",
      source: {
        type: "aws-secretsmanager",
        secretId: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
        region: "eu-west-1",
        versionStage: "AWSCURRENT",
      },
      jsonKey: "password",
    });
    assert.deepEqual(spec.files[1].source, {
      type: "azure-keyvault",
      vaultUrl: "https://acme.vault.azure.net",
      name: "tls-key",
    });
    assert.deepEqual(spec.files[2].source, {
      type: "gcp-secretmanager",
      name: "projects/acme/secrets/api-token/versions/latest",
    });
    assert.deepEqual(spec.files[3].source, { type: "aws-ssm", name: "/billing/flags", region: "eu-west-1" });
    assert.deepEqual(spec.envFile, { path: "app.env", vars: { DB_PASSWORD: "db/password" } });
  });

  it("is valid against the JSON Schema", () => {
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
    assert.equal(validate(documentedExample()), true, JSON.stringify(validate.errors));
  });
});

describe("FetchSpec: JSON Schema", () => {
  it("is exactly what the TypeScript types generate (run `npm run schema` after changing them)", () => {
    assert.deepEqual(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")), generateFetchSpecSchema());
  });

  // The parser may be stricter than the schema (semantic rules), never looser.
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
  const structural: [string, unknown][] = [
    ["missing version", { ...minimal(), version: undefined }],
    ["version 2", minimal({ version: 2 })],
    ["missing mode", { ...minimal(), mode: undefined }],
    ["unknown mode", minimal({ mode: "daemon" })],
    ["empty files", minimal({ files: [] })],
    ["unknown top-level field", minimal({ secrets: [] })],
    ["unknown source type", minimal({ files: [{ path: "a", source: { type: "s3", bucket: "b" } }] })],
    [
      "source field of another type",
      minimal({ files: [{ path: "a", source: { type: "aws-ssm", name: "/a", secretId: "x" } }] }),
    ],
    ["unknown file field", minimal({ files: [{ path: "a", key: "k", source: { type: "aws-ssm", name: "/a" } }] })],
    ["file mode not octal", minimal({ fileMode: "rw-r-----" })],
    ["refresh too fast", minimal({ refreshSeconds: 1 })],
    [
      "decode other than base64",
      minimal({ files: [{ path: "a", decode: "hex", source: { type: "aws-ssm", name: "/a" } }] }),
    ],
    ["envFile vars not strings", minimal({ envFile: { path: "e", vars: { A: 1 } } })],
  ];
  for (const [label, doc] of structural) {
    it(`schema and parser both reject: ${label}`, () => {
      const clean = JSON.parse(JSON.stringify(doc));
      assert.equal(validate(clean), false, `schema accepted ${label}`);
      assert.throws(() => parseFetchSpec(clean), FetchSpecError);
    });
  }
  it("schema accepts every document the parser accepts", () => {
    const sharedParameter = {
      path: "p",
      source: { type: "aws-ssm", name: "arn:aws:ssm:us-east-1:444455556666:parameter/shared/db", region: "us-east-1" },
    };
    const httpVault = {
      path: "v",
      source: { type: "vault-kv", address: "http://vault.mesh:8200", role: "r", path: "p", insecureHttp: true },
    };
    for (const doc of [
      documentedExample(),
      minimal(),
      minimal({ mode: "refresh", refreshSeconds: 60, timeoutSeconds: 10 }),
      minimal({ files: [sharedParameter, httpVault] }),
    ]) {
      parseFetchSpec(doc);
      assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    }
  });
});

describe("FetchSpec parser: errors name the field and the fix", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["not JSON", "{", "$", /not valid JSON/],
    ["version", minimal({ version: 2 }), "version", /this runtime reads version 1/],
    ["relative dir", minimal({ dir: "run/x" }), "dir", /absolute path/],
    [
      "escaping path",
      minimal({ files: [{ path: "a/../../etc/passwd", source: { type: "aws-ssm", name: "/a" } }] }),
      "files[0].path",
      /".." segment/,
    ],
    [
      "absolute path",
      minimal({ files: [{ path: "/etc/passwd", source: { type: "aws-ssm", name: "/a" } }] }),
      "files[0].path",
      /is absolute/,
    ],
    [
      "..data path",
      minimal({ files: [{ path: "..data/x", source: { type: "aws-ssm", name: "/a" } }] }),
      "files[0].path",
      /reserved for the atomic-swap/,
    ],
    [
      "empty segment",
      minimal({ files: [{ path: "a//b", source: { type: "aws-ssm", name: "/a" } }] }),
      "files[0].path",
      /empty segment/,
    ],
    [
      "odd characters",
      minimal({ files: [{ path: "a b", source: { type: "aws-ssm", name: "/a" } }] }),
      "files[0].path",
      /characters outside/,
    ],
    [
      "duplicate path",
      minimal({
        files: [
          { path: "a", source: { type: "aws-ssm", name: "/a" } },
          { path: "a", source: { type: "aws-ssm", name: "/b" } },
        ],
      }),
      "files[1].path",
      /duplicates files\[0\].path/,
    ],
    [
      "file vs directory",
      minimal({
        files: [
          { path: "a", source: { type: "aws-ssm", name: "/a" } },
          { path: "a/b", source: { type: "aws-ssm", name: "/b" } },
        ],
      }),
      "files[1].path",
      /both a file and a directory/,
    ],
    [
      "world-readable mode",
      minimal({ fileMode: "0644" }),
      "fileMode",
      /lets group or others write|lets every user read/,
    ],
    [
      "both version selectors",
      minimal({
        files: [
          {
            path: "a",
            source: { type: "aws-secretsmanager", secretId: "a", versionStage: "AWSCURRENT", versionId: "v1" },
          },
        ],
      }),
      "files[0].source",
      /both versionStage and versionId/,
    ],
    [
      "bad region",
      minimal({ files: [{ path: "a", source: { type: "aws-ssm", name: "/a", region: "Europe" } }] }),
      "files[0].source.region",
      /not an AWS region/,
    ],
    [
      "http vault URL",
      minimal({
        files: [{ path: "a", source: { type: "azure-keyvault", vaultUrl: "http://v.vault.azure.net", name: "a" } }],
      }),
      "files[0].source.vaultUrl",
      /must use https/,
    ],
    [
      "GCP name without version",
      minimal({ files: [{ path: "a", source: { type: "gcp-secretmanager", name: "projects/p/secrets/s" } }] }),
      "files[0].source.name",
      /versions\/<version\|latest>/,
    ],
    [
      "GCP regional name with a location that is no region",
      minimal({
        files: [
          {
            path: "a",
            source: { type: "gcp-secretmanager", name: "projects/p/locations/Europe/secrets/s/versions/1" },
          },
        ],
      }),
      "files[0].source.name",
      /locations\/<location>/,
    ],
    [
      "GCP secret id with a dot",
      minimal({
        files: [{ path: "a", source: { type: "gcp-secretmanager", name: "projects/p/secrets/a.b/versions/1" } }],
      }),
      "files[0].source.name",
      /not a secret version name/,
    ],
    [
      "vault path escaping",
      minimal({
        files: [{ path: "a", source: { type: "vault-kv", address: "https://v:8200", role: "r", path: "a/../b" } }],
      }),
      "files[0].source.path",
      /plain path/,
    ],
    [
      "env var naming no file",
      minimal({ envFile: { path: "e.env", vars: { A: "missing" } } }),
      "envFile.vars.A",
      /not the path of any entry in files/,
    ],
    [
      "env var name",
      minimal({ envFile: { path: "e.env", vars: { "A-B": "db" } } }),
      "envFile.vars.A-B",
      /not a valid environment variable name/,
    ],
    [
      "env file path duplicates a file",
      minimal({ envFile: { path: "db", vars: { A: "db" } } }),
      "envFile.path",
      /duplicates files\[0\].path/,
    ],
    [
      "SSM ARN of another service",
      minimal({
        files: [
          {
            path: "a",
            source: { type: "aws-ssm", name: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf" },
          },
        ],
      }),
      "files[0].source.name",
      /not an SSM parameter ARN.*arn:aws:ssm:<region>:<12-digit account>:parameter\/<name>/,
    ],
    [
      "SSM ARN with a wildcard",
      minimal({
        files: [{ path: "a", source: { type: "aws-ssm", name: "arn:aws:ssm:eu-west-1:111122223333:parameter/app/*" } }],
      }),
      "files[0].source.name",
      /not an SSM parameter ARN/,
    ],
    [
      "SSM ARN with a short account",
      minimal({
        files: [{ path: "a", source: { type: "aws-ssm", name: "arn:aws:ssm:eu-west-1:1111:parameter/app/db" } }],
      }),
      "files[0].source.name",
      /12-digit account/,
    ],
    [
      "SSM ARN without a region",
      minimal({
        files: [{ path: "a", source: { type: "aws-ssm", name: "arn:aws:ssm::111122223333:parameter/app/db" } }],
      }),
      "files[0].source.name",
      /not an SSM parameter ARN/,
    ],
    [
      "SSM region contradicting the ARN",
      minimal({
        files: [
          {
            path: "a",
            source: {
              type: "aws-ssm",
              name: "arn:aws:ssm:us-east-1:111122223333:parameter/app/db",
              region: "eu-west-1",
            },
          },
        ],
      }),
      "files[0].source.region",
      /ARN is in "us-east-1"; remove region/,
    ],
    [
      "Secrets Manager region contradicting the ARN",
      minimal({
        files: [
          {
            path: "a",
            source: {
              type: "aws-secretsmanager",
              secretId: "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
              region: "eu-west-1",
            },
          },
        ],
      }),
      "files[0].source.region",
      /ARN is in "us-east-1"/,
    ],
    [
      "plain http Vault",
      minimal({
        files: [
          { path: "a", source: { type: "vault-kv", address: "http://vault.vault.svc:8200", role: "r", path: "p" } },
        ],
      }),
      "files[0].source.address",
      /plain http.*use https:\/\/, or set insecureHttp: true/,
    ],
    [
      "insecureHttp not a boolean",
      minimal({
        files: [
          {
            path: "a",
            source: {
              type: "vault-kv",
              address: "http://vault.vault.svc:8200",
              role: "r",
              path: "p",
              insecureHttp: "yes",
            },
          },
        ],
      }),
      "files[0].source.insecureHttp",
      /true or false/,
    ],
    [
      "duplicate top-level key",
      JSON.stringify(minimal()).replace(/}$/, ',"mode":"refresh"}'),
      "mode",
      /appears twice.*JSON keeps only the last/,
    ],
    [
      "duplicate key in a source",
      JSON.stringify(
        minimal({
          files: [
            { path: "a", source: { type: "aws-ssm", name: "/a" } },
            { path: "b", source: { type: "aws-ssm", name: "/b" } },
          ],
        }),
      ).replace('"name":"/b"', '"name":"/b","name":"/c"'),
      "files[1].source.name",
      /appears twice/,
    ],
    [
      "duplicate key spelled with an escape",
      JSON.stringify(minimal({ envFile: { path: "e.env", vars: { A: "db" } } })).replace(
        '{"A":"db"}',
        '{"A":"db","\\u0041":"db"}',
      ),
      "envFile.vars.A",
      /appears twice/,
    ],
    [
      "__proto__ as a variable name",
      '{"version":1,"dir":"/run/s","mode":"init","files":[{"path":"db","source":{"type":"aws-ssm","name":"/a"}}],"envFile":{"path":"e.env","vars":{"__proto__":"db"}}}',
      "envFile.vars.__proto__",
      /rename the variable/,
    ],
    [
      "unknown field with its path",
      minimal({ files: [{ path: "a", jsonkey: "k", source: { type: "aws-ssm", name: "/a" } }] }),
      "files[0].jsonkey",
      /not a known field/,
    ],
  ];
  for (const [label, doc, field, message] of cases) {
    it(label, () => {
      assert.throws(
        () => (typeof doc === "string" ? parseFetchSpecJson(doc) : parseFetchSpec(doc)),
        (e: unknown) => {
          assert.ok(e instanceof FetchSpecError, String(e));
          assert.equal(e.field, field);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }
});

describe("FetchSpec parser: accepted forms", () => {
  it("an SSM parameter ARN (another account's, with a selector) is kept whole, its region taken as given", () => {
    for (const name of [
      "arn:aws:ssm:us-east-1:444455556666:parameter/shared/db",
      "arn:aws-us-gov:ssm:us-gov-west-1:444455556666:parameter/db:3",
      "arn:aws:ssm:eu-west-1:444455556666:parameter/db",
    ]) {
      const spec = parseFetchSpec(minimal({ files: [{ path: "a", source: { type: "aws-ssm", name } }] }));
      assert.deepEqual(spec.files[0].source, { type: "aws-ssm", name });
    }
  });

  it("a plain-http Vault address is kept with insecureHttp: true; https needs nothing", () => {
    const http = parseFetchSpec(
      minimal({
        files: [
          {
            path: "a",
            source: { type: "vault-kv", address: "http://vault.mesh:8200", role: "r", path: "p", insecureHttp: true },
          },
        ],
      }),
    );
    assert.deepEqual(http.files[0].source, {
      type: "vault-kv",
      address: "http://vault.mesh:8200",
      role: "r",
      path: "p",
      insecureHttp: true,
    });
    const https = parseFetchSpec(
      minimal({
        files: [
          { path: "a", source: { type: "vault-kv", address: "https://vault.vault.svc:8200", role: "r", path: "p" } },
        ],
      }),
    );
    assert.equal("insecureHttp" in https.files[0].source, false);
  });

  it("the same key in different objects is no duplicate", () => {
    const text = JSON.stringify(
      minimal({
        files: [
          { path: "a", source: { type: "aws-ssm", name: "/a" } },
          { path: "b", source: { type: "aws-ssm", name: "/b" } },
        ],
        envFile: { path: "e.env", vars: { path: "a", name: "b" } },
      }),
    );
    assert.equal(parseFetchSpecJson(text).files.length, 2);
  });
});

describe("FetchSpec: notify (refresh mode tells the app)", () => {
  const refresh = (notify: unknown) => minimal({ mode: "refresh", notify });
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));

  it("accepts each of the three, with their defaults, and the schema accepts them too", () => {
    for (const [notify, parsed] of [
      [{ http: { port: 8080 } }, { http: { port: 8080 } }],
      [
        { http: { port: 8080, method: "PUT", path: "/-/reload?all=1" } },
        { http: { port: 8080, method: "PUT", path: "/-/reload?all=1" } },
      ],
      [{ signal: { process: "nginx" } }, { signal: { process: "nginx" } }],
      [{ signal: { process: "gunicorn", signal: "SIGUSR2" } }, { signal: { process: "gunicorn", signal: "SIGUSR2" } }],
      [{ generationFile: {} }, { generationFile: {} }],
      [{ generationFile: { path: "meta/generation" } }, { generationFile: { path: "meta/generation" } }],
    ] as const) {
      assert.deepEqual(parseFetchSpec(refresh(notify)).notify, parsed);
      assert.equal(validate(refresh(notify)), true, JSON.stringify(validate.errors));
    }
  });

  const cases: [string, unknown, string, RegExp][] = [
    ["notify in init mode", minimal({ notify: { http: { port: 8080 } } }), "notify", /applies to mode "refresh" only/],
    [
      "two kinds at once",
      refresh({ http: { port: 8080 }, generationFile: {} }),
      "notify",
      /sets http and generationFile; set exactly one/,
    ],
    ["no kind", refresh({}), "notify", /is empty; set exactly one of http, signal, generationFile/],
    ["port 0", refresh({ http: { port: 0 } }), "notify.http.port", /from 1 to 65535/],
    [
      "method DELETE",
      refresh({ http: { port: 80, method: "DELETE" } }),
      "notify.http.method",
      /use "POST", "PUT", "GET"/,
    ],
    ["path without /", refresh({ http: { port: 80, path: "reload" } }), "notify.http.path", /must start with "\/"/],
    ["path with a space", refresh({ http: { port: 80, path: "/re load" } }), "notify.http.path", /without spaces/],
    [
      "SIGKILL",
      refresh({ signal: { process: "app", signal: "SIGKILL" } }),
      "notify.signal.signal",
      /use "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGTERM"/,
    ],
    [
      "process name with a slash",
      refresh({ signal: { process: "/usr/bin/app" } }),
      "notify.signal.process",
      /executable's base name/,
    ],
    [
      "generation file escaping",
      refresh({ generationFile: { path: "../g" } }),
      "notify.generationFile.path",
      /".." segment/,
    ],
    [
      "generation file on a secret's path",
      refresh({ generationFile: { path: "db" } }),
      "notify.generationFile.path",
      /duplicates files\[0\].path/,
    ],
    [
      "unknown notify field",
      refresh({ http: { port: 80, host: "10.0.0.1" } }),
      "notify.http.host",
      /not a known field/,
    ],
  ];
  for (const [label, doc, field, message] of cases) {
    it(`refuses ${label}, naming ${field}`, () => {
      assert.throws(
        () => parseFetchSpec(doc),
        (e: unknown) => {
          assert.ok(e instanceof FetchSpecError, String(e));
          assert.equal(e.field, field);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }
});

describe("FetchSpec: kubeletEnvFile and notify.restartPod (Kubernetes 1.35/1.36)", () => {
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")));
  const withEnv = (vars: unknown, path = "secret-mount.kubelet.env") => minimal({ kubeletEnvFile: { path, vars } });

  it("accepts relaxed names (printable ASCII but '='), restartPod with and without an interval; the schema agrees", () => {
    const names = { DB_PASSWORD: "db", "lower.dotted-name": "db", "9LEADING_DIGIT": "db", "INNER SPACE": "db" };
    for (const doc of [
      withEnv(names),
      minimal({ mode: "refresh", notify: { restartPod: {} } }),
      minimal({ mode: "refresh", notify: { restartPod: { minIntervalSeconds: 30 } } }),
    ]) {
      parseFetchSpec(doc);
      assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    }
    assert.deepEqual(parseFetchSpec(withEnv(names)).kubeletEnvFile, { path: "secret-mount.kubelet.env", vars: names });
  });

  const cases: [string, unknown, string, RegExp][] = [
    ["a name starting with #", withEnv({ "#A": "db" }), "kubeletEnvFile.vars.#A", /starts with '#'/],
    ["a name with a trailing space", withEnv({ "A ": "db" }), "kubeletEnvFile.vars.A ", /starts or ends with a space/],
    ["a name with =", withEnv({ "A=B": "db" }), "kubeletEnvFile.vars.A=B", /'='/],
    ["a name with a non-ASCII letter", withEnv({ PÄSS: "db" }), "kubeletEnvFile.vars.PÄSS", /outside printable ASCII/],
    [
      "a name over 128 characters",
      withEnv({ ["N".repeat(129)]: "db" }),
      `kubeletEnvFile.vars.${"N".repeat(129)}`,
      /128/,
    ],
    ["a var naming no file", withEnv({ A: "nope" }), "kubeletEnvFile.vars.A", /not the path of any entry in files/],
    ["no vars", withEnv({}), "kubeletEnvFile.vars", /at least one/],
    [
      "the env file on a secret's path",
      withEnv({ A: "db" }, "db"),
      "kubeletEnvFile.path",
      /duplicates files\[0\].path/,
    ],
    ["restartPod in init mode", minimal({ notify: { restartPod: {} } }), "notify", /applies to mode "refresh" only/],
    [
      "restartPod with another notification",
      minimal({ mode: "refresh", notify: { restartPod: {}, http: { port: 80 } } }),
      "notify",
      /set exactly one of http, signal, generationFile, restartPod/,
    ],
    [
      "an interval under 30 s",
      minimal({ mode: "refresh", notify: { restartPod: { minIntervalSeconds: 29 } } }),
      "notify.restartPod.minIntervalSeconds",
      /from 30 to 604800/,
    ],
  ];
  for (const [label, doc, field, message] of cases) {
    it(`refuses ${label}, naming ${field}`, () => {
      assert.throws(
        () => parseFetchSpec(doc),
        (e: unknown) => {
          assert.ok(e instanceof FetchSpecError, String(e));
          assert.equal(e.field, field);
          assert.match(e.message, message);
          return true;
        },
      );
    });
  }
});
