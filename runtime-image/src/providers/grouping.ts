/** Splitting a provider's sources into service calls. */

/** Splits into chunks of at most `size` (a service's batch limit). */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Groups indices by a key (e.g. region), keeping first-seen order. */
export function groupIndices<T>(items: T[], key: (t: T) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((t, i) => out.set(key(t), [...(out.get(key(t)) ?? []), i]));
  return out;
}
