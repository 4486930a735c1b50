import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { baseArgs, mockWorkload } from "../components/mock-run";
import { AwsDouble } from "../runtime/doubles/aws";
import { isolatedEnv, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";

/**
 * A FetchSpec too large for the environment (950 files): the component puts it into a ConfigMap;
 * here the ConfigMap's data is written where the pod would mount it, and the fetch bundle, given the
 * rendered container's env, reads it from SECRET_MOUNT_SPEC_FILE and writes every file.
 */
describe("integration: a 950-file workload's FetchSpec, from its ConfigMap, through the fetch bundle", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  it("writes all 950 files", async function () {
    this.timeout(120000);
    aws.reset({ data: true });
    const keys = Array.from({ length: 10 }, (_, j) => `key${j}`);
    const secrets = Array.from({ length: 95 }, (_, i) => {
      const arn = aws.putSecret(
        `prod/json-${i}`,
        JSON.stringify(Object.fromEntries(keys.map((k) => [k, `${SECRET_MARKER}-${i}-${k}`]))),
      );
      return { name: `json-${i}`, existing: { arn }, files: keys.map((k) => ({ path: `json-${i}/${k}`, jsonKey: k })) };
    });
    const mount = tempDir("sm-mount-");
    const w = await mockWorkload(
      "big",
      baseArgs({ mountPath: mount, eks: { identity: "pod-identity", clusterName: "prod" }, secrets }),
    );
    const cm = w.one("kubernetes:core/v1:ConfigMap");
    const specText = String(cm.data["spec.json"]);
    assert.ok(
      Buffer.byteLength(specText) > 128 * 1024,
      `a spec of ${Buffer.byteLength(specText)} bytes would not fit one environment string`,
    );

    const fetch = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0];
    const env: Record<string, string> = Object.fromEntries(
      fetch.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    assert.equal(env.SECRET_MOUNT_SPEC, undefined);
    // The kubelet would mount the ConfigMap at /etc/secret-mount-spec; here the same file lives in a temp dir.
    const specDir = tempDir("sm-spec-");
    fs.writeFileSync(path.join(specDir, "spec.json"), specText);
    env.SECRET_MOUNT_SPEC_FILE = path.join(specDir, path.basename(env.SECRET_MOUNT_SPEC_FILE));

    const r = await runFetch({ env: isolatedEnv({ ...aws.podIdentityEnv(tempDir()), ...env }) });
    assert.equal(r.code, 0, r.stderr.slice(0, 2000));
    for (const i of [0, 47, 94]) {
      for (const k of ["key0", "key9"])
        assert.equal(fs.readFileSync(path.join(mount, `json-${i}`, k), "utf8"), `${SECRET_MARKER}-${i}-${k}`);
    }
    const count = fs
      .readdirSync(mount)
      .filter((d) => d.startsWith("json-"))
      .reduce((n, d) => n + fs.readdirSync(path.join(mount, d)).length, 0);
    assert.equal(count, 950);
  });
});
