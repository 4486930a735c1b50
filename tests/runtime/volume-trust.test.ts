/** The bundle on a volume someone tampered with: it refuses, and never touches anything outside the volume. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AwsDouble, REGION } from "./doubles/aws";
import { runFetch, SECRET_MARKER, specEnv, tempDir } from "./harness";

describe("runtime: a planted ..data", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  it("..data -> ../victim: exit 3 with one write-failed line; the victim directory is untouched, nothing written", async () => {
    aws.putSecret("trust/db", `${SECRET_MARKER}-trust`);
    const base = tempDir();
    const victim = path.join(base, "victim");
    fs.mkdirSync(path.join(victim, "inner"), { recursive: true });
    fs.writeFileSync(path.join(victim, "inner", "precious"), "keep me");
    const vol = path.join(base, "vol");
    fs.mkdirSync(vol);
    fs.symlinkSync("../victim", path.join(vol, "..data"));
    const spec = {
      version: 1,
      dir: vol,
      mode: "init",
      files: [{ path: "inner", source: { type: "aws-secretsmanager", secretId: "trust/db", region: REGION } }],
    };
    const r = await runFetch({ env: specEnv(spec, aws.podIdentityEnv(tempDir())) });
    assert.equal(r.code, 3, r.stderr);
    const failed = r.logs.filter((l) => l.event === "write-failed");
    assert.equal(failed.length, 1);
    assert.match(String(failed[0].msg), /\.\.data points at "\.\.\/victim", not a data directory this program made/);
    assert.equal(fs.readFileSync(path.join(victim, "inner", "precious"), "utf8"), "keep me");
    assert.deepEqual(fs.readdirSync(vol), ["..data"]);
  });
});
