/**
 * The storage protocol: the one interface every backend implements.
 *
 * Keys are `/`-separated paths as fsspec spells them: for object stores the
 * first segment is the bucket or container (`bucket/dir/project.json`), for
 * local disk the key is the file path (absolute, or relative to the working
 * directory). A {@link Storage} instance is one store (an endpoint with its
 * credentials), so a copy between two buckets of one store stays server-side.
 *
 * @packageDocumentation
 */
import type { Readable } from "node:stream";

/** Metadata of a stored object. */
export interface ObjectStat {
  /** Size in bytes. */
  size: number;
  /** Opaque version token; compare only for equality. Changes on every write. */
  version: string;
  /** Last modification time. */
  lastModified: Date;
}

/** One entry yielded by {@link Storage.list}. */
export interface ListEntry extends ObjectStat {
  /** The full key of the object. */
  key: string;
}

/**
 * A write precondition. `{ ifNoneMatch: "*" }` writes only if the key is absent;
 * `{ ifMatch: token }` writes only if the stored version token equals `token`.
 * A failed precondition throws a `StorageError` with code `PRECONDITION_FAILED`.
 */
export type WritePrecondition = { ifNoneMatch: "*" } | { ifMatch: string };

/** Progress of a transfer, reported through `onProgress`. */
export interface TransferProgress {
  /** Bytes transferred so far. */
  bytes: number;
  /** Total bytes when known. */
  totalBytes?: number;
}

/** Options common to every operation. */
export interface OperationOptions {
  /** Aborts the operation; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Options of {@link Storage.write}. */
export interface WriteOptions extends OperationOptions {
  /** Only write when this holds. */
  precondition?: WritePrecondition;
  /** MIME type stored with the object where the store keeps one. */
  contentType?: string;
  /** Size of a streamed body when the caller knows it (helps multipart planning). */
  contentLength?: number;
  /** Called as bytes are sent. */
  onProgress?: (progress: TransferProgress) => void;
}

/** Options of {@link Storage.read} and {@link Storage.readStream}. */
export interface ReadOptions extends OperationOptions {
  /** Called as bytes are received. */
  onProgress?: (progress: TransferProgress) => void;
}

/** Options of {@link Storage.copy}. */
export interface CopyOptions extends OperationOptions {
  /** Precondition on the destination. */
  precondition?: WritePrecondition;
}

/** What {@link Storage.write} and {@link Storage.copy} resolve to. */
export interface WriteResult {
  /** The version token of the object just written. */
  version: string;
}

/** A body accepted by {@link Storage.write}. Strings are written as UTF-8. */
export type WriteBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** Semantics a backend offers natively, measured rather than assumed. */
export interface StorageCapabilities {
  /** `copy` happens inside the store; no bytes pass through the client. */
  serverSideCopy: boolean;
  /** Preconditions are enforced atomically by the store. */
  atomicPreconditions: boolean;
}

/**
 * The storage protocol. Every method throws `StorageError` on failure and
 * never returns "absent" for an error other than not-found.
 */
export interface Storage {
  /** The URL scheme this backend serves: `file`, `memory`, `s3`, `gs`, `az`. */
  readonly protocol: string;
  /**
   * Identity of the store (protocol plus endpoint or account, never secrets).
   * Two instances with the same `storeId` reach the same objects, so a copy
   * between them can be server-side.
   */
  readonly storeId: string;
  /** What this backend can do natively. */
  readonly capabilities: StorageCapabilities;

  /** Reads a whole object. Missing key: `NOT_FOUND`. */
  read(key: string, options?: ReadOptions): Promise<Uint8Array>;
  /** Opens a stream over an object. Missing key: rejects with `NOT_FOUND` before any data. */
  readStream(key: string, options?: ReadOptions): Promise<Readable>;
  /**
   * Writes an object whole: readers see the old or the new bytes, never a mix.
   * Repeating a successful write rewrites the object (a new version).
   */
  write(key: string, body: WriteBody, options?: WriteOptions): Promise<WriteResult>;
  /** Object metadata, or `null` when the key is absent. */
  stat(key: string, options?: OperationOptions): Promise<ObjectStat | null>;
  /** Every object whose key starts with `prefix`, paged lazily, in no guaranteed order. */
  list(prefix: string, options?: OperationOptions): AsyncIterable<ListEntry>;
  /** Deletes an object. Deleting an absent key succeeds (idempotent). */
  delete(key: string, options?: OperationOptions): Promise<void>;
  /** Copies an object within this store, server-side where the store can. Missing source: `NOT_FOUND`. */
  copy(sourceKey: string, destinationKey: string, options?: CopyOptions): Promise<WriteResult>;
  /** Releases clients and sockets. The instance must not be used afterwards. */
  close?(): Promise<void>;
}
