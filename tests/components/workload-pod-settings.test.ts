import assert from "node:assert/strict";
import { SecretMountedWorkload, type SecretMountedWorkloadArgs } from "../../components";
import { buildArtifacts, formatReview } from "../../components/render/artifacts";
import { DEFAULT_SCOPE, OfflineMocks } from "../../components/render/offline-engine";
import { podTemplateOf, validateWorkload } from "../helpers/kube-validate";
import { assertRestricted } from "../helpers/pod-security";
import { assertRefused } from "./mock-component";
import { AzureMocks, aksArgs, baseArgs, gkeArgs, mockWorkload } from "./mock-run";

// What every production Deployment sets on its pods besides containers: scheduling, pull secrets,
// priority, grace period, labels and annotations; the restricted profile and the identity wiring
// stay the component's.

const TYPE = {
  Deployment: "kubernetes:apps/v1:Deployment",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  Job: "kubernetes:batch/v1:Job",
  CronJob: "kubernetes:batch/v1:CronJob",
} as const;
const OWN = { "app.kubernetes.io/name": "shop-api", "app.kubernetes.io/instance": "shop" };

const SETTINGS: Partial<SecretMountedWorkloadArgs> = {
  deploymentName: "shop-api",
  labels: { team: "payments", "example.com/tier": "backend" },
  podAnnotations: {
    "prometheus.io/scrape": "true",
    "container.apparmor.security.beta.kubernetes.io/app": "localhost/shop-app",
  },
  nodeSelector: { "kubernetes.io/arch": "arm64" },
  tolerations: [
    { key: "dedicated", operator: "Equal", value: "payments", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 },
  ],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: "topology.kubernetes.io/zone", operator: "In", values: ["eu-west-1a", "eu-west-1b"] },
            ],
          },
        ],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 50,
          preference: { matchExpressions: [{ key: "node.example.com/gen", operator: "Gt", values: ["3"] }] },
        },
      ],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } },
      ],
    },
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: { app: "cache" } } },
      ],
    },
  },
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      minDomains: 2,
      matchLabelKeys: ["pod-template-hash"],
    },
    {
      maxSkew: 2,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["payments"] }] },
    },
  ],
  imagePullSecrets: ["registry-credentials"],
  priorityClassName: "business-critical",
  terminationGracePeriodSeconds: 45,
};

describe("SecretMountedWorkload: pod settings (scheduling, pull secrets, priority, grace period, labels, annotations)", () => {
  for (const kind of ["Deployment", "StatefulSet", "Job", "CronJob"] as const) {
    it(`${kind}: every setting reaches the pod spec as Kubernetes writes it; the pod stays valid and restricted`, async () => {
      const w = await mockWorkload(
        "shop",
        baseArgs({ ...SETTINGS, kind, ...(kind === "CronJob" ? { schedule: "0 3 * * *" } : {}) }),
      );
      const o: Record<string, any> = {
        apiVersion: kind.endsWith("Job") ? "batch/v1" : "apps/v1",
        kind,
        ...w.one(TYPE[kind]),
      };
      validateWorkload(o);
      const t = podTemplateOf(o);
      assertRestricted(t.spec, t.metadata);
      assert.deepEqual(t.spec.nodeSelector, { "kubernetes.io/arch": "arm64" });
      assert.deepEqual(t.spec.tolerations, SETTINGS.tolerations);
      assert.deepEqual(t.spec.imagePullSecrets, [{ name: "registry-credentials" }]);
      assert.equal(t.spec.priorityClassName, "business-critical");
      assert.equal(t.spec.terminationGracePeriodSeconds, 45);
      assert.deepEqual(t.spec.affinity.nodeAffinity, SETTINGS.affinity!.nodeAffinity);
      // Without a labelSelector a term counts this workload's own pods; a given one is kept.
      assert.deepEqual(t.spec.affinity.podAntiAffinity, {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: OWN } },
          },
        ],
      });
      assert.deepEqual(t.spec.affinity.podAffinity, SETTINGS.affinity!.podAffinity);
      assert.deepEqual(t.spec.topologySpreadConstraints, [
        { ...SETTINGS.topologySpreadConstraints![0], labelSelector: { matchLabels: OWN } },
        SETTINGS.topologySpreadConstraints![1],
      ]);
      assert.deepEqual(t.metadata.labels, { team: "payments", "example.com/tier": "backend", ...OWN });
      assert.equal(t.metadata.annotations["prometheus.io/scrape"], "true");
      assert.equal(t.metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"], "localhost/shop-app");
      assert.ok(t.metadata.annotations["secret-mount.io/revision"], "the component's own annotations stay");
      assert.equal(t.metadata.annotations["eks.amazonaws.com/skip-containers"], "app");
    });
  }

  it("without them the pod spec is as before: none of these fields is set", async () => {
    const w = await mockWorkload("shop", baseArgs());
    const spec = w.one(TYPE.Deployment).spec.template.spec;
    for (const f of [
      "nodeSelector",
      "tolerations",
      "affinity",
      "topologySpreadConstraints",
      "imagePullSecrets",
      "priorityClassName",
      "terminationGracePeriodSeconds",
    ]) {
      assert.equal(spec[f], undefined, f);
    }
  });

  for (const [platform, args, mocks] of [
    ["eks", baseArgs, () => undefined],
    ["aks", aksArgs, () => new AzureMocks()],
    ["gke", gkeArgs, () => undefined],
  ] as const) {
    it(`${platform}: the platform's identity labels and annotations are kept beside the user's`, async () => {
      const w = await mockWorkload(
        "shop",
        args({ labels: { team: "payments" }, podAnnotations: { "example.com/owner": "payments" } }),
        mocks(),
      );
      const t = w.one(TYPE.Deployment).spec.template;
      assert.equal(t.metadata.labels.team, "payments");
      assert.equal(t.metadata.annotations["example.com/owner"], "payments");
      if (platform === "aks") {
        assert.equal(t.metadata.labels["azure.workload.identity/use"], "true");
        assert.equal(t.metadata.annotations["azure.workload.identity/skip-containers"], "app");
      }
    });
  }
});

