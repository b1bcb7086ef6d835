/**
 * The Azure Blob Storage backend. Keys are `container/path/to/blob`; one instance is one
 * storage account (endpoint), so copies between its containers stay inside Azure.
 *
 * - Preconditions are Azure's own conditional headers: `If-None-Match: *` and `If-Match: <ETag>`
 *   on Put Blob, Put Block List and Copy Blob. The version token is the ETag.
 * - Uploads up to `blockSize` are one Put Blob; larger bodies and streams are staged as blocks
 *   (bounded concurrency and memory) and committed with Put Block List, so readers never see a mix.
 * - `copy` is Copy Blob (`beginCopyFromURL`): no bytes pass through the client, no size limit,
 *   and no SAS is needed because source and destination are in the same account.
 */
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type {
  BlobClient,
  BlobDownloadResponseParsed,
  BlobRequestConditions,
  BlobServiceClient,
  BlockBlobClient,
  BlockBlobParallelUploadOptions,
} from "@azure/storage-blob";
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
  type TransferProgress,
  type WriteBody,
  type WriteOptions,
  type WritePrecondition,
  type WriteResult,
} from "@lazyscribe/core";
import {
  buildClient,
  DEFAULT_SOCKET_TIMEOUT_MS,
  defaultCredential,
  IdleTimeoutAgents,
  pipelineOptions,
  resolveTarget,
  stripQuery,
  type Target,
} from "./client.js";
import { isBlobNotFound, toStorageError, type AzureErrorContext } from "./errors.js";
import type { AzureStorageOptions } from "./options.js";

const MiB = 1024 * 1024;
/** How often one read resumes after its connection dropped (the SDK's default for its own resume). */
const MAX_DOWNLOAD_RESUMES = 5;
/** Attempts of a request whose answer is cut off mid-body (see retryCutAnswers). */
const MAX_CUT_ANSWER_ATTEMPTS = 4;

/**
 * Runs `request` again when its answer is cut off while its body is read: the SDK's retry policy
 * retries connection errors, not that. Only for requests that are safe to send twice.
 */
async function retryCutAnswers<T>(signal: { aborted: boolean } | undefined, request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (!isCutAnswer(err) || attempt >= MAX_CUT_ANSWER_ATTEMPTS || signal?.aborted) throw err;
      await sleep(50 * 2 ** attempt * Math.random());
    }
  }
}

