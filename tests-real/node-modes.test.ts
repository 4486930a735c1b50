import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { Cluster } from "./helpers/cluster";
import { IMAGE_NAMES } from "./helpers/images";
import type { KubeNode } from "./helpers/node";
import { assertChecks, checks, checkScript } from "./helpers/node-checks";
import { envHash, jsonLines, runLogsIn } from "./helpers/node-logs";
import { fetchSpecOf, MOUNT, podSpecOf, prepare, sha, type Prepared, type Stores } from "./helpers/node-pods";
import { NodeTier } from "./helpers/node-tier";
import { renderedObjectsAt, type KubeObject } from "./helpers/rendered";
import type { AwsDouble } from "../tests/runtime/doubles/aws";

/**
 * On the real node (helpers/node-tier.ts), what the examples do not show, from a fixture program
 * rendered offline: refresh mode's native sidecar with the HTTP, signal and generation-file
 * notifications; env vars from the env file with restart in place and its debounce; Jobs and a
 * CronJob in init and refresh mode. App containers run check scripts that print hashes, never values.
 */
describe("a real node runs the workload kinds and modes the examples do not show (tests-real/fixtures/node-program): refresh with each notification, env vars with restart in place, Jobs and a CronJob", function () {
  this.timeout(600_000);
  const t = new NodeTier();
  let cluster: Cluster;
  let node: KubeNode;
  let aws: AwsDouble;
  let stores: Stores;

  after(() => t.stop());
  let fixture: KubeObject[];
  let prepared: Prepared;
  before(async function () {
    this.timeout(0);
    await t.start(this);
    ({ cluster, node, aws, stores } = t);
    fixture = await renderedObjectsAt(path.join(__dirname, "fixtures/node-program"));
    prepared = prepare(fixture, stores, (o, files) => {
      if (o.kind === "Deployment" && o.metadata.namespace === "node-env-restart") {
        // The variable the kubelet set from the env file: its hash, never its value.
        return checkScript(
          files,
          `echo "check env API_TOKEN $(printf %s "$API_TOKEN" | sha256sum | cut -d' ' -f1)"\necho env-done\nexec sleep 86400`,
        );
      }
      if (o.kind === "Deployment" && o.metadata.name === "signaled") {
        // A shell that traps SIGHUP and prints the file's hash and ..data's target; `wait` lets the
        // trap run at once.
        return checkScript(
          files,
          [
            `trap 'echo "reload HUP $(sha256sum < "$d/${files[0]}" | cut -d" " -f1) $(readlink "$d/..data")"' HUP`,
            "while :; do sleep 1 & wait $!; done",
          ].join("\n"),
        );
      }
      if (o.kind === "Deployment" && o.metadata.name === "watched") {
        // docs/rotation.md's Node watcher, in the fetch image's Node (the busybox here has no
        // inotifyd): on ..data moved in, the generation and the file's hash.
        const gen = fetchSpecOf(podSpecOf(o)!.spec).notify.generationFile.path;
        const js = [
          `const fs = require("fs"), crypto = require("crypto"), d = ${JSON.stringify(MOUNT)};`,
          `const show = (why) => console.log([why, JSON.parse(fs.readFileSync(d + "/" + ${JSON.stringify(gen ?? "secret-mount.generation")}, "utf8")).generation,`,
          `  crypto.createHash("sha256").update(fs.readFileSync(d + "/" + ${JSON.stringify(files[0])})).digest("hex"), fs.readlinkSync(d + "/..data")].join(" "));`,
          `show("generation");`,
          `fs.watch(d, (e, name) => name === "..data" && show("reload"));`,
          `console.log("checks-done");`,
        ].join("\n");
        return { image: IMAGE_NAMES.fetch, command: ["/nodejs/bin/node", "-e", js] };
      }
      if (o.kind === "Deployment") {
        return [
          `export RELOAD_DIR=${MOUNT} RELOAD_FILES="${files.join(" ")}"`,
          checkScript(files, `exec httpd -f -p 127.0.0.1:8080 -h /www`),
        ].join("\n");
      }
      if (o.kind === "Job" && o.metadata.name === "batch") {
        // A batch job that waits for the next generation of its secret, then reads it and exits.
        const gen = fetchSpecOf(podSpecOf(o)!.spec).notify.generationFile.path ?? "secret-mount.generation";
        return checkScript(
          files,
          [
            `until grep -q '"generation":2,' "$d/${gen}"; do sleep 1; done`,
            `echo "reload $(sha256sum < "$d/${files[0]}" | cut -d' ' -f1)"`,
            "exit 0",
          ].join("\n"),
        );
      }
      return checkScript(files, "exit 0");
    });
  });

  it("refresh: the native sidecar starts before the app and keeps running; a new version is swapped in, visible through ..data, and the HTTP notification reaches the app", async () => {
    const objects = prepared.objects.filter(
      (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === "node-refresh",
    );
    await t.create(objects);
    const d = objects.find((o) => o.kind === "Deployment")!;
    const spec = d.spec.template.spec;
    assert.equal(spec.initContainers[0].restartPolicy, "Always", "the fetcher is a native sidecar");
    const { pod, log } = await t.appLog("node-refresh", d.spec.selector.matchLabels, "app", "checks-done");
    const volume = spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory");
    assertChecks(
      log,
      prepared.expected.get(d.metadata.name)!,
      volume.emptyDir.sizeLimit,
      spec.securityContext.fsGroup,
      "0440",
    );
    // The pod's status as the kubelet reports it once the app runs.
    const { fetch, app } = await t.until("the app's status to say running", async () => {
      const p = (await t.pods("node-refresh", d.spec.selector.matchLabels)).find(
        (x) => x.metadata.name === pod.metadata.name,
      );
      const f = p?.status?.initContainerStatuses?.find((st: KubeObject) => st.name === "secret-mount-fetch");
      const a = p?.status?.containerStatuses?.find((st: KubeObject) => st.name === "app");
      return a?.state?.running ? { fetch: f, app: a } : undefined;
    });
    assert.ok(fetch.state.running, `the sidecar runs: ${JSON.stringify(fetch.state)}`);
    assert.ok(
      Date.parse(fetch.state.running.startedAt) <= Date.parse(app.state.running.startedAt),
      "the sidecar started first",
    );
    const firstLink = checks(log).get("data-link");

    // A new version in the store: the next refresh swaps it in and tells the app.
    const fetchSpec = fetchSpecOf(spec);
    const arn = fetchSpec.files[0].source.secretId;
    const rotated = `v-${randomBytes(12).toString("hex")}`;
    aws.putSecretAt(arn, rotated);
    const reload = await t.until(
      "the app's reload endpoint to see the new version",
      async () => {
        const l = node
          .containerLog("node-refresh", pod.metadata.name, "app")
          .split("\n")
          .find((x) => x.startsWith(`reload POST ${fetchSpec.files[0].path} ${sha(rotated)}`));
        return l;
      },
      90_000,
    );
    const link = reload.split(" ").pop();
    assert.ok(link && link !== firstLink, `..data now points at a new set (${firstLink} -> ${link})`);
    const after = (await t.pods("node-refresh", d.spec.selector.matchLabels)).find(
      (p) => p.metadata.name === pod.metadata.name,
    )!;
    const sidecar = after.status.initContainerStatuses.find((st: KubeObject) => st.name === "secret-mount-fetch");
    assert.ok(sidecar.state.running, "the sidecar keeps running");
    assert.equal(sidecar.restartCount, 0);
  });

  it("refresh notifications: SIGHUP reaches the app's shell in the shared process namespace, and the app's fs.watch sees ..data moved in with the next generation file", async () => {
    const ns = "node-notify";
    const objects = prepared.objects.filter(
      (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === ns,
    );
    await t.create(objects);
    const signaled = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "signaled")!;
    const watched = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "watched")!;
    assert.equal(signaled.spec.template.spec.shareProcessNamespace, true, "signal: one process namespace");
    assert.equal(watched.spec.template.spec.shareProcessNamespace, undefined, "generationFile: none shared");
    const specOf = (d: KubeObject) => fetchSpecOf(d.spec.template.spec);
    const s1 = await t.appLog(ns, signaled.spec.selector.matchLabels, "app", "checks-done");
    const w1 = await t.appLog(ns, watched.spec.selector.matchLabels, "app", "checks-done");
    const [, gen0, hash0] = /^generation (\d+) (\S+) /m.exec(w1.log)!;
    assert.equal(hash0, [...prepared.expected.get("watched")!.values()][0], "the first set's file");

    // A new version of each secret: the next refresh swaps it in and notifies.
    const rotated = {
      signaled: `v-${randomBytes(12).toString("hex")}`,
      watched: `v-${randomBytes(12).toString("hex")}`,
    };
    aws.putSecretAt(specOf(signaled).files[0].source.secretId, rotated.signaled);
    aws.putSecretAt(specOf(watched).files[0].source.secretId, rotated.watched);
    const hup = await t.until(
      "the app's shell to trap SIGHUP and see the new value",
      async () =>
        node
          .containerLog(ns, s1.pod.metadata.name, "app")
          .split("\n")
          .find((l) => l.startsWith(`reload HUP ${sha(rotated.signaled)} `)),
      90_000,
    );
    assert.notEqual(hup.split(" ").pop(), checks(s1.log).get("data-link"), "..data points at a new set");
    const notified = jsonLines(node.containerLog(ns, s1.pod.metadata.name, "secret-mount-fetch")).filter(
      (l) => l.event === "app-notified",
    );
    assert.ok(notified.length >= 1, "the sidecar logged app-notified");
    assert.ok(
      notified.every((l) => l.mode === "signal" && l.signal === "SIGHUP" && l.pids.length >= 1),
      JSON.stringify(notified),
    );
    const reload = await t.until(
      "the app's fs.watch to see ..data with the new value",
      async () =>
        node
          .containerLog(ns, w1.pod.metadata.name, "app")
          .split("\n")
          .find((l) => l.startsWith("reload ") && l.split(" ")[2] === sha(rotated.watched)),
      90_000,
    );
    assert.equal(Number(reload.split(" ")[1]), Number(gen0) + 1, `the generation file counts the sets: ${reload}`);
  });

  it("secretEnv + restartPod: the kubelet sets the app's variable from the env file; a rotation restarts the same pod in place (fetcher again, app with the new value); a second rotation soon after restarts it only minIntervalSeconds after the first", async () => {
    const ns = "node-env-restart";
    const runLogs = (n: string, p: string, c: string) => runLogsIn(path.join(node.dir, "pod-logs"), n, p, c);
    const objects = prepared.objects.filter(
      (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === ns,
    );
    await t.create(objects);
    const d = objects.find((o) => o.kind === "Deployment")!;
    const spec = d.spec.template.spec;
    const sel = d.spec.selector.matchLabels;
    // As rendered: a reference only in the app, the restart rule on the fetch sidecar.
    const appSpec = spec.containers.find((c: KubeObject) => c.name === "app");
    assert.deepEqual(appSpec.env.find((e: KubeObject) => e.name === "API_TOKEN").valueFrom.fileKeyRef.key, "API_TOKEN");
    assert.equal(spec.initContainers[0].restartPolicy, "Always");
    assert.deepEqual(spec.initContainers[0].restartPolicyRules, [
      { action: "RestartAllContainers", exitCodes: { operator: "In", values: [75] } },
    ]);
    const expected = prepared.expected.get(d.metadata.name)!;
    assert.equal(expected.size, 1);
    const [[file, firstHash]] = [...expected];
    const fetchSpec = fetchSpecOf(spec);
    assert.equal(fetchSpec.kubeletEnvFile.vars.API_TOKEN, file);

    // (1) The app's environment holds the value the fetcher wrote (same hash as the file's).
    const { pod, log } = await t.appLog(ns, sel, "app", "env-done");
    assert.equal(checks(log).get(`file ${file}`)?.split(" ").pop(), firstHash, "the file holds the stored value");
    assert.equal(envHash(log), firstHash, "API_TOKEN holds the stored value");
    const uid = pod.metadata.uid;
    const status = async () => {
      const all = await t.pods(ns, sel);
      const p = all.find((x) => x.metadata.name === pod.metadata.name);
      return {
        all,
        p,
        fetch: p?.status?.initContainerStatuses?.find((st: KubeObject) => st.name === "secret-mount-fetch"),
        app: p?.status?.containerStatuses?.find((st: KubeObject) => st.name === "app"),
      };
    };
    const before = await t.until("the app to run", async () => {
      const s = await status();
      return s.app?.state?.running ? s : undefined;
    });
    assert.equal(before.app.restartCount, 0);
    assert.equal(before.fetch.restartCount, 0);

    // (2) A new version in the store: the sidecar swaps it in, exits 75, the kubelet restarts every container.
    const rotated = `v-${randomBytes(12).toString("hex")}`;
    aws.putSecretAt(fetchSpec.files[0].source.secretId, rotated);
    const describe = async () => {
      const s = await status();
      const ev = await cluster.request("GET", `/api/v1/namespaces/${ns}/events`);
      return [
        `pods: ${s.all.map((x) => `${x.metadata.name} ${x.metadata.uid}`).join(", ")}`,
        `fetch status: ${JSON.stringify(s.fetch)}`,
        `app status: ${JSON.stringify(s.app)}`,
        `events: ${(ev.body.items ?? []).map((e: KubeObject) => `${e.involvedObject.fieldPath ?? ""} ${e.reason}: ${e.message}`).join(" | ")}`,
        `fetch log: ${node.containerLog(ns, pod.metadata.name, "secret-mount-fetch")}`,
        `app log: ${node.containerLog(ns, pod.metadata.name, "app")}`,
      ].join("\n");
    };
    const after = await t.until(
      "the app to run again with the new value",
      async () => {
        const s = await status();
        if (!(s.app?.restartCount >= 1 && s.app?.state?.running)) return undefined;
        const l = node.containerLog(ns, pod.metadata.name, "app");
        return envHash(l) === sha(rotated) ? { ...s, log: l } : undefined;
      },
      120_000,
      describe,
    );
    const why = await describe();
    // The same pod, in place: same UID, no second pod, the restart counts went up.
    assert.deepEqual(
      after.all.map((x) => x.metadata.uid),
      [uid],
      why,
    );
    assert.equal(after.app.restartCount, 1, why);
    assert.equal(after.fetch.restartCount, 1, why);
    // What the kubelet reports for every container it restarted, the sidecar that exited 75
    // included: the removed container's state, not the exit code that triggered the rule.
    for (const st of [after.fetch, after.app])
      assert.deepEqual(
        [st.lastState?.terminated?.reason, st.lastState?.terminated?.exitCode],
        ["RestartingAllContainers", 137],
        why,
      );
    assert.ok(after.fetch.state.running, why);
    // The sidecar's first run (0.log) asked for it: restart-pod, exit 75; its second run (1.log)
    // wrote a fresh set and found the request recorded in the volume's ..restart-pod.
    const runs = runLogs(ns, pod.metadata.name, "secret-mount-fetch");
    assert.deepEqual([...runs.keys()], [0, 1], why);
    const first = jsonLines(runs.get(0)!);
    const restart = first.find((l) => l.event === "restart-pod");
    assert.ok(restart, `a restart-pod line in the first run: ${JSON.stringify(first.map((l) => l.event))}`);
    assert.equal(restart.exitCode, 75);
    assert.equal(restart.restartsRequested, 1);
    assert.ok(
      first.some((l) => l.event === "set-swapped"),
      why,
    );
    const second = jsonLines(runs.get(1)!);
    assert.ok(
      second.some((l) => l.event === "set-written"),
      why,
    );
    assert.equal(second.find((l) => l.event === "refresh-started")?.restartPod?.restartsRequested, 1, why);
    assert.equal(
      second.some((l) => l.event === "restart-pod" || l.event === "restart-deferred"),
      false,
      why,
    );
    assert.equal(checks(after.log).get(`file ${file}`)?.split(" ").pop(), sha(rotated), why);
    assert.equal(envHash(after.log), sha(rotated), why);
    // Nothing rolled: the Deployment's ReplicaSet is the one it had.
    const rs = await cluster.request("GET", `/apis/apps/v1/namespaces/${ns}/replicasets`);
    assert.equal(rs.body.items.length, 1, why);

    // (3) The debounce: a second rotation right after the first restart is swapped in at the next
    // refresh, but the restart waits until minIntervalSeconds after the first one (the state in
    // the volume's ..restart-pod outlived the sidecar's restart).
    const minMs = fetchSpec.notify.restartPod.minIntervalSeconds * 1000;
    const firstAt = Date.parse(restart.time);
    const rotated2 = `v-${randomBytes(12).toString("hex")}`;
    aws.putSecretAt(fetchSpec.files[0].source.secretId, rotated2);
    const deferred = await t.until(
      "the sidecar to defer the second restart",
      async () =>
        jsonLines(runLogs(ns, pod.metadata.name, "secret-mount-fetch").get(1) ?? "").find(
          (l) => l.event === "restart-deferred",
        ),
      60_000,
      describe,
    );
    assert.ok(Date.parse(deferred.time) < firstAt + minMs, `deferred inside the interval: ${JSON.stringify(deferred)}`);
    assert.ok(deferred.inMs > 0 && deferred.inMs <= minMs, JSON.stringify(deferred));
    assert.equal(deferred.restartsRequested, 1);
    const again = await t.until(
      "the second restart in place, the app with the second value",
      async () => {
        const s = await status();
        if (!(s.app?.restartCount >= 2 && s.app?.state?.running)) return undefined;
        const l = node.containerLog(ns, pod.metadata.name, "app");
        return envHash(l) === sha(rotated2) ? s : undefined;
      },
      minMs + 90_000,
      describe,
    );
    const why2 = await describe();
    assert.deepEqual(
      again.all.map((x) => x.metadata.uid),
      [uid],
      why2,
    );
    assert.equal(again.app.restartCount, 2, why2);
    const second2 = jsonLines(runLogs(ns, pod.metadata.name, "secret-mount-fetch").get(1) ?? "");
    const restart2 = second2.find((l) => l.event === "restart-pod");
    assert.ok(restart2, why2);
    assert.equal(restart2.restartsRequested, 2);
    // Measured between the instants the sidecar recorded for the two restarts (`sinceLastMs`: its clock
    // read before each was recorded), not between the log lines' stamps, which are taken a moment
    // later each (a run measured 59999 ms between the stamps of restarts 60000 ms apart).
    assert.ok(
      restart2.sinceLastMs >= minMs,
      `the second restart came ${restart2.sinceLastMs} ms after the first (min ${minMs})`,
    );
  });

  it("Jobs and a CronJob: the fetch runs first (init mode) or as a native sidecar (refresh mode: a rotation during the job reaches it, and the kubelet stops the sidecar once the job's container has exited); each job's container reads the files and each completes", async () => {
    const ns = "node-jobs";
    const objects = prepared.objects.filter(
      (o) => (o.kind === "Namespace" ? o.metadata.name : o.metadata.namespace) === ns,
    );
    await t.create(objects);
    /** A Job's pod once the Job is complete: the job container's checks, the fetcher's and the job's status. */
    const completed = async (job: KubeObject, spec: KubeObject, expected: Map<string, string>) => {
      const done = await t.until(
        `the Job ${job.metadata.name} to complete`,
        async () => {
          const r = await cluster.request("GET", `/apis/batch/v1/namespaces/${ns}/jobs/${job.metadata.name}`);
          const c = (r.body.status?.conditions ?? []).find(
            (x: KubeObject) => ["Complete", "Failed"].includes(x.type) && x.status === "True",
          );
          return c?.type;
        },
        150_000,
      );
      assert.equal(done, "Complete", job.metadata.name);
      const [pod] = await t.pods(ns, { "job-name": job.metadata.name });
      assert.equal(pod.status.phase, "Succeeded");
      const log = node.containerLog(ns, pod.metadata.name, spec.containers[0].name);
      assertChecks(
        log,
        expected,
        spec.volumes.find((v: KubeObject) => v.emptyDir?.medium === "Memory").emptyDir.sizeLimit,
        spec.securityContext.fsGroup,
        "0440",
      );
      const fetch = pod.status.initContainerStatuses.find((st: KubeObject) => st.name === "secret-mount-fetch");
      const main = pod.status.containerStatuses[0].state.terminated;
      assert.equal(main?.exitCode, 0, JSON.stringify(pod.status.containerStatuses[0]));
      assert.equal(fetch.state.terminated?.exitCode, 0, JSON.stringify(fetch));
      if (spec.initContainers[0].restartPolicy === "Always") {
        // A native sidecar: it ran beside the job's container and the kubelet stopped it after.
        assert.ok(Date.parse(fetch.state.terminated.startedAt) <= Date.parse(main.startedAt), JSON.stringify(fetch));
        assert.ok(Date.parse(fetch.state.terminated.finishedAt) >= Date.parse(main.finishedAt), JSON.stringify(fetch));
        const lines = jsonLines(node.containerLog(ns, pod.metadata.name, "secret-mount-fetch"));
        assert.ok(
          lines.some((l) => l.event === "refresh-started"),
          "the sidecar refreshed",
        );
        assert.equal(lines.at(-1)?.event, "stopped", "the sidecar's last line: stopped (SIGTERM)");
      } else {
        assert.ok(Date.parse(fetch.state.terminated.finishedAt) <= Date.parse(main.startedAt), JSON.stringify(fetch));
      }
      return log;
    };

    // Init mode.
    const report = objects.find((o) => o.kind === "Job" && o.metadata.name === "report")!;
    await completed(report, report.spec.template.spec, prepared.expected.get("report")!);

    // Refresh mode: the job's container waits for the second generation, which a rotation makes.
    const batch = objects.find((o) => o.kind === "Job" && o.metadata.name === "batch")!;
    const bspec = batch.spec.template.spec;
    assert.equal(bspec.initContainers[0].restartPolicy, "Always", "rendered as a native sidecar");
    await t.appLog(ns, { "job-name": batch.metadata.name }, "batch", "checks-done");
    const rotated = `v-${randomBytes(12).toString("hex")}`;
    const batchSpec = fetchSpecOf(bspec);
    aws.putSecretAt(batchSpec.files[0].source.secretId, rotated);
    const blog = await completed(batch, bspec, prepared.expected.get("batch")!);
    assert.match(blog, new RegExp(`^reload ${sha(rotated)}$`, "m"), "the job saw the rotated value");

    // The CronJob runs every minute, in refresh mode: its first Job completes.
    const cron = objects.find((o) => o.kind === "CronJob")!;
    const cspec = cron.spec.jobTemplate.spec.template.spec;
    assert.equal(cspec.initContainers[0].restartPolicy, "Always", "rendered as a native sidecar");
    const cronJob = await t.until(
      "the CronJob's first Job",
      async () => {
        const r = await cluster.request("GET", `/apis/batch/v1/namespaces/${ns}/jobs`);
        return r.body.items.find((j: KubeObject) =>
          (j.metadata.ownerReferences ?? []).some(
            (o: KubeObject) => o.kind === "CronJob" && o.name === cron.metadata.name,
          ),
        );
      },
      150_000,
    );
    await completed(cronJob, cspec, prepared.expected.get(cron.metadata.name)!);
  });
});
