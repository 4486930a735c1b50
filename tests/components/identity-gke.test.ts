import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { GkeWorkloadIdentity, type GkeWorkloadIdentityArgs } from "../../components";
import { OfflineMocks } from "../../components/render/offline-engine";
import { firstUnhandledRejection } from "./capture";
import { gkeArgs, mockWorkload } from "./mock-run";
import { assertRefused, mockComponent } from "./mock-component";

const OUTPUTS = [
  "member",
  "googleServiceAccountEmail",
  "iamMembers",
  "serviceAccountAnnotations",
  "namespace",
  "serviceAccountName",
];
const PRINCIPAL =
  "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/offline-project.svc.id.goog/subject/ns/analytics/sa/reporter";
const BINDINGS: GkeWorkloadIdentityArgs["bindings"] = [
  { kind: "bucket", resource: "acme-reports", role: "roles/storage.objectViewer" },
  {
    kind: "pubsub-subscription",
    resource: "projects/acme-prod/subscriptions/report-jobs",
    role: "roles/pubsub.subscriber",
  },
  { kind: "pubsub-topic", resource: "projects/acme-prod/topics/report-done", role: "roles/pubsub.publisher" },
  { kind: "secret", resource: "projects/acme-prod/secrets/smtp", role: "roles/secretmanager.secretAccessor" },
  {
    kind: "regional-secret",
    resource: "projects/acme-prod/locations/europe-west4/secrets/smtp-eu",
    role: "roles/secretmanager.secretAccessor",
  },
  { kind: "project", resource: "acme-prod", role: "roles/monitoring.metricWriter" },
];
const args = (over: Partial<GkeWorkloadIdentityArgs> = {}): GkeWorkloadIdentityArgs => ({
  namespace: "analytics",
  serviceAccountName: "reporter",
  bindings: BINDINGS,
  ...over,
});
const run = (a: GkeWorkloadIdentityArgs) =>
  mockComponent((opts) => new GkeWorkloadIdentity("reports", a, opts), OUTPUTS);