describe("SecretMountedWorkload: outputs for what comes next (a Service, a PodDisruptionBudget)", () => {
  for (const kind of ["Deployment", "StatefulSet", "Job", "CronJob"] as const) {
    it(`${kind}: workloadName names the ${kind}; deploymentName is its deprecated alias; selectorLabels select the pods`, async () => {
      const w = await mockWorkload(
        "shop",
        baseArgs({ deploymentName: "shop-api", kind, ...(kind === "CronJob" ? { schedule: "@daily" } : {}) }),
      );
      const o = w.one(TYPE[kind]);
      assert.equal(w.outputs.workloadName, "shop-api");
      assert.equal(o.metadata.name, "shop-api");
      assert.equal(w.outputs.deploymentName, w.outputs.workloadName);
      assert.deepEqual(w.outputs.selectorLabels, OWN);
      const t = podTemplateOf({ kind, ...o });
      for (const [k, v] of Object.entries(OWN))
        assert.equal(t.metadata.labels[k], v, "every pod carries the selector labels");
      if (kind === "Deployment" || kind === "StatefulSet") assert.deepEqual(o.spec.selector.matchLabels, OWN);
    });
  }
});

type Case = [description: string, over: Partial<SecretMountedWorkloadArgs>, field: string, message: RegExp];
const CASES: Case[] = [
  // labels and annotations the component owns
  [
    "a selector label",
    { labels: { "app.kubernetes.io/name": "web" } },
    "labels.app.kubernetes.io/name",
    /selector label the component sets .*selectorLabels output/,
  ],
  [
    "an Azure identity label on the pods",
    { labels: { "azure.workload.identity/use": "true" } },
    "labels.azure.workload.identity/use",
    /under azure\.workload\.identity\/, which the identity wiring and this component own/,
  ],
  [
    "the EKS skip-containers annotation",
    { podAnnotations: { "eks.amazonaws.com/skip-containers": "" } },
    "podAnnotations.eks.amazonaws.com/skip-containers",
    /under eks\.amazonaws\.com\/.*which containers get the identity/,
  ],
  [
    "the revision annotation",
    { podAnnotations: { "secret-mount.io/revision": "x" } },
    "podAnnotations.secret-mount.io/revision",
    /under secret-mount\.io\//,
  ],
  [
    "a GKE identity annotation",
    { podAnnotations: { "iam.gke.io/gcp-service-account": "x@p.iam.gserviceaccount.com" } },
    "podAnnotations.iam.gke.io/gcp-service-account",
    /under iam\.gke\.io\//,
  ],
  [
    "AppArmor unconfined",
    { podAnnotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
    "podAnnotations.container.apparmor.security.beta.kubernetes.io/app",
    /restricted Pod Security Standard allows only AppArmor profiles "runtime\/default" and "localhost\/<profile>"/,
  ],
  [
    "AppArmor for no container",
    { podAnnotations: { "container.apparmor.security.beta.kubernetes.io/web": "runtime/default" } },
    "podAnnotations.container.apparmor.security.beta.kubernetes.io/web",
    /names no container of the pod \(containers: secret-mount-fetch, app\)/,
  ],
  [
    "a seccomp annotation",
    { podAnnotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } },
    "podAnnotations.seccomp.security.alpha.kubernetes.io/pod",
    /seccompProfile is RuntimeDefault/,
  ],
  ["a bad annotation key", { podAnnotations: { "-x": "y" } }, "podAnnotations.-x", /not a valid annotation key/],
  ["a non-string annotation", { podAnnotations: { x: 1 as never } }, "podAnnotations.x", /not a string/],
  // scheduling
  [
    "a bad node selector value",
    { nodeSelector: { "kubernetes.io/arch": "arm 64" } },
    "nodeSelector.kubernetes.io/arch",
    /not a valid label value/,
  ],
  [
    "a toleration with no key and operator Equal",
    { tolerations: [{ value: "x" }] },
    "tolerations[0].key",
    /tolerates every taint only with operator "Exists"/,
  ],
  [
    "a toleration Exists with a value",
    { tolerations: [{ key: "k", operator: "Exists", value: "v" }] },
    "tolerations[0].value",
    /must be empty with operator "Exists"/,
  ],
  [
    "tolerationSeconds without NoExecute",
    { tolerations: [{ key: "k", effect: "NoSchedule", tolerationSeconds: 5 }] },
    "tolerations[0].tolerationSeconds",
    /effect "NoExecute" only/,
  ],
  [
    "an unknown taint effect",
    { tolerations: [{ key: "k", effect: "NoRun" as never }] },
    "tolerations[0].effect",
    /use "NoSchedule", "PreferNoSchedule", "NoExecute"/,
  ],
  [
    "an unknown toleration field",
    { tolerations: [{ key: "k", operator: "Equal", valeu: "v" } as never] },
    "tolerations[0].valeu",
    /not a known field/,
  ],
  [
    "no node selector terms",
    { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
    "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
    /at least one term/,
  ],
  [
    "In without values",
    {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In" }] }],
          },
        },
      },
    },
    "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values",
    /at least one value for operator "In"/,
  ],
  [
    "Gt with a word",
    {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, preference: { matchExpressions: [{ key: "gen", operator: "Gt", values: ["new"] }] } },
          ],
        },
      },
    },
    "affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values",
    /one integer for operator "Gt"/,
  ],
  [
    "matchFields on a label",
    {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "zone", operator: "In", values: ["a"] }] }],
          },
        },
      },
    },
    "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key",
    /supports only "metadata.name"/,
  ],
  [
    "weight out of range",
    {
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 0, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } },
          ],
        },
      },
    },
    "affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
    /from 1 to 100/,
  ],
  [
    "a pod affinity term without topologyKey",
    { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{} as never] } } },
    "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
    /is required: the node label that makes a domain/,
  ],
  [
    "maxSkew 0",
    {
      topologySpreadConstraints: [
        { maxSkew: 0, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" },
      ],
    },
    "topologySpreadConstraints[0].maxSkew",
    /whole number ≥ 1/,
  ],
  [
    "no whenUnsatisfiable",
    { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname" } as never] },
    "topologySpreadConstraints[0].whenUnsatisfiable",
    /use "DoNotSchedule", "ScheduleAnyway"/,
  ],
  [
    "minDomains with ScheduleAnyway",
    {
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "z", whenUnsatisfiable: "ScheduleAnyway", minDomains: 2 }],
    },
    "topologySpreadConstraints[0].minDomains",
    /"DoNotSchedule" only/,
  ],
  [
    "two constraints on one key and action",
    {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: "z", whenUnsatisfiable: "DoNotSchedule" },
        { maxSkew: 2, topologyKey: "z", whenUnsatisfiable: "DoNotSchedule" },
      ],
    },
    "topologySpreadConstraints[1]",
    /one constraint per pair/,
  ],
  [
    "a matchLabelKey also in the selector",
    {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "z",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { app: "x" } },
          matchLabelKeys: ["app"],
        },
      ],
    },
    "topologySpreadConstraints[0].matchLabelKeys[0]",
    /also in labelSelector/,
  ],
  // pull secrets, priority, grace period
  [
    "a pull secret name not DNS-1123",
    { imagePullSecrets: ["Registry"] },
    "imagePullSecrets[0]",
    /not a DNS-1123 subdomain.*dockerconfigjson Secret/,
  ],
  ["a pull secret twice", { imagePullSecrets: ["r", "r"] }, "imagePullSecrets[1]", /also imagePullSecrets\[0\]/],
  [
    "a system priority class",
    { priorityClassName: "system-node-critical" },
    "priorityClassName",
    /cluster's own critical pods .*kube-system/,
  ],
  [
    "a negative grace period",
    { terminationGracePeriodSeconds: -1 },
    "terminationGracePeriodSeconds",
    /whole seconds ≥ 0/,
  ],
];

