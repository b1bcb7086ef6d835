import { LazyscribeError } from "../errors.js";

/**
 * What went wrong in a storage operation, independent of the backend.
 *
 * - `NOT_FOUND`: the object (or its bucket/container) does not exist.
 * - `PRECONDITION_FAILED`: an `ifNoneMatch`/`ifMatch` precondition did not hold.
 * - `PERMISSION_DENIED`: the credentials were refused.
 * - `RATE_LIMITED`: the store asked to slow down (retryable).
 * - `UNAVAILABLE`: a transient network or server fault (retryable).
 * - `UNSUPPORTED`: the backend cannot do this.
 * - `INVALID_KEY`: the key is not a valid object name (for example it names a directory).
 * - `CONFIG_INVALID`: the backend settings are wrong or incomplete.
 * - `UNEXPECTED`: anything else; see `cause`.
 */
export type StorageErrorCode =
  | "NOT_FOUND"
  | "PRECONDITION_FAILED"
  | "PERMISSION_DENIED"
  | "RATE_LIMITED"
  | "UNAVAILABLE"
  | "UNSUPPORTED"
  | "INVALID_KEY"
  | "CONFIG_INVALID"
  | "UNEXPECTED";

/** The storage operation that failed, for error context. */
export type StorageOperation = "read" | "readStream" | "write" | "stat" | "list" | "delete" | "copy" | "connect";

/** Construction details of a {@link StorageError}. */
export interface StorageErrorInit {
  /** The kind of failure. */
  code: StorageErrorCode;
  /** The operation that failed. */
  operation: StorageOperation;
  /** The protocol of the backend (`file`, `s3`, ...). */
  protocol: string;
  /** The key (or URL) involved. Never contains credentials. */
  key: string;
  /** Whether retrying the same call may succeed. Defaults to true for `RATE_LIMITED` and `UNAVAILABLE`. */
  retryable?: boolean;
  /** A sentence telling the user what to do; appended to the message. */
  hint?: string;
  /** The underlying SDK or system error. */
  cause?: unknown;
}

/** The one error type every storage backend throws. Its message says what, where and what to do. */
export class StorageError extends LazyscribeError {
  /** The kind of failure. */
  readonly code: StorageErrorCode;
  /** The operation that failed. */
  readonly operation: StorageOperation;
  /** The backend protocol. */
  readonly protocol: string;
  /** The key involved. */
  readonly key: string;
  /** Whether the same call may succeed if retried. */
  readonly retryable: boolean;

  constructor(message: string, init: StorageErrorInit) {
    const where = `${init.protocol}://${init.key.replace(/^\/+/, init.protocol === "file" ? "/" : "")}`;
    super(`${init.operation} ${where}: ${message}${init.hint ? `. ${init.hint}` : ""}`, { cause: init.cause });
    this.code = init.code;
    this.operation = init.operation;
    this.protocol = init.protocol;
    this.key = init.key;
    this.retryable = init.retryable ?? (init.code === "RATE_LIMITED" || init.code === "UNAVAILABLE");
  }
}

/** True when `err` is a {@link StorageError} (optionally of the given code), across package copies. */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "StorageError" && (code === undefined || e.code === code);
}
