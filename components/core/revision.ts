import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * Names what the pods must read: a hash of the secrets' version ids (never of a value), so a new
 * version changes the pod template and rolls the pods, and nothing else does.
 */
export function revisionOf(names: string[], versionIds: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.unsecret(
    pulumi.all(versionIds).apply((ids) =>
      createHash("sha256")
        .update(JSON.stringify(names.map((n, i) => [n, ids[i] ?? ""])))
        .digest("hex")
        .slice(0, 16),
    ),
  );
}
