/**
 * The Google Cloud Storage backend (`gs://bucket/key`), on `@google-cloud/storage`.
 *
 * - Keys are `bucket/object/name`: the first segment is the bucket.
 * - The version token is the object's generation; preconditions map to
 *   `ifGenerationMatch` (`0` for "only if absent").
 * - Small bodies go up in one request; streams larger than
 *   `singleRequestMaxBytes` use a resumable upload in `chunkSize` requests.
 * - `copy` is a server-side rewrite; `readStream` is the SDK's download stream.
 * - Every network step runs under a watchdog (`timeoutMs`) that also bounds the
 *   SDK's retries, so an unreachable endpoint fails with `UNAVAILABLE` in time.
 * - Downloads are retried here, not by the SDK (see {@link GcsStorage#open}).
 */
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Storage as GoogleCloudStorage,
  type ApiError,
  type File,
  type FileMetadata,
  type PreconditionOptions,
} from "@google-cloud/storage";
import {
  StorageError,
  isStorageError,
  type CopyOptions,
  type ListEntry,
  type ObjectStat,
  type OperationOptions,
  type ReadOptions,
  type Storage,
  type StorageCapabilities,
  type StorageOperation,
  type TransferProgress,
  type WriteBody,
  type WriteOptions,
  type WritePrecondition,
  type WriteResult,
} from "@lazyscribe/core";
import { bucketNotFound, httpStatusOf, saysBucketMissing, toStorageError, type ErrorContext } from "./errors.js";
import { DEFAULT_GCS_ENDPOINT, GCS_DEFAULTS, normaliseEndpoint, type GcsStorageOptions, type GcsStorageTuning } from "./options.js";

/** The URL scheme this backend serves. */
export const GCS_PROTOCOL = "gs";

const RESUMABLE_GRANULE = 256 * 1024;
const LIST_PAGE_SIZE = 1000;
/** Slice size when a large in-memory body is fed to a resumable upload, for steady progress. */
const FEED_SLICE = 1024 * 1024;

/** One network step under the watchdog. */
interface Step {
  /** Aborted on timeout or on the caller's signal. */
  readonly signal: AbortSignal;
  /** Progress was made: restart the timeout. */
  touch(): void;
  /** Waiting on the caller (their body stream), not the network: stop the clock. */
  pause(): void;
  /** Back to waiting on the network. */
  resume(): void;
}

type Interceptor = File["interceptors"][number];

interface ObjectRef {
  bucket: string;
  name: string;
}

/** Whole-object reads whose body is cut mid-stream are retried this many times in all. */
const BODY_READ_ATTEMPTS = 4;

/** The `gs` backend class. Prefer {@link createGcsStorage}. */
export class GcsStorage implements Storage {
  readonly protocol = GCS_PROTOCOL;
  /** `gs:` plus the JSON API origin, e.g. `gs:https://storage.googleapis.com`. */
  readonly storeId: string;
  readonly capabilities: StorageCapabilities = { serverSideCopy: true, atomicPreconditions: true };

  // Private (#) so that neither JSON.stringify nor util.inspect can reach credentials.
  readonly #options: GcsStorageOptions;
  readonly #tuning: Required<GcsStorageTuning>;
  readonly #endpoint: string;
  readonly #endpointFromEnv: boolean;
  #client: GoogleCloudStorage | undefined;
  #autoRetry = true;
  #inflight = 0;
  #closed = false;
  readonly #knownBuckets = new Set<string>();

  constructor(options: GcsStorageOptions = {}) {
    this.#options = options;
    this.#tuning = validateTuning(options);
    if (options.client) {
      const sdkKeys = Object.keys(options).filter((k) => !(k === "client" || k in GCS_DEFAULTS));
      if (sdkKeys.length > 0) {
        throw configError(
          `both a ready \`client\` and SDK options (${sdkKeys.join(", ")}) were given`,
          "Pass either `client` or the SDK's StorageOptions, not both",
        );
      }
      this.#endpoint = options.client.apiEndpoint;
      this.#endpointFromEnv = false;
    } else {
      const emulator = process.env.STORAGE_EMULATOR_HOST;
      this.#endpointFromEnv = !options.apiEndpoint && !!emulator;
      this.#endpoint = options.apiEndpoint
        ? normaliseEndpoint(options.apiEndpoint, "https")
        : emulator
          ? normaliseEndpoint(emulator, "http")
          : options.universeDomain
            ? `https://storage.${options.universeDomain}`
            : DEFAULT_GCS_ENDPOINT;
    }
    this.storeId = `${GCS_PROTOCOL}:${this.#endpoint}`;
  }

