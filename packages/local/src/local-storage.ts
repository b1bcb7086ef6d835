/**
 * The local-disk backend. Every write lands in a temporary file beside its
 * target and is then renamed (or hard-linked, for "only if absent") into place,
 * so a crash never leaves a half-written object. "Only if version X" holds a
 * lock file while it compares and renames, so concurrent processes serialise
 * (see owner-lock.ts); what a killed process leaves is cleaned up by the next
 * one (see leftovers.ts).
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, type BigIntStats } from "node:fs";
import { copyFile, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  bodyToStream,
  StorageError,
  type CopyOptions,
  type ListEntry,
  type ObjectStat,
  type OperationOptions,
  type ReadOptions,
  type Storage,
  type StorageCapabilities,
  type StorageOperation,
  type WriteBody,
  type WriteOptions,
  type WritePrecondition,
  type WriteResult,
} from "@lazyscribe/core";
import { toStorageError } from "./errors.js";
import { journal, LOCK_SUFFIX, TEMP_MARK } from "./leftovers.js";
import { acquireLock, clearAbandonedLock, LockTimeoutError } from "./owner-lock.js";

/** Options of {@link createLocalStorage}. */
export interface LocalStorageOptions {
  /**
   * How long a compare-and-swap write waits for another process's lock before failing.
   * @default 30000
   */
  lockTimeoutMs?: number;
  /**
   * Flush file data to disk before renaming it into place. Turn off only for scratch data.
   * @default true
   */
  fsync?: boolean;
}

const READ_CHUNK = 1024 * 1024;

/** The `file` backend class. Prefer {@link createLocalStorage}. */
export class LocalStorage implements Storage {
  readonly protocol = "file";
  readonly storeId = "file";
  readonly capabilities: StorageCapabilities = { serverSideCopy: true, atomicPreconditions: true };
  readonly #lockTimeoutMs: number;
  readonly #fsync: boolean;

  constructor(options: LocalStorageOptions = {}) {
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.#fsync = options.fsync ?? true;
  }

  async read(key: string, options?: ReadOptions): Promise<Uint8Array> {
    try {
      const data = await readFile(key, { signal: options?.signal });
      options?.onProgress?.({ bytes: data.byteLength, totalBytes: data.byteLength });
      return data;
    } catch (err) {
      throw toStorageError(err, "read", key);
    }
  }

  async readStream(key: string, options?: ReadOptions): Promise<Readable> {
    const info = await this.#statFile(key, "readStream");
    if (!info) throw new StorageError("no such file", { code: "NOT_FOUND", operation: "readStream", protocol: "file", key });
    // 1 MiB reads: with Node's 64 KiB default a large artifact streams 2-4x slower (see docs/performance.md).
    const stream = createReadStream(key, { signal: options?.signal, highWaterMark: READ_CHUNK });
    if (options?.onProgress) {
      let bytes = 0;
      const onProgress = options.onProgress;
      stream.on("data", (chunk) => onProgress({ bytes: (bytes += chunk.length), totalBytes: Number(info.size) }));
    }
    return stream;
  }

  async write(key: string, body: WriteBody, options?: WriteOptions): Promise<WriteResult> {
    const temp = await this.#tempFor(key, "write");
    try {
      let bytes = 0;
      const source = bodyToStream(body);
      if (options?.onProgress) {
        const onProgress = options.onProgress;
        source.on("data", (chunk: Buffer) => onProgress({ bytes: (bytes += chunk.length), totalBytes: options.contentLength }));
      }
      await pipeline(source, createWriteStream(temp), { signal: options?.signal });
      return await this.#commit(temp, key, options?.precondition, "write");
    } catch (err) {
      await rm(temp, { force: true });
      throw toStorageError(err, "write", key);
    } finally {
      journal.untrack(temp);
    }
  }

  async stat(key: string): Promise<ObjectStat | null> {
    const info = await this.#statFile(key, "stat");
    return info && toStat(info);
  }

