import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AksWorkloadIdentity, type AksWorkloadIdentityArgs } from "../../components";
import { firstUnhandledRejection } from "./capture";
import { AKS_ISSUER, AZ_SUBSCRIPTION, AZ_TENANT, AzureMocks, aksArgs, mockWorkload } from "./mock-run";
import { assertRefused, mockComponent } from "./mock-component";

const OUTPUTS = [
  "clientId",
  "principalId",
  "tenantId",
  "federatedCredential",
  "roleAssignments",
  "serviceAccountAnnotations",
  "podLabels",
  "namespace",
  "serviceAccountName",
];
const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const STORAGE = `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/reports`;
const OTHER_SUB = "99999999-1111-2222-3333-444444444444";
const QUEUE_ROLE = `/subscriptions/${OTHER_SUB}/providers/Microsoft.Authorization/roleDefinitions/19e7f393-937e-4f77-808e-94535e297925`;
const QUEUE = `/subscriptions/${OTHER_SUB}/resourceGroups/q-rg/providers/Microsoft.Storage/storageAccounts/jobs/queueServices/default/queues/work`;
const SHARED = `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/id-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-reader`;

const args = (over: Partial<AksWorkloadIdentityArgs> = {}): AksWorkloadIdentityArgs => ({
  namespace: "analytics",
  serviceAccountName: "reporter",
  oidcIssuerUrl: AKS_ISSUER,
  resourceGroupName: "analytics-rg",
  roleAssignments: [
    { roleDefinitionId: BLOB_READER, scope: STORAGE },
    { roleDefinitionId: QUEUE_ROLE, scope: QUEUE, description: "reads the work queue" },
  ],
  ...over,
});
const run = (a: AksWorkloadIdentityArgs) =>
  mockComponent((opts) => new AksWorkloadIdentity("reports", a, opts), OUTPUTS, new AzureMocks());
const TAGS = { "managed-by": "secret-mount", "secret-mount/component": "reports" };

