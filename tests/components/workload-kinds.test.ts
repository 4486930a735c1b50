import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DeclarationError, SecretMountedWorkload } from "../../components";
import type { SecretMountedWorkloadArgs } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { podTemplateOf, validateWorkload } from "../helpers/kube-validate";
import { assertRestricted } from "../helpers/pod-security";
import { AzureMocks, aksArgs, baseArgs, gkeArgs, mockWorkload } from "./mock-run";

const TYPE = {
  Deployment: "kubernetes:apps/v1:Deployment",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  Job: "kubernetes:batch/v1:Job",
  CronJob: "kubernetes:batch/v1:CronJob",
} as const;

const withKind = (kind: keyof typeof TYPE): Partial<SecretMountedWorkloadArgs> =>
  kind === "CronJob" ? { kind, schedule: "0 3 * * *" } : { kind };

describe("SecretMountedWorkload kinds: StatefulSet, Job, CronJob beside Deployment (mocks)", () => {
  for (const [platform, args, mocks] of [
    ["eks", baseArgs, () => new OfflineMocks()],
    ["aks", aksArgs, () => new AzureMocks()],
    ["gke", gkeArgs, () => new OfflineMocks()],
  ] as const) {
    for (const kind of ["StatefulSet", "Job", "CronJob"] as const) {
      it(`${platform}: kind ${kind} makes one ${kind} (no Deployment), valid for its kind, restricted, the fetcher first`, async () => {
        const w = await mockWorkload("shop", args(withKind(kind)), mocks());
        assert.equal(w.all(TYPE.Deployment).length, 0);
        const o: Record<string, any> = {
          apiVersion: kind.endsWith("Job") ? "batch/v1" : "apps/v1",
          kind,
          ...w.one(TYPE[kind]),
        };
        validateWorkload(o);
        const t = podTemplateOf(o);
        assertRestricted(t.spec, t.metadata);
        assert.equal(t.spec.initContainers[0].name, "secret-mount-fetch");
        assert.equal(t.spec.serviceAccountName, "shop");
        assert.equal(w.outputs.deploymentName, "shop");
        if (kind !== "StatefulSet") {
          assert.equal(
            t.spec.initContainers[0].restartPolicy,
            undefined,
            "a plain init container: it exits, the Job's containers run, the pod completes",
          );
          assert.equal(t.spec.initContainers[0].startupProbe, undefined);
          assert.equal(t.spec.restartPolicy, "OnFailure");
        } else {
          assert.equal(o.spec.serviceName, "shop");
          assert.deepEqual(
            o.spec.selector.matchLabels,
            t.metadata.labels && { "app.kubernetes.io/name": "shop", "app.kubernetes.io/instance": "shop" },
          );
        }
        if (kind === "CronJob") assert.equal(o.spec.schedule, "0 3 * * *");
      });
    }
  }

  it("a StatefulSet keeps refresh mode (native sidecar); its serviceName and replicas are passed on", async () => {
    const w = await mockWorkload(
      "shop",
      baseArgs({ kind: "StatefulSet", serviceName: "shop-headless", replicas: 3, refresh: { intervalSeconds: 60 } }),
    );
    const sts = w.one(TYPE.StatefulSet);
    assert.equal(sts.spec.serviceName, "shop-headless");
    assert.equal(sts.spec.replicas, 3);
    assert.equal(sts.spec.template.spec.initContainers[0].restartPolicy, "Always");
  });

  it("a Job and a CronJob in refresh mode: the fetcher is a native sidecar with its startup probe, the pod's restartPolicy OnFailure, the spec in refresh mode", async () => {
    for (const kind of ["Job", "CronJob"] as const) {
      const w = await mockWorkload(
        "shop",
        baseArgs({
          kind,
          ...(kind === "CronJob" ? { schedule: "@daily" } : {}),
          refresh: { intervalSeconds: 60, notify: { generationFile: {} } },
        }),
      );
      const o = w.one(kind === "Job" ? TYPE.Job : TYPE.CronJob);
      const spec = (kind === "Job" ? o.spec.template : o.spec.jobTemplate.spec.template).spec;
      assert.equal(spec.restartPolicy, "OnFailure", kind);
      const fetch = spec.initContainers[0];
      assert.equal(fetch.restartPolicy, "Always", kind);
      assert.ok(fetch.startupProbe, kind);
      const fetchSpec = JSON.parse(fetch.env.find((e: { name: string }) => e.name === "SECRET_MOUNT_SPEC").value);
      assert.equal(fetchSpec.mode, "refresh", kind);
    }
  });

  it("a Job's backoffLimit is passed on", async () => {
    const w = await mockWorkload("shop", baseArgs({ kind: "Job", backoffLimit: 2 }));
    assert.equal(w.one(TYPE.Job).spec.backoffLimit, 2);
  });

  const refused: [Partial<SecretMountedWorkloadArgs>, string][] = [
    [
      { kind: "Job", refresh: { intervalSeconds: 60, notify: { restartPod: {} } } },
      "shop: refresh.notify.restartPod: is set, but a Job's pod restarted in place runs its work again",
    ],
    [
      { kind: "CronJob", schedule: "@daily", refresh: { notify: { restartPod: { minIntervalSeconds: 600 } } } },
      "shop: refresh.notify.restartPod: is set, but a CronJob's pod restarted in place runs its work again",
    ],
    [{ kind: "CronJob" }, "shop: schedule: is undefined; a CronJob needs a schedule of five cron fields"],
    [{ kind: "CronJob", schedule: "every day" }, 'shop: schedule: is "every day"'],
    [{ kind: "Job", replicas: 2 }, "shop: replicas: applies to Deployment and StatefulSet only, and kind is Job"],
    [{ schedule: "0 3 * * *" }, "shop: schedule: applies to CronJob only, and kind is Deployment"],
    [{ kind: "Deployment", serviceName: "x" }, "shop: serviceName: applies to StatefulSet only"],
    [{ kind: "Job", backoffLimit: -1 }, "shop: backoffLimit: is -1"],
    [{ kind: "Pod" as never }, 'shop: kind: is "Pod"; use one of Deployment, StatefulSet, Job, CronJob'],
  ];
  for (const [over, message] of refused) {
    it(`refused at preview, nothing registered: ${message}`, async () => {
      const mocks = new OfflineMocks();
      await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
      assert.throws(
        () => new SecretMountedWorkload("shop", baseArgs(over)),
        (e: unknown) => e instanceof DeclarationError && e.message.startsWith(message),
      );
      await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      assert.equal(mocks.resources.length, 0);
    });
  }
});
