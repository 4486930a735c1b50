import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  DeclarationError,
  SecretMount,
  SecretMountedWorkload,
  type SecretMountedWorkloadArgs,
  parseFetchSpecJson,
} from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { validateDeployment, validateServiceAccount } from "../helpers/kube-validate";
import { restrictedViolations } from "../helpers/pod-security";
import { FETCH_IMAGE, gkeArgs, mockWorkload } from "./mock-run";
import { mockComponent } from "./mock-component";

const SECRET = "gcp:secretmanager/secret:Secret";
const VERSION = "gcp:secretmanager/secretVersion:SecretVersion";
const MEMBER = "gcp:secretmanager/secretIamMember:SecretIamMember";
const REGIONAL = "gcp:secretmanager/regionalSecret:RegionalSecret";
const REGIONAL_VERSION = "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion";
const REGIONAL_MEMBER = "gcp:secretmanager/regionalSecretIamMember:RegionalSecretIamMember";
const GSA = "gcp:serviceaccount/account:Account";
const GSA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const SA = "kubernetes:core/v1:ServiceAccount";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ACCESSOR = "roles/secretmanager.secretAccessor";
const VALUE = "value-that-must-stay-in-secret-manager-7c1e";
const KEY_EU = "projects/acme-kms/locations/europe-west4/keyRings/apps/cryptoKeys/shop";
const KEY_US = "projects/acme-kms/locations/us-east1/keyRings/apps/cryptoKeys/shop";
/** The principal of the Kubernetes ServiceAccount shop/shop in the offline provider's pool. */
const PRINCIPAL =
  "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/offline-project.svc.id.goog/subject/ns/shop/sa/shop";

/** No grant may replace others' (authoritative IAM) or reach beyond one secret (project level). */
function assertOnlyAdditivePerSecretGrants(types: string[]): void {
  const wide = types.filter((t) => /IamPolicy|IamBinding|projects\/|organizations\/iam|folder\/iam/i.test(t));
  assert.deepEqual(wide, [], "no authoritative or project-level IAM resource");
}