describe("AksWorkloadIdentity: a managed identity, its federated credential and the roles you give, on their own", () => {
  it("creates the identity, a credential for exactly the ServiceAccount, and each role assignment, exactly", async () => {
    const c = await run(args());
    assert.deepEqual(c.one("azure-native:managedidentity:UserAssignedIdentity"), {
      resourceName: "reports-identity",
      resourceGroupName: "analytics-rg",
      tags: TAGS,
    });
    assert.deepEqual(c.one("azure-native:managedidentity:FederatedIdentityCredential"), {
      resourceGroupName: "analytics-rg",
      resourceName: "reports-identity",
      federatedIdentityCredentialResourceName: "analytics_reporter",
      issuer: AKS_ISSUER,
      subject: "system:serviceaccount:analytics:reporter",
      audiences: ["api://AzureADTokenExchange"],
    });
    assert.deepEqual(c.dependsOn.get("reports-federated-credential"), ["reports-identity"]);
    const principalId = String(c.outputs.principalId);
    const assignments = c.all("azure-native:authorization:RoleAssignment").map((r) => ({ name: r.name, ...r.inputs }));
    assert.equal(assignments.length, 2);
    const { roleAssignmentName: n0, ...a0 } = assignments[0] as Record<string, unknown>;
    const { roleAssignmentName: n1, ...a1 } = assignments[1] as Record<string, unknown>;
    assert.deepEqual(a0, {
      name: "reports-role-0",
      scope: STORAGE,
      roleDefinitionId: `/subscriptions/${AZ_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_READER}`,
      principalId,
      principalType: "ServicePrincipal",
      description: "secret-mount: identity of analytics/reporter",
    });
    assert.deepEqual(a1, {
      name: "reports-role-1",
      scope: QUEUE,
      roleDefinitionId: QUEUE_ROLE,
      principalId,
      principalType: "ServicePrincipal",
      description: "reads the work queue",
    });
    assert.match(String(n0), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(n0, n1);
    assert.deepEqual(c.resources.map((r) => r.type).sort(), [
      "azure-native:authorization:RoleAssignment",
      "azure-native:authorization:RoleAssignment",
      "azure-native:managedidentity:FederatedIdentityCredential",
      "azure-native:managedidentity:UserAssignedIdentity",
      "secret-mount:index:AksWorkloadIdentity",
    ]);
    for (const r of c.resources.filter((x) => x.custom)) assert.equal(c.parents.get(r.name), "reports", r.name);
  });

  it("outputs the ServiceAccount annotations, the pod label, the ids and reviewable JSON", async () => {
    const c = await run(args());
    assert.deepEqual(c.outputs.serviceAccountAnnotations, {
      "azure.workload.identity/client-id": c.outputs.clientId,
      "azure.workload.identity/tenant-id": AZ_TENANT,
    });
    assert.deepEqual(c.outputs.podLabels, { "azure.workload.identity/use": "true" });
    assert.equal(c.outputs.tenantId, AZ_TENANT);
    assert.deepEqual(JSON.parse(String(c.outputs.federatedCredential)), {
      name: "analytics_reporter",
      identity: "reports-identity",
      issuer: AKS_ISSUER,
      subject: "system:serviceaccount:analytics:reporter",
      audiences: ["api://AzureADTokenExchange"],
    });
    assert.deepEqual(
      JSON.parse(String(c.outputs.roleAssignments)).map((r: { scope: string }) => r.scope),
      [STORAGE, QUEUE],
    );
  });

  it("createServiceAccount: annotated, no API token, after the credential and the roles", async () => {
    const c = await run(args({ createServiceAccount: true, tenantId: "11111111-2222-3333-4444-555555555555" }));
    const sa = c.one("kubernetes:core/v1:ServiceAccount");
    assert.deepEqual(sa.metadata.annotations, {
      "azure.workload.identity/client-id": c.outputs.clientId,
      "azure.workload.identity/tenant-id": "11111111-2222-3333-4444-555555555555",
    });
    assert.equal(sa.automountServiceAccountToken, false);
    assert.deepEqual(c.dependsOn.get("reports-sa"), [
      "reports-federated-credential",
      "reports-role-0",
      "reports-role-1",
    ]);
  });

  it("an existing identity: no identity created, its credential chained after the one declared before it on that identity", async () => {
    const mocks = new AzureMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const existing = { resourceId: SHARED, clientId: "cid", principalId: "pid" };
    const c = await mockComponent(
      (opts) => {
        new AksWorkloadIdentity("first", args({ identity: existing }), opts);
        return new AksWorkloadIdentity("second", args({ serviceAccountName: "other", identity: existing }), opts);
      },
      OUTPUTS,
      mocks,
    );
    assert.equal(c.all("azure-native:managedidentity:UserAssignedIdentity").length, 0);
    assert.deepEqual(c.dependsOn.get("second-federated-credential"), ["first-federated-credential"]);
    assert.equal(
      c.all("azure-native:authorization:RoleAssignment").every((r) => r.inputs.principalId === "pid"),
      true,
    );
  });

  it("one shared identity, two ServiceAccounts whose names joined with - were equal (a-b/c and a/b-c): two credentials, each named for its own pair", async () => {
    const mocks = new AzureMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const existing = { resourceId: SHARED, clientId: "cid", principalId: "pid" };
    const c = await mockComponent(
      (opts) => {
        new AksWorkloadIdentity("first", args({ namespace: "a-b", serviceAccountName: "c", identity: existing }), opts);
        return new AksWorkloadIdentity(
          "second",
          args({ namespace: "a", serviceAccountName: "b-c", identity: existing }),
          opts,
        );
      },
      OUTPUTS,
      mocks,
    );
    const credentials = c.all("azure-native:managedidentity:FederatedIdentityCredential").map((r) => r.inputs);
    assert.deepEqual(
      credentials.map((x) => [x.federatedIdentityCredentialResourceName, x.subject]),
      [
        ["a-b_c", "system:serviceaccount:a-b:c"],
        ["a_b-c", "system:serviceaccount:a:b-c"],
      ],
    );
  });

  it("a renamed credential is replaced delete-first: Azure refuses a second credential with the same issuer and subject on one identity", async () => {
    const replaced = new Map<string, unknown>();
    const record: pulumi.ResourceTransformation = (t) => {
      if (t.type === "azure-native:managedidentity:FederatedIdentityCredential")
        replaced.set(t.name, (t.opts as pulumi.CustomResourceOptions).deleteBeforeReplace);
      return undefined;
    };
    const mocks = new AzureMocks();
    await pulumi.runtime.setMocks(mocks, "proj", "dev", false);
    const existing = { resourceId: SHARED, clientId: "cid", principalId: "pid" };
    await mockComponent(
      (opts) => {
        const o = { ...opts, transformations: [...(opts.transformations ?? []), record] };
        new AksWorkloadIdentity("created", args(), o);
        return new AksWorkloadIdentity("shared", args({ serviceAccountName: "other", identity: existing }), o);
      },
      OUTPUTS,
      mocks,
    );
    assert.deepEqual(Object.fromEntries(replaced), {
      "created-federated-credential": true,
      "shared-federated-credential": true,
    });
  });

  it("an existing identity needs no resource group, and its id may be another stack's output", async () => {
    const c = await run(
      args({
        resourceGroupName: undefined,
        identity: {
          resourceId: pulumi.output(SHARED),
          clientId: pulumi.output("cid"),
          principalId: pulumi.output("pid"),
        },
      }),
    );
    assert.equal(c.all("azure-native:managedidentity:UserAssignedIdentity").length, 0);
    const cred = c.one("azure-native:managedidentity:FederatedIdentityCredential");
    assert.deepEqual(
      [cred.resourceGroupName, cred.resourceName, cred.subject],
      ["id-rg", "shared-reader", "system:serviceaccount:analytics:reporter"],
    );
    assert.equal(JSON.parse(String(c.outputs.federatedCredential)).identity, "shared-reader");
  });

  it("builds the same identity and credential as SecretMountedWorkload for the same ServiceAccount (one shared function)", async () => {
    const identity = await run(
      args({
        namespace: "shop",
        serviceAccountName: "shop",
        identityName: "shop-identity",
        resourceGroupName: "shop-rg",
      }),
    );
    const workload = await mockWorkload("shop", aksArgs(), new AzureMocks());
    assert.equal(identity.outputs.federatedCredential, workload.outputs.federatedCredential);
    assert.deepEqual(
      identity.one("azure-native:managedidentity:FederatedIdentityCredential"),
      workload.one("azure-native:managedidentity:FederatedIdentityCredential"),
    );
  });

  it("a scope from another resource that resolves to a subscription fails at up, naming the assignment", async () => {
    await pulumi.runtime.setMocks(new AzureMocks(), "proj", "dev", false);
    const err = await firstUnhandledRejection(
      () =>
        new AksWorkloadIdentity(
          "reports",
          args({
            roleAssignments: [
              { roleDefinitionId: BLOB_READER, scope: pulumi.output(`/subscriptions/${AZ_SUBSCRIPTION}`) },
            ],
          }),
        ),
    );
    assert.match(
      String(err),
      /reports: roleAssignments\[0\]\.scope: .* is a whole subscription or management group.*checked when the value resolved/,
    );
  });
});

describe("AksWorkloadIdentity: declaration errors name the field and the fix, and register nothing", () => {
  const role = (over: object) =>
    args({ roleAssignments: [{ roleDefinitionId: BLOB_READER, scope: STORAGE, ...over }] });
  const CASES: [string, AksWorkloadIdentityArgs, string, RegExp][] = [
    ["no role assignments", args({ roleAssignments: [] }), "roleAssignments", /at least one role/],
    ["namespace not a DNS-1123 label", args({ namespace: "a.b" }), "namespace", /not a DNS-1123 label/],
    [
      "serviceAccountName not DNS-1123",
      args({ serviceAccountName: "Reporter" }),
      "serviceAccountName",
      /not a DNS-1123 subdomain/,
    ],
    ["unknown field", { ...args(), keyVault: {} } as never, "keyVault", /not a known field/],
    [
      "no issuer",
      args({ oidcIssuerUrl: undefined as never }),
      "oidcIssuerUrl",
      /is required: the cluster's OIDC issuer/,
    ],
    ["an http issuer", args({ oidcIssuerUrl: "http://issuer.example/" }), "oidcIssuerUrl", /not an https issuer URL/],
    ["a bad resource group", args({ resourceGroupName: "rg." }), "resourceGroupName", /not a resource group name/],
    [
      "no resource group for the identity created",
      args({ resourceGroupName: undefined }),
      "resourceGroupName",
      /is required: the resource group of the identity created here \(or name an existing one with identity\)/,
    ],
    ["a bad identity name", args({ identityName: "x" }), "identityName", /not a managed identity name/],
    [
      "identityName with an existing identity",
      args({ identityName: "mine", identity: { resourceId: SHARED, clientId: "c", principalId: "p" } }),
      "identityName",
      /remove it when identity names an existing one/,
    ],
    [
      "a bad existing identity id",
      args({ identity: { resourceId: "shared-reader", clientId: "c", principalId: "p" } }),
      "identity.resourceId",
      /not a user-assigned identity resource id/,
    ],
    [
      "a 21st credential on an existing identity",
      args({ identity: { resourceId: SHARED, clientId: "c", principalId: "p", federatedCredentialsInUse: 20 } }),
      "identity.federatedCredentialsInUse",
      /0 to 19/,
    ],
    [
      "Owner",
      role({ roleDefinitionId: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" }),
      "roleAssignments[0].roleDefinitionId",
      /is Owner, which controls every resource/,
    ],
    [
      "Contributor by full id",
      role({
        roleDefinitionId: `/subscriptions/${AZ_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
      }),
      "roleAssignments[0].roleDefinitionId",
      /is Contributor/,
    ],
    [
      "User Access Administrator",
      role({ roleDefinitionId: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" }),
      "roleAssignments[0].roleDefinitionId",
      /is User Access Administrator/,
    ],
    [
      "a role by name",
      role({ roleDefinitionId: "Storage Blob Data Reader" }),
      "roleAssignments[0].roleDefinitionId",
      /give its GUID/,
    ],
    [
      "a whole subscription",
      role({ scope: `/subscriptions/${AZ_SUBSCRIPTION}` }),
      "roleAssignments[0].scope",
      /whole subscription or management group; scope the role to the resource/,
    ],
    [
      "a management group",
      role({ scope: "/providers/Microsoft.Management/managementGroups/corp" }),
      "roleAssignments[0].scope",
      /whole subscription or management group/,
    ],
    [
      "a scope that is no id",
      role({ scope: "reports" }),
      "roleAssignments[0].scope",
      /not a resource group or resource id/,
    ],
    [
      "a wildcard scope",
      role({
        scope: `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/*`,
      }),
      "roleAssignments[0].scope",
      /not a resource group or resource id/,
    ],
    [
      "the same role twice on one scope",
      args({
        roleAssignments: [
          { roleDefinitionId: BLOB_READER, scope: STORAGE },
          {
            roleDefinitionId: `/subscriptions/${AZ_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_READER}`,
            scope: STORAGE,
          },
        ],
      }),
      "roleAssignments[1]",
      /same role on the same scope as roleAssignments\[0\]/,
    ],
    ["an unknown assignment field", role({ principalId: "x" }), "roleAssignments[0].principalId", /not a known field/],
  ];
  for (const [description, a, field, message] of CASES) {
    it(description, () =>
      assertRefused(() => new AksWorkloadIdentity("reports", a), "reports", field, message, assert),
    );
  }
  it("a resource group scope is accepted", async () => {
    await run(role({ scope: `/subscriptions/${AZ_SUBSCRIPTION}/resourceGroups/data-rg` }));
  });
});
