import assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import { DeclarationError } from "../../components";
import type { SecretMountArgs } from "../../components";
import { podWiring } from "../../components/kubernetes/adopt";
import {
  adoptTransform,
  type AdoptSelection,
  type TransformContext,
} from "../../components/kubernetes/adopt-transform";
import type { PlatformWiring } from "../../components/kubernetes/pod";
import { normalizeMount } from "../../components/declarations";
import { FETCH_IMAGE, OIDC_ARN, OIDC_URL } from "./mock-run";

type Obj = Record<string, any>;
const APP_IMAGE = "registry.example.com/web@sha256:" + "c".repeat(64);

const PLATFORMS: Record<string, PlatformWiring> = {
  eks: {
    serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop-secrets" },
    podLabels: {},
    podAnnotations: {},
    skipContainers: { annotation: "eks.amazonaws.com/skip-containers", separator: "," },
    fetchEnv: {},
  },
  aks: {
    serviceAccountAnnotations: {
      "azure.workload.identity/client-id": "00000000-0000-0000-0000-00000000c1d0",
      "azure.workload.identity/tenant-id": "00000000-0000-0000-0000-0000000000t0",
    },
    podLabels: { "azure.workload.identity/use": "true" },
    podAnnotations: {},
    skipContainers: { annotation: "azure.workload.identity/skip-containers", separator: ";" },
    fetchEnv: {},
  },
  gke: {
    serviceAccountAnnotations: { "iam.gke.io/gcp-service-account": "shop-secrets@acme-prod.iam.gserviceaccount.com" },
    podLabels: {},
    podAnnotations: {},
    fetchEnv: {},
  },
};

/** The transform of a SecretMount "shop" for ServiceAccount shop/web, made by the chart (createServiceAccount: false). */
function transformOf(
  selection: AdoptSelection,
  platform = PLATFORMS.eks,
  over: Partial<SecretMountArgs> = {},
): { t: pulumi.ResourceTransform; ctx: TransformContext } {
  const decl = normalizeMount("shop", {
    namespace: "shop",
    serviceAccountName: "web",
    createServiceAccount: false,
    eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    fetch: { image: FETCH_IMAGE },
    ...over,
  });
  const ctx: TransformContext = {
    wiring: podWiring(decl, "{}", platform, "1Mi"),
    serviceAccountAnnotations: platform.serviceAccountAnnotations,
    ready: [],
  };
  return { t: adoptTransform(ctx, selection), ctx };
}