  /** The SDK client, created on first use and kept. */
  #getClient(): GoogleCloudStorage {
    if (this.#closed) throw configError("this store was closed", "Create a new store");
    if (this.#client) {
      // See #settled(): undo the SDK's leftover "retries off" before every call.
      if (this.#client.retryOptions.autoRetry !== this.#autoRetry) this.#client.retryOptions.autoRetry = this.#autoRetry;
      return this.#client;
    }
    let client: GoogleCloudStorage;
    if (this.#options.client) {
      client = this.#options.client;
    } else {
      const { client: _none, singleRequestMaxBytes: _a, chunkSize: _b, timeoutMs: _c, checkCopyPreconditions: _d, ...sdk } = this.#options;
      const retryOptions = { ...sdk.retryOptions };
      // The SDK reads `maxRetries: 0` as "use the default (3)"; we read it as "no retries".
      if (retryOptions.maxRetries === 0) retryOptions.autoRetry = false;
      const custom = !!sdk.apiEndpoint || this.#endpointFromEnv;
      client = new GoogleCloudStorage({
        ...sdk,
        ...(custom ? { apiEndpoint: this.#endpoint } : {}),
        timeout: sdk.timeout ?? this.#tuning.timeoutMs,
        retryOptions,
      });
      // @google-cloud/storage v7 takes STORAGE_EMULATOR_HOST verbatim as its JSON API base URL, even
      // over an explicit `apiEndpoint`: `host:port` (as gcsfs and the Go client spell it) has no scheme,
      // and `http://host:port` lacks `/storage/v1`, so every call 404s on fake-gcs-server. Uploads use
      // `apiEndpoint` instead. Point the JSON API at `<origin>/storage/v1` like the real service.
      if (process.env.STORAGE_EMULATOR_HOST !== undefined) client.baseUrl = `${client.apiEndpoint}/storage/v1`;
    }
    this.#autoRetry = client.retryOptions.autoRetry ?? true;
    return (this.#client = client);
  }

  async read(key: string, options?: ReadOptions): Promise<Uint8Array> {
    const ref = objectRef(key, "read");
    const ctx: ErrorContext = { operation: "read", key };
    for (let attempt = 1; ; attempt++) {
      let opened = false;
      try {
        return await this.#run(ctx, options, async (step) => {
          let reported = -1;
          const onProgress = options?.onProgress && ((p: TransferProgress) => ((reported = p.bytes), options.onProgress?.(p)));
          const stream = await this.#open(ref, ctx, step, onProgress);
          opened = true;
          const chunks: Buffer[] = [];
          for await (const chunk of stream) {
            step.touch();
            chunks.push(chunk as Buffer);
          }
          const data = Buffer.concat(chunks);
          if (reported !== data.byteLength) options?.onProgress?.({ bytes: data.byteLength, totalBytes: data.byteLength });
          return data;
        });
      } catch (err) {
        // The SDK retries the request, not a media body cut mid-stream after it answered; retry that here.
        if (!opened || attempt >= BODY_READ_ATTEMPTS || options?.signal?.aborted || !isStorageError(err) || !err.retryable) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  async readStream(key: string, options?: ReadOptions): Promise<Readable> {
    const ref = objectRef(key, "readStream");
    const ctx: ErrorContext = { operation: "readStream", key };
    const stream = await this.#run(ctx, options, (step) => this.#open(ref, ctx, step, options?.onProgress));
    const signal = options?.signal;
    if (signal) {
      const onAbort = () => stream.destroy(signal.reason as Error);
      signal.addEventListener("abort", onAbort, { once: true });
      stream.once("close", () => signal.removeEventListener("abort", onAbort));
    }
    return stream;
  }

  async write(key: string, body: WriteBody, options: WriteOptions = {}): Promise<WriteResult> {
    const ref = objectRef(key, "write");
    const precondition = toGenerationPrecondition(options.precondition, "write", key);
    const ctx: ErrorContext = { operation: "write", key, conditional: precondition !== undefined };
    return this.#run(ctx, options, async (step) => {
      const file = this.#file(ref);
      const progress = progressReporter(options.onProgress, options.contentLength);
      const upload = { file, precondition, contentType: options.contentType, progress, step };
      let size: number;
      try {
        if (typeof body === "string" || body instanceof Uint8Array) {
          const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
          size = bytes.byteLength;
          progress.total ??= size;
          if (size <= this.#tuning.singleRequestMaxBytes) await this.#uploadOnce(upload, bytes);
          else await this.#uploadResumable(upload, sliceBuffer(bytes));
        } else {
          size = await this.#uploadStream(upload, body);
        }
      } catch (err) {
        throw await this.#explain(err, ctx, [ref.bucket]);
      }
      progress.finish(size);
      return { version: await this.#generationAfterWrite(file) };
    });
  }

  async stat(key: string, options?: OperationOptions): Promise<ObjectStat | null> {
    const ref = objectRef(key, "stat");
    const ctx: ErrorContext = { operation: "stat", key };
    return this.#run(ctx, options, async () => {
      try {
        const [metadata] = await this.#file(ref).getMetadata();
        return toStat(metadata);
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw err;
        if (await this.#bucketMissing(ref.bucket, err)) throw bucketNotFound(ref.bucket, ctx, err);
        return null;
      }
    });
  }

  async *list(prefix: string, options?: OperationOptions): AsyncIterable<ListEntry> {
    const { bucket, rest } = prefixRef(prefix);
    const ctx: ErrorContext = { operation: "list", key: prefix };
    let pageToken: string | undefined;
    do {
      const [files, next] = await this.#run(ctx, options, async () => {
        try {
          return await this.#getClient()
            .bucket(bucket)
            .getFiles({ prefix: rest, autoPaginate: false, maxResults: LIST_PAGE_SIZE, pageToken });
        } catch (err) {
          // Listing names no object, so a 404 can only be the bucket.
          if (httpStatusOf(err) === 404) throw bucketNotFound(bucket, ctx, err);
          throw err;
        }
      });
      this.#knownBuckets.add(bucket);
      for (const file of files) yield { key: `${bucket}/${file.name}`, ...toStat(file.metadata) };
      pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
    } while (pageToken);
  }

  async delete(key: string, options?: OperationOptions): Promise<void> {
    const ref = objectRef(key, "delete");
    const ctx: ErrorContext = { operation: "delete", key };
    await this.#run(ctx, options, async () => {
      try {
        await this.#file(ref).delete();
      } catch (err) {
        // Deleting an absent object succeeds; deleting in an absent bucket is a configuration error.
        if (httpStatusOf(err) !== 404) throw err;
        if (await this.#bucketMissing(ref.bucket, err)) throw bucketNotFound(ref.bucket, ctx, err);
      }
    });
  }

  async copy(sourceKey: string, destinationKey: string, options?: CopyOptions): Promise<WriteResult> {
    const source = objectRef(sourceKey, "copy");
    const destination = objectRef(destinationKey, "copy");
    const precondition = toGenerationPrecondition(options?.precondition, "copy", destinationKey);
    const ctx: ErrorContext = { operation: "copy", key: sourceKey, conditional: precondition !== undefined };
    return this.#run(ctx, options, async (step) => {
      const target = this.#file(destination);
      try {
        if (precondition && this.#tuning.checkCopyPreconditions) await this.#checkPrecondition(target, precondition, destinationKey);
        const from = this.#file(source);
        // A rewrite of a large object across locations takes several calls; each new call is progress.
        from.interceptors.push({
          request: (reqOpts) => {
            step.touch();
            // The SDK types the hook's input and output differently; it is the same object.
            return reqOpts as ReturnType<Interceptor["request"]>;
          },
        });
        const [copied, response] = await from.copy(target, precondition ? { preconditionOpts: precondition } : {});
        const resource = (response as { resource?: FileMetadata } | undefined)?.resource;
        const generation = resource?.generation ?? copied.metadata.generation;
        return { version: generation !== undefined ? String(generation) : await this.#generationAfterWrite(target) };
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw toStorageError(err, { ...ctx, key: httpStatusOf(err) === 412 ? destinationKey : sourceKey });
        if (await this.#bucketMissing(source.bucket, err)) throw bucketNotFound(source.bucket, ctx, err);
        if (destination.bucket !== source.bucket && (await this.#bucketMissing(destination.bucket, err))) {
          throw bucketNotFound(destination.bucket, { ...ctx, key: destinationKey }, err);
        }
        throw toStorageError(err, ctx);
      }
    });
  }

  /** Forgets the client. The SDK keeps no sockets that would hold the process open. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#client = undefined;
  }

  /** What `JSON.stringify` shows: no options, no credentials. */
  toJSON(): { protocol: string; storeId: string } {
    return { protocol: this.protocol, storeId: this.storeId };
  }

  /** What `util.inspect` and `console.log` show. */
  [inspect.custom](): string {
    return `GcsStorage { storeId: ${JSON.stringify(this.storeId)} }`;
  }

  // ---------------------------------------------------------------- internals

  #file(ref: ObjectRef): File {
    return this.#getClient().bucket(ref.bucket).file(ref.name);
  }

  /**
   * Runs one operation under the watchdog and the caller's signal, and maps
   * whatever it throws. The SDK's promises cannot be cancelled: on a timeout or
   * an abort we stop waiting, and streams are destroyed through `step.signal`.
   */
  async #run<T>(ctx: ErrorContext, options: OperationOptions | undefined, fn: (step: Step) => Promise<T>): Promise<T> {
    const userSignal = options?.signal;
    userSignal?.throwIfAborted();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let paused = false;
    let done = false;
    let stopRun: (reason: unknown) => void = () => {};
    const stopped = new Promise<never>((_, reject) => (stopRun = reject));
    stopped.catch(() => {});
    const stop = (reason: unknown) => {
      if (done || controller.signal.aborted) return;
      controller.abort(reason);
      stopRun(reason);
    };
    // A ref'd timer: it also keeps the process alive while the SDK waits on unref'd retry timers.
    const arm = () => {
      clearTimeout(timer);
      if (!done && !paused) timer = setTimeout(() => stop(this.#timeoutError(ctx)), this.#tuning.timeoutMs);
    };
    const onAbort = () => stop(userSignal?.reason);
    userSignal?.addEventListener("abort", onAbort, { once: true });
    const step: Step = {
      signal: controller.signal,
      touch: arm,
      pause: () => {
        paused = true;
        clearTimeout(timer);
      },
      resume: () => {
        paused = false;
        arm();
      },
    };
    this.#inflight++;
    arm();
    try {
      const work = fn(step);
      work.catch(() => {}); // it may still settle after a timeout or an abort
      return await Promise.race([work, stopped]);
    } catch (err) {
      if (userSignal?.aborted && err === userSignal.reason) throw err;
      throw toStorageError(err, ctx);
    } finally {
      done = true;
      clearTimeout(timer);
      userSignal?.removeEventListener("abort", onAbort);
      this.#settled();
    }
  }

  /**
   * @google-cloud/storage 7.22 sets `retryOptions.autoRetry = false` on the shared client for an
   * operation without a precondition (RetryConditional) and does not always put it back: after one
   * unconditional `save()` or `delete()`, even conditional writes are never retried again. We put the
   * configured value back before every SDK call (#getClient) and whenever nothing is in flight. An
   * unconditional call may then be retried on a transient error, as the S3 and Azure SDKs do anyway.
   */
  #settled(): void {
    this.#inflight--;
    if (this.#inflight === 0 && this.#client && this.#client.retryOptions.autoRetry !== this.#autoRetry) {
      this.#client.retryOptions.autoRetry = this.#autoRetry;
    }
  }

  #timeoutError(ctx: ErrorContext): StorageError {
    return new StorageError(`no progress from ${this.#endpoint} within ${this.#tuning.timeoutMs} ms`, {
      code: "UNAVAILABLE",
      operation: ctx.operation,
      protocol: GCS_PROTOCOL,
      key: ctx.key,
      hint: "The endpoint may be unreachable: check `apiEndpoint` (or STORAGE_EMULATOR_HOST) and the network, or raise `timeoutMs`",
    });
  }

  /** Maps an error and, for a 404, finds out whether one of `buckets` is missing. */
  async #explain(err: unknown, ctx: ErrorContext, buckets: string[]): Promise<Error> {
    if (httpStatusOf(err) === 404) {
      for (const bucket of buckets) if (await this.#bucketMissing(bucket, err)) return bucketNotFound(bucket, ctx, err);
    }
    return toStorageError(err, ctx);
  }

  /** True when `bucket` does not exist. A positive answer is remembered; without permission to look, false. */
  async #bucketMissing(bucket: string, err: unknown): Promise<boolean> {
    if (saysBucketMissing(err)) return true;
    if (this.#knownBuckets.has(bucket)) return false;
    try {
      const [exists] = await this.#getClient().bucket(bucket).exists();
      if (exists) this.#knownBuckets.add(bucket);
      return !exists;
    } catch {
      return false; // no storage.buckets.get permission: report the object as missing
    }
  }

  /**
   * Opens a download and resolves once GCS has answered, so a missing object
   * rejects before any data. The returned stream counts bytes for `onProgress`.
   *
   * Failures before the answer (429, 5xx, resets) are retried here as the
   * client's `retryOptions` say, and the SDK's own stream-mode retry is off:
   * when retry-request drops a retryable answer it destroys teeny-request's
   * stream, whose 'response' handler then pipes into it, which throws inside a
   * promise callback on Node >= 23: an unhandled rejection that ends the process
   * (teeny-request 11.1.1, googleapis/google-cloud-node#8670).
   */
  async #open(ref: ObjectRef, ctx: ErrorContext, step: Step, onProgress?: (p: TransferProgress) => void): Promise<Readable> {
    const policy = this.#getClient().retryOptions;
    const started = Date.now();
    // The attempts are one operation to GCS, as the SDK's own retries are: one invocation id for all.
    const invocationId = randomUUID();
    for (let retry = 1; ; retry++) {
      try {
        return await this.#openOnce(ref, ctx, step, invocationId, onProgress);
      } catch (err) {
        if (step.signal.aborted) throw err; // #run has answered already
        const retryable = this.#autoRetry && retry <= (policy.maxRetries ?? 3) && isRetryableOpen(err, policy, ctx);
        const delay = retryable ? retryDelay(policy, retry, started) : 0;
        if (delay <= 0) throw await this.#explain(err, ctx, [ref.bucket]);
        await sleep(delay, undefined, { signal: step.signal });
      }
    }
  }

