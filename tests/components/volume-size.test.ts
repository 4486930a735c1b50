import assert from "node:assert/strict";
import { DeclarationError } from "../../components/core/declaration-error";
import { requiredVolumeBytes, volumeSizeLimit } from "../../components/core/volume-size";

type SecretSet = Parameters<typeof requiredVolumeBytes>[0];
type Decl = Parameters<typeof volumeSizeLimit>[0];

const PAGE = 4096;
const MI = 1024 * 1024;

/** A declaration with only what the sizing reads: the files of each secret, and the env file. */
function set(filesPerSecret: string[][], envVars?: Record<string, string>): SecretSet {
  return {
    secrets: filesPerSecret.map((paths) => ({ files: paths.map((path) => ({ path })) })),
    ...(envVars ? { envFile: { path: "secrets.env", vars: envVars } } : {}),
  } as unknown as SecretSet;
}

function decl(volumeSizeLimit: string | undefined): Decl {
  return { name: "web", volumeSizeLimit } as unknown as Decl;
}

describe("volume-size.ts: how big the memory volume must be", () => {
  describe("requiredVolumeBytes: every file at its largest, in whole pages, twice (old and new set)", () => {
    it("charges a whole page for an empty or small file, and a second page from 4097 bytes", () => {
      assert.equal(
        requiredVolumeBytes(set([["a"]]), () => 0),
        2 * PAGE,
      );
      assert.equal(
        requiredVolumeBytes(set([["a"]]), () => 1),
        2 * PAGE,
      );
      assert.equal(
        requiredVolumeBytes(set([["a"]]), () => PAGE),
        2 * PAGE,
      );
      assert.equal(
        requiredVolumeBytes(set([["a"]]), () => PAGE + 1),
        2 * 2 * PAGE,
      );
    });

    it("adds up every file of every secret, each at the size the store allows for its own path", () => {
      const max: Record<string, number> = {
        "db/user": 10,
        "db/password": 5000,
        "tls/cert.pem": 65_536,
        "tls/key.pem": 9000,
      };
      const pages = 1 + 2 + 16 + 3;
      assert.equal(
        requiredVolumeBytes(
          set([
            ["db/user", "db/password"],
            ["tls/cert.pem", "tls/key.pem"],
          ]),
          (p) => max[p],
        ),
        2 * pages * PAGE,
      );
    });

    it("adds the env file: per variable its name, `=`, quotes and newline, and twice the value (escaping)", () => {
      // A=<10> and BB=<10>: (1 + 4 + 20) + (2 + 4 + 20) = 51 bytes, one page; the file itself one more.
      assert.equal(
        requiredVolumeBytes(set([["f"]], { A: "f", BB: "f" }), () => 10),
        2 * 2 * PAGE,
      );
      // A value of 3000 bytes may take 6000 escaped: the env file needs two pages.
      assert.equal(
        requiredVolumeBytes(set([["f"]], { A: "f" }), () => 3000),
        2 * (1 + 2) * PAGE,
      );
    });

    it("an env file with no variables still takes a page", () => {
      assert.equal(
        requiredVolumeBytes(set([["f"]], {}), () => 1),
        2 * 2 * PAGE,
      );
    });
  });

  describe("volumeSizeLimit: the sizeLimit to render", () => {
    it("without one given: the required size, at least 1Mi, in whole Ki or Mi", () => {
      assert.equal(volumeSizeLimit(decl(undefined), 0), "1Mi");
      assert.equal(volumeSizeLimit(decl(undefined), 8192), "1Mi");
      assert.equal(volumeSizeLimit(decl(undefined), MI), "1Mi");
      assert.equal(volumeSizeLimit(decl(undefined), MI + 1), "1025Ki");
      assert.equal(volumeSizeLimit(decl(undefined), 3 * MI), "3Mi");
      assert.equal(volumeSizeLimit(decl(undefined), 40 * MI + 1), "41Mi");
    });

    it("a given limit is kept as written when it holds the required bytes, exactly at the boundary too", () => {
      assert.equal(volumeSizeLimit(decl("2Mi"), MI), "2Mi");
      assert.equal(volumeSizeLimit(decl("1Mi"), MI), "1Mi");
      assert.equal(volumeSizeLimit(decl("1048576"), MI), "1048576");
      assert.equal(volumeSizeLimit(decl("2M"), MI), "2M");
      // A limit below 1Mi is the user's choice when the secrets fit in it.
      assert.equal(volumeSizeLimit(decl("64Ki"), 8192), "64Ki");
    });

    it("a given limit one byte short is refused, naming the field and the smallest limit that fits", () => {
      assert.throws(
        () => volumeSizeLimit(decl("1048575"), MI),
        (e: unknown) => {
          assert.ok(e instanceof DeclarationError, String(e));
          assert.match(
            e.message,
            /^web: volumeSizeLimit: "1048575" is smaller than the declared secrets may need \(1Mi: /,
          );
          assert.match(e.message, /set at least "1Mi" or omit it$/);
          return true;
        },
      );
      assert.throws(
        () => volumeSizeLimit(decl("1M"), 3 * MI),
        /volumeSizeLimit: "1M" is smaller .* set at least "3Mi" or omit it/,
      );
    });
  });
});
