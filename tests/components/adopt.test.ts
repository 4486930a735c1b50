import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  adoptPodTemplate,
  ADOPTED_BY_ANNOTATION,
  TIGHTENED_ANNOTATION,
  podWiring,
  type PodWiring,
} from "../../components/kubernetes/adopt";
import { normalizeMount } from "../../components/declarations";
import { DeclarationError } from "../../components";
import type { SecretMountArgs } from "../../components";
import type { PlatformWiring } from "../../components/kubernetes/pod";
import { assertRestricted, restrictedViolations } from "../helpers/pod-security";
import { podTemplateOf, validateWorkload } from "../helpers/kube-validate";
import { FETCH_IMAGE, OIDC_ARN, OIDC_URL } from "./mock-run";
import { ALLOWED_CASES, FORBIDDEN_CASES } from "../helpers/pod-security-cases";

type Obj = Record<string, any>;

const EKS_WIRING: PlatformWiring = {
  serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop" },
  podLabels: {},
  podAnnotations: { "eks.amazonaws.com/skip-containers": "" },
  skipContainers: { annotation: "eks.amazonaws.com/skip-containers", separator: "," },
  fetchEnv: { AWS_REGION: "eu-west-1" },
  revision: "0123456789abcdef",
};

function wiringOf(over: Partial<SecretMountArgs> = {}, platform: PlatformWiring = EKS_WIRING): PodWiring {
  const decl = normalizeMount("shop", {
    namespace: "shop",
    eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    fetch: { image: FETCH_IMAGE },
    ...over,
  });
  return podWiring(decl, '{"version":1}', platform, "1Mi");
}

/** What a chart renders: existing init containers without security contexts, an app with its own. */
function helmLikeDeployment(): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels: { "app.kubernetes.io/name": "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { "app.kubernetes.io/name": "web" } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "web" } },
        spec: {
          initContainers: [
            {
              name: "wait-for-db",
              image: "busybox@sha256:" + "b".repeat(64),
              command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"],
            },
            {
              name: "migrate",
              image: "registry.example.com/web@sha256:" + "c".repeat(64),
              args: ["migrate"],
              securityContext: { runAsUser: 10001 },
            },
          ],
          containers: [
            {
              name: "web",
              image: "registry.example.com/web@sha256:" + "c".repeat(64),
              securityContext: { runAsUser: 10001, readOnlyRootFilesystem: true, capabilities: { drop: ["NET_RAW"] } },
              volumeMounts: [{ name: "cache", mountPath: "/var/cache/web" }],
            },
          ],
          volumes: [{ name: "cache", emptyDir: {} }],
        },
      },
    },
  };
}

const adopt = (o: Obj, w = wiringOf(), containers?: string[]) =>
  adoptPodTemplate(podTemplateOf(o), w, {
    kind: o.kind,
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    containers,
  });

/** The template with its Outputs (the fetch container's pull policy) resolved, as the engine sends it. */
const resolved = async (o: Obj): Promise<Obj> => (pulumi.output(o) as unknown as { promise(): Promise<Obj> }).promise();

const refusal = (run: () => unknown, ...parts: (string | RegExp)[]) => {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof DeclarationError, String(e));
    for (const p of parts) {
      if (typeof p === "string") assert.ok(e.message.includes(p), `${e.message}\n  lacks: ${p}`);
      else assert.match(e.message, p);
    }
    return true;
  });
};

