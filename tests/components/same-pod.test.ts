import assert from "node:assert/strict";
import type { SecretArgs, SecretMountedWorkloadArgs } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { FETCH_SPEC_ENV } from "../../spec/fetch-spec";
import { REVISION_ANNOTATION } from "../../components/kubernetes/pod";
import { AKS_ISSUER, AzureMocks, OIDC_ARN, OIDC_URL, baseArgs, mockWorkload } from "./mock-run";

/**
 * One Kubernetes platform in the same-pod test: how to declare an app on it, and the only pod bits
 * it may add (keys of ServiceAccount annotations, pod labels, pod annotations, fetch env). A new
 * platform adds an entry here.
 */
export interface KubePlatformCase {
  name: string;
  /** The platform field(s) of a declaration; the rest of the app is shared. */
  platform: Partial<SecretMountedWorkloadArgs>;
  mocks(): OfflineMocks;
  /** The existing secret's name in this platform's store (each store names secrets its own way). */
  existingName: string;
  identity: { serviceAccountAnnotations: string[]; podLabels: string[]; podAnnotations: string[]; fetchEnv: string[] };
}

export const KUBE_PLATFORMS: KubePlatformCase[] = [
  {
    name: "eks",
    platform: { eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL } },
    mocks: () => new OfflineMocks(),
    existingName: "prod-stripe",
    identity: {
      serviceAccountAnnotations: ["eks.amazonaws.com/role-arn"],
      podLabels: [],
      podAnnotations: ["eks.amazonaws.com/skip-containers"],
      fetchEnv: ["AWS_EC2_METADATA_DISABLED", "AWS_REGION", "AWS_ROLE_SESSION_NAME", "AWS_STS_REGIONAL_ENDPOINTS"],
    },
  },
  {
    name: "aks",
    platform: { aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: "shop-rg" } },
    mocks: () => new AzureMocks(),
    existingName: "prod-stripe",
    identity: {
      serviceAccountAnnotations: ["azure.workload.identity/client-id", "azure.workload.identity/tenant-id"],
      podLabels: ["azure.workload.identity/use"],
      podAnnotations: ["azure.workload.identity/skip-containers"],
      fetchEnv: [],
    },
  },
  {
    // Direct workload identity: nothing on the ServiceAccount, nothing to skip (the GKE metadata
    // server serves every container of the pod alike).
    name: "gke",
    platform: { gke: { project: "acme-prod" } },
    mocks: () => new OfflineMocks(),
    existingName: "projects/acme-shared/secrets/prod-stripe",
    identity: { serviceAccountAnnotations: [], podLabels: [], podAnnotations: [], fetchEnv: [] },
  },
  {
    name: "gke (google-service-account)",
    platform: { gke: { project: "acme-prod", identity: "google-service-account" } },
    mocks: () => new OfflineMocks(),
    existingName: "projects/acme-shared/secrets/prod-stripe",
    identity: {
      serviceAccountAnnotations: ["iam.gke.io/gcp-service-account"],
      podLabels: [],
      podAnnotations: [],
      fetchEnv: [],
    },
  },
];

/** The app, declared once: secrets every platform can hold, two containers, refresh, an env file. */
const secrets = (existingName: string): SecretArgs[] => [
  { name: "db-password", generate: { type: "password", length: 40 } },
  { name: "signing-key", generate: { type: "ecdsa" } },
  {
    name: "stripe",
    existing: { name: existingName },
    files: [
      { path: "stripe/key", jsonKey: "apiKey" },
      { path: "stripe/hook", jsonKey: "webhook", mode: "0440" },
    ],
  },
];
const app = (p: KubePlatformCase): SecretMountedWorkloadArgs => {
  const { eks: _eks, ...shared } = baseArgs({
    secrets: secrets(p.existingName),
    containers: [
      {
        name: "api",
        image: "registry.example.com/api@sha256:" + "a".repeat(64),
        runAsUser: 10001,
        ports: [{ name: "http", containerPort: 8080 }],
      },
      { name: "worker", image: "registry.example.com/worker@sha256:" + "b".repeat(64), runAsUser: 10002 },
    ],
    refresh: { intervalSeconds: 120 },
    envFile: { vars: { DB_PASSWORD: "db-password" } },
    labels: { team: "payments" },
  });
  return { ...shared, ...p.platform };
};