const template = (serviceAccountName?: string) => ({
  metadata: { labels: { app: "web" } },
  spec: {
    ...(serviceAccountName ? { serviceAccountName } : {}),
    containers: [{ name: "web", image: APP_IMAGE, securityContext: { runAsUser: 10001 } }],
  },
});
const TYPES: Record<string, string> = {
  Deployment: "kubernetes:apps/v1:Deployment",
  CronJob: "kubernetes:batch/v1:CronJob",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  ReplicaSet: "kubernetes:apps/v1:ReplicaSet",
  Pod: "kubernetes:core/v1:Pod",
  Rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
};
/** A resource as the engine hands it to a transform. */
function resource(
  kind: string,
  name: string,
  opts: { namespace?: string; sa?: string; resourceName?: string; annotations?: Obj } = {},
): pulumi.ResourceTransformArgs {
  const metadata = {
    name,
    namespace: opts.namespace ?? "shop",
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const tpl = template(opts.sa);
  const props =
    kind === "Pod"
      ? { metadata, spec: tpl.spec }
      : kind === "CronJob"
        ? {
            metadata,
            spec: {
              schedule: "@daily",
              jobTemplate: { spec: { template: { ...tpl, spec: { ...tpl.spec, restartPolicy: "OnFailure" } } } },
            },
          }
        : { metadata, spec: { selector: { matchLabels: { app: "web" } }, template: tpl } };
  return {
    type: TYPES[kind],
    name: opts.resourceName ?? `chart:${metadata.namespace}/${name}`,
    custom: true,
    props,
    opts: {},
  };
}
const serviceAccount = (annotations: Obj = {}, name = "web"): pulumi.ResourceTransformArgs => ({
  type: "kubernetes:core/v1:ServiceAccount",
  name: `chart:shop/${name}`,
  custom: true,
  props: { metadata: { name, namespace: "shop", annotations } },
  opts: {},
});

async function refused(run: () => unknown, ...parts: string[]) {
  await assert.rejects(
    async () => run(),
    (e: unknown) => {
      assert.ok(e instanceof DeclarationError, String(e));
      for (const p of parts) assert.ok(e.message.includes(p), `${e.message}\n  lacks: ${p}`);
      return true;
    },
  );
}

describe("adoptTransform: adoption never widens who holds the identity", () => {
  describe("a ServiceAccount that already carries another identity is refused, not overwritten", () => {
    const cases: [string, PlatformWiring, string, string][] = [
      [
        "EKS (a chart's own IRSA role)",
        PLATFORMS.eks,
        "eks.amazonaws.com/role-arn",
        "arn:aws:iam::111122223333:role/web-chart",
      ],
      [
        "AKS (another managed identity)",
        PLATFORMS.aks,
        "azure.workload.identity/client-id",
        "11111111-2222-3333-4444-555555555555",
      ],
      [
        "GKE (another Google service account)",
        PLATFORMS.gke,
        "iam.gke.io/gcp-service-account",
        "web@acme-prod.iam.gserviceaccount.com",
      ],
    ];
    for (const [title, platform, key, theirs] of cases) {
      it(title, async () => {
        const { t } = transformOf({ names: ["web"] }, platform);
        await t(resource("Deployment", "web"));
        await refused(
          () => t(serviceAccount({ [key]: theirs, "meta.helm.sh/release-name": "web" })),
          `shop: ServiceAccount shop/web metadata.annotations.${key}: already carries another value for an annotation the secrets' identity sets (${key}: "${theirs}")`,
          "adoption would overwrite it",
          "giving the secrets' identity to every pod that runs as this ServiceAccount",
          "Workloads of this program seen running as it: Deployment shop/web (adopted)",
          "Remove that annotation from the ServiceAccount",
          "give the adopted workloads a ServiceAccount of their own",
        );
      });
    }

    it("seen before any workload, it says so; the same value, or other annotations, are kept and the identity's added", async () => {
      const { t } = transformOf({ names: ["web"] });
      await refused(
        () => t(serviceAccount({ "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/web-chart" })),
        "seen running as it: none so far",
      );
      const same = await t(
        serviceAccount({
          "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop-secrets",
          "meta.helm.sh/release-name": "web",
        }),
      );
      assert.deepEqual(same!.props.metadata.annotations, {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/shop-secrets",
        "meta.helm.sh/release-name": "web",
      });
      const plain = await t(serviceAccount({ "meta.helm.sh/release-name": "web" }));
      assert.equal(
        plain!.props.metadata.annotations["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::111122223333:role/shop-secrets",
      );
      assert.equal(
        await t(serviceAccount({ "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/other" }, "other")),
        undefined,
        "another ServiceAccount is not ours",
      );
    });
  });

  describe("a workload running as the ServiceAccount that is not selected is refused, in whatever order it comes", () => {
    it("after the adopted one, and before it (each transform of the SecretMount sees what the others adopted)", async () => {
      const { t, ctx } = transformOf({ names: ["web"] });
      await refused(
        () => t(resource("Deployment", "worker", { sa: "web" })),
        "shop: Deployment shop/worker spec.template.spec.serviceAccountName: runs as ServiceAccount shop/web, which the secrets' identity trusts, but the SecretMount does not adopt it",
        "every container of its pods could read the secrets (the cloud identity trusts the ServiceAccount, not the pod)",
        "Select it too (add it to names, or annotate it secret-mount.io/mount: shop), or run it as another ServiceAccount",
        "Workloads seen running as shop/web: none so far",
      );
      assert.ok(await t(resource("Deployment", "web")));
      // A second transform of the same SecretMount shares what was seen.
      const other = adoptTransform(ctx, { names: ["api"] });
      await refused(
        () => other(resource("CronJob", "cleanup", { sa: "web" })),
        "CronJob shop/cleanup spec.jobTemplate.spec.template.spec.serviceAccountName: runs as ServiceAccount shop/web",
        "Workloads seen running as shop/web: Deployment shop/web (adopted)",
      );
    });

    it("a bare Pod, a ReplicaSet and a custom resource with a pod template (an Argo Rollout) too", async () => {
      const { t } = transformOf({ names: ["web"] });
      await refused(
        () => t(resource("Pod", "debug", { sa: "web" })),
        "Pod shop/debug spec.serviceAccountName: runs as ServiceAccount shop/web",
      );
      await refused(
        () => t(resource("ReplicaSet", "web-5d8f", { sa: "web" })),
        "ReplicaSet shop/web-5d8f spec.template.spec.serviceAccountName",
      );
      await refused(
        () => t(resource("Rollout", "canary", { sa: "web" })),
        "Rollout shop/canary spec.template.spec.serviceAccountName",
      );
    });

    it("left alone: another ServiceAccount, another namespace, no ServiceAccount (default), and a pod another transform of this SecretMount adopted", async () => {
      const { t, ctx } = transformOf({ names: ["web"] });
      assert.equal(await t(resource("Deployment", "worker", { sa: "worker" })), undefined);
      assert.equal(await t(resource("Deployment", "worker", { sa: "web", namespace: "other" })), undefined);
      assert.equal(await t(resource("Deployment", "worker")), undefined);
      const first = adoptTransform(ctx, { names: ["api"] });
      const adopted = await first(resource("Deployment", "api", { sa: "web" }));
      assert.equal(await t({ ...resource("Deployment", "api", { sa: "web" }), props: adopted!.props }), undefined);
    });

    it("a ServiceAccount named default (every pod that names none runs as it) is refused at the declaration", () => {
      assert.throws(
        () => transformOf({}, PLATFORMS.eks, { serviceAccountName: "default" }),
        /shop: serviceAccountName: is "default", the ServiceAccount of every pod in the namespace that names none: each of them would get the secrets' identity; give the adopted workloads a ServiceAccount of their own/,
      );
    });
  });

  describe("a names entry that matches more than one workload is refused, with the form that picks each", () => {
    it("a Deployment and a CronJob both named web: Deployment/web, CronJob/web", async () => {
      const { t } = transformOf({ names: ["api", "web"] });
      assert.ok(await t(resource("Deployment", "web")));
      await refused(
        () => t(resource("CronJob", "web")),
        'shop: names[1]: "web" matches 2 workloads: Deployment shop/web (pick it with "Deployment/web"), CronJob shop/web (pick it with "CronJob/web"); name the one to adopt',
      );
      // The forms that pick one.
      const kind = transformOf({ names: ["Deployment/web"] }).t;
      assert.ok(await kind(resource("Deployment", "web")));
      assert.equal(await kind(resource("CronJob", "web")), undefined);
      const full = transformOf({ names: ["CronJob/shop/web"] }).t;
      assert.equal(await full(resource("Deployment", "web")), undefined);
      assert.ok(await full(resource("CronJob", "web")));
    });

    it("two namespaces: namespace/name; the same kind, namespace and name (two clusters): the resource name", async () => {
      const { t } = transformOf({ names: ["Deployment/web"] });
      assert.ok(await t(resource("Deployment", "web")));
      await refused(
        () => t(resource("Deployment", "web", { namespace: "staging" })),
        '"Deployment/web" matches 2 workloads: Deployment shop/web (pick it with "shop/web"), Deployment staging/web (pick it with "staging/web")',
      );
      const twice = transformOf({ names: ["web"] }).t;
      assert.ok(await twice(resource("Deployment", "web", { resourceName: "web-east" })));
      await refused(
        () => twice(resource("Deployment", "web", { resourceName: "web-west" })),
        'Deployment shop/web (pick it with "web-east"), Deployment shop/web (pick it with "web-west")',
      );
    });
  });
});