describe("GkeWorkloadIdentity: a ServiceAccount's Google principal and the roles you give, on their own", () => {
  it("direct: one additive IAM member per binding for the ServiceAccount's principal, exactly; no annotation", async () => {
    const c = await run(args());
    const members = c.resources
      .filter((r) => r.custom)
      .map((r) => [r.type, r.name, r.inputs])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    assert.deepEqual(members, [
      [
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        "reports-binding-0",
        { bucket: "acme-reports", role: "roles/storage.objectViewer", member: PRINCIPAL },
      ],
      [
        "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
        "reports-binding-1",
        { project: "acme-prod", subscription: "report-jobs", role: "roles/pubsub.subscriber", member: PRINCIPAL },
      ],
      [
        "gcp:pubsub/topicIAMMember:TopicIAMMember",
        "reports-binding-2",
        { project: "acme-prod", topic: "report-done", role: "roles/pubsub.publisher", member: PRINCIPAL },
      ],
      [
        "gcp:secretmanager/secretIamMember:SecretIamMember",
        "reports-binding-3",
        {
          project: "acme-prod",
          secretId: "projects/acme-prod/secrets/smtp",
          role: "roles/secretmanager.secretAccessor",
          member: PRINCIPAL,
        },
      ],
      [
        "gcp:secretmanager/regionalSecretIamMember:RegionalSecretIamMember",
        "reports-binding-4",
        {
          project: "acme-prod",
          location: "europe-west4",
          secretId: "projects/acme-prod/locations/europe-west4/secrets/smtp-eu",
          role: "roles/secretmanager.secretAccessor",
          member: PRINCIPAL,
        },
      ],
      [
        "gcp:projects/iAMMember:IAMMember",
        "reports-binding-5",
        { project: "acme-prod", role: "roles/monitoring.metricWriter", member: PRINCIPAL },
      ],
    ]);
    for (const [, name] of members) assert.equal(c.parents.get(name as string), "reports");
    assert.equal(c.outputs.member, PRINCIPAL);
    assert.deepEqual(c.outputs.serviceAccountAnnotations, {});
    assert.equal(c.outputs.googleServiceAccountEmail, undefined);
    assert.deepEqual(JSON.parse(String(c.outputs.iamMembers)), [
      { resource: "buckets/acme-reports", role: "roles/storage.objectViewer", member: PRINCIPAL },
      { resource: "projects/acme-prod/subscriptions/report-jobs", role: "roles/pubsub.subscriber", member: PRINCIPAL },
      { resource: "projects/acme-prod/topics/report-done", role: "roles/pubsub.publisher", member: PRINCIPAL },
      { resource: "projects/acme-prod/secrets/smtp", role: "roles/secretmanager.secretAccessor", member: PRINCIPAL },
      {
        resource: "projects/acme-prod/locations/europe-west4/secrets/smtp-eu",
        role: "roles/secretmanager.secretAccessor",
        member: PRINCIPAL,
      },
      { resource: "projects/acme-prod", role: "roles/monitoring.metricWriter", member: PRINCIPAL },
    ]);
  });

  it("binding (the one-binding form, which Pulumi's Go SDK generator needs to emit the binding type) makes exactly what bindings of one does", async () => {
    const shape = (c: Awaited<ReturnType<typeof run>>) =>
      c.resources.map((r) => [r.type, r.name, JSON.stringify(r.inputs)]);
    const asList = await run(args({ bindings: [BINDINGS[0]] }));
    const asOne = await run(args({ bindings: undefined, binding: BINDINGS[0] }));
    assert.deepEqual(shape(asOne), shape(asList));
    assert.equal(asOne.resources.filter((r) => r.custom).length, 1);
  });

  it("google-service-account: creates the account, lets only this ServiceAccount impersonate it, grants the account; annotation to apply", async () => {
    const c = await run(
      args({
        identity: "google-service-account",
        project: "acme-prod",
        bindings: [BINDINGS[0]],
        createServiceAccount: true,
      }),
    );
    const email = "sm-reports@acme-prod.iam.gserviceaccount.com";
    assert.deepEqual(c.one("gcp:serviceaccount/account:Account"), {
      project: "acme-prod",
      accountId: "sm-reports",
      displayName: "secret-mount analytics/reporter",
      description: "secret-mount: identity of analytics/reporter (component reports)",
    });
    assert.deepEqual(c.one("gcp:serviceaccount/iAMMember:IAMMember"), {
      serviceAccountId: `projects/acme-prod/serviceAccounts/${email}`,
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:acme-prod.svc.id.goog[analytics/reporter]",
    });
    assert.deepEqual(c.one("gcp:storage/bucketIAMMember:BucketIAMMember"), {
      bucket: "acme-reports",
      role: "roles/storage.objectViewer",
      member: `serviceAccount:${email}`,
    });
    assert.deepEqual(c.outputs.serviceAccountAnnotations, { "iam.gke.io/gcp-service-account": email });
    assert.equal(c.outputs.googleServiceAccountEmail, email);
    const sa = c.one("kubernetes:core/v1:ServiceAccount");
    assert.deepEqual(sa.metadata, {
      name: "reporter",
      namespace: "analytics",
      labels: { "app.kubernetes.io/managed-by": "secret-mount" },
      annotations: { "iam.gke.io/gcp-service-account": email },
    });
    assert.equal(sa.automountServiceAccountToken, false);
    assert.deepEqual(c.dependsOn.get("reports-sa"), ["reports-workload-identity-user", "reports-binding-0"]);
    assert.deepEqual(
      JSON.parse(String(c.outputs.iamMembers)).map((m: { role: string }) => m.role),
      ["roles/storage.objectViewer", "roles/iam.workloadIdentityUser"],
    );
  });

  it("an existing Google service account is used as given; nothing about it but the impersonation grant", async () => {
    const email = "reporter@acme-prod.iam.gserviceaccount.com";
    const c = await run(
      args({ identity: "google-service-account", googleServiceAccount: { email }, bindings: [BINDINGS[0]] }),
    );
    assert.equal(c.all("gcp:serviceaccount/account:Account").length, 0);
    assert.equal(
      c.one("gcp:serviceaccount/iAMMember:IAMMember").serviceAccountId,
      `projects/acme-prod/serviceAccounts/${email}`,
    );
    assert.equal(c.outputs.member, `serviceAccount:${email}`);
  });

  it("the principal and the impersonation grant are SecretMountedWorkload's for the same ServiceAccount (one shared function)", async () => {
    const identity = await run(
      args({
        namespace: "shop",
        serviceAccountName: "shop",
        bindings: [
          { kind: "secret", resource: "projects/acme-prod/secrets/x", role: "roles/secretmanager.secretAccessor" },
        ],
      }),
    );
    const workload = await mockWorkload("shop", gkeArgs());
    assert.equal(identity.outputs.member, JSON.parse(String(workload.outputs.iamMembers))[0].member);
    const gsaIdentity = await mockComponent(
      (opts) =>
        new GkeWorkloadIdentity(
          "shop",
          args({
            namespace: "shop",
            serviceAccountName: "shop",
            identity: "google-service-account",
            bindings: [BINDINGS[0]],
          }),
          opts,
        ),
      OUTPUTS,
    );
    const gsaWorkload = await mockWorkload("shop", gkeArgs({ gke: { identity: "google-service-account" } }));
    assert.deepEqual(
      gsaIdentity.one("gcp:serviceaccount/iAMMember:IAMMember"),
      gsaWorkload.one("gcp:serviceaccount/iAMMember:IAMMember"),
    );
  });

  it("a resource from another resource that resolves to a wildcard fails at up, naming the binding", async () => {
    await pulumi.runtime.setMocks(new OfflineMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new GkeWorkloadIdentity(
          "reports",
          args({
            bindings: [{ kind: "bucket", resource: pulumi.output("acme-*"), role: "roles/storage.objectViewer" }],
          }),
        ),
    );
    assert.match(
      String(err),
      /reports: bindings\[0\]\.resource: "acme-\*" holds a wildcard.*checked when the value resolved/,
    );
  });
});

