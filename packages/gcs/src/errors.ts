/**
 * The one mapping from `@google-cloud/storage` (and google-auth-library,
 * gaxios, node-fetch) errors to {@link StorageError}.
 */
import { isLazyscribeError, StorageError, type StorageErrorCode, type StorageOperation } from "@lazyscribe/core";

/** Where an error happened. */
export interface ErrorContext {
  /** The operation that failed. */
  operation: StorageOperation;
  /** The full key (`bucket/name`). */
  key: string;
  /** The request carried a generation precondition. */
  conditional?: boolean;
}

const PROTOCOL = "gs";

const CREDENTIALS_HINT =
  "Check the credentials: Application Default Credentials come from GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login` or the metadata server, or pass `credentials`/`keyFilename`/`client` in the storage settings";

/**
 * Maps any error thrown while talking to GCS to a {@link StorageError}.
 * Lazyscribe errors pass through unchanged. The SDK error is kept as `cause`
 * only as a summary (name, message, code, status, reasons): the SDK's own error
 * objects hold the request, whose headers carry the OAuth access token.
 */
export function toStorageError(err: unknown, ctx: ErrorContext): Error {
  if (isLazyscribeError(err)) return err;
  const status = httpStatusOf(err);
  const message = redact(messageOf(err));
  const make = (code: StorageErrorCode, what: string, hint?: string, retryable?: boolean) =>
    new StorageError(what, { code, operation: ctx.operation, protocol: PROTOCOL, key: ctx.key, hint, retryable, cause: summarise(err) });

  if (status !== undefined) {
    switch (status) {
      case 404:
        return make("NOT_FOUND", "no such object");
      case 412:
        return make("PRECONDITION_FAILED", "the generation precondition did not hold (the object exists, or changed since it was read)");
      case 409:
        // GCS answers 409 when a concurrent change to the same object won the race; with a precondition
        // that is the same outcome as a failed one. Without one, the docs say the request may be retried.
        return ctx.conditional
          ? make("PRECONDITION_FAILED", `a concurrent change to the object won (${message})`)
          : make("UNAVAILABLE", `conflict with a concurrent change (${message})`, undefined, true);
      case 401:
        return make("PERMISSION_DENIED", `the credentials were refused (${message})`, CREDENTIALS_HINT);
      case 403:
        return make(
          "PERMISSION_DENIED",
          `access denied (${message})`,
          `${CREDENTIALS_HINT}; the account needs storage.objects.* permissions on the bucket`,
        );
      case 429:
        return make("RATE_LIMITED", `rate limited (${message})`, "Slow down, or raise `retryOptions.maxRetries`");
      case 408:
      case 500:
      case 502:
      case 503:
      case 504:
        return make("UNAVAILABLE", `GCS answered ${status} (${message})`, "A transient server fault; retry later");
      case 400:
        // GCS rejects malformed object or bucket names with 400 "invalid".
        if (/\b(object|bucket)?\s*name\b/i.test(message)) return make("INVALID_KEY", message);
        return make("UNEXPECTED", `GCS refused the request: ${message}`);
      default:
        if (status >= 500) return make("UNAVAILABLE", `GCS answered ${status} (${message})`);
        return make("UNEXPECTED", `GCS answered ${status} (${message})`);
    }
  }

  const net = networkCodeOf(err);
  if (net) {
    // ENOTFOUND: a wrong host name; refusing and resetting: nothing listens or it went away.
    const hint =
      net === "ENOTFOUND" || net === "EAI_AGAIN"
        ? "Check the endpoint host name (`apiEndpoint` or STORAGE_EMULATOR_HOST) and DNS"
        : "Check the endpoint (`apiEndpoint` or STORAGE_EMULATOR_HOST) and the network";
    return make("UNAVAILABLE", `cannot reach GCS (${net}: ${message})`, hint);
  }

  // google-auth-library: no credentials anywhere, or a key that cannot sign. A configuration problem.
  if (
    /could not load the default credentials|no key or keyfile set|does not contain a client_email|unable to detect a project id|DECODER routines|private key/i.test(
      message,
    )
  ) {
    return make("CONFIG_INVALID", `no usable credentials (${message})`, CREDENTIALS_HINT);
  }
  // The token endpoint refused the credentials (revoked key, wrong account).
  if (/invalid_grant|invalid_client|unauthorized_client|invalid jwt/i.test(message)) {
    return make("PERMISSION_DENIED", `the credentials were refused (${message})`, CREDENTIALS_HINT);
  }
  return make("UNEXPECTED", message || "unknown GCS error");
}