describe("adoptPodTemplate: the fetch wiring added to a pod someone else wrote", () => {
  it("a Helm-like Deployment with init containers: the fetcher goes first, theirs stay in order, the app mounts read-only; valid and restricted", async () => {
    const d = helmLikeDeployment();
    const before = JSON.stringify(d);
    const { template, changes } = adopt(d);
    assert.equal(JSON.stringify(d), before, "the input is not modified");
    const spec = template.spec;
    assert.deepEqual(
      spec.initContainers.map((c: Obj) => c.name),
      ["secret-mount-fetch", "wait-for-db", "migrate"],
    );
    assert.deepEqual(
      spec.volumes.map((v: Obj) => v.name),
      ["cache", "secret-mount"],
    );
    assert.deepEqual(spec.volumes[1].emptyDir, { medium: "Memory", sizeLimit: "1Mi" });
    assert.deepEqual(spec.containers[0].volumeMounts, [
      { name: "cache", mountPath: "/var/cache/web" },
      { name: "secret-mount", mountPath: "/run/secrets/app", readOnly: true },
    ]);
    // Existing init containers get no mount unless named (mountInto).
    assert.equal(spec.initContainers[1].volumeMounts, undefined);
    assert.equal(spec.serviceAccountName, "shop");
    assert.equal(spec.securityContext.fsGroup, 65532);
    const ann = template.metadata.annotations;
    assert.equal(ann["eks.amazonaws.com/skip-containers"], "wait-for-db,migrate,web");
    assert.equal(ann["secret-mount.io/revision"], "0123456789abcdef");
    assert.equal(ann[ADOPTED_BY_ANNOTATION], "shop");
    assert.deepEqual(template.metadata.labels, { "app.kubernetes.io/name": "web" });
    // Only what the restricted profile needs and the chart left unset was set, and the pod says so.
    assert.equal(
      ann[TIGHTENED_ANNOTATION],
      [
        "securityContext.runAsNonRoot=true",
        "securityContext.seccompProfile.type=RuntimeDefault",
        'initContainers[0] "wait-for-db" securityContext.allowPrivilegeEscalation=false',
        'initContainers[0] "wait-for-db" securityContext.capabilities.drop+=ALL',
        'initContainers[1] "migrate" securityContext.allowPrivilegeEscalation=false',
        'initContainers[1] "migrate" securityContext.capabilities.drop+=ALL',
        'containers[0] "web" securityContext.allowPrivilegeEscalation=false',
        'containers[0] "web" securityContext.capabilities.drop+=ALL',
      ].join("; "),
    );
    assert.deepEqual(spec.containers[0].securityContext, {
      runAsUser: 10001,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["NET_RAW", "ALL"] },
      allowPrivilegeEscalation: false,
    });
    assert.ok(changes[0].startsWith("initContainers[0]+=secret-mount-fetch"), changes[0]);
    assert.ok(restrictedViolations(podTemplateOf(d).spec).length > 0, "the chart's pod alone is not restricted");
    validateWorkload(await resolved({ ...d, spec: { ...d.spec, template } }));
    assertRestricted(spec, template.metadata);
  });

  it("a StatefulSet, a Job, a CronJob and a DaemonSet are adopted the same way, each valid for its kind and restricted", async () => {
    const pod = helmLikeDeployment().spec.template;
    const sts = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", namespace: "shop" },
      spec: { serviceName: "db", selector: { matchLabels: { "app.kubernetes.io/name": "web" } }, template: pod },
    };
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "report", namespace: "shop" },
      spec: { template: { ...pod, spec: { ...pod.spec, restartPolicy: "Never" } } },
    };
    const ds = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "shop" },
      spec: { selector: { matchLabels: { "app.kubernetes.io/name": "web" } }, template: pod },
    };
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "shop" },
      spec: { schedule: "0 3 * * *", jobTemplate: { spec: job.spec } },
    };
    for (const o of [sts, job, ds, cron] as Obj[]) {
      const { template } = adopt(o);
      const adopted =
        o.kind === "CronJob"
          ? { ...o, spec: { ...o.spec, jobTemplate: { spec: { template } } } }
          : { ...o, spec: { ...o.spec, template } };
      validateWorkload(await resolved(adopted));
      assertRestricted(template.spec, template.metadata);
      assert.equal(template.spec.initContainers[0].name, "secret-mount-fetch");
      assert.equal(
        template.spec.initContainers[0].restartPolicy,
        undefined,
        "init mode: a plain init container that exits",
      );
    }
  });

  it("mountInto names the containers that mount, init containers included; an unknown name is refused", () => {
    const { template } = adopt(helmLikeDeployment(), wiringOf(), ["migrate"]);
    assert.deepEqual(template.spec.initContainers[2].volumeMounts, [
      { name: "secret-mount", mountPath: "/run/secrets/app", readOnly: true },
    ]);
    assert.deepEqual(template.spec.containers[0].volumeMounts, [{ name: "cache", mountPath: "/var/cache/web" }]);
    refusal(
      () => adopt(helmLikeDeployment(), wiringOf(), ["wrong"]),
      'names "wrong", which is no container of this pod; its containers: wait-for-db, migrate, web',
    );
  });

  it("an existing volume named secret-mount is refused, naming it", () => {
    const d = helmLikeDeployment();
    d.spec.template.spec.volumes.push({ name: "secret-mount", emptyDir: {} });
    refusal(
      () => adopt(d),
      'shop: Deployment shop/web spec.template.spec.volumes[1]: "secret-mount" is already a volume of this pod',
    );
  });

  it("an existing mount at the same path, or around it, is refused, naming the container and the mount", () => {
    for (const mountPath of ["/run/secrets/app", "/run/secrets", "/run/secrets/app/db"]) {
      const d = helmLikeDeployment();
      d.spec.template.spec.containers[0].volumeMounts.push({ name: "cache", mountPath });
      refusal(
        () => adopt(d),
        `Deployment shop/web spec.template.spec.containers[0].volumeMounts[1]: ("cache" at ${mountPath}) is in the way of the secrets' mount at /run/secrets/app in container "web"`,
      );
    }
  });

  it("a pod already holding a secret-mount-fetch container is refused (adopted twice)", () => {
    const once = adopt(helmLikeDeployment()).template;
    const d = {
      ...helmLikeDeployment(),
      spec: {
        ...helmLikeDeployment().spec,
        template: { ...once, spec: { ...once.spec, volumes: once.spec.volumes.slice(0, 1) } },
      },
    };
    refusal(
      () => adopt(d),
      'spec.template.spec.initContainers[0].name: "secret-mount-fetch" is the fetch container\'s name',
    );
  });

  it("security contexts the restricted profile forbids are refused, not overridden", () => {
    const cases: [(d: Obj) => void, string][] = [
      [
        (d) => {
          d.spec.template.spec.containers[0].securityContext.privileged = true;
        },
        'containers[0] "web" securityContext.privileged: is true',
      ],
      [
        (d) => {
          d.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
        },
        'containers[0] "web" securityContext.allowPrivilegeEscalation: is true',
      ],
      [
        (d) => {
          d.spec.template.spec.initContainers[0].securityContext = { runAsUser: 0 };
        },
        'initContainers[0] "wait-for-db" securityContext.runAsUser: is 0',
      ],
      [
        (d) => {
          d.spec.template.spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"];
        },
        "capabilities.add: adds SYS_ADMIN",
      ],
      [
        (d) => {
          d.spec.template.spec.securityContext = { runAsNonRoot: false };
        },
        "spec.template.spec.securityContext.runAsNonRoot: is false",
      ],
      [
        (d) => {
          d.spec.template.spec.securityContext = { seccompProfile: { type: "Unconfined" } };
        },
        'securityContext.seccompProfile.type: is "Unconfined"',
      ],
    ];
    for (const [change, message] of cases) {
      const d = helmLikeDeployment();
      change(d);
      refusal(() => adopt(d), message, "leave this workload out of the selection");
    }
  });

  it("what the pod already sets is kept: its fsGroup, its seccomp profile, its runAsNonRoot, NET_BIND_SERVICE", () => {
    const d = helmLikeDeployment();
    d.spec.template.spec.securityContext = {
      fsGroup: 4000,
      runAsNonRoot: true,
      seccompProfile: { type: "Localhost", localhostProfile: "web.json" },
    };
    d.spec.template.spec.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
    const { template } = adopt(d);
    assert.deepEqual(template.spec.securityContext, {
      fsGroup: 4000,
      runAsNonRoot: true,
      seccompProfile: { type: "Localhost", localhostProfile: "web.json" },
    });
    assert.deepEqual(template.spec.containers[0].securityContext.capabilities, {
      drop: ["ALL"],
      add: ["NET_BIND_SERVICE"],
    });
    assertRestricted(template.spec, template.metadata);
  });

  it("a file mode a mounting container could not read is refused with that container's UID (the pod's runAsUser counts)", () => {
    const d = helmLikeDeployment();
    refusal(
      () => adopt(d, wiringOf({ fileMode: "0400" })),
      '(SecretMount fileMode): "0400" denies container "web" (UID 10001)',
    );
    d.spec.template.spec.securityContext = { runAsUser: 65532 };
    delete d.spec.template.spec.containers[0].securityContext.runAsUser;
    assert.doesNotThrow(() => adopt(d, wiringOf({ fileMode: "0400" })));
  });

  it("the pod must run as the identity's ServiceAccount, in its namespace", () => {
    const d = helmLikeDeployment();
    d.spec.template.spec.serviceAccountName = "web";
    refusal(
      () => adopt(d),
      'spec.template.spec.serviceAccountName: is "web", but the secrets\' identity trusts ServiceAccount "shop"',
      'serviceAccountName "web"',
    );
    const elsewhere = helmLikeDeployment();
    elsewhere.metadata.namespace = "other";
    refusal(() => adopt(elsewhere), 'Deployment other/web metadata.namespace: must be "shop"');
  });

  it("refresh mode on an adopted Job, CronJob and StatefulSet: the fetcher is a native sidecar; restartPod is refused for a pod that runs to completion", () => {
    const w = wiringOf({ refresh: { intervalSeconds: 60 } });
    for (const kind of ["Job", "CronJob", "StatefulSet"]) {
      const pod = helmLikeDeployment().spec.template;
      if (kind !== "StatefulSet") pod.spec.restartPolicy = "OnFailure";
      const { template } = adoptPodTemplate(pod, w, { kind, name: "report", namespace: "shop" });
      const fetch = template.spec.initContainers[0];
      assert.equal(fetch.name, "secret-mount-fetch", kind);
      assert.equal(
        fetch.restartPolicy,
        "Always",
        `${kind}: a native sidecar, which the kubelet stops when the job's containers exit`,
      );
      assert.ok(fetch.startupProbe, `${kind}: the job's containers start once the first set is written`);
    }
    const job = helmLikeDeployment().spec.template;
    job.spec.restartPolicy = "OnFailure";
    refusal(
      () =>
        adoptPodTemplate(job, wiringOf({ refresh: { intervalSeconds: 60, notify: { restartPod: {} } } }), {
          kind: "Job",
          name: "report",
          namespace: "shop",
        }),
      'Job shop/report spec.template.spec.restartPolicy: is "OnFailure"',
      "run its work again from the start",
    );
  });

  it("an existing label or annotation adoption needs is refused when it differs (AKS's use label)", () => {
    const aks: PlatformWiring = {
      serviceAccountAnnotations: {},
      podLabels: { "azure.workload.identity/use": "true" },
      podAnnotations: { "azure.workload.identity/skip-containers": "" },
      skipContainers: { annotation: "azure.workload.identity/skip-containers", separator: ";" },
      fetchEnv: {},
    };
    const { template } = adopt(helmLikeDeployment(), wiringOf({}, aks));
    assert.equal(template.metadata.labels["azure.workload.identity/use"], "true");
    assert.equal(template.metadata.annotations["azure.workload.identity/skip-containers"], "wait-for-db;migrate;web");
    const d = helmLikeDeployment();
    d.spec.template.metadata.labels["azure.workload.identity/use"] = "false";
    refusal(() => adopt(d, wiringOf({}, aks)), 'spec.template.metadata.labels.azure.workload.identity/use: is "false"');
  });

  it("a pod sharing its process namespace is refused, in init and in refresh mode (the fetcher's token through /proc/<pid>/root)", () => {
    for (const w of [wiringOf(), wiringOf({ refresh: { intervalSeconds: 60 } })]) {
      const d = helmLikeDeployment();
      d.spec.template.spec.shareProcessNamespace = true;
      refusal(
        () => adopt(d, w),
        "Deployment shop/web spec.template.spec.shareProcessNamespace: is true",
        "/proc/<pid>/root",
        "leave this workload out of the selection",
      );
    }
    const off = helmLikeDeployment();
    off.spec.template.spec.shareProcessNamespace = false;
    assert.doesNotThrow(() => adopt(off));
  });

  it("a container left out by mountInto that mounts a volume named secret-mount (or secret-mount-spec) is refused: it would get the volume read-write", () => {
    const d = helmLikeDeployment();
    d.spec.template.spec.initContainers[0].volumeMounts = [{ name: "secret-mount", mountPath: "/secrets" }];
    refusal(
      () => adopt(d, wiringOf(), ["web"]),
      'spec.template.spec.initContainers[0].volumeMounts[0]: mounts "secret-mount" in container "wait-for-db", which does not mount the secrets (mountInto: web)',
      "would get it read-write",
      "name the container in mountInto",
    );
    // By default existing init containers do not mount: the same, with the default named.
    refusal(() => adopt(d), "mountInto: every container of containers");
    const excluded = helmLikeDeployment();
    excluded.spec.template.spec.containers.push({
      name: "sidecar",
      image: "busybox@sha256:" + "b".repeat(64),
      securityContext: { runAsUser: 10001 },
      volumeMounts: [{ name: "secret-mount-spec", mountPath: "/spec", readOnly: true }],
    });
    refusal(
      () => adopt(excluded, wiringOf(), ["web"]),
      'spec.template.spec.containers[1].volumeMounts[0]: mounts "secret-mount-spec" in container "sidecar"',
    );
    // Named in mountInto it mounts read-only like any other (its own "secret-mount" mount is in the way, as before).
    assert.doesNotThrow(() => adopt(helmLikeDeployment(), wiringOf(), ["web", "wait-for-db"]));
  });

  for (const c of FORBIDDEN_CASES) {
    it(`a value the restricted profile forbids is refused, not tightened, naming the Pod Security rule: ${c.title}`, () => {
      const d = helmLikeDeployment();
      c.change(d.spec.template);
      refusal(
        () => adopt(d),
        "shop: Deployment shop/web spec.template.",
        `control "${c.control}"`,
        "admission check ",
        "leave this workload out of the selection",
      );
    });
  }

  it("values the restricted profile allows are adopted (a pod with its own fsGroup, for the persistent volumes)", () => {
    for (const c of ALLOWED_CASES) {
      const d = helmLikeDeployment();
      d.spec.template.spec.securityContext = { fsGroup: 10001 };
      c.change(d.spec.template);
      const { template } = adopt(d);
      assertRestricted(template.spec, template.metadata);
    }
  });

  it("fsGroup is not set on a pod with persistent volumes (the kubelet would regroup them) unless allowPersistentVolumeGroupChange; the pod's own fsGroup is kept", () => {
    const withVolume = (v: Obj) => {
      const d = helmLikeDeployment();
      d.spec.template.spec.volumes.push(v);
      return d;
    };
    const pvc = withVolume({ name: "data", persistentVolumeClaim: { claimName: "web-data" } });
    refusal(
      () => adopt(pvc),
      "Deployment shop/web spec.template.spec.securityContext.fsGroup: is unset, and adoption would set it to 65532",
      'volumes[1] "data" (persistentVolumeClaim web-data)',
      "changes the group of every file on them",
      "OnRootMismatch",
      "does not spare the first change",
      "Set the pod's own securityContext.fsGroup",
      "allowPersistentVolumeGroupChange: true",
    );
    refusal(
      () =>
        adopt(
          withVolume({
            name: "scratch",
            ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } },
          }),
        ),
      'volumes[1] "scratch" (ephemeral)',
    );
    // A StatefulSet's volumeClaimTemplates (the transform passes their names).
    const sts = helmLikeDeployment().spec.template;
    refusal(
      () =>
        adoptPodTemplate(sts, wiringOf(), {
          kind: "StatefulSet",
          name: "db",
          namespace: "shop",
          volumeClaimTemplates: ["pgdata"],
        }),
      'volumeClaimTemplates "pgdata"',
    );
    // The opt-in: set, with the policy, and said.
    const allowed = adoptPodTemplate(sts, wiringOf({ allowPersistentVolumeGroupChange: true }), {
      kind: "StatefulSet",
      name: "db",
      namespace: "shop",
      volumeClaimTemplates: ["pgdata"],
    });
    assert.deepEqual(
      [allowed.template.spec.securityContext.fsGroup, allowed.template.spec.securityContext.fsGroupChangePolicy],
      [65532, "OnRootMismatch"],
    );
    // The pod's own fsGroup: the volumes are its author's; nothing to refuse.
    pvc.spec.template.spec.securityContext = { fsGroup: 10001 };
    assert.equal(adopt(pvc).template.spec.securityContext.fsGroup, 10001);
    // Volumes that are not persistent are fine.
    assert.doesNotThrow(() => adopt(withVolume({ name: "tls", secret: { secretName: "web-tls" } })));
  });
});

