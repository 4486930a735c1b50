import { Problems } from "./problems";
/** One item of a list argument with the field name messages use for it. */
export interface Listed<T> {
  item: T;
  /** `containers[2]` for a list item, `container` for the one-item form. */
  at: string;
}

/**
 * Reads a list argument that also has a one-item form (`container` for `containers: [container]`).
 * The one-item form exists for users (one container is the common case) and for Pulumi's Go SDK
 * generator, which emits the `<Type>Args` struct of a plain list's item type only when the type is
 * also reachable on its own. Both forms set is refused. Returns the field to name for the whole
 * list and the items, each with its own field.
 */
export function oneOrMany<T>(
  one: T | undefined | null,
  many: T[] | undefined | null,
  names: { one: string; many: string },
  problems: Problems,
): { field: string; items: Listed<T>[] } {
  const { fail } = problems;
  if (one !== undefined && one !== null) {
    if (many !== undefined && many !== null)
      fail(
        names.one,
        `is set together with ${names.many}; set one of the two: \`${names.one}\` for a single one, \`${names.many}\` for every one`,
      );
    return { field: names.one, items: [{ item: one, at: names.one }] };
  }
  return {
    field: names.many,
    items: Array.isArray(many) ? many.map((item, i) => ({ item, at: `${names.many}[${i}]` })) : [],
  };
}
