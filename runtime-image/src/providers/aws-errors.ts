/**
 * Maps AWS SDK errors to failure classes. Only the error's class name, HTTP status and errno code
 * are kept: SDK messages can carry response text, so they are never passed on.
 */
import { SourceError } from "./provider";

const NOT_FOUND = new Set(["ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound"]);
const DENIED = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "DecryptionFailure",
  "KMSAccessDeniedException",
  "InvalidKeyId",
  "IDPRejectedClaim",
  "IDPRejectedClaimException",
]);
const THROTTLED = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ThrottledException",
  "SlowDown",
]);
const IDENTITY = new Set([
  "CredentialsProviderError",
  "InvalidIdentityToken",
  "InvalidIdentityTokenException",
  "IDPCommunicationError",
  "IDPCommunicationErrorException",
  "ExpiredTokenException",
  "ExpiredToken",
]);
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

export function classifyAwsError(e: unknown, signal: AbortSignal): SourceError {
  const err = (e && typeof e === "object" ? e : {}) as AwsLikeError;
  const name = typeof err.name === "string" ? err.name : "Error";
  const status = err.$metadata?.httpStatusCode;
  const code = typeof err.code === "string" ? err.code : undefined;
  const what = `${name}${status ? `, HTTP ${status}` : ""}${code && code !== name ? `, ${code}` : ""}`;
  if (signal.aborted || name === "AbortError")
    return new SourceError("timed-out", `the overall deadline passed during the request (${what})`);
  if (NOT_FOUND.has(name)) return new SourceError("not-found", `no such secret (${what})`);
  if (DENIED.has(name)) return new SourceError("access-denied", `the pod's identity may not read it (${what})`);
  if (THROTTLED.has(name) || status === 429)
    return new SourceError("throttled", `the service throttled the request (${what})`, true);
  if (IDENTITY.has(name))
    return new SourceError("identity-not-ready", `no usable credentials from the pod's identity yet (${what})`, true);
  // Only the credential chain reads files (token files, config); one missing or unreadable is an
  // identity not ready yet, e.g. a projected token not written when the container starts.
  if ((code === "ENOENT" || code === "EACCES") && typeof (err as { path?: unknown }).path === "string") {
    return new SourceError(
      "identity-not-ready",
      `a credential file of the pod's identity cannot be read yet (${code})`,
      true,
    );
  }
  // The SDK's messages for these are fixed texts of its own, not response content.
  if (typeof err.message === "string" && /^Region is missing/.test(err.message)) {
    return new SourceError("invalid", "no AWS region: set the source's region, use an ARN, or set AWS_REGION");
  }
  if (name === "SyntaxError" || /Deserialization error/.test(String(err.message))) {
    return new SourceError("malformed", `the service's answer could not be parsed (${what})`, true);
  }
  if ((status !== undefined && status >= 500) || err.$fault === "server")
    return new SourceError("unavailable", `the service failed (${what})`, true);
  if ((code && NETWORK_CODES.has(code)) || name === "TimeoutError" || name === "RequestTimeout") {
    return new SourceError("unavailable", `the connection failed (${what})`, true);
  }
  if (name === "InvalidRequestException" || name === "InvalidParameterException" || name === "ValidationException") {
    return new SourceError("invalid", `the service refused the request (${what})`);
  }
  return new SourceError("unavailable", `unexpected error (${what})`);
}

/** A per-secret error code inside a successful BatchGetSecretValue answer. */
export function classifyBatchErrorCode(code: string | undefined): SourceError {
  return classifyAwsError(
    { name: code ?? "UnknownError", $fault: code === "InternalServiceError" ? "server" : undefined },
    new AbortController().signal,
  );
}
