import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as batch from "@pulumi/kubernetes/batch/v1";
import * as core from "@pulumi/kubernetes/core/v1";
import { DeclarationError, SecretMount, MOUNT_ANNOTATION, parseFetchSpecJson } from "../../components";
import type { SecretMountArgs } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { withTransforms } from "../../components/render/transforming-mocks";
import { podTemplateOf, validateServiceAccount, validateWorkload } from "../helpers/kube-validate";
import { assertRestricted } from "../helpers/pod-security";
import { AKS_ISSUER, AzureMocks, FETCH_IMAGE, OIDC_ARN, OIDC_URL } from "./mock-run";

type Obj = Record<string, any>;
const APP_IMAGE = "registry.example.com/web@sha256:" + "c".repeat(64);

const eksMount = (over: Partial<SecretMountArgs> = {}): SecretMountArgs => ({
  namespace: "shop",
  eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
  secrets: [{ name: "db-password", generate: { type: "password" } }],
  fetch: { image: FETCH_IMAGE },
  ...over,
});

const pod = (initContainers: { name: string; image: string }[] = []) => ({
  metadata: { labels: { app: "web" } },
  spec: {
    initContainers,
    containers: [{ name: "web", image: APP_IMAGE, securityContext: { runAsUser: 10001 } }],
  },
});

/** A stand-in for a Helm v4 Chart: a component of that type whose children carry the chart's names (`<chart>:<namespace>/<name>`). */
class HelmLikeChart extends pulumi.ComponentResource {
  constructor(name: string) {
    super("kubernetes:helm.sh/v4:Chart", name, {}, {});
    new core.ServiceAccount(`${name}:shop/web`, { metadata: { name: "web", namespace: "shop" } }, { parent: this });
    new apps.Deployment(
      `${name}:shop/web`,
      {
        metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
        spec: {
          selector: { matchLabels: { app: "web" } },
          template: pod([{ name: "wait-for-db", image: "busybox@sha256:" + "b".repeat(64) }]),
        },
      },
      { parent: this },
    );
    new apps.Deployment(
      `${name}:shop/other`,
      {
        metadata: { name: "other", namespace: "shop", labels: { app: "other" } },
        spec: {
          selector: { matchLabels: { app: "other" } },
          template: { ...pod(), metadata: { labels: { app: "other" } } },
        },
      },
      { parent: this },
    );
  }
}

async function settle(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}
const resolve = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply(r));

