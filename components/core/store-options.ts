import type { SecretArgs } from "./args";
import type { NormalizedSecret } from "./secret-set";
import type { Fail } from "./unknown-fields";

/** A secret's per-store option fields (`secrets[].aws`, `.azure`, `.gcp`). */
export type StoreOptionField = "aws" | "azure" | "gcp";
/** A platform's wording of the refusal, per other field. */
export type OtherStoreProblems = { [F in StoreOptionField]?: string };
const STORE_OPTION_FIELDS: StoreOptionField[] = ["aws", "azure", "gcp"];

/**
 * The rule for a secret's options of another store than the platform's: refused, naming the field
 * and the platform's own. Each platform gives its own field and, for each other field, the message
 * (their wording predates this rule and is kept).
 */
export function refuseOtherStoreOptions(
  s: NormalizedSecret,
  own: StoreOptionField,
  problems: OtherStoreProblems,
  fail: Fail,
): NonNullable<SecretArgs[StoreOptionField]> | Record<string, never> {
  const at = `secrets[${s.index}]`;
  // In the platform's order of its messages, then any other.
  for (const f of new Set([...(Object.keys(problems) as StoreOptionField[]), ...STORE_OPTION_FIELDS])) {
    if (f === own || s.args[f] === undefined) continue;
    fail(
      `${at}.${f}`,
      problems[f] ?? `holds options of another store; on this platform use secrets[].${own} (or remove it)`,
    );
  }
  return s.args[own] ?? {};
}
