import type { Problems } from "./problems";

/** The checks every normalizer shares: fields nobody declared, and a problem turned into a failure. */

export type Fail = (field: string, problem: string) => never;

/** Fails with `problem` on `field` when there is one (stopping the part of the checks it is in). */
export function check(problem: string | undefined, field: string, problems: Problems): void {
  const { fail } = problems;
  if (problem) fail(field, problem);
}

/** Reports every field of `o` not in `allowed`, suggesting the field each most likely meant. */
export function unknownFields(o: object, allowed: readonly string[], at: string, problems: Problems): void {
  const { fail } = problems;
  if (!o || typeof o !== "object") fail(at || "args", "must be an object");
  for (const k of Object.keys(o)) {
    if ((o as Record<string, unknown>)[k] === undefined) continue;
    if (!allowed.includes(k)) {
      const near = allowed.find((x) => x.toLowerCase() === k.toLowerCase());
      problems.add(
        at ? `${at}.${k}` : k,
        `is not a known field${near ? `; did you mean "${near}"?` : `; known fields here: ${allowed.join(", ")}`}`,
      );
    }
  }
}