describe("SecretMountedWorkload pod settings: refused at preview, naming the field and the fix, nothing registered", () => {
  for (const [description, over, field, message] of CASES) {
    it(description, () =>
      assertRefused(() => new SecretMountedWorkload("app", baseArgs(over)), "app", field, message, assert),
    );
  }
  it("AKS: the webhook's own label on the pods is refused (the component sets it)", () =>
    assertRefused(
      () => new SecretMountedWorkload("app", aksArgs({ labels: { "azure.workload.identity/use": "false" } })),
      "app",
      "labels.azure.workload.identity/use",
      /identity wiring and this component own/,
      assert,
    ));
});

describe("render: the review shows what selects the pods and where they may run", () => {
  it("selector, pod labels, scheduling, pull secrets and grace period, each on its own line", async () => {
    const mocks = new OfflineMocks();
    const w = await mockWorkload("shop", baseArgs(SETTINGS), mocks);
    const { entries, notes } = buildArtifacts(w.resources, {
      project: "p",
      stack: "example",
      placeholders: mocks.placeholders,
      scope: { ...DEFAULT_SCOPE, regionConfigured: true },
    });
    const facts = entries.find((e) => e.type === TYPE.Deployment)!.facts;
    const values = (label: string) => facts.find((f) => f.label === label)?.values;
    // Keys in the order the engine serialises them (sorted).
    assert.deepEqual(values("selector"), ["app.kubernetes.io/instance=shop, app.kubernetes.io/name=shop-api"]);
    assert.deepEqual(values("pod labels")!.slice().sort(), [
      "app.kubernetes.io/instance=shop",
      "app.kubernetes.io/name=shop-api",
      "example.com/tier=backend",
      "team=payments",
    ]);
    const scheduling = values("scheduling")!;
    assert.equal(scheduling[0], "node selector kubernetes.io/arch=arm64");
    assert.equal(scheduling[1], "tolerates dedicated=payments:NoSchedule");
    assert.equal(scheduling[2], "tolerates node.kubernetes.io/unreachable (any value):NoExecute for 60 s");
    assert.ok(
      scheduling.some((l) => l.startsWith("podAntiAffinity {") && l.includes('"app.kubernetes.io/name":"shop-api"')),
      scheduling.join("\n"),
    );
    assert.ok(
      scheduling.includes(
        `spread over topology.kubernetes.io/zone: max skew 1, DoNotSchedule, counting {"matchLabels":{"app.kubernetes.io/instance":"shop","app.kubernetes.io/name":"shop-api"}}`,
      ),
      scheduling.join("\n"),
    );
    assert.equal(scheduling.at(-1), "priority class business-critical");
    assert.deepEqual(values("image pull secrets"), ["registry-credentials"]);
    assert.deepEqual(values("termination grace"), ["45 s"]);
    assert.match(
      formatReview("p", entries, notes),
      /selector +app\.kubernetes\.io\/instance=shop, app\.kubernetes\.io\/name=shop-api/,
    );
  });
});
