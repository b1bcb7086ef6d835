/**
 * The raw contender's access to each store: node:fs, or the AWS, GCS and Azure SDKs
 * called directly with their defaults, doing the least a caller must do (no
 * preconditions, no stat before a write, no validation the SDK does not do by default
 * unless noted). The orchestrator also uses these to create buckets and delete
 * prefixes between jobs.
 *
 * Keys are as in the library: a path on local disk, `bucket/path` in a bucket.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { StoreId } from "./config.js";

/** What the raw contender does to a store. */
export interface RawStore {
  put(key: string, body: string | Uint8Array): Promise<void>;
  get(key: string): Promise<Buffer>;
  putStream(key: string, body: Readable): Promise<void>;
  getStream(key: string): Promise<Readable>;
  copy(from: string, to: string): Promise<void>;
  /** Creates a bucket (container); local disk: a folder. */
  createBucket(name: string): Promise<void>;
  /** Deletes everything under a prefix (`bucket/folder` or a local folder). */
  deletePrefix(prefix: string): Promise<void>;
  close(): Promise<void>;
}

/** Splits `bucket/path`. */
export function splitKey(key: string): { bucket: string; path: string } {
  const slash = key.indexOf("/");
  if (slash <= 0) throw new Error(`"${key}" names no bucket`);
  return { bucket: key.slice(0, slash), path: key.slice(slash + 1) };
}

/** The key of a location: a local path as is, `<scheme>://bucket/path` without its scheme. */
export function keyOf(location: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/.exec(location);
  return match ? match[1]! : location;
}

export function need(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: the benchmark starts the emulators itself, or set it to reach a running one.`);
  return value;
}

export async function drain(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

class LocalRaw implements RawStore {
  readonly #dirs = new Set<string>();

  async #dir(key: string): Promise<void> {
    const dir = dirname(key);
    if (this.#dirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#dirs.add(dir);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    await this.#dir(key);
    await writeFile(key, body);
  }

  get(key: string): Promise<Buffer> {
    return readFile(key);
  }

  async putStream(key: string, body: Readable): Promise<void> {
    await this.#dir(key);
    await pipeline(body, createWriteStream(key));
  }

  async getStream(key: string): Promise<Readable> {
    return createReadStream(key);
  }

  async copy(from: string, to: string): Promise<void> {
    await this.#dir(to);
    await copyFile(from, to);
  }

  async createBucket(name: string): Promise<void> {
    await mkdir(name, { recursive: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(prefix, { recursive: true, force: true });
    this.#dirs.clear();
  }

  async close(): Promise<void> {}
}

/** The raw client of a store. */
export async function rawStore(store: StoreId, env: NodeJS.ProcessEnv = process.env): Promise<RawStore> {
  // Each SDK is imported only when used, so a worker's memory holds only its own store's SDK.
  switch (store) {
    case "local":
      return new LocalRaw();
    case "s3":
      return new (await import("./raw-s3.js")).S3Raw(env);
    case "gs":
      return new (await import("./raw-gcs.js")).GcsRaw(env);
    case "az":
      return new (await import("./raw-azure.js")).AzureRaw(env);
  }
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function pool<T>(limit: number, items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A Readable over the workload-4 source (for SDKs that want a Node stream). */
export function readableOf(chunks: Iterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}