describe("SecretMount: secrets and identity for a ServiceAccount, and a transform adopting workloads made elsewhere (mocks)", () => {
  it("EKS: a stack transform adopts a Helm-like chart's Deployment by name (existing init container kept second) and annotates the chart's ServiceAccount; the rest is untouched", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(withTransforms(mocks), "proj", "dev", false);
    const mount = new SecretMount("shop", eksMount({ serviceAccountName: "web", createServiceAccount: false }));
    pulumi.runtime.registerResourceTransform(mount.transform({ names: ["web"] }));
    new HelmLikeChart("web");
    await settle();

    const of = (type: string, name: string) =>
      mocks.resources.find((r) => r.type === type && r.name === name)!.inputs as Obj;
    assert.equal(
      mocks.resources.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount").length,
      1,
      "no ServiceAccount of its own",
    );
    const roleArn = await resolve(mount.roleArn!);
    const sa = of("kubernetes:core/v1:ServiceAccount", "web:shop/web");
    assert.deepEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": roleArn });
    validateServiceAccount(sa);

    const web = of("kubernetes:apps/v1:Deployment", "web:shop/web");
    const spec = web.spec.template.spec;
    assert.deepEqual(
      spec.initContainers.map((c: Obj) => c.name),
      ["secret-mount-fetch", "wait-for-db"],
    );
    assert.equal(spec.serviceAccountName, "web");
    const env = Object.fromEntries(spec.initContainers[0].env.map((e: Obj) => [e.name, e.value]));
    assert.deepEqual(
      parseFetchSpecJson(env.SECRET_MOUNT_SPEC).files.map((f) => f.path),
      ["db-password"],
    );
    assert.equal(env.SECRET_MOUNT_SPEC, await resolve(mount.fetchSpec));
    assert.equal(web.spec.template.metadata.annotations["eks.amazonaws.com/skip-containers"], "wait-for-db,web");
    assert.match(web.spec.template.metadata.annotations["secret-mount.io/revision"], /^[0-9a-f]{16}$/);
    validateWorkload(web);
    assertRestricted(spec, web.spec.template.metadata);

    const other = of("kubernetes:apps/v1:Deployment", "web:shop/other");
    assert.equal(other.spec.template.spec.initContainers.length, 0, "not selected: left as written");
  });

  it("EKS: resource transforms adopt an annotated StatefulSet, a Job and a CronJob (init mode); each valid for its kind and restricted", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(withTransforms(mocks), "proj", "dev", false);
    const mount = new SecretMount("shop", eksMount());
    const transforms = [mount.transform()];
    const selected = { [MOUNT_ANNOTATION]: "shop" };
    new apps.StatefulSet(
      "db",
      {
        metadata: { name: "db", namespace: "shop", annotations: selected },
        spec: {
          serviceName: "db",
          selector: { matchLabels: { app: "web" } },
          template: pod([{ name: "init-schema", image: APP_IMAGE }]),
        },
      },
      { transforms },
    );
    new batch.Job(
      "report",
      {
        metadata: { name: "report", namespace: "shop", annotations: selected },
        spec: { backoffLimit: 2, template: { ...pod(), spec: { ...pod().spec, restartPolicy: "Never" } } },
      },
      { transforms },
    );
    new batch.CronJob(
      "nightly",
      {
        metadata: { name: "nightly", namespace: "shop", annotations: selected },
        spec: {
          schedule: "0 3 * * *",
          jobTemplate: { spec: { template: { ...pod(), spec: { ...pod().spec, restartPolicy: "OnFailure" } } } },
        },
      },
      { transforms },
    );
    new apps.DaemonSet(
      "agent",
      {
        metadata: { name: "agent", namespace: "shop" },
        spec: { selector: { matchLabels: { app: "web" } }, template: pod() },
      },
      { transforms },
    );
    await settle();

    const sa = mocks.resources.find((r) => r.type === "kubernetes:core/v1:ServiceAccount")!.inputs as Obj;
    assert.equal(sa.metadata.name, "shop");
    for (const type of ["kubernetes:apps/v1:StatefulSet", "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob"]) {
      const o = mocks.resources.find((r) => r.type === type)!.inputs as Obj;
      const t = podTemplateOf(o);
      assert.equal(t.spec.initContainers[0].name, "secret-mount-fetch", type);
      assert.equal(t.spec.initContainers[0].restartPolicy, undefined, `${type}: init mode`);
      assert.equal(t.spec.serviceAccountName, "shop");
      validateWorkload(o);
      assertRestricted(t.spec, t.metadata);
    }
    const sts = podTemplateOf(mocks.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!.inputs);
    assert.deepEqual(
      sts.spec.initContainers.map((c: Obj) => c.name),
      ["secret-mount-fetch", "init-schema"],
    );
    const ds = mocks.resources.find((r) => r.type === "kubernetes:apps/v1:DaemonSet")!.inputs as Obj;
    assert.equal(ds.spec.template.spec.initContainers.length, 0, "neither annotated nor named: not adopted");
  });

  it("the transform makes adopted pods wait for the grants and the ServiceAccount, and refuses what it cannot wire", async () => {
    await pulumi.runtime.setMocks(withTransforms(new OfflineMocks()), "proj", "dev", false);
    const mount = new SecretMount("shop", eksMount({ refresh: { intervalSeconds: 60 } }));
    const t = mount.transform({ names: ["report"] });
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "report", namespace: "shop" },
      spec: { template: { ...pod(), spec: { ...pod().spec, shareProcessNamespace: true } } },
    };
    assert.throws(
      () => t({ type: "kubernetes:batch/v1:Job", name: "report", custom: true, props: job, opts: {} }),
      (e: unknown) =>
        e instanceof DeclarationError &&
        e.message.includes("shop: Job shop/report spec.template.spec.shareProcessNamespace"),
    );
    const dep = {
      ...job,
      apiVersion: "apps/v1",
      kind: "Deployment",
      spec: { selector: { matchLabels: { app: "web" } }, template: pod() },
    };
    // (a transform of its own: with `t`, "report" would name two workloads)
    const r = await mount.transform({ names: ["report"] })({
      type: "kubernetes:apps/v1:Deployment",
      name: "report",
      custom: true,
      props: dep,
      opts: { dependsOn: [mount] },
    });
    const deps = r!.opts.dependsOn as pulumi.Resource[];
    assert.equal(deps[0], mount, "the resource's own dependencies are kept");
    const names = await Promise.all(deps.slice(1).map((d) => resolve(d.urn)));
    assert.ok(
      names.some((u) => u.endsWith("kubernetes:core/v1:ServiceAccount::shop-sa")),
      names.join("\n"),
    );
    assert.ok(
      names.some((u) => u.includes("aws:iam/rolePolicy:RolePolicy") || u.includes("aws:iam/rolePolicyAttachment")),
      names.join("\n"),
    );
    assert.equal(
      await t({
        type: "kubernetes:core/v1:ConfigMap",
        name: "report",
        custom: true,
        props: { metadata: { name: "report" } },
        opts: {},
      }),
      undefined,
    );
    await settle();
  });

  it("podWiring (JSON, every language) carries the same fetch container, volume, mount and identity bits", async () => {
    await pulumi.runtime.setMocks(withTransforms(new OfflineMocks()), "proj", "dev", false);
    const mount = new SecretMount("shop", eksMount());
    const doc = JSON.parse(await resolve(mount.podWiring));
    assert.deepEqual(Object.keys(doc).sort(), [
      "fetchContainer",
      "namespace",
      "podAnnotations",
      "podLabels",
      "podSecurityContext",
      "serviceAccountName",
      "skipContainers",
      "volumeMount",
      "volumes",
    ]);
    assert.equal(doc.fetchContainer.name, "secret-mount-fetch");
    assert.deepEqual(doc.volumeMount, { name: "secret-mount", mountPath: "/run/secrets/app", readOnly: true });
    assert.deepEqual(doc.skipContainers, { annotation: "eks.amazonaws.com/skip-containers", separator: "," });
    assert.deepEqual(doc.podSecurityContext, { fsGroup: 65532, fsGroupChangePolicy: "OnRootMismatch" });
    assert.equal(
      Object.keys(doc.podAnnotations).includes("eks.amazonaws.com/skip-containers"),
      false,
      "per pod, from skipContainers",
    );
    assert.deepEqual(await resolve(mount.serviceAccountAnnotations), {
      "eks.amazonaws.com/role-arn": await resolve(mount.roleArn!),
    });
    await settle();
  });

  it("a bad declaration fails before anything is registered, naming the field", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(withTransforms(mocks), "proj", "dev", false);
    assert.throws(
      () => new SecretMount("shop", { ...eksMount(), containers: [] } as SecretMountArgs),
      /shop: containers: is not a known field/,
    );
    assert.throws(
      () => new SecretMount("shop", eksMount({ mountInto: ["Web"] })),
      /shop: mountInto\[0\]: "Web" is not a DNS-1123 label/,
    );
    assert.throws(() => new SecretMount("shop", { ...eksMount(), gke: {} }), /eks and gke are all set/);
    assert.throws(
      () => new SecretMount("shop", eksMount({ serviceAccountName: "default" })),
      /shop: serviceAccountName: is "default", the ServiceAccount of every pod in the namespace that names none/,
    );
    assert.throws(
      () => new SecretMount("default", eksMount()),
      /default: name \(the component name, used as the ServiceAccount name\): is "default"/,
    );
    assert.throws(
      () => new SecretMount("shop", eksMount({ allowPersistentVolumeGroupChange: "yes" as never })),
      /shop: allowPersistentVolumeGroupChange: is "yes"; use true or false/,
    );
    assert.throws(
      () => new SecretMount("shop", eksMount({ refresh: { notify: { signal: { process: "web" } } } })),
      /shop: refresh\.notify\.signal: needs a shared process namespace .* which SecretMount cannot see or set on pods declared elsewhere; notify with http or generationFile instead/,
    );
    await settle();
    assert.equal(mocks.resources.length, 0);
  });

  it("AKS: the adopted StatefulSet gets the webhook's use label and the `;` skip list; GKE: no skip list (every container gets the identity)", async () => {
    const az = new AzureMocks();
    await pulumi.runtime.setMocks(withTransforms(az), "proj", "dev", false);
    const aks = new SecretMount("shop", {
      namespace: "shop",
      aks: { oidcIssuerUrl: AKS_ISSUER, resourceGroupName: "shop-rg" },
      secrets: [{ name: "db-password", generate: { type: "password" } }],
      fetch: { image: FETCH_IMAGE },
    });
    new apps.StatefulSet(
      "db",
      {
        metadata: { name: "db", namespace: "shop" },
        spec: {
          serviceName: "db",
          selector: { matchLabels: { app: "web" } },
          template: pod([{ name: "init", image: APP_IMAGE }]),
        },
      },
      { transforms: [aks.transform({ names: ["db"] })] },
    );
    await settle();
    const sts = az.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!.inputs as Obj;
    assert.equal(sts.spec.template.metadata.labels["azure.workload.identity/use"], "true");
    assert.equal(sts.spec.template.metadata.annotations["azure.workload.identity/skip-containers"], "init;web");
    validateWorkload(sts);
    assertRestricted(sts.spec.template.spec, sts.spec.template.metadata);

    const g = new OfflineMocks();
    await pulumi.runtime.setMocks(withTransforms(g), "proj", "dev", false);
    const gke = new SecretMount("shop", {
      namespace: "shop",
      gke: {},
      secrets: [{ name: "db-password", generate: { type: "password" } }],
      fetch: { image: FETCH_IMAGE },
    });
    new apps.StatefulSet(
      "db",
      {
        metadata: { name: "db", namespace: "shop" },
        spec: { serviceName: "db", selector: { matchLabels: { app: "web" } }, template: pod() },
      },
      { transforms: [gke.transform({ names: ["db"] })] },
    );
    await settle();
    const gsts = g.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!.inputs as Obj;
    assert.equal(gsts.spec.template.spec.initContainers[0].name, "secret-mount-fetch");
    assert.deepEqual(
      Object.keys(gsts.spec.template.metadata.annotations).filter((k) => k.includes("skip-containers")),
      [],
    );
    assert.ok(JSON.parse(await resolve(gke.iamMembers!)).length > 0);
    validateWorkload(gsts);
  });
});
