import assert from "node:assert/strict";
import { buildArtifacts } from "../../components/render/artifacts";
import type { RecordedResource } from "../../components/render/offline-engine";

// A remote component (awsx, eks) is made by its provider plugin at `pulumi up`; the offline engine
// records it as one resource with its inputs. The review says so, and lists those inputs by path
// with Pulumi secrets withheld, where a local component only groups the resources below it.
describe("render: a remote component is one entry with its inputs", () => {
  const SIG = "4dabf18193072939515e22adb298388d";
  const resources: RecordedResource[] = [
    { type: "my:app:Billing", name: "billing", custom: false, inputs: {} },
    {
      type: "awsx:ecs:FargateService",
      name: "billing-api",
      custom: false,
      remote: true,
      inputs: {
        taskDefinition: "arn:aws:ecs:eu-west-1:111122223333:task-definition/billing-api:1",
        desiredCount: 2,
        networkConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: false },
        tags: { token: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "s3cr3t-value" } },
      },
    },
  ];

  it("names the plugin that makes its resources, lists each input by path, withholds a secret", () => {
    const { entries } = buildArtifacts(resources);
    const entry = entries.find((e) => e.name === "billing-api")!;
    assert.deepEqual(
      entry.facts.map((f) => f.label),
      ["remote component", "inputs"],
    );
    assert.match(
      entry.facts[0].values.join(" "),
      /made at pulumi up by the awsx plugin, which render does not run: its resources are not shown/,
    );
    assert.deepEqual(entry.facts[1].values, [
      "taskDefinition = arn:aws:ecs:eu-west-1:111122223333:task-definition/billing-api:1",
      "desiredCount = 2",
      "networkConfiguration.subnets[0] = subnet-a",
      "networkConfiguration.subnets[1] = subnet-b",
      "networkConfiguration.assignPublicIp = false",
      "tags.token = (a Pulumi secret, withheld)",
    ]);
    assert.doesNotMatch(JSON.stringify(entries), /s3cr3t-value/);
  });

  it("a local component (no remote flag) still only groups the resources below it", () => {
    const { entries } = buildArtifacts(resources);
    assert.deepEqual(entries.find((e) => e.name === "billing")!.facts, [
      { label: "component", values: ["groups the resources below"] },
    ]);
  });
});
