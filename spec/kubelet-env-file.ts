/**
 * The env file the kubelet reads for `env[].valueFrom.fileKeyRef` (Kubernetes EnvFiles, KEP-3721;
 * beta and on by default from 1.35). Pure; shared by the components (preview checks of names and
 * declared values) and the fetch runtime (which writes the file and refuses fetched values).
 *
 * The kubelet's parser (k8s.io/kubernetes v1.36.3 pkg/kubelet/util/env ParseEnv) reads
 * `NAME='value'` lines: the value is taken literally between single quotes (no escapes, so a value
 * cannot hold `'`), newlines inside the quotes are kept, but lines are read with Go's
 * bufio.Scanner, which drops a carriage return before each line feed. It returns the FIRST line of
 * a name, treats an empty value like a missing key (the container then fails to start unless the
 * reference is optional), and fails the container's start (CreateContainerConfigError, retried
 * with back-off) on a line it cannot parse. A name that begins with `#` reads as a comment,
 * leading blanks are skipped and a blank before `=` is an error, so such names can never be found.
 *
 * Limits: the API allows any printable ASCII except `=` in `fileKeyRef.key`; the KEP sets the
 * file at 64 KiB, names at 128 characters and values at 32 KiB (the v1.36.3 kubelet does not
 * enforce them yet, but a later one may), so this writer keeps to them. Values must also be
 * UTF-8 without NUL: the kubelet hands them to the container runtime as protobuf strings.
 */

/** The limits this writer keeps to (KEP-3721, "Size Limit"). */
export const KUBELET_ENV_LIMITS = {
  /** Characters in a variable name (the file's key). */
  nameChars: 128,
  /** Bytes of one value. */
  valueBytes: 32 * 1024,
  /** Bytes of the whole file. */
  fileBytes: 64 * 1024,
} as const;

/** The least Kubernetes version whose API server and kubelet have EnvFiles on by default. */
export const ENV_FILES_MIN_KUBERNETES = "1.35";

/**
 * Checks a variable name used both as the container's env var name and as the key in the file.
 * Returns the problem (with the limit), or undefined when the kubelet can read it.
 */
export function kubeletEnvNameProblem(name: string): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "must be a non-empty variable name";
  if (name.length > KUBELET_ENV_LIMITS.nameChars)
    return `is ${name.length} characters; the env file keeps names to ${KUBELET_ENV_LIMITS.nameChars}`;
  if (!/^[\x20-\x7e]+$/.test(name) || name.includes("="))
    return "holds a character outside printable ASCII or an '='; Kubernetes refuses such a fileKeyRef key (use letters, digits and _)";
  if (name.startsWith("#"))
    return "starts with '#', which the kubelet's env-file parser reads as a comment, so the key is never found; rename it";
  if (/^\s|\s$/.test(name))
    return "starts or ends with a space, which the kubelet's env-file parser skips or refuses; remove it";
  if (name === "__proto__")
    return "cannot be a variable name here (JavaScript objects treat it as the prototype); rename it";
  return undefined;
}

/**
 * Checks a value (its text) for the env file. Returns the problem (naming the limit, never quoting
 * the value), or undefined. `text` undefined means the bytes were not UTF-8.
 */
export function kubeletEnvValueProblem(text: string | undefined, bytes: number): string | undefined {
  if (text === undefined) return "is not UTF-8 text, which the kubelet cannot pass as an environment variable";
  if (bytes === 0) return "is empty, which the kubelet treats as a missing key (the container would not start)";
  if (bytes > KUBELET_ENV_LIMITS.valueBytes)
    return `is ${bytes} bytes, over the env file's limit of ${KUBELET_ENV_LIMITS.valueBytes} bytes per value; read it from the file instead`;
  if (text.includes("\u0000")) return "contains a NUL byte, which no environment variable can hold";
  if (text.includes("'"))
    return "contains a single quote, which the kubelet's env file cannot carry (values are single-quoted, without escapes); read it from the file instead";
  if (text.includes("\r\n"))
    return "contains a carriage return before a line feed, which the kubelet's env-file parser drops; read it from the file instead";
  return undefined;
}

/** One `NAME='value'` line (name and value already checked). */
export function kubeletEnvLine(name: string, value: string): string {
  return `${name}='${value}'\n`;
}

/** Checks the size of a whole rendered file. */
export function kubeletEnvFileProblem(bytes: number): string | undefined {
  if (bytes > KUBELET_ENV_LIMITS.fileBytes)
    return `is ${bytes} bytes, over the env file's limit of ${KUBELET_ENV_LIMITS.fileBytes} bytes; move some variables to files`;
  return undefined;
}
