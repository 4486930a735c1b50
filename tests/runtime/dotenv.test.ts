/**
 * The dotenv file: every value it writes reads back byte-identical in python-dotenv (defaults),
 * npm dotenv, Docker Compose env_file and POSIX `set -a; . file`, run for real; anything else is
 * refused with the reason, never the value.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { dotenvValue, renderDotenv } from "../../runtime-image/src/dotenv";
import { SourceError } from "../../runtime-image/src/providers/provider";
import { ALL_READERS } from "./consumers/dotenv-consumers";
import { tempDir } from "./harness";

/** Values that must be written, and read back the same everywhere. */
const WRITTEN = [
  "plain",
  "",
  "s3cr3t_-./:@%+,=",
  "=leading-equals",
  "with space",
  "  leading and trailing  ",
  "dollar $HOME $(id) `id` and $ alone",
  "${unclosed",
  'quote " double',
  "it's",
  "it's #not-a-comment",
  "'",
  "back\\slash and \\n and \\t and \\$HOME",
  "#not-a-comment",
  "a # b",
  "tab\there",
  "multi\nline\nvalue",
  "unicodé ✓ 日本",
  "semi;colon &amp |pipe <lt> *glob? ~tilde !bang",
  '{"json": [1, 2]}',
];

/** Values refused, and the reason each must give. */
const REFUSED: [string, RegExp][] = [
  ["quote ' and ${HOME}", /\$\{…\}, which python-dotenv expands/],
  ["${HOME}", /\$\{…\}/],
  ["${A:-default}", /\$\{…\}/],
  ["${}", /\$\{…\}/],
  ["two \\\\ backslashes", /\\\\ or ends with \\/],
  ["trailing backslash \\", /\\\\ or ends with \\/],
  ['it\'s "both"', /single quote together with/],
  ["it's $HOME", /single quote together with/],
  ["it's \\", /\\\\ or ends with \\|single quote together with/],
  ["it's\nmulti", /single quote together with/],
  ["it's `id`", /single quote together with/],
  ["crlf\r\nline", /carriage return/],
  ["a\u0000b", /NUL/],
  ["a\u001bb", /control characters/],
];

describe("runtime: dotenv rendering (pure)", () => {
  it("quotes by need: bare, single-quoted, or double-quoted only for a value with ' and nothing special", () => {
    assert.equal(dotenvValue(Buffer.from("s3cr3t_-./:@%+,=")), "s3cr3t_-./:@%+,=");
    assert.equal(dotenvValue(Buffer.from("")), "''");
    assert.equal(dotenvValue(Buffer.from('has space $HOME #x "q" \\ end')), `'has space $HOME #x "q" \\ end'`);
    assert.equal(dotenvValue(Buffer.from("it's")), `"it's"`);
    assert.equal(dotenvValue(Buffer.from("line1\nline2")), "'line1\nline2'");
  });

  for (const [value, reason] of REFUSED) {
    it(`refuses ${JSON.stringify(value)}, saying why`, () => {
      assert.throws(
        () => dotenvValue(Buffer.from(value)),
        (e: unknown) =>
          e instanceof SourceError && e.failure === "invalid" && reason.test(e.message) && !e.message.includes(value),
      );
    });
  }

  it("refuses bytes that are not UTF-8", () => {
    assert.throws(
      () => dotenvValue(Buffer.from([0xff, 0xfe])),
      (e: unknown) => e instanceof SourceError && /not UTF-8/.test(e.message),
    );
  });
});

describe("runtime: dotenv values read back byte-identical by every reader", function () {
  this.timeout(600_000); // the first run builds the Compose parser (Go module proxy), later runs reuse it
  const dir = tempDir("sm-dotenv-");
  const file = path.join(dir, "app.env");
  const vars = WRITTEN.map((v, i): [string, Buffer] => [`V${i}`, Buffer.from(v)]);
  // A reader that interpolates would show it: every reference points at a set variable.
  const env = { PATH: process.env.PATH, HOME: "/home/reader", A: "set", id: "set" };
  before(() => fs.writeFileSync(file, renderDotenv(vars)));

  for (const { name, open } of ALL_READERS) {
    it(name, function () {
      const reader = open();
      if ("unavailable" in reader) {
        console.log(`      skipped: ${reader.unavailable}`);
        this.skip();
      }
      const read = reader.read(file, env);
      for (const [variable, value] of vars)
        assert.equal(
          read[variable],
          value.toString("utf8"),
          `${variable}=${JSON.stringify(value.toString("utf8"))} as read by ${name}`,
        );
    });
  }
});
