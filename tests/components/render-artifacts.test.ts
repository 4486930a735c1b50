import assert from "node:assert/strict";
import { buildArtifacts } from "../../components/render/artifacts";
import type { RecordedResource } from "../../components/render/offline-engine";

const MARKER = "sm-canary-render-91ac";

describe("render artifacts", () => {
  it("never copies the inputs of resources that carry secret values", () => {
    const resources: RecordedResource[] = [
      { type: "aws:secretsmanager/secretVersion:SecretVersion", name: "a-db-value", custom: true, inputs: { secretString: MARKER } },
      { type: "aws:ssm/parameter:Parameter", name: "a-flags", custom: true, inputs: { name: "/a/flags", type: "SecureString", value: MARKER } },
      { type: "random:index/randomPassword:RandomPassword", name: "a-pw", custom: true, inputs: { length: 32, result: MARKER } },
      { type: "tls:index/privateKey:PrivateKey", name: "a-key", custom: true, inputs: { algorithm: "RSA", privateKeyPem: MARKER } },
    ];
    const { artifacts, rows } = buildArtifacts(resources);
    assert.ok(!JSON.stringify({ artifacts, rows }).includes(MARKER));
    assert.deepEqual(rows.map((r) => r.detail), ["value withheld", "/a/flags (SecureString, value withheld)", "value withheld", "value withheld"]);
  });

  it("never copies a Secret Manager version's value; lists each Google IAM member", () => {
    const resources: RecordedResource[] = [
      { type: "gcp:secretmanager/secretVersion:SecretVersion", name: "a-db-value", custom: true, inputs: { secret: "a-db-id", secretData: MARKER } },
      { type: "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion", name: "a-eu-value", custom: true, inputs: { secret: "a-eu-id", secretData: MARKER } },
      { type: "gcp:secretmanager/secretIamMember:SecretIamMember", name: "a-db-accessor", custom: true, inputs: { project: "p-1234", secretId: "projects/p-1234/secrets/db", role: "roles/secretmanager.secretAccessor", member: "serviceAccount:r@p-1234.iam.gserviceaccount.com" } },
      { type: "gcp:serviceaccount/iAMMember:IAMMember", name: "a-wi", custom: true, inputs: { serviceAccountId: "projects/p-1234/serviceAccounts/r@p-1234.iam.gserviceaccount.com", role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p-1234.svc.id.goog[ns/a]" } },
    ];
    const { artifacts, rows } = buildArtifacts(resources);
    assert.ok(!JSON.stringify({ artifacts, rows }).includes(MARKER));
    assert.deepEqual(rows.slice(0, 2).map((r) => r.detail), ["value withheld", "value withheld"]);
    assert.deepEqual(JSON.parse(artifacts.find((a) => a.path === "iam/gcp-iam-members.json")!.content), [
      { resource: "projects/p-1234/secrets/db", role: "roles/secretmanager.secretAccessor", member: "serviceAccount:r@p-1234.iam.gserviceaccount.com" },
      { resource: "r@p-1234.iam.gserviceaccount.com", role: "roles/iam.workloadIdentityUser", member: "serviceAccount:p-1234.svc.id.goog[ns/a]" },
    ]);
  });
});
