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
});
