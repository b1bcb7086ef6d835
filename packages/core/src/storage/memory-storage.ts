/**
 * The `memory://` backend: a process-local object store for fast tests and for
 * users testing their own code. It honours every precondition atomically.
 */
import { Readable } from "node:stream";
import { bodyToBytes } from "./body.js";
import type {
  CopyOptions,
  ListEntry,
  ObjectStat,
  ReadOptions,
  Storage,
  StorageCapabilities,
  WriteBody,
  WriteOptions,
  WritePrecondition,
  WriteResult,
} from "./protocol.js";
import { StorageError, type StorageOperation } from "./storage-error.js";

interface MemoryObject {
  data: Uint8Array;
  version: string;
  lastModified: Date;
}

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** Distinguishes independent memory stores; instances with the same name share objects. @default "default" */
  name?: string;
}

const stores = new Map<string, Map<string, MemoryObject>>();
let versionCounter = 0;

/** The `memory` backend class. Prefer {@link createMemoryStorage}. */
export class MemoryStorage implements Storage {
  readonly protocol = "memory";
  readonly storeId: string;
  readonly capabilities: StorageCapabilities = { serverSideCopy: true, atomicPreconditions: true };
  readonly #objects: Map<string, MemoryObject>;

  constructor(options: MemoryStorageOptions = {}) {
    const name = options.name ?? "default";
    this.storeId = `memory:${name}`;
    let objects = stores.get(name);
    if (!objects) stores.set(name, (objects = new Map()));
    this.#objects = objects;
  }

  async read(key: string, options?: ReadOptions): Promise<Uint8Array> {
    const obj = this.#get(key, "read");
    options?.onProgress?.({ bytes: obj.data.byteLength, totalBytes: obj.data.byteLength });
    return obj.data.slice();
  }

  async readStream(key: string, options?: ReadOptions): Promise<Readable> {
    return Readable.from([Buffer.from(await this.read(key, options))]);
  }

  async write(key: string, body: WriteBody, options?: WriteOptions): Promise<WriteResult> {
    const data = await bodyToBytes(body);
    options?.signal?.throwIfAborted();
    // Check and set in one synchronous step, so concurrent writers cannot interleave.
    this.#check(key, options?.precondition, "write");
    const obj = { data: data.slice(), version: String(++versionCounter), lastModified: new Date() };
    this.#objects.set(normalise(key), obj);
    options?.onProgress?.({ bytes: data.byteLength, totalBytes: data.byteLength });
    return { version: obj.version };
  }

  async stat(key: string): Promise<ObjectStat | null> {
    const obj = this.#objects.get(normalise(key));
    return obj ? toStat(obj) : null;
  }

  async *list(prefix: string): AsyncIterable<ListEntry> {
    const p = normalise(prefix);
    for (const [key, obj] of [...this.#objects]) {
      if (key.startsWith(p)) yield { key, ...toStat(obj) };
    }
  }

  async delete(key: string): Promise<void> {
    this.#objects.delete(normalise(key));
  }

  async copy(sourceKey: string, destinationKey: string, options?: CopyOptions): Promise<WriteResult> {
    const src = this.#get(sourceKey, "copy");
    this.#check(destinationKey, options?.precondition, "copy");
    const obj = { data: src.data, version: String(++versionCounter), lastModified: new Date() };
    this.#objects.set(normalise(destinationKey), obj);
    return { version: obj.version };
  }

  #get(key: string, operation: StorageOperation): MemoryObject {
    const obj = this.#objects.get(normalise(key));
    if (!obj) throw new StorageError("no such object", { code: "NOT_FOUND", operation, protocol: "memory", key });
    return obj;
  }

  #check(key: string, precondition: WritePrecondition | undefined, operation: StorageOperation): void {
    if (!precondition) return;
    const current = this.#objects.get(normalise(key));
    const ok = "ifNoneMatch" in precondition ? current === undefined : current?.version === precondition.ifMatch;
    if (!ok) {
      throw new StorageError("ifNoneMatch" in precondition ? "the object already exists" : "the object changed since it was read", {
        code: "PRECONDITION_FAILED",
        operation,
        protocol: "memory",
        key,
      });
    }
  }
}

function normalise(key: string): string {
  return key.replace(/^\/+/, "");
}

function toStat(obj: MemoryObject): ObjectStat {
  return { size: obj.data.byteLength, version: obj.version, lastModified: obj.lastModified };
}

/** Creates a `memory://` store. Stores with the same `name` share their objects within the process. */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  return new MemoryStorage(options);
}

/** Empties a named memory store (all of them when `name` is omitted). */
export function clearMemoryStorage(name?: string): void {
  if (name === undefined) stores.clear();
  else stores.get(name)?.clear();
}
