/**
 * Renders the optional dotenv file. Pure.
 *
 * Every value must read back byte-identical in python-dotenv (its defaults: `${…}` interpolated in
 * every kind of value), the npm `dotenv` package, Docker Compose `env_file` (compose-go) and POSIX
 * `set -a; . file` (dash). Their rules meet only here, so a value outside them is refused, per
 * variable, with the reason (never the value):
 *   - plain values (letters, digits and `_ . / : @ % + , = -`) are written bare;
 *   - other values without `'` are single-quoted: literal in all four, except that python-dotenv
 *     turns `\\` into `\` and Compose takes `\'` as an escaped quote, so `\\` and a trailing `\`
 *     are refused;
 *   - a value with `'` is double-quoted when it holds none of `"`, `\`, `$`, a backquote or a line
 *     break (each means something inside double quotes to one of the readers);
 *   - `${…}` is refused anywhere: python-dotenv expands it even inside single quotes and has no
 *     escape for it;
 *   - a value that is not UTF-8, or holds NUL, a carriage return or another control character
 *     except tab and line feed, is refused.
 */
import { SourceError } from "./providers/provider";
import { utf8Text } from "./transform";

const BARE_RE = /^[A-Za-z0-9_./:@%+,=-]+$/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f]/;
/** What python-dotenv's interpolation can match (its own pattern is a subset of this one). */
const INTERPOLATION_RE = /\$\{[^}]*\}/;

const refuse = (why: string) => new SourceError("invalid", `the value ${why}`);

export function dotenvValue(bytes: Buffer): string {
  const text = utf8Text(bytes);
  if (text === undefined) throw refuse("is not UTF-8 text, so it cannot be a dotenv variable");
  if (text.includes("\u0000")) throw refuse("contains a NUL byte, which no environment variable can hold");
  if (text.includes("\r"))
    throw refuse("contains a carriage return, which npm dotenv turns into a line feed; read the file instead");
  if (FORBIDDEN_CONTROL_RE.test(text))
    throw refuse("contains control characters a dotenv file cannot carry; read the file instead");
  if (INTERPOLATION_RE.test(text))
    throw refuse(
      "contains ${…}, which python-dotenv expands even inside single quotes (it has no escape for it); read the file instead",
    );
  if (BARE_RE.test(text)) return text;
  if (!text.includes("'")) {
    if (text.includes("\\\\") || text.endsWith("\\")) {
      throw refuse(
        "contains \\\\ or ends with \\, which python-dotenv or Docker Compose read differently inside quotes; read the file instead",
      );
    }
    return `'${text}'`;
  }
  if (/["\\$`\n]/.test(text)) {
    throw refuse(
      'contains a single quote together with ", \\, $, ` or a line break, which no quoting reads back the same in python-dotenv, npm dotenv, Docker Compose and sh; read the file instead',
    );
  }
  return `"${text}"`;
}

/** `vars` in the spec's order; every value must already have passed dotenvValue's checks. */
export function renderDotenv(vars: [name: string, value: Buffer][]): Buffer {
  return Buffer.from(vars.map(([name, value]) => `${name}=${dotenvValue(value)}\n`).join(""), "utf8");
}
