import assert from "node:assert/strict";
import { AksWorkloadIdentity, EksWorkloadIdentity, GkeWorkloadIdentity } from "../../components";
import { buildArtifacts, formatReview } from "../../components/render/artifacts";
import { DEFAULT_SCOPE, OfflineMocks } from "../../components/render/offline-engine";
import { AKS_ISSUER, AZ_SUBSCRIPTION, AzureMocks, ISSUER, OIDC_ARN, OIDC_URL } from "./mock-run";
import { mockComponent } from "./mock-component";

/** What `secret-mount render` shows for a program that declares only an identity component. */
async function reviewOf(create: Parameters<typeof mockComponent>[0], mocks: OfflineMocks) {
  const c = await mockComponent(create, [], mocks);
  const { artifacts, entries, notes } = buildArtifacts(c.resources, {
    project: "p",
    stack: "dev",
    placeholders: mocks.placeholders,
    scope: { ...DEFAULT_SCOPE, regionConfigured: true },
  });
  const text = formatReview("p (stack dev)", entries, notes);
  const file = (path: string) => {
    const a = artifacts.find((x) => x.path === path);
    assert.ok(a, `${path} not among ${artifacts.map((x) => x.path).join(", ")}`);
    return JSON.parse(a.content);
  };
  /** One entry's facts as `label: values` lines (the review prints them wrapped to the terminal). */
  const facts = (name: string) =>
    entries.find((e) => e.name === name)!.facts.map((f) => `${f.label.trim()}: ${f.values.join(" | ")}`);
  return { c, text, artifacts, file, facts };
}

describe("render: the identity components' review output", () => {
  it("EksWorkloadIdentity: trust and permission policy files, each statement and the managed policy in the review", async () => {
    const r = await reviewOf(
      (opts) =>
        new EksWorkloadIdentity(
          "reports",
          {
            namespace: "analytics",
            serviceAccountName: "reporter",
            oidcProviderArn: OIDC_ARN,
            oidcIssuerUrl: OIDC_URL,
            createServiceAccount: true,
            statements: [
              { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/daily/*"] },
              { actions: ["sts:GetCallerIdentity"], resources: ["*"], allowAnyResource: true },
            ],
            managedPolicyArns: ["arn:aws:iam::111122223333:policy/reports-kms"],
          },
          opts,
        ),
      new OfflineMocks(),
    );
    const role = r.c.one("aws:iam/role:Role");
    assert.deepEqual(r.file("iam/reports-role.trust-policy.json"), JSON.parse(role.assumeRolePolicy));
    assert.deepEqual(
      r.file("iam/reports-policy.permission-policy.json"),
      JSON.parse(r.c.one("aws:iam/rolePolicy:RolePolicy").policy),
    );
    assert.match(r.text, /secret-mount:index:EksWorkloadIdentity\s+reports/);
    const roleFacts = r.facts("reports-role");
    assert.ok(
      roleFacts.includes("managed policies: arn:aws:iam::111122223333:policy/reports-kms"),
      roleFacts.join("\n"),
    );
    assert.ok(
      roleFacts.includes(
        `if: StringEquals ${ISSUER}:sub = system:serviceaccount:analytics:reporter | StringEquals ${ISSUER}:aud = sts.amazonaws.com`,
      ),
      roleFacts.join("\n"),
    );
    assert.deepEqual(r.facts("reports-policy").slice(1), [
      "grant: Allow s3:GetObject",
      "on: arn:aws:s3:::reports/daily/*",
      "grant: Allow sts:GetCallerIdentity",
      "on: *",
    ]);
    assert.ok(
      r.facts("reports-sa").includes("annotations: eks.amazonaws.com/role-arn=<ARN of reports-role>"),
      r.facts("reports-sa").join("\n"),
    );
  });

  it("AksWorkloadIdentity: the federated credential and each role assignment as files, a role outside the known ones shown by its GUID", async () => {
    const blobReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    const scope = `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/reports`;
    const r = await reviewOf(
      (opts) =>
        new AksWorkloadIdentity(
          "reports",
          {
            namespace: "analytics",
            serviceAccountName: "reporter",
            oidcIssuerUrl: AKS_ISSUER,
            resourceGroupName: "analytics-rg",
            roleAssignments: [{ roleDefinitionId: blobReader, scope }],
          },
          opts,
        ),
      new AzureMocks(),
    );
    assert.deepEqual(r.file("azure/reports.federated-credential.json"), {
      identity: "analytics-rg/reports-identity",
      name: "analytics_reporter",
      issuer: AKS_ISSUER,
      subject: "system:serviceaccount:analytics:reporter",
      audiences: ["api://AzureADTokenExchange"],
    });
    const assignment = r.file("azure/reports-role-0.role-assignment.json");
    assert.equal(assignment.scope, scope);
    assert.equal(
      assignment.roleName,
      `role definition ${blobReader} (look it up: az role definition list --name ${blobReader})`,
    );
    assert.equal(assignment.principalType, "ServicePrincipal");
    assert.deepEqual(r.facts("reports-role-0").slice(0, 2), [`role: ${assignment.roleName}`, `scope: ${scope}`]);
  });

  it("GkeWorkloadIdentity: every binding in iam/gcp-iam-members.json and in the review, with the shared-identity warning on the ServiceAccount", async () => {
    const r = await reviewOf(
      (opts) =>
        new GkeWorkloadIdentity(
          "reports",
          {
            namespace: "analytics",
            serviceAccountName: "reporter",
            createServiceAccount: true,
            bindings: [
              { kind: "bucket", resource: "acme-reports", role: "roles/storage.objectViewer" },
              {
                kind: "pubsub-topic",
                resource: "projects/acme-prod/topics/report-done",
                role: "roles/pubsub.publisher",
              },
              { kind: "project", resource: "acme-prod", role: "roles/monitoring.metricWriter" },
            ],
          },
          opts,
        ),
      new OfflineMocks(),
    );
    const member =
      "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/offline-project.svc.id.goog/subject/ns/analytics/sa/reporter";
    assert.deepEqual(
      new Set(r.file("iam/gcp-iam-members.json").map((m: object) => JSON.stringify(m))),
      new Set(
        [
          { resource: "buckets/acme-reports", role: "roles/storage.objectViewer", member },
          { resource: "projects/acme-prod/topics/report-done", role: "roles/pubsub.publisher", member },
          { resource: "projects/acme-prod", role: "roles/monitoring.metricWriter", member },
        ].map((m) => JSON.stringify(m)),
      ),
    );
    const binding = r.c.resources.find((x) => x.type === "gcp:storage/bucketIAMMember:BucketIAMMember")!.name;
    assert.deepEqual(r.facts(binding), [
      "grant: roles/storage.objectViewer (additive)",
      "on: buckets/acme-reports",
      `to: ${member}`,
    ]);
    assert.ok(
      r.facts("reports-sa").some((f) => f.startsWith("shared in the pod: every container of the pod")),
      r.facts("reports-sa").join("\n"),
    );
    assert.ok(
      r
        .facts("reports-sa")
        .some((f) =>
          /^other clusters: SAME ACCESS for any cluster of workload identity pool offline-project\.svc\.id\.goog .*namespace "analytics" and a ServiceAccount "reporter"/.test(
            f,
          ),
        ),
      r.facts("reports-sa").join("\n"),
    );
    assert.doesNotMatch(r.text, /not summarised/);
  });
});
