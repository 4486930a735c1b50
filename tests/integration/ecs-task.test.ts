import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { canPerform } from "../helpers/iam";
import { mockTask, taskArgs } from "../components/ecs-mock";
import { AwsDouble } from "../runtime/doubles/aws";
import {
  BUNDLE,
  isolatedEnv,
  listTree,
  parseLogLines,
  recordOutput,
  runFetch,
  SECRET_MARKER,
  tempDir,
  type LogLine,
} from "../runtime/harness";
import { fetchImageVolumes } from "../helpers/fetch-image-volume";

type Condition = "START" | "COMPLETE" | "SUCCESS" | "HEALTHY";
/** When the ECS agent starts a dependent container (ECS developer guide, "Container dependency"). */
function agentStartsApp(condition: Condition | string, fetchExit: number | null): boolean {
  if (condition === "START") return true;
  if (condition === "COMPLETE") return fetchExit !== null;
  if (condition === "SUCCESS") return fetchExit === 0;
  return false;
}

/**
 * Both halves together: the task definition the component renders, run as the ECS agent would
 * run its fetch container: the container's environment from the rendered definitions plus what
 * the agent adds (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, whose 169.254.170.2 address the agent
 * routes to itself), against the loopback AWS double.
 */
describe("integration: the rendered ECS task's fetch container against the AWS double", () => {
  let aws: AwsDouble;
  before(async () => {
    aws = await new AwsDouble().start();
  });
  after(() => aws.close());

  /**
   * The fetch container's environment as it runs on this host: ECS mounts the volume's host
   * directory at the fetch container's containerPath, so the FetchSpec's `dir` (checked to be that
   * containerPath) is `hostDir` here.
   */
  function onHost(env: Record<string, string>, fetch: Record<string, any>, hostDir: string): Record<string, string> {
    const spec = JSON.parse(env.SECRET_MOUNT_SPEC);
    assert.deepEqual(
      fetch.mountPoints.map((m: { containerPath: string }) => m.containerPath),
      [spec.dir],
      "the fetcher writes where its container mounts the volume",
    );
    return { ...env, SECRET_MOUNT_SPEC: JSON.stringify({ ...spec, dir: hostDir }) };
  }

  async function rendered(mount: string, dbArn: string, stripeArn: string) {
    const t = await mockTask(
      "shop",
      taskArgs({
        mountPath: "/run/secrets/shop",
        secrets: [
          { name: "db", existing: { arn: dbArn } },
          { name: "stripe", existing: { arn: stripeArn }, files: [{ path: "stripe/key", jsonKey: "apiKey" }] },
          { name: "flags", existing: { name: "/shop/flags" }, aws: { store: "ssm-parameter" } },
        ],
        envFile: { vars: { DB_PASSWORD: "db" } },
      }),
    );
    const [fetch, app] = JSON.parse(t.outputs.containerDefinitions) as Record<string, any>[];
    assert.deepEqual(app.mountPoints, [
      { sourceVolume: "secret-mount", containerPath: "/run/secrets/shop", readOnly: true },
    ]);
    const env = onHost(
      Object.fromEntries((fetch.environment as { name: string; value: string }[]).map((e) => [e.name, e.value])),
      fetch,
      mount,
    );
    return { t, fetch, app, env };
  }

  it("with the task role's credentials from the ECS endpoint: every file appears, and the app's dependency (SUCCESS) lets it start", async () => {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const stripeArn = aws.putSecret("prod/stripe", JSON.stringify({ apiKey: `${SECRET_MARKER}-key` }));
    aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
    const mount = tempDir("sm-ecs-");
    const { t, app, env } = await rendered(mount, dbArn, stripeArn);
    assert.equal(env.AWS_EC2_METADATA_DISABLED, "true");

    const r = await runFetch({ env: isolatedEnv({ ...aws.ecsTaskEnv(), ...env }) });
    assert.equal(r.code, 0, r.stderr);
    const read = (p: string) => fs.readFileSync(path.join(mount, p), "utf8");
    assert.equal(read("db"), `${SECRET_MARKER}-db`);
    assert.equal(read("stripe/key"), `${SECRET_MARKER}-key`);
    assert.equal(read("flags"), `${SECRET_MARKER}-flags`);
    assert.equal(read("secrets.env"), `DB_PASSWORD=${SECRET_MARKER}-db\n`);
    assert.deepEqual(
      ["db", "stripe/key", "flags"].map((p) => (fs.statSync(path.join(mount, p)).mode & 0o777).toString(8)),
      ["440", "440", "440"],
    );

    // The credentials came from the ECS agent's endpoint, and every request was signed with them.
    assert.ok(aws.callsOf("ecs-task-credentials").length >= 1);
    assert.equal(aws.callsOf("container-credentials").length, 0);
    assert.equal(aws.callsOf("sts.AssumeRoleWithWebIdentity").length, 0);

    // Every secret the fetcher asked for is one the rendered task role allows.
    const policy = JSON.parse(t.outputs.taskRolePolicy);
    const asked = aws.calls.flatMap((c) => {
      if (c.op === "secretsmanager.BatchGetSecretValue")
        return (c.body.SecretIdList as string[]).map((id) => ["secretsmanager:GetSecretValue", id]);
      if (c.op === "secretsmanager.GetSecretValue")
        return [["secretsmanager:GetSecretValue", c.body.SecretId as string]];
      if (c.op === "ssm.GetParameters")
        return (c.body.Names as string[]).map((n) => [
          "ssm:GetParameters",
          `arn:aws:ssm:eu-west-1:111122223333:parameter${n}`,
        ]);
      return [];
    });
    assert.deepEqual(
      asked.map(([, res]) => res).sort(),
      [dbArn, stripeArn, "arn:aws:ssm:eu-west-1:111122223333:parameter/shop/flags"].sort(),
    );
    for (const [action, resource] of asked)
      assert.equal((await canPerform([policy], action, resource)).allowed, true, `${action} ${resource}`);

    assert.deepEqual(app.dependsOn, [{ containerName: "secret-mount-fetch", condition: "SUCCESS" }]);
    assert.equal(agentStartsApp(app.dependsOn[0].condition, r.code), true);
  });

  it("a failed fetch exits non-zero, writes nothing, and leaves the app not started (a COMPLETE condition would have started it)", async () => {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const stripeArn = aws.putSecret("prod/stripe", JSON.stringify({ apiKey: `${SECRET_MARKER}-key` }));
    aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
    aws.denied.add("prod/stripe");
    const mount = tempDir("sm-ecs-");
    const { app, env } = await rendered(mount, dbArn, stripeArn);

    const r = await runFetch({ env: isolatedEnv({ ...aws.ecsTaskEnv(), ...env }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /prod\/stripe/);
    assert.deepEqual(
      listTree(mount).filter((f) => !f.startsWith(".")),
      [],
    );
    assert.equal(agentStartsApp(app.dependsOn[0].condition, r.code), false);
    assert.equal(agentStartsApp("COMPLETE", r.code), true, "a COMPLETE condition starts the app without its secrets");
  });

  it("without the ECS agent's credentials the fetcher does not fall back to the instance's: it fails", async () => {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const stripeArn = aws.putSecret("prod/stripe", JSON.stringify({ apiKey: `${SECRET_MARKER}-key` }));
    aws.putParameter("/shop/flags", `${SECRET_MARKER}-flags`);
    const mount = tempDir("sm-ecs-");
    const { env } = await rendered(mount, dbArn, stripeArn);
    const r = await runFetch({ env: isolatedEnv({ ...aws.endpointEnv(), ...env }) });
    assert.notEqual(r.code, 0);
    assert.equal(
      aws.calls
        .filter((c) => c.op?.startsWith("secretsmanager") || c.op?.startsWith("ssm"))
        .filter((c) => c.status === 200).length,
      0,
    );
  });
});

function canSwitchUsers(): string | undefined {
  if (process.getuid?.() !== 0) return "the tests do not run as root (switching to uid 65532 and 10001 needs root)";
  if (spawnSync("setpriv", ["--version"]).status !== 0) return "setpriv (util-linux) is not installed";
  return undefined;
}

/** `"<uid>:<gid>"` as setpriv arguments, with no supplementary group (ECS gives a container none). */
const asUser = (user: string) => {
  const [uid, gid] = user.split(":");
  return ["--reuid", uid, "--regid", gid, "--clear-groups"];
};

/** The fetch bundle run as the rendered fetch container's `user`. */
function fetchAs(user: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; logs: LogLine[] }> {
  const child = spawn("setpriv", [...asUser(user), process.execPath, BUNDLE], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(killer);
      recordOutput(`fetch as ${user}`, out);
      resolve({ code, logs: parseLogLines(out) });
    }),
  );
}