  async *list(prefix: string, _options?: OperationOptions): AsyncIterable<ListEntry> {
    // Walk the deepest folder that contains every match, then filter by the raw prefix.
    const root = prefix.endsWith("/") ? prefix.slice(0, -1) || "/" : dirname(prefix);
    let entries;
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return;
      throw toStorageError(err, "list", prefix);
    }
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.includes(TEMP_MARK) || entry.name.endsWith(LOCK_SUFFIX)) continue;
      const full = join(entry.parentPath, entry.name);
      const key = root === "." && !prefix.startsWith("./") ? posix.relative(".", full) : full;
      if (!key.startsWith(prefix)) continue;
      const info = await this.#statFile(key, "list");
      if (info) yield { key, ...toStat(info) };
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw toStorageError(err, "delete", key);
    }
  }

  async copy(sourceKey: string, destinationKey: string, options?: CopyOptions): Promise<WriteResult> {
    const temp = await this.#tempFor(destinationKey, "copy");
    try {
      await copyFile(sourceKey, temp);
    } catch (err) {
      await rm(temp, { force: true });
      journal.untrack(temp);
      throw toStorageError(err, "copy", sourceKey);
    }
    try {
      await this.#flush(temp);
      return await this.#commit(temp, destinationKey, options?.precondition, "copy");
    } catch (err) {
      await rm(temp, { force: true });
      throw toStorageError(err, "copy", destinationKey);
    } finally {
      journal.untrack(temp);
    }
  }

  async #tempFor(key: string, operation: StorageOperation): Promise<string> {
    const dir = dirname(key);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw toStorageError(err, operation, key);
    }
    // Noted before it exists, so a kill before the rename leaves a temp file the next process removes.
    await journal.sweep(clearAbandonedLock);
    const temp = join(dir, `${TEMP_MARK}${posix.basename(key)}.${process.pid}.${randomBytes(6).toString("hex")}`);
    await journal.track(temp);
    return temp;
  }

  async #flush(path: string): Promise<void> {
    if (!this.#fsync) return;
    const handle = await open(path, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Moves a finished temporary file into place under the precondition. */
  async #commit(temp: string, key: string, precondition: WritePrecondition | undefined, operation: StorageOperation): Promise<WriteResult> {
    await this.#flush(temp);
    // The version of what this call wrote: rename and link keep the inode, mtime and size. Taken from the temp file,
    // because the key may already be replaced or deleted by another process by the time this call returns.
    const written = await stat(temp, { bigint: true });
    if (precondition && "ifNoneMatch" in precondition) {
      // link() fails with EEXIST when the target exists: an atomic create-if-absent.
      try {
        await link(temp, key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") throw preconditionFailed(operation, key, "the file already exists");
        throw err;
      } finally {
        await rm(temp, { force: true });
      }
    } else if (precondition) {
      await this.#withLock(key, operation, async () => {
        const current = await this.#statFile(key, operation);
        if (!current || versionOf(current) !== precondition.ifMatch) {
          throw preconditionFailed(operation, key, current ? "the file changed since it was read" : "the file no longer exists");
        }
        await rename(temp, key);
      });
    } else {
      await rename(temp, key);
    }
    return { version: versionOf(written) };
  }

  async #withLock<T>(key: string, operation: StorageOperation, fn: () => Promise<T>): Promise<T> {
    let release: () => Promise<void>;
    try {
      release = await acquireLock(key + LOCK_SUFFIX, { timeoutMs: this.#lockTimeoutMs });
    } catch (err) {
      if (!(err instanceof LockTimeoutError)) throw err;
      throw new StorageError("could not take the file lock", {
        code: "UNAVAILABLE",
        operation,
        protocol: "file",
        key,
        hint: `Another live process held ${key + LOCK_SUFFIX} for more than ${this.#lockTimeoutMs} ms; remove it if no process is writing`,
        cause: err,
      });
    }
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  async #statFile(key: string, operation: StorageOperation): Promise<BigIntStats | null> {
    try {
      const info = await stat(key, { bigint: true });
      if (info.isDirectory()) return null;
      return info;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw toStorageError(err, operation, key);
    }
  }
}

// Inode, nanosecond mtime and size: every rename-into-place gets a new inode, so the token changes on each write.
function versionOf(info: BigIntStats): string {
  return `${info.ino}-${info.mtimeNs}-${info.size}`;
}

function toStat(info: BigIntStats): ObjectStat {
  return { size: Number(info.size), version: versionOf(info), lastModified: info.mtime };
}

function preconditionFailed(operation: StorageOperation, key: string, why: string): StorageError {
  return new StorageError(why, { code: "PRECONDITION_FAILED", operation, protocol: "file", key });
}

/** Creates a local-disk store. */
export function createLocalStorage(options: LocalStorageOptions = {}): LocalStorage {
  return new LocalStorage(options);
}
