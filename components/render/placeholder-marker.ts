import type { Placeholder } from "./offline-engine";

/**
 * Labels the values the offline engine invented: `mark(s)` replaces every placeholder value in `s`
 * with `<what it stands for>`, longest value first, each value replacing all its occurrences in the
 * text left by the longer ones (values of equal length keep their given order). `occurring(s)` is the
 * set of placeholder values that occur in `s`.
 *
 * Built once per render: one regular expression of every value (a trie: shared prefixes written
 * once, longer continuations tried first) finds at each position of a text the longest value starting there; the values that are prefixes of it start there too. So
 * one scan tells which values occur, and only those are replaced (again after each replacement, since
 * a replacement can make a later value appear). The text is the same as replacing every value in turn;
 * the cost grows with the text and the values in it, not with all values times all texts.
 */
export function placeholderMarker(placeholders: readonly Placeholder[]): {
  mark: (s: string) => string;
  occurring: (s: string) => Set<string>;
} {
  const sorted = [...placeholders].sort((a, b) => b.value.length - a.value.length);
  const ranks = new Map<string, number[]>();
  sorted.forEach((p, i) => ranks.set(p.value, [...(ranks.get(p.value) ?? []), i]));
  const values = [...ranks.keys()].filter((v) => v !== "");
  // An empty value "occurs" in every text (replacing it puts a label between every two characters).
  const always = ranks.get("") ?? [];
  const scan = values.length ? new RegExp(`(?=(${longestFirst(values)}))`, "g") : undefined;
  const prefixes = new Map<string, string[]>();
  const prefixesOf = (v: string): string[] => {
    let p = prefixes.get(v);
    if (!p) {
      p = [];
      for (let n = 1; n <= v.length; n++) if (ranks.has(v.slice(0, n))) p.push(v.slice(0, n));
      prefixes.set(v, p);
    }
    return p;
  };
  const occurring = (s: string): Set<string> => {
    const found = new Set<string>();
    if (scan) for (const m of s.matchAll(scan)) for (const v of prefixesOf(m[1])) found.add(v);
    if (always.length) found.add("");
    return found;
  };
  const mark = (s: string): string => {
    let text = s;
    let pending = [...occurring(text)].flatMap((v) => ranks.get(v)!).sort((a, b) => a - b);
    while (pending.length) {
      const i = pending[0];
      const next = text.split(sorted[i].value).join(`<${sorted[i].standsFor}>`);
      if (next === text) {
        pending = pending.slice(1);
        continue;
      }
      text = next;
      pending = [...occurring(text)]
        .flatMap((v) => ranks.get(v)!)
        .filter((k) => k > i)
        .sort((a, b) => a - b);
    }
    return text;
  };
  return { mark, occurring };
}

/**
 * A regular expression source matching any of `values` and, where several match at one position, the
 * longest: the values as a trie, each branch trying its continuations before ending. At most one
 * continuation can match (they start with different characters), so the first match is the longest.
 */
function longestFirst(values: string[]): string {
  interface Node {
    next: Map<string, Node>;
    end: boolean;
  }
  const root: Node = { next: new Map(), end: false };
  for (const v of values) {
    let n = root;
    for (const c of v) {
      let child = n.next.get(c);
      if (!child) n.next.set(c, (child = { next: new Map(), end: false }));
      n = child;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const branches = [...n.next].map(([c, child]) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&") + emit(child));
    if (n.end && branches.length) branches.push("");
    return branches.length > 1 ? `(?:${branches.join("|")})` : (branches[0] ?? "");
  };
  return emit(root);
}