  /** One download request, as {@link GcsStorage#open} describes; rejects with the SDK's error. */
  async #openOnce(
    ref: ObjectRef,
    ctx: ErrorContext,
    step: Step,
    invocationId: string,
    onProgress?: (p: TransferProgress) => void,
  ): Promise<Readable> {
    const file = this.#file(ref);
    // One request, no SDK retries (util.makeRequest honours a request's `maxRetries`). Not on the SDK's
    // shared keep-alive agent (`forever`): when a download stream ends in an error (a cut body, or
    // destroyed by its reader) the SDK destroys the agent of that request, resetting every other request
    // in flight on it; Node's global agent keeps connections alive too. The SDK takes the invocation id
    // (x-goog-api-client) from the idempotency token header when one is set.
    file.interceptors.push({
      request: (reqOpts) =>
        ({
          ...reqOpts,
          maxRetries: 0,
          forever: false,
          headers: withHeader(reqOpts.headers, "x-goog-gcs-idempotency-token", invocationId),
        }) as ReturnType<Interceptor["request"]>,
    });
    const source = file.createReadStream();
    let bytes = 0;
    let total: number | undefined;
    const out = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        onProgress?.({ bytes, totalBytes: total });
        callback(null, chunk);
      },
    });
    let opened = false;
    // Given up before the answer (timeout, abort): the request cannot be cancelled, only discarded.
    let abandoned = false;
    let giveUp: (reason: unknown) => void = () => {};
    const answered = new Promise<void>((resolve, reject) => {
      giveUp = reject;
      source.on("response", (res: { statusCode?: number; headers?: Record<string, string | string[] | undefined> }) => {
        if (abandoned) {
          // The SDK pipes the body into `source` right after this event; destroyed now, that pipe would
          // throw (Node >= 23) outside any handler. Discard the body once it is piped.
          setImmediate(() => source.destroy());
          return;
        }
        if ((res.statusCode ?? 500) >= 400) return; // the SDK follows with an 'error'
        const length = res.headers?.["content-length"];
        if (typeof length === "string" && !res.headers?.["content-encoding"]) total = Number(length);
        opened = true;
        resolve();
      });
      // Stays attached for the stream's life: a late error of an abandoned download must not go unhandled.
      source.on("error", (err: unknown) => {
        if (!opened) reject(err);
        else out.destroy(toStorageError(err, ctx));
      });
    });
    answered.catch(() => {});
    // A timeout or abort of the operation (read() consumes the body inside it) ends the download.
    const onAbort = () => {
      // Before the answer nobody listens on `out` yet; the operation itself rejects with the reason.
      out.destroy(opened ? (step.signal.reason as Error) : undefined);
      giveUp(step.signal.reason);
    };
    step.signal.addEventListener("abort", onAbort, { once: true });
    out.on("close", () => {
      step.signal.removeEventListener("abort", onAbort);
      if (!opened) abandoned = true;
      else if (!source.destroyed) source.destroy();
    });
    // Piping starts the request: the SDK sends it on the first read.
    source.pipe(out);
    try {
      await answered;
    } catch (err) {
      out.destroy();
      throw err;
    }
    return out;
  }

  /** One request: a multipart upload of a body already in memory. The SDK retries it when it is conditional. */
  async #uploadOnce(upload: Upload, bytes: Buffer): Promise<void> {
    await upload.file.save(bytes, {
      resumable: false,
      ...(upload.contentType ? { contentType: upload.contentType } : {}),
      ...(upload.precondition ? { preconditionOpts: upload.precondition } : {}),
      onUploadProgress: (event: { bytesWritten?: number }) => {
        upload.step.touch();
        if (typeof event.bytesWritten === "number") upload.progress.report(Math.min(event.bytesWritten, bytes.byteLength));
      },
    });
  }

  /**
   * A stream body: buffer up to `singleRequestMaxBytes`; if it ends there, one
   * request, else a resumable upload of the buffered head and the rest.
   * Resolves to the number of bytes written.
   */
  async #uploadStream(upload: Upload, body: Readable | AsyncIterable<Uint8Array>): Promise<number> {
    const iterator = (body as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
    let finished = false;
    // On abort or timeout, release the caller's stream at once rather than when the upload unwinds.
    const release = () => {
      if (body instanceof Readable) body.destroy();
    };
    upload.step.signal.addEventListener("abort", release, { once: true });
    try {
      const head: Buffer[] = [];
      let size = 0;
      upload.step.pause();
      while (size <= this.#tuning.singleRequestMaxBytes) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        const chunk = toBuffer(next.value);
        head.push(chunk);
        size += chunk.length;
      }
      upload.step.resume();
      if (finished) {
        upload.progress.total ??= size;
        await this.#uploadOnce(upload, Buffer.concat(head, size));
        return size;
      }
      let total = size;
      const step = upload.step;
      async function* rest(): AsyncGenerator<Buffer> {
        yield* head.splice(0);
        for (;;) {
          step.pause();
          const next = await iterator.next();
          step.resume();
          if (next.done) {
            finished = true;
            return;
          }
          const chunk = toBuffer(next.value);
          total += chunk.length;
          yield chunk;
        }
      }
      await this.#uploadResumable(upload, rest());
      return total;
    } finally {
      upload.step.signal.removeEventListener("abort", release);
      // Stop and release the caller's stream if the upload ended early.
      if (!finished) await iterator.return?.();
    }
  }

  /**
   * A resumable upload in `chunkSize` requests. We feed the SDK at most two chunks
   * ahead of what it has sent: in multi-chunk mode its upload stream re-signals
   * "ready for more" when it re-reads the chunk it buffered for retries, so
   * without this window its queue grows with the size of the upload
   * (@google-cloud/storage 7.22, resumable-upload `writeBuffers`).
   */
  async #uploadResumable(upload: Upload, chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<void> {
    const window = 2 * this.#tuning.chunkSize;
    const writable = upload.file.createWriteStream({
      resumable: true,
      chunkSize: this.#tuning.chunkSize,
      ...(upload.contentType ? { contentType: upload.contentType } : {}),
      ...(upload.precondition ? { preconditionOpts: upload.precondition } : {}),
    });
    let sent = 0;
    let wake: (() => void) | undefined;
    const wakeUp = () => {
      wake?.();
      wake = undefined;
    };
    writable.on("progress", (event: { bytesWritten?: number }) => {
      upload.step.touch();
      if (typeof event.bytesWritten !== "number") return;
      sent = Math.max(sent, event.bytesWritten);
      upload.progress.report(event.bytesWritten);
      wakeUp();
    });
    writable.on("close", wakeUp);
    upload.step.signal.addEventListener("abort", wakeUp, { once: true });
    const signal = upload.step.signal;
    async function* windowed(): AsyncGenerator<Buffer> {
      let fed = 0;
      for await (const chunk of chunks) {
        while (fed - sent > window && !signal.aborted && !writable.destroyed) await new Promise<void>((resolve) => (wake = resolve));
        fed += chunk.length;
        yield chunk;
      }
    }
    try {
      await pipeline(Readable.from(windowed(), { highWaterMark: 1 }), writable, { signal });
    } finally {
      signal.removeEventListener("abort", wakeUp);
    }
  }

  /** The generation of an object the SDK just wrote (from its response, else one metadata read). */
  async #generationAfterWrite(file: File): Promise<string> {
    const known = file.metadata?.generation;
    if (known !== undefined && known !== null) return String(known);
    const [metadata] = await file.getMetadata();
    return String(metadata.generation);
  }

  /** For emulators that ignore preconditions on rewrite: check the destination first (not atomic). */
  async #checkPrecondition(target: File, precondition: PreconditionOptions, key: string): Promise<void> {
    let generation: string | undefined;
    try {
      const [metadata] = await target.getMetadata();
      generation = String(metadata.generation);
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
    }
    const expected = String(precondition.ifGenerationMatch);
    if ((expected === "0" && generation !== undefined) || (expected !== "0" && generation !== expected)) {
      throw new StorageError("the generation precondition did not hold (checked before the rewrite)", {
        code: "PRECONDITION_FAILED",
        operation: "copy",
        protocol: GCS_PROTOCOL,
        key,
      });
    }
  }
}