/** The error for a bucket that does not exist. */
export function bucketNotFound(bucket: string, ctx: ErrorContext, cause?: unknown): StorageError {
  return new StorageError(`the bucket "${bucket}" does not exist`, {
    code: "NOT_FOUND",
    operation: ctx.operation,
    protocol: PROTOCOL,
    key: ctx.key,
    hint: `Create it (\`gcloud storage buckets create gs://${bucket}\`) or fix the bucket name, the first segment of the URL`,
    cause: cause === undefined ? undefined : summarise(cause),
  });
}

/** True when the SDK error says the bucket itself is missing (real GCS says so; emulators may not). */
export function saysBucketMissing(err: unknown): boolean {
  return httpStatusOf(err) === 404 && /bucket does not exist|no such bucket/i.test(messageOf(err));
}

/** The HTTP status of an SDK error, wherever that SDK layer put it. */
export function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown; statusCode?: unknown } };
  // ApiError (JSON API) and the resumable upload's plain error objects use a numeric `code`.
  for (const candidate of [e.code, e.status, e.response?.status, e.response?.statusCode]) {
    if (typeof candidate === "number" && candidate >= 100 && candidate < 600) return candidate;
    if (typeof candidate === "string" && /^[1-5]\d\d$/.test(candidate)) return Number(candidate);
  }
  return undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function networkCodeOf(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const e = err as { code?: unknown; type?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code.toUpperCase())) return e.code.toUpperCase();
  // node-fetch (under the SDK's teeny-request) reports its own timeout as type "request-timeout".
  if (
    e.type === "request-timeout" ||
    (typeof e.message === "string" && /network timeout|socket hang up|socket connection timeout/i.test(e.message))
  ) {
    return "ETIMEDOUT";
  }
  if (e.cause && e.cause !== err) {
    const inner = networkCodeOf(e.cause);
    if (inner) return inner;
  }
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = networkCodeOf(inner);
      if (code) return code;
    }
  }
  return undefined;
}

function messageOf(err: unknown): string {
  if (typeof err === "string") return err;
  if (typeof err !== "object" || err === null) return String(err);
  const e = err as { message?: unknown; errors?: unknown };
  let message = typeof e.message === "string" ? e.message.trim() : "";
  // ApiError with several reasons says "Multiple errors occurred..."; the reasons are more useful.
  if (Array.isArray(e.errors) && (message === "" || /multiple errors/i.test(message))) {
    const inner = e.errors.map((x: { message?: unknown }) => (typeof x?.message === "string" ? x.message.trim() : "")).filter(Boolean);
    if (inner.length > 0) message = inner.join("; ");
  }
  return message.split("\n")[0] ?? "";
}

/** Drops user:password@ from URLs quoted in SDK messages. */
function redact(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1");
}

/** A secret-free copy of an SDK error to keep as `cause`. */
function summarise(err: unknown): Error {
  if (!(typeof err === "object" && err !== null)) return new Error(redact(String(err)));
  const e = err as { name?: unknown; code?: unknown; errors?: unknown; stack?: unknown };
  const summary = new Error(redact(messageOf(err))) as Error & { code?: unknown; status?: number; reasons?: string[] };
  summary.name = typeof e.name === "string" ? e.name : "GcsSdkError";
  if (typeof e.code === "string" || typeof e.code === "number") summary.code = e.code;
  const status = httpStatusOf(err);
  if (status !== undefined) summary.status = status;
  if (Array.isArray(e.errors)) {
    summary.reasons = e.errors.map((x: { reason?: unknown }) => (typeof x?.reason === "string" ? x.reason : "")).filter(Boolean);
  }
  if (typeof e.stack === "string") summary.stack = redact(e.stack);
  return summary;
}
