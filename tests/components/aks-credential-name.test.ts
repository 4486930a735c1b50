import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { credentialName } from "../../components/clouds/azure/ids";

// Azure's rule for a federated identity credential's name (ARM template reference,
// Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials: "name … Pattern =
// ^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$"), written here from the documentation, not from the code.
const AZURE_CREDENTIAL_NAME = /^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/;

/** A small seeded generator (mulberry32): the same pairs every run, no dependency. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (next: () => number, s: string) => s[Math.floor(next() * s.length)];

/**
 * A DNS-1123 label of at most `max` characters from an alphabet full of dashes, so that
 * near-collisions (`a-b`+`c` against `a`+`b-c`) are common: mostly short, sometimes up to `max`.
 */
function label(next: () => number, max: number): string {
  const length = 1 + Math.floor(next() * (next() < 0.8 ? Math.min(max, 6) : max));
  let out = "";
  for (let i = 0; i < length; i++) out += i === 0 || i === length - 1 ? pick(next, "ab1") : pick(next, "ab1--");
  return out;
}

/** A DNS-1123 subdomain (a ServiceAccount name): labels joined by dots, at most 253 characters. */
function subdomain(next: () => number): string {
  const long = next() < 0.2;
  let out = label(next, long ? 63 : 6);
  while (next() < 0.5) {
    const more = `${out}.${label(next, long ? 63 : 6)}`;
    if (more.length > 253) break;
    out = more;
  }
  return out;
}

const isLabel = (s: string) => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
const isSubdomain = (s: string) =>
  s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s);

describe("AKS federated credential names: one per (namespace, ServiceAccount), within Azure's rule", () => {
  it("the pairs whose names collided (a-b + c, a + b-c; a dot and a dash) get different names", () => {
    assert.notEqual(credentialName("a-b", "c"), credentialName("a", "b-c"));
    assert.notEqual(credentialName("a", "b.c"), credentialName("a", "b-c"));
    assert.notEqual(credentialName("shop-api", "reader"), credentialName("shop", "api-reader"));
  });

  it("short names stay readable: <namespace>_<serviceAccountName>, dots written _", () => {
    assert.equal(credentialName("billing", "billing-api"), "billing_billing-api");
    assert.equal(credentialName("analytics", "reporter"), "analytics_reporter");
    assert.equal(credentialName("a", "b.c"), "a_b_c");
  });

  it("long pairs: the first 103 characters, - and a hash of the exact pair; 120 characters", () => {
    const ns = "n".repeat(63);
    const a = credentialName(ns, `${"s".repeat(200)}-one`);
    const b = credentialName(ns, `${"s".repeat(200)}-two`);
    assert.notEqual(a, b);
    for (const n of [a, b]) {
      assert.equal(n.length, 120);
      assert.match(n, AZURE_CREDENTIAL_NAME);
      assert.ok(n.startsWith(`${ns}_sss`), n);
    }
    const hash = createHash("sha256")
      .update(JSON.stringify([ns, `${"s".repeat(200)}-one`]))
      .digest("hex")
      .slice(0, 16);
    assert.ok(a.endsWith(`-${hash}`), a);
  });

  it("property: 20,000 seeded pairs (separator-heavy, up to the Kubernetes maxima) never share a name, and each name fits Azure's rule", () => {
    const next = random(0x5eed16);
    const seen = new Map<string, string>();
    let long = 0;
    for (let i = 0; i < 20000; i++) {
      const ns = label(next, 63);
      const sa = subdomain(next);
      assert.ok(isLabel(ns) && isSubdomain(sa), `generator made an invalid pair ${ns} ${sa}`);
      const pair = JSON.stringify([ns, sa]);
      const name = credentialName(ns, sa);
      assert.match(name, AZURE_CREDENTIAL_NAME, pair);
      assert.equal(credentialName(ns, sa), name, "stable: the same pair, the same name");
      if (name.length === 120) long++;
      const other = seen.get(name);
      assert.ok(other === undefined || other === pair, `${pair} and ${other} share the name ${name}`);
      seen.set(name, pair);
    }
    assert.ok(seen.size > 15000, `only ${seen.size} distinct pairs generated`);
    assert.ok(long > 50, `only ${long} long names: the hashed form went untested`);
  });

  it("every split of one string into namespace and ServiceAccount gets its own name", () => {
    const joined = "a-b-c-d.e-f";
    const names = new Set<string>();
    let pairs = 0;
    for (let i = 1; i < joined.length; i++) {
      const [ns, sa] = [joined.slice(0, i), joined.slice(i + 1)];
      if (joined[i] !== "-" || !isLabel(ns) || !isSubdomain(sa)) continue;
      pairs++;
      names.add(credentialName(ns, sa));
    }
    assert.equal(pairs, 3);
    assert.equal(names.size, pairs);
  });
});