interface Upload {
  file: File;
  precondition: PreconditionOptions | undefined;
  contentType: string | undefined;
  progress: ProgressReporter;
  step: Step;
}

interface ProgressReporter {
  total: number | undefined;
  report(bytes: number): void;
  finish(bytes: number): void;
}

/** A copy of request headers (a plain object or a `Headers`) with `name` set. */
function withHeader(headers: unknown, name: string, value: string): Record<string, string> {
  const copy: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((v, k) => (copy[k] = v));
  else if (headers && typeof headers === "object") Object.assign(copy, headers);
  copy[name] = value;
  return copy;
}

type RetryPolicy = GoogleCloudStorage["retryOptions"];

/**
 * Whether a download that failed before GCS answered may be tried again: an HTTP
 * error as the SDK's `retryableErrorFn` decides (408, 429, 5xx by default), any
 * failure to get an answer (reset, refused, timed out) as retry-request would.
 */
function isRetryableOpen(err: unknown, policy: RetryPolicy, ctx: ErrorContext): boolean {
  if (httpStatusOf(err) !== undefined && policy.retryableErrorFn) return policy.retryableErrorFn(err as ApiError);
  const mapped = toStorageError(err, ctx);
  return isStorageError(mapped) && mapped.retryable;
}

/**
 * The SDK's backoff before retry number `retry` (retry-request's): `retryDelayMultiplier^retry`
 * seconds plus up to 1 s of jitter, at most `maxRetryDelay` seconds, and none left (0) once
 * `totalTimeout` seconds have passed since `started`.
 */