describe("SecretMountedWorkload on GKE (direct workload identity), under mocks", () => {
  let w: Awaited<ReturnType<typeof mockWorkload>>;
  before(async () => {
    w = await mockWorkload(
      "shop",
      gkeArgs({
        secrets: [
          { name: "db-password", value: VALUE },
          {
            name: "api",
            existing: { name: "projects/acme-shared/secrets/stripe-api" },
            gcp: { version: "7" },
            files: [{ path: "stripe/key", jsonKey: "apiKey" }],
          },
          {
            name: "eu-token",
            generate: { type: "password", length: 24 },
            gcp: { location: "europe-west4", kmsKeyName: KEY_EU },
          },
          {
            name: "tls",
            generate: { type: "ecdsa" },
            gcp: {
              secretId: "shop_tls",
              replicas: [
                { location: "europe-west4", kmsKeyName: KEY_EU },
                { location: "us-east1", kmsKeyName: KEY_US },
              ],
            },
          },
          { name: "eu-existing", existing: { name: "projects/acme-eu/locations/europe-west4/secrets/ledger" } },
        ],
        gke: { labels: { team: "shop" } },
      }),
    );
  });

  it("creates every child named <component>-<role>, parented to the component", () => {
    const names = w.resources
      .filter((r) => r.custom)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(names, [
      "shop-api-accessor",
      "shop-db-password",
      "shop-db-password-accessor",
      "shop-db-password-value",
      "shop-deployment",
      "shop-eu-existing-accessor",
      "shop-eu-token",
      "shop-eu-token-accessor",
      "shop-eu-token-password",
      "shop-eu-token-value",
      "shop-sa",
      "shop-tls",
      "shop-tls-accessor",
      "shop-tls-key",
      "shop-tls-value",
    ]);
    for (const n of names) assert.equal(w.parents.get(n), "shop", `${n} must be a child of the component`);
  });

  it("creates global secrets with automatic or user-managed replication (a key per location) and regional ones, in the provider's project", () => {
    const secrets = w.all(SECRET).map((r) => r.inputs);
    assert.deepEqual(secrets[0], {
      project: "offline-project",
      secretId: "proj-dev-shop-db-password",
      replication: { auto: {} },
      labels: { team: "shop" },
      annotations: { "secret-mount/component": "shop", "secret-mount/secret": "db-password" },
    });
    assert.deepEqual(secrets[1].replication, {
      userManaged: {
        replicas: [
          { location: "europe-west4", customerManagedEncryption: { kmsKeyName: KEY_EU } },
          { location: "us-east1", customerManagedEncryption: { kmsKeyName: KEY_US } },
        ],
      },
    });
    assert.equal(secrets[1].secretId, "shop_tls");
    assert.deepEqual(w.one(REGIONAL), {
      project: "offline-project",
      location: "europe-west4",
      secretId: "proj-dev-shop-eu-token",
      customerManagedEncryption: { kmsKeyName: KEY_EU },
      labels: { team: "shop" },
      annotations: { "secret-mount/component": "shop", "secret-mount/secret": "eu-token" },
    });
  });

  it("stores each value in a version of its secret, never elsewhere", () => {
    const versions = w.all(VERSION);
    assert.deepEqual(
      versions.map((v) => [v.name, v.inputs.secret]),
      [
        ["shop-db-password-value", "shop-db-password-id"],
        ["shop-tls-value", "shop-tls-id"],
      ],
    );
    // Sent to the provider as a Pulumi secret (encrypted in the state), never as plain text.
    assert.deepEqual(versions[0].inputs.secretData, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: VALUE,
    });
    assert.equal(w.one(REGIONAL_VERSION).secret, "shop-eu-token-id");
    for (const r of w.resources) {
      if (r.type === VERSION || r.type === REGIONAL_VERSION) continue;
      assert.ok(!JSON.stringify(r.inputs).includes(VALUE), `${r.type} ${r.name} must not carry the value`);
    }
  });

  it("grants the accessor role on each declared secret, additively, to exactly the Kubernetes ServiceAccount's principal", () => {
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const members = w
      .all(MEMBER)
      .sort(byName)
      .map((r) => [r.name, r.inputs]);
    assert.deepEqual(members, [
      [
        "shop-api-accessor",
        {
          project: "acme-shared",
          secretId: "projects/acme-shared/secrets/stripe-api",
          role: ACCESSOR,
          member: PRINCIPAL,
        },
      ],
      [
        "shop-db-password-accessor",
        {
          project: "offline-project",
          secretId: "projects/offline-project/secrets/proj-dev-shop-db-password",
          role: ACCESSOR,
          member: PRINCIPAL,
        },
      ],
      [
        "shop-tls-accessor",
        {
          project: "offline-project",
          secretId: "projects/offline-project/secrets/shop_tls",
          role: ACCESSOR,
          member: PRINCIPAL,
        },
      ],
    ]);
    assert.deepEqual(
      w
        .all(REGIONAL_MEMBER)
        .sort(byName)
        .map((r) => [r.name, r.inputs]),
      [
        [
          "shop-eu-existing-accessor",
          {
            project: "acme-eu",
            location: "europe-west4",
            secretId: "projects/acme-eu/locations/europe-west4/secrets/ledger",
            role: ACCESSOR,
            member: PRINCIPAL,
          },
        ],
        [
          "shop-eu-token-accessor",
          {
            project: "offline-project",
            location: "europe-west4",
            secretId: "projects/offline-project/locations/europe-west4/secrets/proj-dev-shop-eu-token",
            role: ACCESSOR,
            member: PRINCIPAL,
          },
        ],
      ],
    );
    assertOnlyAdditivePerSecretGrants(w.resources.map((r) => r.type));
    assert.equal(w.all(GSA).length + w.all(GSA_MEMBER).length, 0, "direct mode creates no Google service account");
  });

  it("outputs every IAM member as reviewable JSON", () => {
    assert.deepEqual(
      JSON.parse(String(w.outputs.iamMembers)),
      [
        "projects/offline-project/secrets/proj-dev-shop-db-password",
        "projects/acme-shared/secrets/stripe-api",
        "projects/offline-project/locations/europe-west4/secrets/proj-dev-shop-eu-token",
        "projects/offline-project/secrets/shop_tls",
        "projects/acme-eu/locations/europe-west4/secrets/ledger",
      ].map((resource) => ({ resource, role: ACCESSOR, member: PRINCIPAL })),
    );
    assert.equal(w.outputs.roleArn, undefined);
  });

  it("hands the fetcher explicit version names: latest for created secrets, the pinned one, regional names", () => {
    const spec = parseFetchSpecJson(String(w.outputs.fetchSpec));
    assert.deepEqual(
      spec.files.map((f) => [f.path, f.source]),
      [
        [
          "db-password",
          {
            type: "gcp-secretmanager",
            name: "projects/offline-project/secrets/proj-dev-shop-db-password/versions/latest",
          },
        ],
        ["stripe/key", { type: "gcp-secretmanager", name: "projects/acme-shared/secrets/stripe-api/versions/7" }],
        [
          "eu-token",
          {
            type: "gcp-secretmanager",
            name: "projects/offline-project/locations/europe-west4/secrets/proj-dev-shop-eu-token/versions/latest",
          },
        ],
        ["tls.key", { type: "gcp-secretmanager", name: "projects/offline-project/secrets/shop_tls/versions/latest" }],
        ["tls.pub", { type: "gcp-secretmanager", name: "projects/offline-project/secrets/shop_tls/versions/latest" }],
        [
          "eu-existing",
          { type: "gcp-secretmanager", name: "projects/acme-eu/locations/europe-west4/secrets/ledger/versions/latest" },
        ],
      ],
    );
    assert.deepEqual([spec.files[3].jsonKey, spec.files[4].jsonKey], ["privateKeyPem", "publicKeyPem"]);
  });

  it("renders the same hardened pod: schema-valid, restricted Pod Security Standard, no identity annotation in direct mode", () => {
    const d = w.one(DEPLOYMENT);
    validateDeployment(d);
    validateServiceAccount(w.one(SA));
    assert.deepEqual(restrictedViolations(d.spec.template.spec, d.spec.template.metadata), []);
    assert.deepEqual(w.one(SA).metadata.annotations, {});
    assert.equal(w.one(SA).automountServiceAccountToken, false);
    const ann = d.spec.template.metadata.annotations;
    assert.deepEqual(
      Object.keys(ann).sort(),
      ["kubectl.kubernetes.io/default-container", "secret-mount.io/revision"],
      "no skip-containers: GKE has no per-container exclusion",
    );
    assert.ok(!JSON.stringify(d).includes(VALUE));
  });

  it("starts the pods only after every grant and every version exists", () => {
    const deps = w.dependsOn.get("shop-deployment") ?? [];
    for (const n of [
      "shop-db-password-accessor",
      "shop-api-accessor",
      "shop-eu-token-accessor",
      "shop-tls-accessor",
      "shop-eu-existing-accessor",
      "shop-db-password-value",
      "shop-eu-token-value",
      "shop-tls-value",
    ]) {
      assert.ok(deps.includes(n), `the Deployment depends on ${n}: ${deps.join(", ")}`);
    }
    assert.deepEqual(
      w.dependsOn.get("shop-db-password-accessor"),
      ["shop-db-password-value"],
      "a created secret is granted once its value exists",
    );
  });
});

