import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import * as apps from "@pulumi/kubernetes/apps/v1";
import * as batch from "@pulumi/kubernetes/batch/v1";
import { parse as parseYaml } from "yaml";
import { SecretMount } from "../../components";
import { buildArtifacts, formatReview } from "../../components/render/artifacts";
import { DEFAULT_SCOPE, OfflineMocks, runProgram } from "../../components/render/offline-engine";
import * as path from "node:path";
import { withTransforms } from "../../components/render/transforming-mocks";
import { FETCH_IMAGE, OIDC_ARN, OIDC_URL } from "./mock-run";

const APP_IMAGE = "registry.example.com/db@sha256:" + "d".repeat(64);

/**
 * The render's review of adopted workloads: the transform runs under the offline engine, so
 * kubernetes.yaml holds the adopted objects and the review says who adopted them and which
 * security-context fields adoption set.
 */
describe("render: adopted workloads are shown adopted, with what adoption set", () => {
  it("a StatefulSet and a Job adopted by a stack transform: kubernetes.yaml and the review show the fetcher and every field set", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(withTransforms(mocks), "p", "example", false);
    const mount = new SecretMount("shop", {
      namespace: "shop",
      eks: { oidcProviderArn: OIDC_ARN, oidcIssuerUrl: OIDC_URL },
      secrets: [{ name: "db-password", generate: { type: "password" } }],
      fetch: { image: FETCH_IMAGE },
    });
    pulumi.runtime.registerResourceTransform(mount.transform({ names: ["db", "report"] }));
    const pod = {
      metadata: { labels: { app: "db" } },
      spec: { containers: [{ name: "db", image: APP_IMAGE, securityContext: { runAsUser: 999 } }] },
    };
    new apps.StatefulSet("db", {
      metadata: { name: "db", namespace: "shop" },
      spec: { serviceName: "db", selector: { matchLabels: { app: "db" } }, template: pod },
    });
    new batch.Job("report", {
      metadata: { name: "report", namespace: "shop" },
      spec: { template: { ...pod, spec: { ...pod.spec, restartPolicy: "Never" } } },
    });
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();

    const { artifacts, entries, notes } = buildArtifacts(mocks.resources, {
      project: "p",
      stack: "example",
      placeholders: mocks.placeholders,
      scope: { ...DEFAULT_SCOPE, regionConfigured: true },
    });
    const text = formatReview("p (stack example)", entries, notes);
    const yaml = artifacts.find((a) => a.path === "kubernetes.yaml")!.content;
    const docs = yaml
      .split(/^---$/m)
      .map((d) => parseYaml(d))
      .filter(Boolean);
    const sts = docs.find((d) => d.kind === "StatefulSet");
    assert.equal(sts.spec.template.spec.initContainers[0].name, "secret-mount-fetch");
    assert.equal(sts.spec.template.metadata.annotations["secret-mount.io/adopted-by"], "shop");

    for (const kind of ["statefulset", "job"]) {
      const at = text.indexOf(`${kind}`);
      assert.ok(at >= 0, `${kind} in the review:\n${text}`);
    }
    // The review wraps long lines; read it as one.
    const flat = text.replace(/\s+/g, " ");
    assert.match(
      flat,
      /statefulset shop\/db, 1 replica adopted by SecretMount shop set \(restricted profile\): securityContext\.runAsNonRoot=true/,
    );
    assert.match(flat, /set \(restricted profile\): containers\[0\] "db" securityContext\.capabilities\.drop\+=ALL/);
    assert.match(flat, /job shop\/report adopted by SecretMount shop/);
    assert.match(flat, /init container: fetches once, then exits/);
    assert.ok(
      artifacts.some((a) => a.path === "fetch-spec/report.json"),
      artifacts.map((a) => a.path).join(", "),
    );
  });

  it("npm run render's engine runs a program's stack transform: the program's StatefulSet is rendered adopted", async () => {
    const run = await runProgram(path.join(__dirname, "fixtures/adopt-program"));
    const sts = run.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!.inputs as Record<string, any>;
    assert.deepEqual(
      sts.spec.template.spec.initContainers.map((c: { name: string }) => c.name),
      ["secret-mount-fetch"],
    );
    assert.equal(sts.spec.template.metadata.annotations["secret-mount.io/adopted-by"], "shop");
  });
});
