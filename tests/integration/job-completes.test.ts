import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { baseArgs, mockWorkload } from "../components/mock-run";
import { AwsDouble } from "../runtime/doubles/aws";
import { isolatedEnv, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";

/**
 * A Job's pod completes only if every init container exits: the rendered Job's fetch container,
 * run as the kubelet runs it (its own env plus the IRSA webhook's), exits 0 by itself after one
 * complete write, so the Job's containers start and the pod can finish.
 */
describe("integration: a Job's fetch container exits 0 (init mode), so the Job can complete", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  for (const kind of ["Job", "CronJob"] as const) {
    it(`${kind}: the rendered fetcher writes the secret and exits 0 on its own`, async () => {
      aws.reset({ data: true });
      const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
      const mount = tempDir("sm-job-");
      const w = await mockWorkload(
        "report",
        baseArgs({
          kind,
          ...(kind === "CronJob" ? { schedule: "0 3 * * *" } : {}),
          mountPath: mount,
          secrets: [{ name: "db", existing: { arn: dbArn } }],
          // The role the AWS double's STS issues credentials for.
          eks: { ...baseArgs().eks!, roleName: "billing-fetch" },
        }),
      );
      const job = w.one(kind === "Job" ? "kubernetes:batch/v1:Job" : "kubernetes:batch/v1:CronJob");
      const podSpec = (kind === "Job" ? job.spec : job.spec.jobTemplate.spec).template.spec;
      const fetch = podSpec.initContainers[0];
      assert.equal(fetch.restartPolicy, undefined, "not a sidecar");
      const env = Object.fromEntries(fetch.env.map((e: { name: string; value: string }) => [e.name, e.value]));
      assert.equal(JSON.parse(env.SECRET_MOUNT_SPEC).mode, "init");
      const injected = {
        ...aws.irsaEnv(tempDir()),
        AWS_ROLE_ARN: w.one("kubernetes:core/v1:ServiceAccount").metadata.annotations["eks.amazonaws.com/role-arn"],
      };

      const started = Date.now();
      const r = await runFetch({ env: isolatedEnv({ ...injected, ...env }), timeoutMs: 15_000 });
      assert.equal(r.signal, null, "exited by itself, not killed at the timeout");
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - started < 15_000);
      assert.equal(fs.readFileSync(path.join(mount, "db"), "utf8"), `${SECRET_MARKER}-db`);
    });
  }
});