describe("SecretMountedWorkload on GKE: identity inputs", () => {
  it("direct: an explicit workload pool and its project number make the principal (a fleet or another project's cluster)", async () => {
    const w = await mockWorkload(
      "shop",
      gkeArgs({
        gke: {
          project: "acme-secrets",
          workloadPool: "acme-fleet.svc.id.goog",
          workloadPoolProjectNumber: "998877665544",
        },
      }),
    );
    const member =
      "principal://iam.googleapis.com/projects/998877665544/locations/global/workloadIdentityPools/acme-fleet.svc.id.goog/subject/ns/shop/sa/shop";
    assert.deepEqual(w.one(MEMBER), {
      project: "acme-secrets",
      secretId: "projects/acme-secrets/secrets/proj-dev-shop-db-password",
      role: ACCESSOR,
      member,
    });
  });

  it("google-service-account: a service account per workload, impersonable only by this Kubernetes ServiceAccount, annotated", async () => {
    const w = await mockWorkload(
      "shop",
      gkeArgs({ serviceAccountName: "api", gke: { identity: "google-service-account", project: "acme-prod" } }),
    );
    const email = "sm-shop@acme-prod.iam.gserviceaccount.com";
    assert.deepEqual(w.one(GSA), {
      project: "acme-prod",
      accountId: "sm-shop",
      displayName: "secret-mount shop/api",
      description: "secret-mount: reads the secrets of shop/shop (component shop)",
    });
    assert.deepEqual(w.one(GSA_MEMBER), {
      serviceAccountId: `projects/acme-prod/serviceAccounts/${email}`,
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:acme-prod.svc.id.goog[shop/api]",
    });
    assert.deepEqual(w.one(MEMBER), {
      project: "acme-prod",
      secretId: "projects/acme-prod/secrets/proj-dev-shop-db-password",
      role: ACCESSOR,
      member: `serviceAccount:${email}`,
    });
    assert.deepEqual(w.one(SA).metadata.annotations, { "iam.gke.io/gcp-service-account": email });
    assert.deepEqual(JSON.parse(String(w.outputs.iamMembers)), [
      {
        resource: "projects/acme-prod/secrets/proj-dev-shop-db-password",
        role: ACCESSOR,
        member: `serviceAccount:${email}`,
      },
      {
        resource: email,
        role: "roles/iam.workloadIdentityUser",
        member: "serviceAccount:acme-prod.svc.id.goog[shop/api]",
      },
    ]);
    assert.ok((w.dependsOn.get("shop-deployment") ?? []).includes("shop-workload-identity-user"));
    assertOnlyAdditivePerSecretGrants(w.resources.map((r) => r.type));
    assert.equal(w.outputs.googleServiceAccountEmail, email, "the created account's email is an output");
  });

  it("google-service-account: an existing account is granted to, never created", async () => {
    const email = "billing-reader@acme-iam.iam.gserviceaccount.com";
    const w = await mockWorkload(
      "shop",
      gkeArgs({ gke: { identity: "google-service-account", googleServiceAccount: { email } } }),
    );
    assert.equal(w.all(GSA).length, 0);
    assert.equal(w.one(GSA_MEMBER).serviceAccountId, `projects/acme-iam/serviceAccounts/${email}`);
    assert.equal(w.one(MEMBER).member, `serviceAccount:${email}`);
    assert.equal(w.outputs.googleServiceAccountEmail, email, "the given account's email is an output too");
  });

  it("SecretMount outputs the Google service account's email the same way", async () => {
    const m = await mockComponent(
      (opts) =>
        new SecretMount(
          "shop",
          {
            namespace: "shop",
            gke: { identity: "google-service-account", project: "acme-prod" },
            secrets: [{ name: "db-password", generate: { type: "password" } }],
            fetch: { image: FETCH_IMAGE },
          },
          opts,
        ),
      ["googleServiceAccountEmail", "serviceAccountAnnotations"],
    );
    assert.equal(m.outputs.googleServiceAccountEmail, "sm-shop@acme-prod.iam.gserviceaccount.com");
    assert.deepEqual(m.outputs.serviceAccountAnnotations, {
      "iam.gke.io/gcp-service-account": "sm-shop@acme-prod.iam.gserviceaccount.com",
    });
  });

  it("direct: no Google service account, so no email output", async () => {
    const w = await mockWorkload("shop", gkeArgs());
    assert.equal(w.outputs.googleServiceAccountEmail, undefined);
  });

  it("a long component name gets a service account id within 30 characters", async () => {
    const w = await mockWorkload(
      "a-very-long-workload-name-for-billing",
      gkeArgs({ gke: { identity: "google-service-account" } }),
    );
    const id = String(w.one(GSA).accountId);
    assert.match(id, /^sm-a-very-long-workload-[0-9a-f]{6}$/);
    assert.ok(id.length <= 30);
  });
});

