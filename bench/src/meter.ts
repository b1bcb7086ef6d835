/**
 * Counting what passes through the client, in the benchmark worker:
 *
 * - HTTP requests, from Node's diagnostics channels (`http.client.request.start` for
 *   node:http, which the AWS, Azure and GCS SDKs use, and `undici:request:create` for
 *   fetch). Every attempt counts, retries included, whatever the SDK.
 * - Calls on the library's `Storage` object, per method, and the bytes read and written
 *   through it, split into manifests (`project.json`, `repository.json`, `releases.json`)
 *   and artifact files. Streamed bodies are counted as streams, not wrapped, so the
 *   instrumentation adds no copy to the 1 GiB workload (its bytes are counted by the
 *   workload itself, at the source and at the sink).
 */
import { subscribe } from "node:diagnostics_channel";
import type { Readable } from "node:stream";
import { wrapStorage, type Storage } from "@lazyscribe/core";

/** Counts of one measured phase. */
export interface Counts {
  /** HTTP requests sent (every attempt). */
  requests: number;
  /** HTTP requests by method. */
  requestsByMethod: Record<string, number>;
  /** Calls on the Storage object, by method. */
  calls: Record<string, number>;
  /** Bytes of manifests read and written through the client. */
  manifestBytesRead: number;
  manifestBytesWritten: number;
  /** Bytes of artifact files read and written through the client (buffered bodies). */
  artifactBytesRead: number;
  artifactBytesWritten: number;
  /** Streams opened for reading and stream bodies written (their bytes are not in the sums above). */
  streamsRead: number;
  streamsWritten: number;
  /** Keys written (write and copy destinations), in call order. */
  keysWritten: string[];
}

const MANIFEST = /(^|\/)(project|repository|releases)\.json$/;

/** Mutable counters; {@link Meter.take} returns and resets them. */
export class Meter {
  #counts: Counts = Meter.#empty();

  static #empty(): Counts {
    return {
      requests: 0,
      requestsByMethod: {},
      calls: {},
      manifestBytesRead: 0,
      manifestBytesWritten: 0,
      artifactBytesRead: 0,
      artifactBytesWritten: 0,
      streamsRead: 0,
      streamsWritten: 0,
      keysWritten: [],
    };
  }

  /** Counts one HTTP request. */
  request(method: string): void {
    this.#counts.requests++;
    this.#counts.requestsByMethod[method] = (this.#counts.requestsByMethod[method] ?? 0) + 1;
  }

  /** Counts one Storage call. */
  call(method: string): void {
    this.#counts.calls[method] = (this.#counts.calls[method] ?? 0) + 1;
  }

  read(key: string, bytes: number): void {
    if (MANIFEST.test(key)) this.#counts.manifestBytesRead += bytes;
    else this.#counts.artifactBytesRead += bytes;
  }

  written(key: string, bytes: number | "stream"): void {
    this.#counts.keysWritten.push(key);
    if (bytes === "stream") this.#counts.streamsWritten++;
    else if (MANIFEST.test(key)) this.#counts.manifestBytesWritten += bytes;
    else this.#counts.artifactBytesWritten += bytes;
  }

  copied(destination: string): void {
    this.#counts.keysWritten.push(destination);
  }

  streamRead(): void {
    this.#counts.streamsRead++;
  }

  /** The counts since the last call, and a fresh start. */
  take(): Counts {
    const out = this.#counts;
    this.#counts = Meter.#empty();
    return out;
  }
}

let activeMeter: Meter | undefined;
let subscribed = false;

/** Routes every HTTP request of this process to `meter` (one meter at a time). */
export function countHttpRequests(meter: Meter): void {
  activeMeter = meter;
  if (subscribed) return;
  subscribed = true;
  subscribe("http.client.request.start", (message: unknown) => {
    const { request } = message as { request: { method?: string } };
    activeMeter?.request(request.method ?? "?");
  });
  subscribe("undici:request:create", (message: unknown) => {
    const { request } = message as { request: { method?: string } };
    activeMeter?.request(request.method ?? "?");
  });
}

function byteLength(body: unknown): number | "stream" {
  if (typeof body === "string") return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return "stream";
}

/** The same store, counting calls and bytes into `meter`. Keeps `storeId`, so copies stay server-side. */
export function metered(inner: Storage, meter: Meter): Storage {
  return wrapStorage(inner, {
    async read(key, options) {
      meter.call("read");
      const data = await inner.read(key, options);
      meter.read(key, data.byteLength);
      return data;
    },
    async readStream(key, options): Promise<Readable> {
      meter.call("readStream");
      meter.streamRead();
      return inner.readStream(key, options);
    },
    async write(key, body, options) {
      meter.call("write");
      meter.written(key, byteLength(body));
      return inner.write(key, body, options);
    },
    async stat(key, options) {
      meter.call("stat");
      return inner.stat(key, options);
    },
    list(prefix, options) {
      meter.call("list");
      return inner.list(prefix, options);
    },
    async delete(key, options) {
      meter.call("delete");
      return inner.delete(key, options);
    },
    async copy(from, to, options) {
      meter.call("copy");
      meter.copied(to);
      return inner.copy(from, to, options);
    },
  });
}
