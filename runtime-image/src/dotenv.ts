/**
 * Renders the optional dotenv file. Pure.
 *
 * Quoting, chosen to read back the same value in python-dotenv, docker compose `env_file`, and the
 * npm `dotenv` package where they agree:
 *   - plain values (letters, digits and `_ . / : @ % + , = -`) are written bare;
 *   - single-line values without `'` are single-quoted (literal everywhere, no interpolation);
 *   - anything else is double-quoted with `\\`, `\"`, `\n`, `\r`, `\t` escapes.
 * A value that is not UTF-8, contains NUL or another control character is refused: no dotenv
 * reader can carry it.
 */
import { SourceError } from "./providers/provider";
import { utf8Text } from "./transform";

const BARE_RE = /^[A-Za-z0-9_./:@%+,=-]+$/;
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function dotenvValue(bytes: Buffer): string {
  const text = utf8Text(bytes);
  if (text === undefined) throw new SourceError("invalid", "the value is not UTF-8 text, so it cannot be a dotenv variable");
  if (text.includes("\u0000")) throw new SourceError("invalid", "the value contains a NUL byte, which no environment variable can hold");
  if (FORBIDDEN_CONTROL_RE.test(text)) throw new SourceError("invalid", "the value contains control characters a dotenv file cannot carry");
  if (BARE_RE.test(text)) return text;
  if (!/['\n\r\t]/.test(text)) return `'${text}'`;
  const escaped = text.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] as string);
  return `"${escaped}"`;
}

/** `vars` in the spec's order; every value must already have passed dotenvValue's checks. */
export function renderDotenv(vars: [name: string, value: Buffer][]): Buffer {
  return Buffer.from(vars.map(([name, value]) => `${name}=${dotenvValue(value)}\n`).join(""), "utf8");
}