describe("GkeWorkloadIdentity: declaration errors name the field and the fix, and register nothing", () => {
  const one = (over: object) => args({ bindings: [{ ...BINDINGS[0], ...over }] });
  const CASES: [string, GkeWorkloadIdentityArgs, string, RegExp][] = [
    ["no bindings", args({ bindings: [] }), "bindings", /at least one role/],
    ["namespace not a DNS-1123 label", args({ namespace: "Analytics" }), "namespace", /not a DNS-1123 label/],
    [
      "serviceAccountName not DNS-1123",
      args({ serviceAccountName: "a_b" }),
      "serviceAccountName",
      /not a DNS-1123 subdomain/,
    ],
    ["unknown field", { ...args(), labels: {} } as never, "labels", /not a known field/],
    [
      "an unknown identity",
      args({ identity: "metadata" as never }),
      "identity",
      /"direct" or "google-service-account"/,
    ],
    ["a bad project", args({ project: "Acme" }), "project", /not a project id/],
    ["a bad pool", args({ workloadPool: "acme-prod.pool" }), "workloadPool", /not a GKE workload pool/],
    [
      "a bad project number",
      args({ workloadPoolProjectNumber: "acme" }),
      "workloadPoolProjectNumber",
      /not a project number/,
    ],
    [
      "googleServiceAccount with direct",
      args({ googleServiceAccount: { accountId: "reporter" } }),
      "googleServiceAccount",
      /is for identity "google-service-account"/,
    ],
    [
      "a bad account id",
      args({ identity: "google-service-account", googleServiceAccount: { accountId: "r" } }),
      "googleServiceAccount.accountId",
      /not a service account id/,
    ],
    [
      "a basic role",
      one({ role: "roles/editor" }),
      "bindings[0].role",
      /"roles\/editor" is a basic role.*give the predefined role/,
    ],
    [
      "binding together with bindings",
      args({ binding: BINDINGS[0] }),
      "binding",
      /is set together with bindings; set one of the two/,
    ],
    [
      "the one binding, named as written",
      args({ bindings: undefined, binding: { ...BINDINGS[0], role: "roles/editor" } }),
      "binding.role",
      /"roles\/editor" is a basic role/,
    ],
    ["neither bindings nor binding", args({ bindings: undefined }), "bindings", /at least one role/],
    [
      "roles/owner on the project",
      args({ bindings: [{ kind: "project", resource: "acme-prod", role: "roles/owner" }] }),
      "bindings[0].role",
      /basic role/,
    ],
    [
      "an IAM admin role",
      one({ role: "roles/resourcemanager.projectIamAdmin" }),
      "bindings[0].role",
      /could grant itself any role/,
    ],
    ["a role that is no role", one({ role: "storage.objectViewer" }), "bindings[0].role", /not an IAM role/],
    ["an unknown kind", one({ kind: "dataset" }), "bindings[0].kind", /not one of project, secret/],
    ["a gs:// bucket", one({ resource: "gs://acme-reports" }), "bindings[0].resource", /not a bucket name/],
    ["a wildcard", one({ resource: "acme-*" }), "bindings[0].resource", /holds a wildcard/],
    [
      "a topic by short name",
      args({ bindings: [{ kind: "pubsub-topic", resource: "report-done", role: "roles/pubsub.publisher" }] }),
      "bindings[0].resource",
      /not a Pub\/Sub topic/,
    ],
    [
      "a regional secret as kind secret",
      args({ bindings: [{ ...BINDINGS[4], kind: "secret" }] }),
      "bindings[0].resource",
      /is a regional secret; use kind "regional-secret"/,
    ],
    [
      "a secret version",
      args({ bindings: [{ ...BINDINGS[3], resource: "projects/acme-prod/secrets/smtp/versions/1" }] }),
      "bindings[0].resource",
      /names a version/,
    ],
    [
      "a project by number",
      args({ bindings: [{ kind: "project", resource: "123456789012", role: "roles/monitoring.metricWriter" }] }),
      "bindings[0].resource",
      /not a project id/,
    ],
    [
      "the same binding twice",
      args({ bindings: [BINDINGS[0], BINDINGS[0]] }),
      "bindings[1]",
      /same role on the same resource as bindings\[0\]/,
    ],
    ["an unknown binding field", one({ condition: {} }), "bindings[0].condition", /not a known field/],
  ];
  for (const [description, a, field, message] of CASES) {
    it(description, () =>
      assertRefused(() => new GkeWorkloadIdentity("reports", a), "reports", field, message, assert),
    );
  }
});