function retryDelay(policy: RetryPolicy, retry: number, started: number): number {
  const backoff = (policy.retryDelayMultiplier ?? 2) ** retry * 1000 + Math.floor(Math.random() * 1000);
  const left = (policy.totalTimeout ?? 600) * 1000 - (Date.now() - started);
  return Math.min(backoff, (policy.maxRetryDelay ?? 64) * 1000, left);
}

/** Reports increasing byte counts only, and always ends on the exact total. */
function progressReporter(onProgress: ((p: TransferProgress) => void) | undefined, total: number | undefined): ProgressReporter {
  let last = -1;
  return {
    total,
    report(bytes) {
      if (!onProgress || bytes <= last) return;
      last = bytes;
      onProgress({ bytes, totalBytes: this.total });
    },
    finish(bytes) {
      if (!onProgress || bytes === last) return;
      last = bytes;
      onProgress({ bytes, totalBytes: bytes });
    },
  };
}

/** Splits `bucket/name` and refuses keys that name no object. */
function objectRef(key: string, operation: StorageOperation): ObjectRef {
  const clean = String(key).replace(/^\/+/, "");
  const slash = clean.indexOf("/");
  const bucket = slash < 0 ? clean : clean.slice(0, slash);
  const name = slash < 0 ? "" : clean.slice(slash + 1);
  const invalid = (what: string, hint: string) =>
    new StorageError(what, { code: "INVALID_KEY", operation, protocol: GCS_PROTOCOL, key, hint });
  checkBucketName(bucket, key, operation);
  if (name === "") throw invalid("the key names a bucket, not an object", `Use gs://${bucket || "bucket"}/path/to/object`);
  if (name.endsWith("/")) throw invalid("the key ends with '/', which names a folder, not an object", "Point at an object inside it");
  // https://cloud.google.com/storage/docs/objects#naming
  if (/[\r\n]/.test(name)) throw invalid("object names cannot contain carriage returns or line feeds", "Rename the object");
  if (Buffer.byteLength(name, "utf8") > 1024) throw invalid("object names are at most 1024 bytes of UTF-8", "Use a shorter name");
  if (name === "." || name === "..") throw invalid(`"${name}" is not a valid object name`, "Rename the object");
  return { bucket, name };
}

