/**
 * The `s3://` backend on the AWS SDK v3. Keys are `bucket/path/to/object`.
 *
 * - Preconditions are S3's own conditional writes: `If-None-Match: *` and
 *   `If-Match: <etag>` on PutObject, CompleteMultipartUpload and CopyObject. The
 *   version token is the ETag.
 * - Streams (and bodies above `partSize`) go up with `@aws-sdk/lib-storage`'s
 *   multipart `Upload`; a failed or aborted upload is aborted on the server so no
 *   parts are left behind.
 * - `copy` is CopyObject, or UploadPartCopy above 5 GiB: no byte passes through
 *   the client.
 */
import { Readable, Transform } from "node:stream";
import { inspect } from "node:util";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type HeadObjectCommandOutput,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import {
  bodyToStream,
  isStorageError,
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
import { toStorageError, type S3ErrorContext } from "./errors.js";
import type { S3PreconditionEmulation, S3StorageOptions } from "./options.js";

/** The URL scheme this backend serves. */
export const S3_PROTOCOL = "s3";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MIN_PART = 5 * MiB;
const MAX_PART = 5 * GiB;
const MAX_PARTS = 10_000;

/** A key split into its bucket and the object key inside it. */
interface ObjectRef {
  /** The full key, as the caller gave it. */
  key: string;
  bucket: string;
  path: string;
}

type Conditions = { IfNoneMatch?: string; IfMatch?: string };

let anonymousStores = 0;

/** Whole-object reads whose body is cut mid-stream are retried this many times in all. */
const BODY_READ_ATTEMPTS = 4;

/** The `s3` backend class. Prefer {@link createS3Storage}. */
export class S3Storage implements Storage {
  readonly protocol = S3_PROTOCOL;
  readonly storeId: string;
  readonly capabilities: StorageCapabilities;
  readonly #config: S3ClientConfig;
  readonly #endpoint: string | undefined;
  readonly #endpointLabel: string;
  readonly #ownsClient: boolean;
  #client: S3Client | undefined;
  readonly #partSize: number;
  readonly #queueSize: number;
  readonly #copyThreshold: number;
  readonly #copyPartSize: number;
  readonly #emulate: S3PreconditionEmulation;
  /** Buckets seen to exist, so `stat` of an absent key asks HeadBucket only once per bucket. */
  readonly #knownBuckets = new Set<string>();

  constructor(options: S3StorageOptions = {}) {
    const { partSize, queueSize, multipartCopyThreshold, multipartCopyPartSize, emulatePreconditions, storeId, client, ...config } =
      options;
    this.#partSize = checkSize("partSize", partSize ?? 8 * MiB, MIN_PART, MAX_PART);
    this.#queueSize = checkSize("queueSize", queueSize ?? 4, 1, 1000);
    this.#copyThreshold = checkSize("multipartCopyThreshold", multipartCopyThreshold ?? MAX_PART, 0, MAX_PART);
    this.#copyPartSize = checkSize("multipartCopyPartSize", multipartCopyPartSize ?? 512 * MiB, MIN_PART, MAX_PART);
    this.#emulate = { ...emulatePreconditions };
    this.capabilities = { serverSideCopy: true, atomicPreconditions: !this.#emulate.copy && !this.#emulate.multipartIfMatch };
    this.#config = config as S3ClientConfig;
    this.#client = client;
    this.#ownsClient = client === undefined;
    this.#endpoint = client ? undefined : configuredEndpoint(this.#config);
    const label = this.#endpoint === undefined ? undefined : endpointLabel(this.#endpoint);
    const custom = client !== undefined || this.#config.endpoint !== undefined || this.#endpoint !== undefined;
    this.#endpointLabel = label ?? (custom ? "the S3 endpoint" : "AWS S3");
    // One AWS namespace: CopyObject works between buckets of any region. A client or endpoint we cannot
    // name gets an identity of its own, so copies to other stores stream rather than fail.
    this.storeId = storeId ?? (label ? `s3:${label}` : custom ? `s3:client#${++anonymousStores}` : "s3:aws");
  }

  async read(key: string, options?: ReadOptions): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      // The SDK retries the request, but not a body cut mid-stream after it returned; retry that here.
      const stream = await this.#open(key, "read", options);
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      } catch (err) {
        if (attempt >= BODY_READ_ATTEMPTS || options?.signal?.aborted || !isStorageError(err) || !err.retryable) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  async readStream(key: string, options?: ReadOptions): Promise<Readable> {
    return this.#open(key, "readStream", options);
  }

  async write(key: string, body: WriteBody, options: WriteOptions = {}): Promise<WriteResult> {
    const ref = this.#ref(key, "write");
    const ctx = this.#ctx("write", ref, options.precondition);
    const conditions = toConditions(options.precondition);
    if (typeof body === "string" || body instanceof Uint8Array) {
      const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
      if (bytes.byteLength <= this.#partSize) {
        const out = await this.#call(ctx, options.signal, (client) =>
          client.send(
            new PutObjectCommand({
              Bucket: ref.bucket,
              Key: ref.path,
              Body: bytes,
              ContentLength: bytes.byteLength,
              ContentType: options.contentType,
              ...conditions,
            }),
            { abortSignal: options.signal },
          ),
        );
        options.onProgress?.({ bytes: bytes.byteLength, totalBytes: bytes.byteLength });
        return { version: versionOf(out.ETag, ctx) };
      }
      return this.#upload(ref, ctx, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options, conditions);
    }
    return this.#upload(ref, ctx, bodyToStream(body), options, conditions);
  }

  async stat(key: string, options?: OperationOptions): Promise<ObjectStat | null> {
    const ref = this.#ref(key, "stat");
    const head = await this.#head(ref, "stat", options?.signal);
    return (
      head && {
        size: head.ContentLength ?? 0,
        version: versionOf(head.ETag, this.#ctx("stat", ref)),
        lastModified: head.LastModified ?? new Date(0),
      }
    );
  }

  /**
   * Lists with ListObjectsV2, one page per request. `bucket/` (or `bucket`) lists the
   * whole bucket. Folder markers (keys ending in `/`, made by consoles) are skipped.
   */
  async *list(prefix: string, options?: OperationOptions): AsyncIterable<ListEntry> {
    const clean = prefix.replace(/^\/+/, "");
    const slash = clean.indexOf("/");
    const bucket = slash < 0 ? clean : clean.slice(0, slash);
    const rest = slash < 0 ? "" : clean.slice(slash + 1);
    if (!bucket)
      throw invalidKey("list", prefix, "the prefix names no bucket", 'Start the prefix with a bucket name, as in "bucket/folder/"');
    const ctx = this.#ctx("list", { key: prefix, bucket, path: rest });
    let token: string | undefined;
    do {
      const page = await this.#call(ctx, options?.signal, (client) =>
        client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: rest || undefined, ContinuationToken: token }), {
          abortSignal: options?.signal,
        }),
      );
      this.#knownBuckets.add(bucket);
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined || item.Key.endsWith("/")) continue;
        yield {
          key: `${bucket}/${item.Key}`,
          size: item.Size ?? 0,
          version: versionOf(item.ETag, ctx),
          lastModified: item.LastModified ?? new Date(0),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string, options?: OperationOptions): Promise<void> {
    const ref = this.#ref(key, "delete");
    // DeleteObject succeeds for an absent key; a missing bucket still fails with NoSuchBucket.
    await this.#call(this.#ctx("delete", ref), options?.signal, (client) =>
      client.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.path }), { abortSignal: options?.signal }),
    );
  }

  async copy(sourceKey: string, destinationKey: string, options: CopyOptions = {}): Promise<WriteResult> {
    const src = this.#ref(sourceKey, "copy");
    const dst = this.#ref(destinationKey, "copy");
    const { precondition, signal } = options;
    const head = await this.#head(src, "copy", signal);
    if (!head) throw new StorageError("no such object", { code: "NOT_FOUND", operation: "copy", protocol: S3_PROTOCOL, key: sourceKey });
    const size = head.ContentLength ?? 0;
    const emulated = this.#emulate.copy === true && precondition !== undefined;
    if (size > this.#copyThreshold || (emulated && "ifNoneMatch" in precondition)) {
      return this.#multipartCopy(src, dst, head, precondition, signal);
    }
    const ctx = this.#ctx("copy", dst, precondition);
    if (emulated && "ifMatch" in precondition) await this.#checkIfMatch(dst, precondition.ifMatch, "copy", signal);
    const out = await this.#call(ctx, signal, (client) =>
      client.send(
        new CopyObjectCommand({ Bucket: dst.bucket, Key: dst.path, CopySource: copySource(src), ...toConditions(precondition) }),
        {
          abortSignal: signal,
        },
      ),
    );
    return { version: versionOf(out.CopyObjectResult?.ETag, ctx) };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client?.destroy();
    this.#client = undefined;
  }

  /** What `JSON.stringify` shows: never the client or its credentials. */
  toJSON(): { protocol: string; storeId: string } {
    return { protocol: this.protocol, storeId: this.storeId };
  }

  [inspect.custom](): string {
    return `S3Storage { storeId: ${JSON.stringify(this.storeId)} }`;
  }

  /** The memoised client, created on first use. */
  #getClient(): S3Client {
    if (this.#client) return this.#client;
    const config: S3ClientConfig = {
      maxAttempts: 3,
      followRegionRedirects: true,
      requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
      ...this.#config,
    };
    if (this.#endpoint !== undefined) {
      config.endpoint ??= this.#endpoint;
      // S3-compatible stores (LocalStack, moto, MinIO) rarely serve virtual-hosted bucket names.
      config.forcePathStyle ??= true;
      config.region ??= process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
    }
    try {
      this.#client = new S3Client(config);
    } catch (cause) {
      throw new StorageError("the S3 client settings are invalid", {
        code: "CONFIG_INVALID",
        operation: "connect",
        protocol: S3_PROTOCOL,
        key: "",
        hint: cause instanceof Error ? cause.message : undefined,
        cause,
      });
    }
    return this.#client;
  }

  /** Runs one SDK call, turning its failure into a StorageError (or the abort reason). */
  async #call<T>(ctx: S3ErrorContext, signal: AbortSignal | undefined, fn: (client: S3Client) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await fn(this.#getClient());
    } catch (err) {
      signal?.throwIfAborted();
      throw toStorageError(err, ctx);
    }
  }

  #ctx(operation: StorageOperation, ref: ObjectRef, precondition?: WritePrecondition): S3ErrorContext {
    return {
      operation,
      key: ref.key,
      bucket: ref.bucket,
      endpoint: this.#endpointLabel,
      ifMatch: precondition !== undefined && "ifMatch" in precondition,
    };
  }

  /** Splits `bucket/path`; a key without a bucket or naming a folder is refused. */
  #ref(key: string, operation: StorageOperation): ObjectRef {
    const clean = key.replace(/^\/+/, "");
    const slash = clean.indexOf("/");
    if (slash <= 0) throw invalidKey(operation, key, "the key names a bucket, not an object", 'Use "bucket/path/to/object"');
    const path = clean.slice(slash + 1);
    if (path === "" || path.endsWith("/"))
      throw invalidKey(operation, key, "the key names a folder, not an object", "Point at an object inside it");
    return { key, bucket: clean.slice(0, slash), path };
  }

  /** HeadObject, or null when the key is absent. An absent bucket is NOT_FOUND, not null. */
  async #head(ref: ObjectRef, operation: StorageOperation, signal?: AbortSignal): Promise<HeadObjectCommandOutput | null> {
    const ctx = this.#ctx(operation, ref);
    try {
      const out = await this.#call(ctx, signal, (client) =>
        client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.path }), { abortSignal: signal }),
      );
      this.#knownBuckets.add(ref.bucket);
      return out;
    } catch (err) {
      if (!isStorageError(err, "NOT_FOUND")) throw err;
      // A HEAD response has no body, so "no such key" and "no such bucket" are the same bare 404.
      if (!this.#knownBuckets.has(ref.bucket)) await this.#assertBucket(ref, ctx, signal);
      return null;
    }
  }

  async #assertBucket(ref: ObjectRef, ctx: S3ErrorContext, signal?: AbortSignal): Promise<void> {
    try {
      await this.#call(ctx, signal, (client) => client.send(new HeadBucketCommand({ Bucket: ref.bucket }), { abortSignal: signal }));
    } catch (err) {
      if (isStorageError(err, "NOT_FOUND")) throw toStorageError(Object.assign(new Error("NoSuchBucket"), { name: "NoSuchBucket" }), ctx);
      // 403 on HeadBucket: the bucket exists but listing it is not allowed; the key is simply absent.
      if (!isStorageError(err, "PERMISSION_DENIED")) throw err;
    }
    this.#knownBuckets.add(ref.bucket);
  }

  async #open(key: string, operation: "read" | "readStream", options?: ReadOptions): Promise<Readable> {
    const ref = this.#ref(key, operation);
    const ctx = this.#ctx(operation, ref);
    const out = await this.#call(ctx, options?.signal, (client) =>
      client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.path }), { abortSignal: options?.signal }),
    );
    const body = out.Body instanceof Readable ? out.Body : Readable.from([]);
    const total = out.ContentLength;
    const onProgress = options?.onProgress;
    let bytes = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        onProgress?.({ bytes, totalBytes: total });
        done(null, chunk);
      },
      flush(done) {
        if (bytes === 0) onProgress?.({ bytes, totalBytes: total });
        done();
      },
    });
    // A network failure mid-body becomes a StorageError on the returned stream; closing early frees the socket.
    body.once("error", (err) => counted.destroy(options?.signal?.aborted ? options.signal.reason : toStorageError(err, ctx)));
    counted.once("close", () => body.destroy());
    return body.pipe(counted);
  }

  /** Multipart (or, for a small stream, single PutObject) upload through lib-storage. */
  async #upload(
    ref: ObjectRef,
    ctx: S3ErrorContext,
    body: Buffer | Readable,
    options: WriteOptions,
    conditions: Conditions,
  ): Promise<WriteResult> {
    const { signal, onProgress, contentLength, precondition } = options;
    signal?.throwIfAborted();
    const client = this.#getClient();
    const abortController = new AbortController();
    const onAbort = () => abortController.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let partFailure: unknown;
    const checkIfMatch = this.#emulate.multipartIfMatch && precondition && "ifMatch" in precondition ? precondition.ifMatch : undefined;
    // lib-storage neither cancels in-flight parts on abort nor stops its other workers after one part
    // fails; this view of the client does both, and runs the emulated If-Match check before completing.
    const guarded = new Proxy(client, {
      get: (target, prop, receiver) => {
        if (prop !== "send") return Reflect.get(target, prop, receiver) as unknown;
        return async (command: Parameters<S3Client["send"]>[0], sendOptions?: { abortSignal?: AbortSignal }) => {
          if (command instanceof UploadPartCommand) {
            if (partFailure !== undefined) throw partFailure;
            try {
              return await target.send(command, { ...sendOptions, abortSignal: abortController.signal });
            } catch (err) {
              partFailure ??= err;
              throw err;
            }
          }
          if (command instanceof CompleteMultipartUploadCommand && checkIfMatch !== undefined)
            await this.#checkIfMatch(ref, checkIfMatch, "write", signal);
          if (command instanceof PutObjectCommand) return target.send(command, { ...sendOptions, abortSignal: abortController.signal });
          return target.send(command, sendOptions);
        };
      },
    });
    const partSize = Math.max(this.#partSize, contentLength ? Math.ceil(contentLength / MAX_PARTS) : 0);
    const upload = new Upload({
      client: guarded,
      params: {
        Bucket: ref.bucket,
        Key: ref.path,
        Body: body,
        ContentType: options.contentType,
        ContentLength: contentLength,
        ...conditions,
      },
      partSize,
      queueSize: this.#queueSize,
      leavePartsOnError: false,
      abortController,
    });
    if (onProgress) upload.on("httpUploadProgress", (p) => onProgress({ bytes: p.loaded ?? 0, totalBytes: p.total ?? contentLength }));
    try {
      const out = await upload.done();
      return { version: versionOf(out.ETag, ctx) };
    } catch (err) {
      // On abort, done() rejects at once while lib-storage winds down in the background; abort the
      // server-side upload now (a repeat abort answers NoSuchUpload, which is harmless).
      if (abortController.signal.aborted && upload.uploadId) {
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: ref.bucket, Key: ref.path, UploadId: upload.uploadId }))
          .catch(() => undefined);
      }
      signal?.throwIfAborted();
      throw toStorageError(err, ctx);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Copies part by part with UploadPartCopy, then completes under the destination precondition. */
  async #multipartCopy(
    src: ObjectRef,
    dst: ObjectRef,
    head: HeadObjectCommandOutput,
    precondition: WritePrecondition | undefined,
    signal: AbortSignal | undefined,
  ): Promise<WriteResult> {
    const ctx = this.#ctx("copy", dst, precondition);
    const size = head.ContentLength ?? 0;
    const created = await this.#call(ctx, signal, (client) =>
      client.send(
        new CreateMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.path, ContentType: head.ContentType, Metadata: head.Metadata }),
        { abortSignal: signal },
      ),
    );
    const uploadId = created.UploadId;
    if (!uploadId)
      throw new StorageError("CreateMultipartUpload returned no upload id", {
        code: "UNEXPECTED",
        operation: "copy",
        protocol: S3_PROTOCOL,
        key: dst.key,
      });
    try {
      const partSize = Math.max(this.#copyPartSize, Math.ceil(size / MAX_PARTS));
      const count = Math.max(1, Math.ceil(size / partSize));
      const parts: CompletedPart[] = [];
      let next = 0;
      let failed = false;
      const worker = async () => {
        while (!failed && next < count) {
          const index = next++;
          const start = index * partSize;
          const end = Math.min(size, start + partSize) - 1;
          try {
            const out = await this.#call(ctx, signal, (client) =>
              client.send(
                new UploadPartCopyCommand({
                  Bucket: dst.bucket,
                  Key: dst.path,
                  UploadId: uploadId,
                  PartNumber: index + 1,
                  CopySource: copySource(src),
                  CopySourceRange: count === 1 ? undefined : `bytes=${start}-${end}`,
                  // Every part must come from the same source version.
                  CopySourceIfMatch: head.ETag,
                }),
                { abortSignal: signal },
              ),
            );
            parts[index] = { PartNumber: index + 1, ETag: out.CopyPartResult?.ETag };
          } catch (err) {
            failed = true;
            if (isStorageError(err, "PRECONDITION_FAILED")) {
              throw new StorageError("the source changed during the multipart copy", {
                code: "UNAVAILABLE",
                operation: "copy",
                protocol: S3_PROTOCOL,
                key: src.key,
                hint: "Retry the copy",
                cause: err,
              });
            }
            throw err;
          }
        }
      };
      const settled = await Promise.allSettled(Array.from({ length: Math.min(this.#queueSize, count) }, worker));
      const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (rejected) throw rejected.reason;
      if (this.#emulate.multipartIfMatch && precondition && "ifMatch" in precondition)
        await this.#checkIfMatch(dst, precondition.ifMatch, "copy", signal);
      const done = await this.#call(ctx, signal, (client) =>
        client.send(
          new CompleteMultipartUploadCommand({
            Bucket: dst.bucket,
            Key: dst.path,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
            ...toConditions(precondition),
          }),
          { abortSignal: signal },
        ),
      );
      return { version: versionOf(done.ETag, ctx) };
    } catch (err) {
      await this.#getClient()
        .send(new AbortMultipartUploadCommand({ Bucket: dst.bucket, Key: dst.path, UploadId: uploadId }))
        .catch(() => undefined);
      throw err;
    }
  }

  /** The emulated `If-Match`: HEAD the destination and compare ETags (not atomic; see S3PreconditionEmulation). */
  async #checkIfMatch(ref: ObjectRef, expected: string, operation: StorageOperation, signal?: AbortSignal): Promise<void> {
    const head = await this.#head(ref, operation, signal);
    if (!head || normaliseEtag(head.ETag) !== normaliseEtag(expected)) {
      throw new StorageError(head ? "the object changed since it was read" : "the object no longer exists", {
        code: "PRECONDITION_FAILED",
        operation,
        protocol: S3_PROTOCOL,
        key: ref.key,
      });
    }
  }
}

/** Creates an `s3://` store. Nothing is contacted until the first operation. */
export function createS3Storage(options: S3StorageOptions = {}): S3Storage {
  return new S3Storage(options);
}

function toConditions(precondition: WritePrecondition | undefined): Conditions {
  if (!precondition) return {};
  return "ifNoneMatch" in precondition ? { IfNoneMatch: "*" } : { IfMatch: normaliseEtag(precondition.ifMatch) };
}

/** ETags arrive quoted (`"abc"`); keep one canonical, quoted form so tokens compare equal. */
function normaliseEtag(etag: string | undefined): string | undefined {
  return etag === undefined ? undefined : `"${etag.replace(/^W\//, "").replace(/"/g, "")}"`;
}

function versionOf(etag: string | undefined, ctx: S3ErrorContext): string {
  const version = normaliseEtag(etag);
  if (version === undefined) {
    throw new StorageError("the response carried no ETag", {
      code: "UNEXPECTED",
      operation: ctx.operation,
      protocol: S3_PROTOCOL,
      key: ctx.key,
    });
  }
  return version;
}

/** `x-amz-copy-source` must be URL-encoded, keeping the `/` separators. */
function copySource(ref: ObjectRef): string {
  return `${ref.bucket}/${ref.path.split("/").map(encodeURIComponent).join("/")}`;
}

function invalidKey(operation: StorageOperation, key: string, why: string, hint: string): StorageError {
  return new StorageError(why, { code: "INVALID_KEY", operation, protocol: S3_PROTOCOL, key, hint });
}

function checkSize(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StorageError(`option ${name} must be an integer from ${min} to ${max}, got ${value}`, {
      code: "CONFIG_INVALID",
      operation: "connect",
      protocol: S3_PROTOCOL,
      key: "",
    });
  }
  return value;
}

/** The endpoint this store will use: the config's string endpoint, else the SDK's environment variables. */
function configuredEndpoint(config: S3ClientConfig): string | undefined {
  if (typeof config.endpoint === "string") return config.endpoint;
  if (config.endpoint !== undefined) return undefined;
  if (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === "true") return undefined;
  return process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
}

/** The endpoint without credentials or query: `http://host:port/path`. */
function endpointLabel(endpoint: string): string | undefined {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  } catch {
    return undefined;
  }
}
