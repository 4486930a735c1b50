import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { BUNDLE, runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

describe("runtime: the bundle", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  it("is one entry file plus chunks, all ES modules", () => {
    assert.ok(fs.existsSync(BUNDLE));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(path.dirname(BUNDLE), "package.json"), "utf8")), {
      type: "module",
    });
  });

  it("loads providers lazily: a Secrets Manager-only spec never loads the Azure, Google, Vault or SSM code", async () => {
    aws.putSecret("lazy/db", `${SECRET_MARKER}-lazy`);
    const dir = tempDir();
    const loadedList = path.join(dir, "loaded.txt");
    const hook = path.join(dir, "record-loads.cjs");
    // Records every module URL Node loads (Node >= 22.15 synchronous hooks).
    fs.writeFileSync(
      hook,
      `const fs = require("node:fs"); require("node:module").registerHooks({ load(url, context, next) { fs.appendFileSync(${JSON.stringify(loadedList)}, url + "\\n"); return next(url, context); } });`,
    );
    const vol = path.join(dir, "vol");
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: [{ path: "db", source: { type: "aws-secretsmanager", secretId: "lazy/db", region: REGION } }],
    };
    const r = await runFetch({
      env: specEnv(spec, { ...aws.podIdentityEnv(tempDir()), NODE_OPTIONS: `--require ${hook}` }),
    });
    assert.equal(r.code, 0, r.stderr);
    const loaded = fs
      .readFileSync(loadedList, "utf8")
      .split("\n")
      .filter((u) => u.includes("/runtime-image/dist/"))
      .map((u) => path.basename(u));
    assert.ok(
      loaded.some((f) => f.startsWith("aws-secretsmanager-")),
      loaded.join(","),
    );
    for (const other of ["azure-keyvault-", "gcp-secretmanager-", "vault-kv-", "aws-ssm-"]) {
      assert.ok(!loaded.some((f) => f.startsWith(other)), `${other} was loaded: ${loaded.join(",")}`);
    }
  });
});