/** Splits a list prefix: `bucket`, `bucket/` and `bucket/some/prefix`. */
function prefixRef(prefix: string): { bucket: string; rest: string } {
  const clean = String(prefix).replace(/^\/+/, "");
  const slash = clean.indexOf("/");
  const bucket = slash < 0 ? clean : clean.slice(0, slash);
  checkBucketName(bucket, prefix, "list");
  return { bucket, rest: slash < 0 ? "" : clean.slice(slash + 1) };
}

// https://cloud.google.com/storage/docs/buckets#naming (dotted names may be up to 222 characters).
function checkBucketName(bucket: string, key: string, operation: StorageOperation): void {
  if (/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(bucket) && !bucket.includes("..")) return;
  throw new StorageError(bucket === "" ? "the key has no bucket" : `"${bucket}" is not a valid bucket name`, {
    code: "INVALID_KEY",
    operation,
    protocol: GCS_PROTOCOL,
    key,
    hint: "Keys start with the bucket (gs://bucket/path); bucket names use 3-63 lowercase letters, digits, '-', '_' and '.'",
  });
}

/** "Only if absent" is generation 0; "only if version X" is generation X. */
function toGenerationPrecondition(
  precondition: WritePrecondition | undefined,
  operation: StorageOperation,
  key: string,
): PreconditionOptions | undefined {
  if (!precondition) return undefined;
  if ("ifNoneMatch" in precondition) return { ifGenerationMatch: 0 };
  // A token that is not a generation (e.g. from another store) can never match.
  if (typeof precondition.ifMatch === "string" && /^[1-9]\d*$/.test(precondition.ifMatch))
    return { ifGenerationMatch: precondition.ifMatch };
  throw new StorageError(`the version token ${JSON.stringify(precondition.ifMatch)} is not a GCS generation, so it cannot match`, {
    code: "PRECONDITION_FAILED",
    operation,
    protocol: GCS_PROTOCOL,
    key,
    hint: "Use the version returned by stat() or write() of this store",
  });
}