/** Reads a file as `user` with no supplementary group; stdout is the secret on purpose, only stderr goes to the leak check. */
function readAs(user: string, file: string): { ok: boolean; text: string; err: string } {
  const r = spawnSync("setpriv", [...asUser(user), "cat", file], { encoding: "utf8" });
  recordOutput(`read as ${user} (stderr)`, r.stderr);
  return { ok: r.status === 0, text: r.stdout, err: r.stderr };
}

/**
 * File ownership on ECS, with the real UIDs: the volume directory as ECS gives it to the task, the
 * fetcher run as the rendered fetch container's user, the app reading as the rendered app's user,
 * neither with a supplementary group. Fargate copies the fetch image's VOLUME directory (owner and
 * mode as the Dockerfile makes it) into the bind-mount volume mounted at that path; EC2's tmpfs
 * options give it the same. Without it a Fargate bind mount is root-owned 0755 (ECS developer
 * guide, "Use bind mounts with Amazon ECS"). Needs root and setpriv (util-linux).
 */
describe("integration: file ownership on the ECS volume, as the real UIDs", function () {
  let aws: AwsDouble;
  const [volume] = fetchImageVolumes();
  before(async function () {
    const why = canSwitchUsers();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    aws = await new AwsDouble().start();
  });
  after(() => aws?.close());

  /** A world-traversable scratch dir (the harness's temp dirs are 0700 root) holding the volume with the given owner and mode. */
  function volumeDir(uid: number, gid: number, mode: number): string {
    const base = tempDir("sm-ecs-owner-");
    fs.chmodSync(base, 0o755);
    const vol = path.join(base, "vol");
    fs.mkdirSync(vol);
    fs.chownSync(vol, uid, gid);
    fs.chmodSync(vol, mode);
    return vol;
  }

  async function task(vol: string) {
    aws.reset({ data: true });
    const dbArn = aws.putSecret("prod/db", `${SECRET_MARKER}-db`);
    const t = await mockTask(
      "shop",
      taskArgs({ secrets: [{ name: "db", existing: { arn: dbArn }, files: [{ path: "db/password" }] }] }),
    );
    const [fetch, app] = JSON.parse(t.outputs.containerDefinitions) as Record<string, any>[];
    const spec = JSON.parse(t.outputs.fetchSpec);
    assert.equal(
      fetch.mountPoints[0].containerPath,
      volume.path,
      "the fetch container mounts the volume at the image's VOLUME path",
    );
    assert.equal(spec.dir, volume.path);
    const env = isolatedEnv({
      ...aws.ecsTaskEnv(),
      ...Object.fromEntries((fetch.environment as { name: string; value: string }[]).map((e) => [e.name, e.value])),
      SECRET_MOUNT_SPEC: JSON.stringify({ ...spec, dir: vol }),
    });
    fs.chmodSync(env.HOME!, 0o755);
    return { fetch, app, env };
  }

  it(`on the image's VOLUME directory (${volume.uid}:${volume.gid}, ${volume.mode.toString(8)}): the fetcher writes as its user, the app reads as its user, any other uid is denied`, async () => {
    const vol = volumeDir(volume.uid, volume.gid, volume.mode);
    const { fetch, app, env } = await task(vol);
    assert.equal(fetch.user, "65532:65532");
    assert.equal(app.user, "10001:65532");
    const r = await fetchAs(fetch.user, env);
    assert.equal(r.code, 0, JSON.stringify(r.logs));
    assert.equal(agentStartsApp(app.dependsOn[0].condition, r.code), true);
    const read = readAs(app.user, path.join(vol, "db/password"));
    assert.ok(read.ok, `the app (${app.user}) could not read db/password: ${read.err}`);
    assert.equal(read.text, `${SECRET_MARKER}-db`);
    const denied = readAs("10002:10002", path.join(vol, "db/password"));
    assert.equal(denied.ok, false, "a uid outside the files' group must be denied");
    assert.match(denied.err, /Permission denied/);
  });

  it("on a bare Fargate bind mount (root:root 0755, no VOLUME in the image): the fetch fails with one EACCES line and the app does not start", async () => {
    const vol = volumeDir(0, 0, 0o755);
    const { fetch, app, env } = await task(vol);
    const r = await fetchAs(fetch.user, env);
    assert.notEqual(r.code, 0);
    const failed = r.logs.filter((l) => l.event === "write-failed");
    assert.equal(failed.length, 1, JSON.stringify(r.logs));
    assert.equal(failed[0].code, "EACCES");
    assert.deepEqual(fs.readdirSync(vol), []);
    assert.equal(agentStartsApp(app.dependsOn[0].condition, r.code), false);
  });
});