describe("SecretMountedWorkload on GKE: existing secrets by their short id", () => {
  it("a short id is the secret of that id in the provider's project (global), or with gcp.location a regional one there", async () => {
    const w = await mockWorkload(
      "shop",
      gkeArgs({
        secrets: [
          { name: "stripe", existing: { name: "stripe" }, gcp: { version: "4" } },
          { name: "ledger", existing: { name: "ledger_key" }, gcp: { location: "europe-west4" } },
        ],
      }),
    );
    assert.deepEqual(
      parseFetchSpecJson(String(w.outputs.fetchSpec)).files.map((f) => f.source),
      [
        { type: "gcp-secretmanager", name: "projects/offline-project/secrets/stripe/versions/4" },
        {
          type: "gcp-secretmanager",
          name: "projects/offline-project/locations/europe-west4/secrets/ledger_key/versions/latest",
        },
      ],
    );
    assert.deepEqual(w.one(MEMBER), {
      project: "offline-project",
      secretId: "projects/offline-project/secrets/stripe",
      role: ACCESSOR,
      member: PRINCIPAL,
    });
    assert.deepEqual(w.one(REGIONAL_MEMBER), {
      project: "offline-project",
      location: "europe-west4",
      secretId: "projects/offline-project/locations/europe-west4/secrets/ledger_key",
      role: ACCESSOR,
      member: PRINCIPAL,
    });
    assert.equal(w.all(SECRET).length + w.all(REGIONAL).length, 0, "an existing secret is never created");
  });

  it("a short id lives in gke.project when it is set (a full name keeps its own project)", async () => {
    const w = await mockWorkload(
      "shop",
      gkeArgs({
        gke: {
          project: "acme-secrets",
          workloadPool: "acme-prod.svc.id.goog",
          workloadPoolProjectNumber: "998877665544",
        },
        secrets: [
          { name: "stripe", existing: { name: "stripe" } },
          { name: "shared", existing: { name: "projects/acme-shared/secrets/stripe" } },
        ],
      }),
    );
    assert.deepEqual(
      JSON.parse(String(w.outputs.iamMembers)).map((m: { resource: string }) => m.resource),
      ["projects/acme-secrets/secrets/stripe", "projects/acme-shared/secrets/stripe"],
    );
  });
});

