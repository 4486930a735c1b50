import * as pulumi from "@pulumi/pulumi";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as batch from "@pulumi/kubernetes/batch/v1";
import { parseAllDocuments } from "yaml";
import { SecretMount, SecretMountedWorkload } from "../../components";
import { buildArtifacts } from "../../components/render/artifacts";
import { OfflineMocks } from "../../components/render/offline-engine";
import { withTransforms } from "../../components/render/transforming-mocks";
import type { KubeObject } from "./rendered";

const IMAGE = "registry.example.com/app@sha256:" + "a".repeat(64);
const FETCH = "registry.example.com/secret-mount-fetch@sha256:" + "f".repeat(64);

/** A stand-in for a Helm v4 Chart's child: the chart's names, init containers of its own, no security contexts. */
class HelmLikeChart extends pulumi.ComponentResource {
  constructor(name: string, namespace: string) {
    super("kubernetes:helm.sh/v4:Chart", name, {}, {});
    new apps.Deployment(
      `${name}:${namespace}/${name}`,
      {
        metadata: { name, namespace, labels: { "app.kubernetes.io/name": name } },
        spec: {
          selector: { matchLabels: { "app.kubernetes.io/name": name } },
          template: {
            metadata: { labels: { "app.kubernetes.io/name": name } },
            spec: {
              initContainers: [
                {
                  name: "wait-for-db",
                  image: IMAGE,
                  command: ["/bin/wait-for", "db:5432"],
                  securityContext: { runAsUser: 10001 },
                },
                { name: "migrate", image: IMAGE, args: ["migrate"], securityContext: { runAsUser: 10001 } },
              ],
              containers: [
                { name: name, image: IMAGE, securityContext: { runAsUser: 10001, readOnlyRootFilesystem: true } },
              ],
            },
          },
        },
      },
      { parent: this },
    );
  }
}

/**
 * What the offline engine renders for a stack that adopts a Helm-like chart's Deployment, a
 * StatefulSet, a Job and a CronJob with one SecretMount (EKS) and a stack transform, and a
 * SecretMountedWorkload of each other kind (StatefulSet, Job, CronJob), in `namespace`.
 */
export async function adoptedObjects(namespace: string): Promise<KubeObject[]> {
  const mocks = new OfflineMocks();
  await pulumi.runtime.setMocks(withTransforms(mocks), "adopt", "real", false);
  const mount = new SecretMount("shop", {
    namespace,
    eks: {
      oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
    },
    secrets: [{ name: "db-password", generate: { type: "password" } }],
    fetch: { image: FETCH },
  });
  pulumi.runtime.registerResourceTransform(mount.transform({ names: ["web", "db", "report", "nightly"] }));
  new HelmLikeChart("web", namespace);
  const pod = {
    metadata: { labels: { app: "db" } },
    spec: { containers: [{ name: "db", image: IMAGE, securityContext: { runAsUser: 999 } }] },
  };
  new apps.StatefulSet("db", {
    metadata: { name: "db", namespace },
    spec: { serviceName: "db", selector: { matchLabels: { app: "db" } }, template: pod },
  });
  new batch.Job("report", {
    metadata: { name: "report", namespace },
    spec: { template: { ...pod, spec: { ...pod.spec, restartPolicy: "Never" } } },
  });
  new batch.CronJob("nightly", {
    metadata: { name: "nightly", namespace },
    spec: {
      schedule: "0 3 * * *",
      jobTemplate: { spec: { template: { ...pod, spec: { ...pod.spec, restartPolicy: "OnFailure" } } } },
    },
  });
  // And SecretMountedWorkload's own kinds beside Deployment.
  for (const [name, kind] of [
    ["ledger", "StatefulSet"],
    ["export", "Job"],
    ["cleanup", "CronJob"],
  ] as const) {
    new SecretMountedWorkload(name, {
      namespace,
      kind,
      ...(kind === "CronJob" ? { schedule: "@daily" } : {}),
      eks: {
        oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      },
      secrets: [{ name: "token", generate: { type: "password" } }],
      containers: [{ name: "app", image: IMAGE, runAsUser: 10001 }],
      fetch: { image: FETCH },
    });
  }
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  const yaml = buildArtifacts(mocks.resources).artifacts.find((a) => a.path === "kubernetes.yaml")!;
  const objects = parseAllDocuments(yaml.content)
    .map((d) => d.toJS() as KubeObject)
    .filter(Boolean);
  return objects.sort((a, b) => Number(b.kind === "ServiceAccount") - Number(a.kind === "ServiceAccount"));
}
