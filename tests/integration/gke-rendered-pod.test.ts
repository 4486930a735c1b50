import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { gkeArgs, mockWorkload } from "../components/mock-run";
import { GcpDoubles, type GcpIam } from "../runtime/doubles/gcp";
import { isolatedEnv, runFetch, SECRET_MARKER, tempDir } from "../runtime/harness";

/**
 * Both halves together on GKE: the pod the component renders, run as a GKE node runs it. The fetch
 * container's own env (from the rendered Deployment), the metadata server a GKE node gives the pod
 * (the double, issuing tokens for the pod's principal), and Secret Manager (the double, global and
 * regional endpoints) deciding every read by the grants the component rendered (`iamMembers`).
 */
describe("integration: the rendered GKE pod's fetch container against the metadata server and Secret Manager doubles", function () {
  this.timeout(30_000);
  let g: GcpDoubles;
  before(async () => {
    g = await new GcpDoubles().start();
    await g.startRegion("europe-west4");
  });
  after(() => g.stop());

  const DB = "projects/offline-project/secrets/proj-dev-shop-db";
  const STRIPE = "projects/acme-shared/secrets/stripe";
  const LEDGER = "projects/acme-eu/locations/europe-west4/secrets/ledger";
  const KSA_PRINCIPAL =
    "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/offline-project.svc.id.goog/subject/ns/shop/sa/shop";

  async function declare(identity: "direct" | "google-service-account") {
    const mount = tempDir("sm-mount-");
    const w = await mockWorkload(
      "shop",
      gkeArgs({
        mountPath: mount,
        gke: { identity },
        secrets: [
          { name: "db", generate: { type: "password" } },
          {
            name: "stripe",
            existing: { name: STRIPE },
            gcp: { version: "3" },
            files: [
              { path: "stripe/key", jsonKey: "apiKey" },
              { path: "stripe/hook", jsonKey: "webhook" },
            ],
          },
          { name: "ledger", existing: { name: LEDGER } },
        ],
        envFile: { vars: { DB_PASSWORD: "db" } },
      }),
    );
    const fetch = w.one("kubernetes:apps/v1:Deployment").spec.template.spec.initContainers[0];
    const containerEnv = Object.fromEntries(fetch.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    return { w, mount, containerEnv, grants: JSON.parse(String(w.outputs.iamMembers)) as GcpIam["grants"] };
  }

  /** What the GKE metadata server hands the pod: the KSA's principal, or the Google service account it may impersonate. */
  function podPrincipal(w: Awaited<ReturnType<typeof declare>>["w"], grants: GcpIam["grants"]): string {
    const email = w.one("kubernetes:core/v1:ServiceAccount").metadata.annotations?.["iam.gke.io/gcp-service-account"];
    if (!email) return KSA_PRINCIPAL;
    // GKE issues the Google service account's token only if it admits this KSA as a workload identity user.
    assert.ok(
      grants.some(
        (x) =>
          x.resource === email &&
          x.role === "roles/iam.workloadIdentityUser" &&
          x.member === "serviceAccount:offline-project.svc.id.goog[shop/shop]",
      ),
      "the annotated account admits exactly this KSA",
    );
    return `serviceAccount:${email}`;
  }

  function store(): void {
    g.reset();
    g.versions.set(`${DB}/versions/latest`, { data: `${SECRET_MARKER}-db`, version: 1 });
    g.versions.set(`${STRIPE}/versions/3`, {
      data: JSON.stringify({ apiKey: `${SECRET_MARKER}-key`, webhook: `${SECRET_MARKER}-hook` }),
      version: 3,
    });
    g.versions.set(`${LEDGER}/versions/latest`, { data: `${SECRET_MARKER}-ledger`, version: 9 });
  }

  const podEnv = () => ({
    GCE_METADATA_HOST: g.metadataHost,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${g.endpoint}/`,
    ...g.regionalEnv(),
  });

  for (const identity of ["direct", "google-service-account"] as const) {
    it(`${identity}: writes every declared file; every read had a grant on exactly that secret for exactly the pod's principal; nothing else was read`, async () => {
      store();
      const { w, mount, containerEnv, grants } = await declare(identity);
      const principal = podPrincipal(w, grants);
      g.iam = { principal, grants };
      const r = await runFetch({ env: isolatedEnv({ ...podEnv(), ...containerEnv }) });
      assert.equal(r.code, 0, r.stderr + r.stdout);

      const read = (p: string) => fs.readFileSync(path.join(mount, p), "utf8");
      assert.equal(read("db"), `${SECRET_MARKER}-db`);
      assert.equal(read("stripe/key"), `${SECRET_MARKER}-key`);
      assert.equal(read("stripe/hook"), `${SECRET_MARKER}-hook`);
      assert.equal(read("ledger"), `${SECRET_MARKER}-ledger`);
      assert.equal(read("secrets.env"), `DB_PASSWORD=${SECRET_MARKER}-db\n`);

      assert.deepEqual(
        g.reads.map((x) => [x.secret, x.endpoint, x.allowed]).sort(),
        [
          [LEDGER, "europe-west4", true],
          [STRIPE, "global", true],
          [DB, "global", true],
        ].sort(),
        "each declared secret read once, at its own endpoint, and allowed",
      );
      for (const x of g.reads) {
        const matching = grants.filter(
          (gr) => gr.resource === x.secret && gr.role === "roles/secretmanager.secretAccessor",
        );
        assert.deepEqual(
          matching.map((m) => m.member),
          [principal],
          `${x.secret}: one accessor grant, for exactly the pod's principal`,
        );
      }
      const accessorGrants = grants
        .filter((x) => x.role === "roles/secretmanager.secretAccessor")
        .map((x) => x.resource)
        .sort();
      assert.deepEqual(accessorGrants, [DB, LEDGER, STRIPE].sort(), "no grant beyond the declared secrets");
    });
  }

  it("a pod in another namespace (another principal) is denied every secret, reported access-denied at the deadline", async () => {
    store();
    const { containerEnv, grants } = await declare("direct");
    g.iam = { principal: KSA_PRINCIPAL.replace("/ns/shop/", "/ns/other/"), grants };
    const r = await runFetch({ env: isolatedEnv({ ...podEnv(), ...containerEnv, SECRET_MOUNT_TIMEOUT_MS: "1500" }) });
    assert.equal(r.code, 1);
    const failed = r.logs.filter((l) => l.event === "file-failed");
    assert.deepEqual([...new Set(failed.map((l) => l.cause))], ["access-denied"]);
    assert.ok(g.reads.length > 0 && g.reads.every((x) => !x.allowed));
  });
});