describe("SecretMountedWorkload on GKE: every validation rule, before anything is registered", () => {
  const cases: [string, Partial<SecretMountedWorkloadArgs>, string, RegExp][] = [
    ["unknown gke field", { gke: { clusterName: "x" } as never }, "gke.clusterName", /not a known field/],
    ["identity", { gke: { identity: "wif" as never } }, "gke.identity", /use "direct" or "google-service-account"/],
    ["project id", { gke: { project: "Acme_Prod" } }, "gke.project", /not a project id/],
    ["workload pool", { gke: { workloadPool: "acme-prod.svc.id" } }, "gke.workloadPool", /<project id>\.svc\.id\.goog/],
    [
      "project number",
      { gke: { workloadPoolProjectNumber: "acme-prod" } },
      "gke.workloadPoolProjectNumber",
      /not a project number/,
    ],
    ["label key", { gke: { labels: { Team: "x" } } }, "gke.labels.Team", /not a Google label key/],
    [
      "service account in direct mode",
      { gke: { googleServiceAccount: { accountId: "reader-1" } } },
      "gke.googleServiceAccount",
      /identity "google-service-account"/,
    ],
    [
      "account id and email",
      {
        gke: {
          identity: "google-service-account",
          googleServiceAccount: { accountId: "reader-1", email: "r@p.iam.gserviceaccount.com" },
        },
      },
      "gke.googleServiceAccount",
      /at most one of accountId/,
    ],
    [
      "account id",
      { gke: { identity: "google-service-account", googleServiceAccount: { accountId: "1reader" } } },
      "gke.googleServiceAccount.accountId",
      /not a service account id/,
    ],
    [
      "account email",
      { gke: { identity: "google-service-account", googleServiceAccount: { email: "reader@gmail.com" } } },
      "gke.googleServiceAccount.email",
      /not a service account email/,
    ],
    [
      "secret id characters",
      { secrets: [{ name: "db", generate: { type: "password" }, gcp: { secretId: "db.password" } }] },
      "secrets[0].gcp.secretId",
      /letters, digits, - and _/,
    ],
    [
      "secret id length",
      { secrets: [{ name: "db", generate: { type: "password" }, gcp: { secretId: "x".repeat(256) } }] },
      "secrets[0].gcp.secretId",
      /1-255/,
    ],
    [
      "default secret id too long",
      { secretNamePrefix: "p".repeat(250), secrets: [{ name: "db-password", generate: { type: "password" } }] },
      "secretNamePrefix",
      /set gcp.secretId or a shorter secretNamePrefix/,
    ],
    [
      "existing name shape",
      { secrets: [{ name: "db", existing: { name: "stripe api" } }] },
      "secrets[0].existing.name",
      /neither a secret id .* nor a full name \("projects\/<project>\/secrets\/<secret>"/,
    ],
    [
      "existing full name with a relative part",
      { secrets: [{ name: "db", existing: { name: "secrets/stripe" } }] },
      "secrets[0].existing.name",
      /not a Secret Manager secret name/,
    ],
    [
      "existing name with version",
      { secrets: [{ name: "db", existing: { name: "projects/p-1234/secrets/db/versions/3" } }] },
      "secrets[0].existing.name",
      /pin the version with gcp.version/,
    ],
    [
      "existing wildcard",
      { secrets: [{ name: "db", existing: { name: "projects/acme-prod/secrets/*" } }] },
      "secrets[0].existing.name",
      /wildcard/,
    ],
    [
      "existing regional location",
      { secrets: [{ name: "db", existing: { name: "projects/acme-prod/locations/EU/secrets/db" } }] },
      "secrets[0].existing.name",
      /not a location/,
    ],
    [
      "existing ARN",
      {
        secrets: [{ name: "db", existing: { arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf" } }],
      },
      "secrets[0].existing.arn",
      /AWS ARN/,
    ],
    [
      "version",
      { secrets: [{ name: "db", existing: { name: "projects/acme-prod/secrets/db" }, gcp: { version: "v3" } }] },
      "secrets[0].gcp.version",
      /"3", or "latest"/,
    ],
    [
      "version of a created secret",
      { secrets: [{ name: "db", generate: { type: "password" }, gcp: { version: "2" } }] },
      "secrets[0].gcp.version",
      /existing secret/,
    ],
    [
      "location",
      { secrets: [{ name: "db", generate: { type: "password" }, gcp: { location: "EU" } }] },
      "secrets[0].gcp.location",
      /not a location/,
    ],
    [
      "location beside an existing full name",
      {
        secrets: [
          { name: "db", existing: { name: "projects/acme-prod/secrets/db" }, gcp: { location: "europe-west4" } },
        ],
      },
      "secrets[0].gcp.location",
      /part of the full name in existing.name.*or give the secret's short id/,
    ],
    [
      "replicas on an existing short id",
      { secrets: [{ name: "db", existing: { name: "db" }, gcp: { replicas: [{ location: "us-east1" }] } }] },
      "secrets[0].gcp.replicas",
      /existing secret is used as it is/,
    ],
    [
      "the same short id twice",
      {
        secrets: [
          { name: "a", existing: { name: "db" } },
          { name: "b", existing: { name: "db" } },
        ],
      },
      "secrets[1]",
      /same Secret Manager secret as secrets\[0\]/,
    ],
    [
      "replicas with location",
      {
        secrets: [
          {
            name: "db",
            generate: { type: "password" },
            gcp: { location: "europe-west4", replicas: [{ location: "europe-west4" }] },
          },
        ],
      },
      "secrets[0].gcp.replicas",
      /global secrets/,
    ],
    [
      "empty replicas",
      { secrets: [{ name: "db", generate: { type: "password" }, gcp: { replicas: [] } }] },
      "secrets[0].gcp.replicas",
      /at least one location/,
    ],
    [
      "duplicate replica",
      {
        secrets: [
          {
            name: "db",
            generate: { type: "password" },
            gcp: { replicas: [{ location: "us-east1" }, { location: "us-east1" }] },
          },
        ],
      },
      "secrets[0].gcp.replicas[1].location",
      /listed twice/,
    ],
    [
      "replica key elsewhere",
      {
        secrets: [
          {
            name: "db",
            generate: { type: "password" },
            gcp: { replicas: [{ location: "us-east1", kmsKeyName: KEY_EU }] },
          },
        ],
      },
      "secrets[0].gcp.replicas[0].kmsKeyName",
      /in europe-west4, but encrypts data in us-east1/,
    ],
    [
      "key with replicas",
      {
        secrets: [
          {
            name: "db",
            generate: { type: "password" },
            gcp: { replicas: [{ location: "us-east1" }], kmsKeyName: KEY_US },
          },
        ],
      },
      "secrets[0].gcp.kmsKeyName",
      /set kmsKeyName on each replica/,
    ],
    [
      "automatic replication key not global",
      { secrets: [{ name: "db", generate: { type: "password" }, gcp: { kmsKeyName: KEY_EU } }] },
      "secrets[0].gcp.kmsKeyName",
      /encrypts data in global/,
    ],
    [
      "key name shape",
      {
        secrets: [
          { name: "db", generate: { type: "password" }, gcp: { location: "europe-west4", kmsKeyName: "shop-key" } },
        ],
      },
      "secrets[0].gcp.kmsKeyName",
      /not a Cloud KMS key name/,
    ],
    [
      "AWS options on gke",
      { secrets: [{ name: "db", generate: { type: "password" }, aws: { store: "ssm-parameter" } }] },
      "secrets[0].aws",
      /platform is gke/,
    ],
    [
      "same secret twice",
      {
        secrets: [
          { name: "a", existing: { name: "projects/acme-prod/secrets/db" } },
          { name: "b", existing: { name: "projects/acme-prod/secrets/db" } },
        ],
      },
      "secrets[1]",
      /same Secret Manager secret as secrets\[0\]/,
    ],
    ["gke and eks", { eks: { identity: "pod-identity", clusterName: "prod" } }, "eks, gke", /set exactly one platform/],
  ];
  for (const [label, over, field, message] of cases) {
    it(label, async () => {
      const mocks = new OfflineMocks();
      await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
      assert.throws(
        () => new SecretMountedWorkload("shop", gkeArgs(over)),
        (e: unknown) => {
          assert.ok(e instanceof DeclarationError, String(e));
          assert.equal(e.field, field);
          assert.match(e.message, message);
          return true;
        },
      );
      await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
      assert.deepEqual(mocks.resources, [], "nothing registered");
    });
  }

  it("gcp options on an EKS secret are refused", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    assert.throws(
      () =>
        new SecretMountedWorkload("shop", {
          ...gkeArgs({ secrets: [{ name: "db", generate: { type: "password" }, gcp: { location: "europe-west4" } }] }),
          gke: undefined,
          eks: { identity: "pod-identity", clusterName: "prod" },
        }),
      /secrets\[0\]\.gcp: holds Google Secret Manager options, but the platform is eks/,
    );
  });

  it("azure options on a GKE secret are refused", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    assert.throws(
      () =>
        new SecretMountedWorkload(
          "shop",
          gkeArgs({
            secrets: [{ name: "db", generate: { type: "password" }, azure: { secretName: "db" } }],
          }),
        ),
      /secrets\[0\]\.azure: holds Azure Key Vault options, but the platform is gke/,
    );
  });

  it("a workload pool from another resource is checked when it resolves, and the grants are never registered with it", async () => {
    const mocks = new OfflineMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const w = new SecretMountedWorkload(
      "shop",
      gkeArgs({ gke: { workloadPool: pulumi.output("acme-prod"), workloadPoolProjectNumber: "1234" } }),
    );
    await assert.rejects(settle(w.iamMembers!), (err: unknown) => {
      assert.ok(err instanceof DeclarationError, String(err));
      assert.equal(err.field, "gke.workloadPool");
      assert.match(err.message, /"acme-prod" is not a workload pool .*checked when the value resolved/);
      return true;
    });
    await assert.rejects(settle(w.fetchSpec).then(() => settle(w.deploymentName)));
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    assert.deepEqual(
      mocks.resources.filter((r) => r.type === MEMBER || r.type === DEPLOYMENT),
      [],
      "no grant and no pod with an unchecked pool",
    );
  });
});

function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    (o as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
  });
}