type Obj = Record<string, any>;
const without = (o: Obj | undefined, keys: string[]) =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !keys.includes(k)));

/** The pod template and ServiceAccount with the platform's identity bits taken out, and the keys it had. */
function shared(pod: Obj, sa: Obj, p: KubePlatformCase) {
  const t = structuredClone(pod);
  const env: Obj[] = t.spec.initContainers[0].env;
  const spec = JSON.parse(env.find((e) => e.name === FETCH_SPEC_ENV)!.value);
  const found = {
    serviceAccountAnnotations: Object.keys(sa.metadata.annotations ?? {}).sort(),
    podLabels: Object.keys(t.metadata.labels)
      .filter((k) => p.identity.podLabels.includes(k))
      .sort(),
    podAnnotations: Object.keys(t.metadata.annotations)
      .filter((k) => p.identity.podAnnotations.includes(k))
      .sort(),
    fetchEnv: env
      .map((e) => e.name)
      .filter((n) => p.identity.fetchEnv.includes(n))
      .sort(),
  };
  t.metadata.labels = without(t.metadata.labels, p.identity.podLabels);
  t.metadata.annotations = without(t.metadata.annotations, p.identity.podAnnotations);
  // Both name what the pods read; the value is a hash of platform version ids.
  assert.match(String(t.metadata.annotations[REVISION_ANNOTATION]), /^[0-9a-f]{16}$/, `${p.name}: revision annotation`);
  t.metadata.annotations[REVISION_ANNOTATION] = "<revision>";
  t.spec.initContainers[0].env = env
    .filter((e) => !p.identity.fetchEnv.includes(e.name))
    // The spec's sources are the platform's store; everything else in it is shared.
    .map((e) =>
      e.name === FETCH_SPEC_ENV
        ? { ...e, value: { ...spec, files: spec.files.map((f: Obj) => ({ ...f, source: "<platform's store>" })) } }
        : e,
    );
  const stores = [...new Set(spec.files.map((f: Obj) => f.source.type))];
  return {
    stores,
    pod: t,
    sa: {
      ...sa,
      metadata: { ...sa.metadata, annotations: without(sa.metadata.annotations, p.identity.serviceAccountAnnotations) },
    },
    found,
  };
}

describe("the same app on every Kubernetes platform yields the same pod, apart from the identity bits", () => {
  const results: { p: KubePlatformCase; pod: Obj; sa: Obj; stores: unknown[] }[] = [];
  before(async () => {
    for (const p of KUBE_PLATFORMS) {
      const w = await mockWorkload("shop", app(p), p.mocks());
      const s = shared(
        w.one("kubernetes:apps/v1:Deployment").spec.template,
        w.one("kubernetes:core/v1:ServiceAccount"),
        p,
      );
      assert.deepEqual(
        s.found,
        Object.fromEntries(Object.entries(p.identity).map(([k, v]) => [k, [...v].sort()])),
        `${p.name} adds exactly its declared identity bits`,
      );
      results.push({ p, pod: s.pod, sa: s.sa, stores: s.stores });
    }
  });

  for (const p of KUBE_PLATFORMS.slice(1)) {
    it(`${KUBE_PLATFORMS[0].name} and ${p.name}: identical pod template and ServiceAccount once identity bits are set aside`, () => {
      const [first, other] = [results[0], results.find((r) => r.p === p)!];
      assert.deepEqual(other.pod, first.pod);
      assert.deepEqual(other.sa, first.sa);
    });
  }

  it("each platform's sources are its own store", () => {
    assert.deepEqual(
      results.map((r) => [r.p.name, r.stores]),
      [
        ["eks", ["aws-secretsmanager"]],
        ["aks", ["azure-keyvault"]],
        ["gke", ["gcp-secretmanager"]],
        ["gke (google-service-account)", ["gcp-secretmanager"]],
      ],
    );
  });
});