/** The SDK's error for an answer whose body stopped arriving (connection reset or aborted mid-read). */
function isCutAnswer(err: unknown): boolean {
  const e = (typeof err === "object" && err !== null ? err : {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  return (
    e.code === "PARSE_ERROR" &&
    e.statusCode === undefined &&
    typeof e.message === "string" &&
    /aborted|socket hang up|ECONNRESET|premature close/i.test(e.message)
  );
}

/** The `az` backend class. Prefer {@link createAzureStorage}. */
export class AzureStorage implements Storage {
  readonly protocol = "az";
  /** `az:` plus the Blob service URL without query (never a SAS or key). */
  readonly storeId: string;
  readonly capabilities: StorageCapabilities = { serverSideCopy: true, atomicPreconditions: true };
  readonly #options: AzureStorageOptions;
  readonly #target: Target | StorageError;
  readonly #agents: IdleTimeoutAgents | undefined;
  readonly #blockSize: number;
  readonly #concurrency: number;
  readonly #pollMs: number;
  readonly #pageSize: number;
  readonly #account: string | undefined;
  #client: Promise<BlobServiceClient> | undefined;

  constructor(options: AzureStorageOptions = {}) {
    this.#options = options;
    this.#blockSize = positive(options.blockSize, 8 * MiB, "blockSize");
    this.#concurrency = positive(options.uploadConcurrency, 4, "uploadConcurrency");
    this.#pollMs = positive(options.copyPollIntervalMs, 1000, "copyPollIntervalMs");
    this.#pageSize = positive(options.listPageSize, 5000, "listPageSize");
    const socketTimeoutMs = options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS;
    this.#agents =
      !options.client && socketTimeoutMs > 0
        ? new IdleTimeoutAgents(socketTimeoutMs, options.clientOptions?.keepAliveOptions?.enable !== false)
        : undefined;
    try {
      this.#target = resolveTarget(options);
    } catch (err) {
      this.#target = err as StorageError;
    }
    this.storeId = this.#target instanceof StorageError ? "az:unconfigured" : `az:${canonicalUrl(this.#target.url)}`;
    this.#account = this.#target instanceof StorageError ? undefined : accountOf(this.#target.url);
  }

  async read(key: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const { container, blob } = splitKey(key, "read", this.#account);
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of await this.#download(container, blob, "read", key, options)) {
      chunks.push(chunk);
      bytes += chunk.length;
    }
    return Buffer.concat(chunks, bytes);
  }

  async readStream(key: string, options: ReadOptions = {}): Promise<Readable> {
    const { container, blob } = splitKey(key, "readStream", this.#account);
    return Readable.from(await this.#download(container, blob, "readStream", key, options), { objectMode: false });
  }

  async write(key: string, body: WriteBody, options: WriteOptions = {}): Promise<WriteResult> {
    const { container, blob } = splitKey(key, "write", this.#account);
    const context = { container, preconditioned: options.precondition !== undefined };
    try {
      options.signal?.throwIfAborted();
      const client = (await this.#service()).getContainerClient(container).getBlockBlobClient(blob);
      const upload: BlockBlobParallelUploadOptions = {
        conditions: toConditions(options.precondition),
        abortSignal: options.signal,
        blobHTTPHeaders: options.contentType ? { blobContentType: options.contentType } : undefined,
      };
      if (typeof body === "string" || body instanceof Uint8Array) {
        const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
        return {
          version: etagOf(await this.#uploadBytes(client, bytes, upload, reporter(options.onProgress, bytes.byteLength))),
        };
      }
      return { version: etagOf(await this.#uploadStream(client, bodyToStream(body), upload, options)) };
    } catch (err) {
      throw this.#fail(err, "write", key, context, options.signal);
    }
  }

  async stat(key: string, options: OperationOptions = {}): Promise<ObjectStat | null> {
    const { container, blob } = splitKey(key, "stat", this.#account);
    try {
      const client = (await this.#service()).getContainerClient(container).getBlobClient(blob);
      const props = await client.getProperties({ abortSignal: options.signal });
      return { size: props.contentLength ?? 0, version: etagOf(props), lastModified: props.lastModified ?? new Date(0) };
    } catch (err) {
      // A missing container is not "absent": it is a wrong URL, reported as NOT_FOUND naming the container.
      if (isBlobNotFound(err)) return null;
      throw this.#fail(err, "stat", key, { container }, options.signal);
    }
  }

  /**
   * Lists `container/prefix...`. A prefix with no `/` (`container`) lists the whole container,
   * as `container/` does: a listing never spans containers.
   */
  async *list(prefix: string, options: OperationOptions = {}): AsyncIterable<ListEntry> {
    const { segment, container, blob: blobPrefix } = splitKey(prefix, "list", this.#account);
    try {
      const client = (await this.#service()).getContainerClient(container);
      // Page by page, so a page whose answer is cut off is asked for again from its own token.
      let continuationToken: string | undefined;
      do {
        const next = await retryCutAnswers(options.signal, () =>
          client
            .listBlobsFlat({ prefix: blobPrefix || undefined, abortSignal: options.signal })
            .byPage({ maxPageSize: this.#pageSize, continuationToken })
            .next(),
        );
        if (next.done) break;
        const page = next.value;
        for (const item of page.segment.blobItems) {
          yield {
            key: `${segment}/${item.name}`,
            size: item.properties.contentLength ?? 0,
            version: etagOf(item.properties),
            lastModified: item.properties.lastModified,
          };
        }
        continuationToken = page.continuationToken || undefined;
      } while (continuationToken);
    } catch (err) {
      throw this.#fail(err, "list", prefix, { container }, options.signal);
    }
  }

  async delete(key: string, options: OperationOptions = {}): Promise<void> {
    const { container, blob } = splitKey(key, "delete", this.#account);
    try {
      const client = (await this.#service()).getContainerClient(container).getBlobClient(blob);
      // "include": a blob with snapshots cannot be deleted alone (409 SnapshotsPresent).
      await client.delete({ deleteSnapshots: "include", abortSignal: options.signal });
    } catch (err) {
      if (isBlobNotFound(err)) return;
      throw this.#fail(err, "delete", key, { container }, options.signal);
    }
  }

  async copy(sourceKey: string, destinationKey: string, options: CopyOptions = {}): Promise<WriteResult> {
    const source = splitKey(sourceKey, "copy", this.#account);
    const destination = splitKey(destinationKey, "copy", this.#account);
    const context = {
      container: destination.container,
      otherContainer: source.container,
      preconditioned: options.precondition !== undefined,
    };
    let poller: Awaited<ReturnType<BlobClient["beginCopyFromURL"]>> | undefined;
    try {
      const service = await this.#service();
      const from = service.getContainerClient(source.container).getBlobClient(source.blob);
      const to = service.getContainerClient(destination.container).getBlobClient(destination.blob);
      // Copy Blob, not Copy Blob From URL: it has no 256 MiB limit and, inside one account, needs no SAS
      // for the source. Azure finishes small same-account copies at once; large ones are polled.
      poller = await to.beginCopyFromURL(from.url, {
        conditions: toConditions(options.precondition),
        abortSignal: options.signal,
        intervalInMs: this.#pollMs,
      });
      while (!poller.isDone()) {
        await sleep(this.#pollMs, undefined, { signal: options.signal });
        await poller.poll({ abortSignal: options.signal });
      }
      const result = poller.getResult();
      if (!result) throw new Error("Copy Blob finished without a result");
      return { version: etagOf(result) };
    } catch (err) {
      if (options.signal?.aborted && poller && !poller.isDone()) await poller.cancelOperation().catch(() => undefined);
      // A missing source blob is the caller's source key; anything else concerns the destination.
      throw this.#fail(err, "copy", isBlobNotFound(err) ? sourceKey : destinationKey, context, options.signal);
    }
  }

  async close(): Promise<void> {
    this.#agents?.destroy();
  }

  /** The client, built on first use. */
  #service(): Promise<BlobServiceClient> {
    const target = this.#target;
    if (target instanceof StorageError) return Promise.reject(target);
    if (target.kind === "client") return Promise.resolve(target.client);
    this.#client ??= (async () => {
      const credential = target.credential ?? (await defaultCredential());
      return buildClient(target.url, credential, pipelineOptions(this.#options), this.#agents);
    })();
    // A failure (e.g. @azure/identity not loadable) is not memoised: the next call tries again.
    this.#client.catch(() => (this.#client = undefined));
    return this.#client;
  }

  /**
   * Starts a download (so a missing blob rejects before any data) and returns its chunks. A
   * connection that drops mid-body is resumed at the byte where it stopped, pinned to the first
   * response's ETag. (The SDK's own resume gives up on Node's "aborted" event, so it is off.)
   */
  async #download(
    container: string,
    blob: string,
    operation: StorageOperation,
    key: string,
    options: ReadOptions,
  ): Promise<AsyncGenerator<Buffer>> {
    const signal = options.signal;
    const fail = (err: unknown) => this.#fail(err, operation, key, { container }, signal);
    let client: BlobClient;
    let first: BlobDownloadResponseParsed;
    try {
      client = (await this.#service()).getContainerClient(container).getBlobClient(blob);
      first = await client.download(0, undefined, { abortSignal: signal, maxRetryRequests: 0 });
    } catch (err) {
      throw fail(err);
    }
    const total = first.contentLength ?? 0;
    const progress = reporter(options.onProgress, total);
    return (async function* chunks(): AsyncGenerator<Buffer> {
      let body = first.readableStreamBody;
      let iterator = body?.[Symbol.asyncIterator]() as AsyncIterator<Buffer> | undefined;
      let offset = 0;
      let resumes = 0;
      try {
        while (body && iterator) {
          let next: IteratorResult<Buffer>;
          try {
            next = await iterator.next();
          } catch (err) {
            // Only the transport is resumed: not the caller's abort, and not after too many drops.
            if (signal?.aborted || offset >= total || resumes >= MAX_DOWNLOAD_RESUMES) throw err;
            resumes++;
            body.destroy();
            const rest = await client.download(offset, total - offset, {
              abortSignal: signal,
              conditions: { ifMatch: first.etag },
              maxRetryRequests: 0,
            });
            body = rest.readableStreamBody;
            iterator = body?.[Symbol.asyncIterator]() as AsyncIterator<Buffer> | undefined;
            continue;
          }
          if (next.done) break;
          offset += next.value.length;
          progress.report(offset);
          yield next.value;
        }
        progress.report(offset, true);
      } catch (err) {
        throw fail(err);
      } finally {
        body?.destroy();
      }
    })();
  }

  async #uploadBytes(
    client: BlockBlobClient,
    bytes: Uint8Array,
    upload: BlockBlobParallelUploadOptions,
    progress: Progress,
  ): Promise<{ etag?: string }> {
    // The body is in memory, so sending it again is safe: a conditional write that did land the first
    // time is refused with 412, which callers of preconditions handle (the save protocol reads back).
    const response = await retryCutAnswers(upload.abortSignal, () =>
      client.uploadData(bytes, {
        ...upload,
        blockSize: this.#blockSize,
        maxSingleShotSize: this.#blockSize,
        concurrency: this.#concurrency,
        onProgress: (e) => progress.report(e.loadedBytes),
      }),
    );
    progress.report(bytes.byteLength, true);
    return response;
  }

  /**
   * Reads up to one block: a body that ends there is one Put Blob. A longer one is staged block by
   * block from the stream, holding at most about `uploadConcurrency + 1` blocks in memory.
   */
  async #uploadStream(
    client: BlockBlobClient,
    source: Readable,
    upload: BlockBlobParallelUploadOptions,
    options: WriteOptions,
  ): Promise<{ etag?: string }> {
    const signal = options.signal;
    const onAbort = () => source.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>;
      const head: Buffer[] = [];
      let headBytes = 0;
      while (headBytes <= this.#blockSize) {
        const next = await iterator.next();
        if (next.done) {
          const bytes = Buffer.concat(head, headBytes);
          return await this.#uploadBytes(client, bytes, upload, reporter(options.onProgress, bytes.byteLength));
        }
        const chunk = toBuffer(next.value);
        head.push(chunk);
        headBytes += chunk.length;
      }
      let sent = 0;
      async function* rest(): AsyncGenerator<Buffer> {
        try {
          while (head.length > 0) {
            const chunk = head.shift()!;
            sent += chunk.length;
            yield chunk;
          }
          for (;;) {
            const next = await iterator.next();
            if (next.done) return;
            const chunk = toBuffer(next.value);
            sent += chunk.length;
            yield chunk;
          }
        } finally {
          await iterator.return?.();
        }
      }
      const progress = reporter(options.onProgress, options.contentLength);
      const response = await client.uploadStream(Readable.from(rest(), { objectMode: false }), this.#blockSize, this.#concurrency, {
        ...upload,
        onProgress: (e) => progress.report(e.loadedBytes),
      });
      progress.report(sent, true);
      return response;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  #fail(err: unknown, operation: StorageOperation, key: string, context: AzureErrorContext, signal: AbortSignal | undefined): unknown {
    // The caller's own abort rejects with the signal's reason, as the protocol says.
    if (signal?.aborted) return signal.reason;
    const secrets = this.#target instanceof StorageError ? [] : this.#target.secrets;
    return toStorageError(err, operation, key, { ...context, secrets });
  }
}

/** Creates an Azure Blob store. With no options it reads `AZURE_STORAGE_CONNECTION_STRING` or `AZURE_STORAGE_ACCOUNT`. */
export function createAzureStorage(options: AzureStorageOptions = {}): AzureStorage {
  return new AzureStorage(options);
}

/** Progress of one transfer: never goes backwards, and always ends with the full size. */
interface Progress {
  /** Total bytes, once known. */
  total: number | undefined;
  /** Reports `bytes` done; `final` marks the end (total = bytes). */
  report(bytes: number, final?: boolean): void;
}

function reporter(onProgress: ((progress: TransferProgress) => void) | undefined, total?: number): Progress {
  let lastBytes = -1;
  let lastTotal: number | undefined;
  return {
    total,
    report(bytes, final = false) {
      if (!onProgress) return;
      const totalBytes = final ? bytes : this.total;
      if (bytes < lastBytes || (bytes === lastBytes && totalBytes === lastTotal)) return;
      lastBytes = bytes;
      lastTotal = totalBytes;
      onProgress(totalBytes === undefined ? { bytes } : { bytes, totalBytes });
    },
  };
}

/**
 * Splits `container/path` (or adlfs's `container@account.dfs.core.windows.net/path`) into
 * container and blob name; `segment` is the first segment as written.
 */
function splitKey(
  key: string,
  operation: StorageOperation,
  account: string | undefined,
): { segment: string; container: string; blob: string } {
  const slash = key.indexOf("/");
  const segment = slash < 0 ? key : key.slice(0, slash);
  const blob = slash < 0 ? "" : key.slice(slash + 1);
  const invalid = (message: string, hint: string) =>
    new StorageError(message, { code: "INVALID_KEY", operation, protocol: "az", key, hint });
  const container = containerOf(segment, account, invalid);
  if (!container)
    throw invalid(
      "the key names no container",
      operation === "list" ? 'List "container/" or "container/prefix"' : 'Use "container/path/to/blob"',
    );
  if (operation === "list") return { segment, container, blob };
  if (!blob) throw invalid("the key names a container, not a blob", 'Point at a blob inside it: "container/path/to/blob"');
  if (blob.endsWith("/")) throw invalid('the key ends with "/", so it names a folder, not a blob', "Point at a file inside it");
  return { segment, container, blob };
}

/** The container of a first segment; adlfs's `container@account.<host>` form must name this store's account. */
function containerOf(segment: string, account: string | undefined, invalid: (message: string, hint: string) => StorageError): string {
  const at = segment.indexOf("@");
  if (at < 0) return segment;
  const named = /^([a-z0-9]+)\.(?:dfs|blob)\./i.exec(segment.slice(at + 1))?.[1]?.toLowerCase();
  if (named && account && named !== account) {
    throw invalid(
      `the URL names the storage account "${named}", but this store is the account "${account}"`,
      "Pass storage settings for that account (accountName or connectionString)",
    );
  }
  return segment.slice(0, at);
}

/** The account name of a standard `https://<account>.blob.<suffix>` endpoint; undefined for emulators and custom domains. */
function accountOf(url: string): string | undefined {
  try {
    return /^([a-z0-9]+)\.blob\./i.exec(new URL(url).hostname)?.[1]?.toLowerCase();
  } catch {
    return undefined;
  }
}

function toConditions(precondition: WritePrecondition | undefined): BlobRequestConditions | undefined {
  if (!precondition) return undefined;
  return "ifNoneMatch" in precondition ? { ifNoneMatch: "*" } : { ifMatch: precondition.ifMatch };
}

/** The ETag in one spelling: List Blobs returns it bare, the blob headers quoted. */
function etagOf(response: { etag?: string }): string {
  const etag = response.etag;
  if (!etag) throw new Error("Azure returned no ETag");
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function canonicalUrl(url: string): string {
  try {
    const u = new URL(url);
    return stripQuery(`${u.protocol}//${u.host}${u.pathname}`);
  } catch {
    return stripQuery(url);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new StorageError(`${name} must be a positive number, got ${String(value)}`, {
      code: "CONFIG_INVALID",
      operation: "connect",
      protocol: "az",
      key: "",
    });
  }
  return value;
}