function toStat(metadata: FileMetadata): ObjectStat {
  return {
    size: Number(metadata.size ?? 0),
    version: String(metadata.generation),
    lastModified: new Date(metadata.updated ?? metadata.timeCreated ?? 0),
  };
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function* sliceBuffer(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.byteLength; offset += FEED_SLICE) yield bytes.subarray(offset, offset + FEED_SLICE);
}

function configError(what: string, hint: string): StorageError {
  return new StorageError(what, { code: "CONFIG_INVALID", operation: "connect", protocol: GCS_PROTOCOL, key: "", hint });
}

function validateTuning(options: GcsStorageTuning): Required<GcsStorageTuning> {
  const tuning = {
    singleRequestMaxBytes: options.singleRequestMaxBytes ?? GCS_DEFAULTS.singleRequestMaxBytes,
    chunkSize: options.chunkSize ?? GCS_DEFAULTS.chunkSize,
    timeoutMs: options.timeoutMs ?? GCS_DEFAULTS.timeoutMs,
    checkCopyPreconditions: options.checkCopyPreconditions ?? GCS_DEFAULTS.checkCopyPreconditions,
  };
  if (!Number.isSafeInteger(tuning.chunkSize) || tuning.chunkSize <= 0 || tuning.chunkSize % RESUMABLE_GRANULE !== 0) {
    throw configError(
      `chunkSize ${tuning.chunkSize} is not a positive multiple of 256 KiB`,
      "GCS resumable uploads need chunks of n × 262144 bytes",
    );
  }
  if (!Number.isSafeInteger(tuning.singleRequestMaxBytes) || tuning.singleRequestMaxBytes < 0) {
    throw configError(`singleRequestMaxBytes ${tuning.singleRequestMaxBytes} is not a byte count`, "Pass a non-negative integer");
  }
  const maxRetryDelay = (options as { retryOptions?: { maxRetryDelay?: number } }).retryOptions?.maxRetryDelay;
  if (maxRetryDelay !== undefined && !(maxRetryDelay >= 1)) {
    // File.save() hands it to async-retry as maxTimeout (ms) next to a fixed 1 s minTimeout, and then
    // every single-request upload fails with "minTimeout is greater than maxTimeout".
    throw configError(
      `retryOptions.maxRetryDelay ${maxRetryDelay} is below 1 second`,
      "The SDK's maxRetryDelay is in seconds and must be at least 1",
    );
  }
  if (!(Number.isFinite(tuning.timeoutMs) && tuning.timeoutMs > 0)) {
    throw configError(`timeoutMs ${tuning.timeoutMs} is not a positive number of milliseconds`, "Pass e.g. 30000");
  }
  return tuning;
}

/** Creates a GCS store. `{}` uses Application Default Credentials (or `STORAGE_EMULATOR_HOST`). */
export function createGcsStorage(options: GcsStorageOptions = {}): GcsStorage {
  return new GcsStorage(options);
}
