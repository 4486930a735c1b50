import assert from "node:assert/strict";
import type { SecretMountedWorkloadArgs } from "../../components";
import { parseFetchSpecJson } from "../../components/spec/fetch-spec";
import { FETCH_IMAGE, OIDC_ARN, OIDC_URL, mockWorkload } from "./mock-run";

/**
 * DESIGN.md "Platforms": the Kubernetes platforms share the pod. The same app declared on each
 * yields the same ServiceAccount and Deployment apart from the identity bits a platform adds
 * (ServiceAccount annotations, pod labels/annotations, fetch-container environment, the FetchSpec's
 * sources and the revision they hash). Each platform names its bits below; anything else differing
 * fails. A new Kubernetes platform adds one entry to PLATFORMS.
 */
interface PlatformCase {
  args: Partial<SecretMountedWorkloadArgs>;
  /** Exactly the identity bits this platform adds. */
  serviceAccountAnnotations: string[];
  podAnnotations: string[];
  podLabels: string[];
  fetchEnv: string[];
  sourceType: string;
}

const PLATFORMS: Record<string, PlatformCase> = {
  eks: {
    args: { eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL } },
    serviceAccountAnnotations: ["eks.amazonaws.com/role-arn"],
    podAnnotations: ["eks.amazonaws.com/skip-containers"],
    podLabels: [],
    fetchEnv: ["AWS_REGION", "AWS_STS_REGIONAL_ENDPOINTS"],
    sourceType: "aws-secretsmanager",
  },
  gke: {
    args: { gke: {} },
    // Direct workload identity: nothing on the ServiceAccount, nothing to skip (the metadata server
    // serves every container alike).
    serviceAccountAnnotations: [],
    podAnnotations: [],
    podLabels: [],
    fetchEnv: [],
    sourceType: "gcp-secretmanager",
  },
};

/** The app, platform-neutral: what a team writes once. */
const APP: SecretMountedWorkloadArgs = {
  namespace: "shop",
  labels: { tier: "api" },
  secrets: [
    { name: "db-password", generate: { type: "password", length: 40 } },
    { name: "signing", generate: { type: "rsa", rsaBits: 2048 } },
  ],
  containers: [{
    name: "api", image: "registry.example.com/shop@sha256:" + "a".repeat(64), runAsUser: 10001,
    ports: [{ name: "http", containerPort: 8080 }], resources: { requests: { cpu: "50m", memory: "64Mi" } },
  }],
  envFile: { vars: { DB_PASSWORD: "db-password" } },
  refresh: { intervalSeconds: 120 },
  fetch: { image: FETCH_IMAGE },
};

type Obj = Record<string, any>;
const IDENTITY_POD_ANNOTATIONS = ["secret-mount.io/revision"];

/** The pod with one platform's identity bits taken out, and those bits on their own. */
function split(deployment: Obj, sa: Obj, p: PlatformCase) {
  const d = structuredClone(deployment);
  const tpl = d.spec.template;
  const bits = {
    serviceAccountAnnotations: Object.keys(sa.metadata.annotations ?? {}).sort(),
    podAnnotations: Object.keys(tpl.metadata.annotations ?? {}).filter((k) => !IDENTITY_POD_ANNOTATIONS.includes(k) && k !== "kubectl.kubernetes.io/default-container").sort(),
    podLabels: Object.keys(tpl.metadata.labels).filter((k) => !["app.kubernetes.io/name", "app.kubernetes.io/instance", "tier"].includes(k)).sort(),
    fetchEnv: [] as string[],
    sourceTypes: [] as string[],
  };
  for (const k of [...p.podAnnotations, ...IDENTITY_POD_ANNOTATIONS]) delete tpl.metadata.annotations[k];
  for (const k of p.podLabels) delete tpl.metadata.labels[k];
  const fetch = tpl.spec.initContainers[0];
  bits.fetchEnv = fetch.env.map((e: Obj) => e.name).filter((n: string) => p.fetchEnv.includes(n)).sort();
  fetch.env = fetch.env.filter((e: Obj) => !p.fetchEnv.includes(e.name)).map((e: Obj) => {
    if (e.name !== "SECRET_MOUNT_SPEC") return e;
    const spec = parseFetchSpecJson(e.value);
    bits.sourceTypes = [...new Set(spec.files.map((f) => f.source.type))];
    // The same spec apart from where each file comes from.
    return { name: e.name, value: JSON.stringify({ ...spec, files: spec.files.map(({ source: _source, ...rest }) => rest) }) };
  });
  const saRest = structuredClone(sa);
  for (const k of p.serviceAccountAnnotations) delete saRest.metadata.annotations[k];
  return { pod: d, sa: saRest, bits };
}

describe("the same app on every Kubernetes platform yields the same pod apart from the identity bits", () => {
  const rendered: Record<string, ReturnType<typeof split>> = {};
  before(async () => {
    for (const [platform, p] of Object.entries(PLATFORMS)) {
      const w = await mockWorkload("shop", { ...APP, ...p.args });
      rendered[platform] = split(w.one("kubernetes:apps/v1:Deployment"), w.one("kubernetes:core/v1:ServiceAccount"), p);
    }
  });

  for (const [platform, p] of Object.entries(PLATFORMS)) {
    it(`${platform} adds exactly its declared identity bits`, () => {
      const b = rendered[platform].bits;
      assert.deepEqual(b.serviceAccountAnnotations, [...p.serviceAccountAnnotations].sort());
      assert.deepEqual(b.podAnnotations, [...p.podAnnotations].sort());
      assert.deepEqual(b.podLabels, [...p.podLabels].sort());
      assert.deepEqual(b.fetchEnv, [...p.fetchEnv].sort());
      assert.deepEqual(b.sourceTypes, [p.sourceType]);
    });
  }

  const [first, ...others] = Object.keys(PLATFORMS);
  for (const platform of others) {
    it(`${platform} and ${first}: the same Deployment and ServiceAccount once those bits are set aside`, () => {
      assert.deepEqual(rendered[platform].pod, rendered[first].pod);
      assert.deepEqual(rendered[platform].sa, rendered[first].sa);
    });
  }
});
