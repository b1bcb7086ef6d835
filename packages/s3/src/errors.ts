/**
 * The one mapping from AWS SDK (and Node network) errors to {@link StorageError}.
 * See https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html for the codes.
 */
import { isLazyscribeError, StorageError, type StorageErrorCode, type StorageOperation } from "@lazyscribe/core";

/** Where an error happened, for the message and the code decision. */
export interface S3ErrorContext {
  /** The failing operation. */
  operation: StorageOperation;
  /** The full key (`bucket/path`). */
  key: string;
  /** The bucket of the key. */
  bucket: string;
  /** The endpoint as shown to users (no credentials): `AWS S3` or an origin. */
  endpoint: string;
  /** The write or copy carried an `ifMatch` precondition. */
  ifMatch?: boolean;
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
]);

const PERMISSION_NAMES = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "AccountProblem",
  "InvalidSecurity",
]);

const THROTTLE_NAMES = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "BandwidthLimitExceeded",
]);

const TRANSIENT_NAMES = new Set([
  "InternalError",
  "ServiceUnavailable",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "TimeoutError",
  "OperationAborted",
]);

/** Maps any error thrown by an S3 call to a {@link StorageError}; lazyscribe errors pass through unchanged. */
export function toStorageError(err: unknown, ctx: S3ErrorContext): Error {
  if (isLazyscribeError(err)) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
  const name = typeof e.name === "string" ? e.name : typeof e.Code === "string" ? e.Code : "";
  const sysCode = typeof e.code === "string" ? e.code : "";
  const status = e.$metadata?.httpStatusCode;
  const sdkMessage = typeof e.message === "string" && e.message !== "" && e.message !== "UnknownError" ? e.message : "";
  const detail = [name && name !== "Error" ? `S3 ${name}` : "", status ? `HTTP ${status}` : "", sysCode].filter(Boolean).join(", ");
  const make = (code: StorageErrorCode, what: string, extra: { hint?: string; retryable?: boolean } = {}) =>
    new StorageError(`${what}${detail ? ` (${detail})` : ""}`, {
      code,
      operation: ctx.operation,
      protocol: "s3",
      key: ctx.key,
      cause: err,
      ...extra,
    });

  if (name === "NoSuchBucket") {
    return make("NOT_FOUND", `the bucket "${ctx.bucket}" does not exist`, {
      hint: `Create the bucket "${ctx.bucket}" first, or check its name and the endpoint/region`,
    });
  }
  // PutObject/CompleteMultipartUpload with If-Match on an absent key answer 404 NoSuchKey, not 412.
  if ((name === "NoSuchKey" || name === "NotFound" || status === 404) && ctx.ifMatch) {
    return make("PRECONDITION_FAILED", "the object no longer exists");
  }
  // HeadObject has no body, so a missing key arrives as a bare 404 named "NotFound".
  if (name === "NoSuchKey" || name === "NotFound" || status === 404) return make("NOT_FOUND", "no such object");
  if (name === "PreconditionFailed" || status === 412) {
    return make("PRECONDITION_FAILED", ctx.ifMatch ? "the object changed since it was read" : "the object already exists");
  }
  // S3 answers 409 ConditionalRequestConflict when another conditional write races this one and
  // says to retry (after re-reading the ETag): the precondition did not hold for this writer.
  if (name === "ConditionalRequestConflict") {
    return make("PRECONDITION_FAILED", "a concurrent conditional write won the race", { retryable: true });
  }
  if (PERMISSION_NAMES.has(name) || status === 403) {
    return make("PERMISSION_DENIED", "access denied", {
      hint: "Check the AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or `credentials`) and the bucket policy",
    });
  }
  if (name === "CredentialsProviderError") {
    return make("CONFIG_INVALID", "no AWS credentials were found", {
      hint: "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or pass `credentials` in the storage settings",
    });
  }
  // The SDK throws a plain Error when no region is configured anywhere.
  if (/region is missing/i.test(sdkMessage)) {
    return make("CONFIG_INVALID", "no AWS region is configured", { hint: "Set AWS_REGION or pass `region` in the storage settings" });
  }
  // A wrong region shows up as a redirect or as a signature scoped to another region.
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || status === 301) {
    return make("CONFIG_INVALID", `the bucket "${ctx.bucket}" is in another region`, {
      hint: "Set AWS_REGION or `region` to the bucket's region",
    });
  }
  if (name === "InvalidBucketName" || name === "KeyTooLongError") return make("INVALID_KEY", sdkMessage || "invalid bucket or key name");
  if (name === "NotImplemented" || status === 501) return make("UNSUPPORTED", `the endpoint does not implement this request`);
  if (THROTTLE_NAMES.has(name) || status === 429) return make("RATE_LIMITED", "the store asked to slow down");
  if (TRANSIENT_NAMES.has(name) || NETWORK_CODES.has(sysCode) || (status !== undefined && status >= 500)) {
    return make("UNAVAILABLE", `could not reach ${ctx.endpoint}${sdkMessage && !status ? `: ${sdkMessage}` : ""}`, {
      hint: "Check the endpoint and the network; the request was retried with backoff",
    });
  }
  return make("UNEXPECTED", sdkMessage || "unexpected S3 error");
}
