import assert from "node:assert/strict";
import { placeholderMarker } from "../../components/render/placeholder-marker";
import type { Placeholder } from "../../components/render/offline-engine";

/** The labelling rule, stated as the simplest program: every value in turn, longest first, all occurrences. */
function markInTurn(placeholders: Placeholder[], s: string): string {
  const sorted = [...placeholders].sort((a, b) => b.value.length - a.value.length);
  return sorted.reduce((t, p) => t.split(p.value).join(`<${p.standsFor}>`), s);
}

/** Small deterministic PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("render: labelling the offline engine's placeholders", () => {
  const ROLE = "arn:aws:iam::111122223333:role/billing-api-1a2b3c4";

  it("labels an ARN whole, not the generated name inside it; the bare name elsewhere gets its own label", () => {
    const { mark } = placeholderMarker([
      { value: "billing-api-1a2b3c4", standsFor: "name of billing-api" },
      { value: ROLE, standsFor: "ARN of billing-api" },
    ]);
    assert.equal(
      mark(`role ${ROLE} named billing-api-1a2b3c4`),
      "role <ARN of billing-api> named <name of billing-api>",
    );
    assert.equal(mark("nothing invented here"), "nothing invented here");
  });

  it("when two values overlap, the longer wins even where the shorter starts first", () => {
    const { mark } = placeholderMarker([
      { value: "ab", standsFor: "A" },
      { value: "bcd", standsFor: "B" },
    ]);
    // Leftmost-first matching would give "<A>cd"; the rule is longest first.
    assert.equal(mark("abcd"), "a<B>");
    assert.equal(mark("ab bcd abcd"), "<A> <B> a<B>");
  });

  it("values of equal length apply in the order given", () => {
    const { mark } = placeholderMarker([
      { value: "abc", standsFor: "first" },
      { value: "bcd", standsFor: "second" },
    ]);
    assert.equal(mark("abcd"), "<first>d");
    assert.equal(mark("bcdabc"), "<second><first>");
  });

  it("a shorter value appearing only after a longer one was labelled is labelled too", () => {
    const { mark } = placeholderMarker([
      { value: "id-0000", standsFor: "x" },
      { value: "<x", standsFor: "y" },
    ]);
    assert.equal(mark("id-0000"), "<y>>");
  });

  it("treats values literally, not as patterns", () => {
    const { mark, occurring } = placeholderMarker([{ value: "a.b(c)*", standsFor: "P" }]);
    assert.equal(mark("axb(c) a.b(c)*"), "axb(c) <P>");
    assert.deepEqual([...occurring("a.b(c)* and more")], ["a.b(c)*"]);
  });

  it("tells exactly which values occur in a text, nested ones included", () => {
    const { occurring } = placeholderMarker([
      { value: ROLE, standsFor: "ARN" },
      { value: "billing-api-1a2b3c4", standsFor: "name" },
      { value: "arn:aws:iam", standsFor: "prefix" },
      { value: "absent", standsFor: "z" },
    ]);
    assert.deepEqual(new Set(occurring(`x ${ROLE}`)), new Set([ROLE, "billing-api-1a2b3c4", "arn:aws:iam"]));
    assert.deepEqual(occurring("none"), new Set());
  });

  it("gives the same text as labelling every value in turn, on random overlapping values", () => {
    const random = prng(22);
    const word = (max: number, alphabet: string) =>
      Array.from({ length: Math.floor(random() * max) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
        "",
      );
    for (let n = 0; n < 3000; n++) {
      const placeholders: Placeholder[] = Array.from({ length: 1 + Math.floor(random() * 6) }, () => ({
        value: word(5, "ab<>") || "a",
        standsFor: word(3, "ab"),
      }));
      const { mark, occurring } = placeholderMarker(placeholders);
      for (let k = 0; k < 5; k++) {
        const s = word(24, "ab<> ");
        assert.equal(mark(s), markInTurn(placeholders, s), `case ${n}.${k}: ${JSON.stringify({ placeholders, s })}`);
        assert.deepEqual(occurring(s), new Set(placeholders.map((p) => p.value).filter((v) => s.includes(v))));
      }
    }
  });
});
