import { quantityBytes } from "./quantity";
import { unknownFields } from "./unknown-fields";
import type { ResourcesArgs } from "./args";
import type { Problems } from "./problems";

/** Checks a container's requests and limits (cpu, memory, ephemeral-storage) as Kubernetes quantities. */
export function checkResources(r: ResourcesArgs | undefined, at: string, problems: Problems): void {
  const { fail } = problems;
  if (!r) return;
  unknownFields(r, ["requests", "limits"], at, problems);
  for (const kind of ["requests", "limits"] as const) {
    for (const [k, v] of Object.entries(r[kind] ?? {})) {
      if (!["cpu", "memory", "ephemeral-storage"].includes(k))
        fail(`${at}.${kind}.${k}`, "is not a resource name; use cpu, memory or ephemeral-storage");
      if (k !== "cpu" && (typeof v !== "string" || quantityBytes(v) === undefined))
        fail(`${at}.${kind}.${k}`, `${JSON.stringify(v)} is not a quantity; use e.g. "64Mi"`);
      if (k === "cpu" && (typeof v !== "string" || !/^[0-9]+(\.[0-9]+)?m?$/.test(v)))
        fail(`${at}.${kind}.cpu`, `${JSON.stringify(v)} is not a CPU quantity; use e.g. "100m" or "0.5"`);
    }
  }
}