describe("adoption: refresh.notify.restartPod", () => {
  const restartWiring = () => wiringOf({ refresh: { notify: { restartPod: {} } } });

  it("the adopted fetch sidecar carries the RestartAllContainers rule", () => {
    const { template } = adopt(helmLikeDeployment(), restartWiring());
    assert.deepEqual(template.spec.initContainers[0].restartPolicyRules, [
      { action: "RestartAllContainers", exitCodes: { operator: "In", values: [75] } },
    ]);
  });

  for (const restartPolicy of ["Never", "OnFailure"]) {
    it(`refuses a pod template with restartPolicy ${restartPolicy} (it runs to completion; a restart in place would run its work again)`, () => {
      const o = helmLikeDeployment();
      o.kind = "ReplicaSet";
      o.spec.template.spec.restartPolicy = restartPolicy;
      assert.throws(
        () => adopt(o, restartWiring()),
        (e: unknown) => {
          assert.ok(e instanceof DeclarationError, String(e));
          assert.match(e.field, /spec\.template\.spec\.restartPolicy$/);
          assert.match(
            e.message,
            new RegExp(`is "${restartPolicy}": the pod runs to completion.*notify the app another way`),
          );
          return true;
        },
      );
      assert.doesNotThrow(
        () => adopt(o, wiringOf({ refresh: { notify: { http: { port: 8080 } } } })),
        "other notifications stay allowed",
      );
    });
  }
});
