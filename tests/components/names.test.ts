import assert from "node:assert/strict";
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  envNameProblem,
  portNameProblem,
} from "../../components/core/names";

/** The apimachinery rules (k8s.io/apimachinery/pkg/util/validation), as problems a user can act on. */
describe("names.ts: Kubernetes name rules", () => {
  describe("dns1123LabelProblem (namespaces, container names)", () => {
    for (const ok of ["a", "web", "0", "9lives", "my-app-2", "a-b-c", "a".repeat(63)]) {
      it(`accepts ${JSON.stringify(ok.length > 20 ? `${ok.slice(0, 3)}… (${ok.length})` : ok)}`, () => {
        assert.equal(dns1123LabelProblem(ok), undefined);
      });
    }

    it("refuses an empty name, and a value that is not a string", () => {
      assert.equal(dns1123LabelProblem(""), "must be a non-empty name");
      assert.equal(dns1123LabelProblem(undefined as unknown as string), "must be a non-empty name");
      assert.equal(dns1123LabelProblem(42 as unknown as string), "must be a non-empty name");
    });

    it("refuses 64 characters, saying how many there are and the limit (63)", () => {
      assert.equal(
        dns1123LabelProblem("a".repeat(64)),
        `"${"a".repeat(64)}" is 64 characters; a DNS-1123 label has at most 63`,
      );
    });

    it("refuses upper case, '_', '.', and '-' at either end, suggesting a name that passes", () => {
      const cases: [string, string][] = [
        ["Web", "web"],
        ["My_App", "my-app"],
        ["a.b", "a-b"],
        ["-web", "web"],
        ["web-", "web"],
        ["--Web--App--", "web--app"],
      ];
      for (const [bad, suggestion] of cases) {
        const p = dns1123LabelProblem(bad);
        assert.ok(p?.startsWith(`"${bad}" is not a DNS-1123 label: use lower-case letters, digits and "-"`), p);
        assert.ok(p?.endsWith(`, e.g. "${suggestion}"`), p);
        assert.equal(dns1123LabelProblem(suggestion), undefined, `the suggestion "${suggestion}" passes`);
      }
    });

    it("suggests nothing when nothing usable is left", () => {
      for (const bad of ["-", "---", "_", "ÄÖ", "!!"]) {
        const p = dns1123LabelProblem(bad);
        assert.ok(p?.includes("is not a DNS-1123 label"), p);
        assert.ok(!p?.includes("e.g."), p);
      }
    });
  });

  describe("dns1123SubdomainProblem (Deployment and ServiceAccount names)", () => {
    for (const ok of [
      "a",
      "web",
      "a.b",
      "web.example.com",
      "a-1.b-2",
      "a".repeat(253),
      `${"a".repeat(63)}.${"b".repeat(63)}`,
    ]) {
      it(`accepts ${JSON.stringify(ok.length > 20 ? `${ok.slice(0, 3)}… (${ok.length})` : ok)}`, () => {
        assert.equal(dns1123SubdomainProblem(ok), undefined);
      });
    }

    it("refuses an empty name and 254 characters", () => {
      assert.equal(dns1123SubdomainProblem(""), "must be a non-empty name");
      assert.equal(
        dns1123SubdomainProblem("a".repeat(254)),
        `"${"a".repeat(254)}" is 254 characters; a DNS-1123 subdomain has at most 253`,
      );
    });

    it("refuses empty segments, '.' or '-' at a segment's ends, and upper case, with a suggestion", () => {
      for (const bad of [".a", "a.", "a..b", "a.-b", "a-.b", "A.b", "a_b"]) {
        const p = dns1123SubdomainProblem(bad);
        assert.ok(
          p?.startsWith(`"${bad}" is not a DNS-1123 subdomain: use lower-case letters, digits, "-" and "."`),
          p,
        );
      }
      assert.ok(dns1123SubdomainProblem("My_App")?.endsWith(', e.g. "my-app"'));
    });

    it("keeps a suggestion for a long name within 63 characters (a label: it also fits a subdomain)", () => {
      const p = dns1123SubdomainProblem("A".repeat(100));
      assert.ok(p?.endsWith(`, e.g. "${"a".repeat(63)}"`), p);
    });
  });

  describe("envNameProblem (portable environment variable names: C identifiers)", () => {
    for (const ok of ["A", "_", "_X1", "DATABASE_URL", "lower_ok", "A1"]) {
      it(`accepts ${JSON.stringify(ok)}`, () => assert.equal(envNameProblem(ok), undefined));
    }
    for (const bad of ["", "1A", "A-B", "A.B", "A B", "É", "A=B"]) {
      it(`refuses ${JSON.stringify(bad)}, saying what is allowed`, () => {
        assert.equal(
          envNameProblem(bad),
          `"${bad}" is not a portable environment variable name; use letters, digits and "_", not starting with a digit`,
        );
      });
    }
  });

  describe("portNameProblem (IANA service names)", () => {
    for (const ok of ["http", "h2c", "a", "grpc-web", "a1", "a".repeat(15), "1a"]) {
      it(`accepts ${JSON.stringify(ok)}`, () => assert.equal(portNameProblem(ok), undefined));
    }
    for (const bad of ["", "a".repeat(16), "123", "a--b", "-a", "a-", "HTTP", "web_ui", "a.b"]) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        assert.equal(
          portNameProblem(bad),
          `"${bad}" is not a valid port name: at most 15 lower-case letters, digits and single "-", with at least one letter`,
        );
      });
    }
  });
});
