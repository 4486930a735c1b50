/**
 * Turns a fetched value into a file's bytes (JSON key selection, base64 decoding, size limit).
 * Pure. Errors describe the shape of the problem and never quote the value: JSON.parse messages,
 * for instance, include part of the input, so they are dropped.
 */
import type { FetchFile } from "../../spec/fetch-spec";
import { type FetchedValue, SourceError } from "./providers/provider";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes strict UTF-8, or undefined when the bytes are not valid UTF-8 text. */
export function utf8Text(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export function transformValue(file: FetchFile, value: FetchedValue, maxBytes: number): Buffer {
  checkSize(value.bytes, maxBytes, "the fetched value");
  let bytes = value.bytes;
  if (file.jsonKey !== undefined) bytes = selectJsonKey(bytes, value.binary === true, file.jsonKey);
  if (file.decode === "base64") bytes = decodeBase64(bytes, value.binary === true && file.jsonKey === undefined);
  checkSize(bytes, maxBytes, "the transformed value");
  return bytes;
}

function checkSize(bytes: Buffer, maxBytes: number, what: string): void {
  if (bytes.length > maxBytes)
    throw new SourceError(
      "invalid",
      `${what} is ${bytes.length} bytes, over the limit of ${maxBytes} (SECRET_MOUNT_MAX_VALUE_BYTES)`,
    );
}

function selectJsonKey(bytes: Buffer, binary: boolean, key: string): Buffer {
  if (binary) throw new SourceError("invalid", `the value is binary, but jsonKey "${key}" needs a JSON text value`);
  const text = utf8Text(bytes);
  if (text === undefined)
    throw new SourceError("malformed", `the value is not UTF-8 text, but jsonKey "${key}" needs JSON`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SourceError(
      "malformed",
      `the value is not valid JSON, but jsonKey "${key}" needs a JSON object (parser message withheld: it quotes the value)`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SourceError("malformed", `the value is JSON but not an object, so it has no key "${key}"`);
  }
  if (!Object.prototype.hasOwnProperty.call(parsed, key))
    throw new SourceError("invalid", `the JSON value has no key "${key}"`);
  const selected = (parsed as Record<string, unknown>)[key];
  if (selected === null) throw new SourceError("invalid", `the JSON key "${key}" is null`);
  return Buffer.from(typeof selected === "string" ? selected : JSON.stringify(selected), "utf8");
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBase64(bytes: Buffer, binary: boolean): Buffer {
  if (binary) throw new SourceError("invalid", "the value is already binary; remove decode: base64");
  const text = utf8Text(bytes);
  const compact = text?.replace(/[\r\n \t]/g, "");
  if (compact === undefined || !BASE64_RE.test(compact))
    throw new SourceError("malformed", "the value is not valid base64 text (decode: base64)");
  return Buffer.from(compact, "base64");
}
