/**
 * S3-specific checks, verified through the raw SDK rather than the backend under test:
 * native precondition headers, server-side and multipart copy, multipart upload (bounded
 * memory, progress, abort on failure), bad input, timeouts and secrets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getStorage, isStorageError, resolveLocation, StorageError, type Storage } from "@lazyscribe/core";
import { createS3Storage, S3Storage, type S3StorageOptions } from "@lazyscribe/s3";
import { createTestBucket, deleteTestBucket, randomBucketName, rawS3Client, s3Emulation, s3Endpoint } from "./s3-env.js";

const MiB = 1024 * 1024;
const text = new TextDecoder();

interface SentRequest {
  command: string;
  headers: Record<string, string>;
}

/** A client that records every command it sends (name and final HTTP headers). */
function recordingClient(config: S3ClientConfig = {}): { client: S3Client; sent: SentRequest[] } {
  const client = new S3Client({ endpoint: s3Endpoint(), forcePathStyle: true, region: "us-east-1", ...config });
  const sent: SentRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      sent.push({ command: String(context.commandName), headers: { ...request.headers } });
      return next(args);
    },
    { step: "finalizeRequest", name: "lazyscribeTestRecorder" },
  );
  return { client, sent };
}

function commands(sent: SentRequest[]): string[] {
  return sent.map((s) => s.command);
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

async function rawBytes(raw: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await raw.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function openUploads(raw: S3Client, bucket: string): Promise<number> {
  const out = await raw.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return out.Uploads?.length ?? 0;
}

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function patterned(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 12)) % 251;
  return b;
}

/** A byte stream that produces `total` bytes in `chunk`-sized pieces, counting what it produced. */
function countingStream(
  total: number,
  chunk: number,
  failAfter?: number,
  observe?: (produced: number) => void,
): { stream: Readable; produced: () => number } {
  let produced = 0;
  const stream = new Readable({
    read() {
      if (failAfter !== undefined && produced >= failAfter) {
        this.destroy(new Error("source stream broke"));
        return;
      }
      if (produced >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunk, total - produced);
      produced += n;
      observe?.(produced);
      this.push(patterned(n));
    },
  });
  return { stream, produced: () => produced };
}

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETKEY";

/** A fake S3 endpoint answering every request with one canned error. */
async function cannedServer(
  status: number,
  code: string,
  message: string,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits++;
    req.resume();
    req.on("end", () => {
      res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": "test" });
      res.end(
        req.method === "HEAD"
          ? undefined
          : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>test</RequestId></Error>`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("s3 backend", () => {
  let raw: S3Client;
  let bucket: string;
  let otherBucket: string;
  const opened: Storage[] = [];

  /** A store on the test endpoint; `client` replaces the default one. */
  function store(options: S3StorageOptions = {}): S3Storage {
    const s = createS3Storage({ endpoint: s3Endpoint(), emulatePreconditions: s3Emulation(), ...options } as S3StorageOptions);
    opened.push(s);
    return s;
  }

  beforeAll(async () => {
    raw = rawS3Client();
    bucket = await createTestBucket(raw, "be");
    otherBucket = await createTestBucket(raw, "be2");
  });

  afterAll(async () => {
    for (const s of opened) await s.close?.();
    await deleteTestBucket(raw, bucket);
    await deleteTestBucket(raw, otherBucket);
    raw.destroy();
  });

  describe("settings and identity", () => {
    it("is registered for s3:// URLs and builds a store from open() settings", async () => {
      const { storage, path } = await resolveLocation(`s3://${bucket}/dir/project.json`, { endpoint: s3Endpoint() });
      expect(storage).toBeInstanceOf(S3Storage);
      expect(path).toBe(`${bucket}/dir/project.json`);
      const shared = await getStorage("s3");
      expect(shared.storeId).toBe(`s3:${s3Endpoint().replace(/\/+$/, "")}`);
    });

    it("derives storeId from the endpoint (never the bucket or credentials)", () => {
      const a = createS3Storage({
        endpoint: "http://alice:pw@127.0.0.1:9000/",
        credentials: { accessKeyId: "AKIA", secretAccessKey: SECRET },
      });
      const b = createS3Storage({ endpoint: "http://127.0.0.1:9000" });
      const c = createS3Storage({ endpoint: "http://127.0.0.1:9001" });
      expect(a.storeId).toBe("s3:http://127.0.0.1:9000");
      expect(b.storeId).toBe(a.storeId);
      expect(c.storeId).not.toBe(a.storeId);
      const ready = createS3Storage({ client: new S3Client({ region: "us-east-1" }) });
      const ready2 = createS3Storage({ client: new S3Client({ region: "us-east-1" }) });
      expect(ready.storeId).not.toBe(ready2.storeId);
      expect(createS3Storage({ client: new S3Client({}), storeId: "s3:mine" }).storeId).toBe("s3:mine");
    });

    it("uses AWS's one namespace when no endpoint is configured", () => {
      vi.stubEnv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
      try {
        expect(createS3Storage({ region: "eu-west-1" }).storeId).toBe("s3:aws");
        expect(createS3Storage({ region: "us-west-2" }).storeId).toBe("s3:aws");
      } finally {
        vi.unstubAllEnvs();
      }
    });

    it("keeps credentials out of JSON, inspection and error messages", async () => {
      const storage = createS3Storage({
        endpoint: "http://user:endpointpassword@127.0.0.1:1",
        credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: SECRET },
        maxAttempts: 1,
      });
      const shown = [JSON.stringify(storage), inspect(storage, { depth: 10, showHidden: true }), String(storage)].join("\n");
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain("endpointpassword");
      const err = await failure(storage.read("b/k"));
      expect(isStorageError(err, "UNAVAILABLE")).toBe(true);
      const message = `${(err as Error).message}\n${inspect(err, { depth: 6 })}`;
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain("endpointpassword");
    });

    it("refuses out-of-range knobs with CONFIG_INVALID", () => {
      expect(() => createS3Storage({ partSize: 1024 })).toThrow(StorageError);
      try {
        createS3Storage({ queueSize: 0 });
      } catch (err) {
        expect(isStorageError(err, "CONFIG_INVALID")).toBe(true);
        expect((err as Error).message).toContain("queueSize");
      }
    });
  });

  describe("preconditions are sent natively", () => {
    it("PutObject carries If-None-Match: * and If-Match: <etag>", async () => {
      const { client, sent } = recordingClient();
      const storage = store({ client });
      const key = `${bucket}/native/put.txt`;
      const first = await storage.write(key, "one", { precondition: { ifNoneMatch: "*" } });
      const put1 = sent.find((s) => s.command === "PutObjectCommand")!;
      expect(put1.headers["if-none-match"]).toBe("*");
      sent.length = 0;
      await storage.write(key, "two", { precondition: { ifMatch: first.version } });
      const put2 = sent.find((s) => s.command === "PutObjectCommand")!;
      expect(put2.headers["if-match"]).toBe(first.version);
      // The version token is the ETag the raw SDK sees.
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: "native/put.txt" }));
      expect((await storage.stat(key))?.version).toBe(head.ETag);
    });

    it("CopyObject carries the destination precondition when the store enforces it", async () => {
      const { client, sent } = recordingClient();
      const storage = store({ client, emulatePreconditions: {} });
      await storage.write(`${bucket}/native/src.txt`, "payload");
      await storage.copy(`${bucket}/native/src.txt`, `${bucket}/native/copy-dst.txt`, { precondition: { ifNoneMatch: "*" } });
      const copy = sent.find((s) => s.command === "CopyObjectCommand")!;
      expect(copy.headers["if-none-match"]).toBe("*");
    });

    it("a multipart stream upload completes with If-None-Match, and a refused one leaves no parts behind", async () => {
      const { client, sent } = recordingClient();
      const storage = store({ client, partSize: 5 * MiB });
      const key = `${bucket}/native/multi.bin`;
      const payload = patterned(11 * MiB);
      await storage.write(key, Readable.from([payload]), { precondition: { ifNoneMatch: "*" } });
      expect(commands(sent).filter((c) => c === "UploadPartCommand")).toHaveLength(3);
      const complete = sent.find((s) => s.command === "CompleteMultipartUploadCommand")!;
      expect(complete.headers["if-none-match"]).toBe("*");
      expect((await rawBytes(raw, bucket, "native/multi.bin")).equals(payload)).toBe(true);

      const err = await failure(storage.write(key, Readable.from([patterned(6 * MiB)]), { precondition: { ifNoneMatch: "*" } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect((await rawBytes(raw, bucket, "native/multi.bin")).equals(payload)).toBe(true);
      expect(await eventually(async () => (await openUploads(raw, bucket)) === 0)).toBe(true);
    });

    it("a multipart upload with a stale If-Match is refused and aborted", async () => {
      const storage = store({ partSize: 5 * MiB });
      const key = `${bucket}/native/multi-cas.bin`;
      const v1 = await storage.write(key, "v1");
      await storage.write(key, "v2");
      const err = await failure(storage.write(key, Readable.from([patterned(6 * MiB)]), { precondition: { ifMatch: v1.version } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(text.decode(await rawBytes(raw, bucket, "native/multi-cas.bin"))).toBe("v2");
      expect(await eventually(async () => (await openUploads(raw, bucket)) === 0)).toBe(true);
      const v3 = await storage.write(key, Readable.from([patterned(6 * MiB)]), {
        precondition: { ifMatch: (await storage.stat(key))!.version },
      });
      expect((await storage.stat(key))!.version).toBe(v3.version);
    });

    it("ifMatch on an absent key is PRECONDITION_FAILED, not NOT_FOUND", async () => {
      const storage = store();
      const err = await failure(storage.write(`${bucket}/native/never.txt`, "x", { precondition: { ifMatch: '"0123"' } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    });
  });

  describe("copy", () => {
    it("copies server-side: no object bytes are downloaded or uploaded by the client", async () => {
      const { client, sent } = recordingClient();
      const storage = store({ client });
      const payload = patterned(2 * MiB);
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: "copy/src.bin", Body: payload }));
      sent.length = 0;
      const { version } = await storage.copy(`${bucket}/copy/src.bin`, `${otherBucket}/copy/dst.bin`);
      expect(commands(sent)).toEqual(["HeadObjectCommand", "CopyObjectCommand"]);
      expect((await rawBytes(raw, otherBucket, "copy/dst.bin")).equals(payload)).toBe(true);
      const head = await raw.send(new HeadObjectCommand({ Bucket: otherBucket, Key: "copy/dst.bin" }));
      expect(version).toBe(head.ETag);
    });

    it("copies large objects with UploadPartCopy (threshold lowered for the test)", async () => {
      const { client, sent } = recordingClient();
      const storage = store({ client, multipartCopyThreshold: 1 * MiB, multipartCopyPartSize: 5 * MiB, emulatePreconditions: {} });
      const payload = patterned(11 * MiB + 123);
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: "copy/big.bin", Body: payload, ContentType: "application/x-test" }));
      sent.length = 0;
      const { version } = await storage.copy(`${bucket}/copy/big.bin`, `${otherBucket}/copy/big.bin`);
      const used = commands(sent);
      expect(used.filter((c) => c === "UploadPartCopyCommand")).toHaveLength(3);
      expect(used).not.toContain("GetObjectCommand");
      expect(used).not.toContain("UploadPartCommand");
      const ranges = sent.filter((s) => s.command === "UploadPartCopyCommand").map((s) => s.headers["x-amz-copy-source-range"]);
      expect(ranges.sort()).toEqual(
        [`bytes=0-${5 * MiB - 1}`, `bytes=${10 * MiB}-${11 * MiB + 122}`, `bytes=${5 * MiB}-${10 * MiB - 1}`].sort(),
      );
      expect((await rawBytes(raw, otherBucket, "copy/big.bin")).equals(payload)).toBe(true);
      const head = await raw.send(new HeadObjectCommand({ Bucket: otherBucket, Key: "copy/big.bin" }));
      expect(version).toBe(head.ETag);
      expect(head.ContentType).toBe("application/x-test");
      expect(await openUploads(raw, otherBucket)).toBe(0);
    });

    it("a multipart copy refused by its precondition is aborted and leaves the destination intact", async () => {
      const storage = store({ multipartCopyThreshold: 1 * MiB, multipartCopyPartSize: 5 * MiB });
      await storage.write(`${bucket}/copy/mp-src.bin`, patterned(6 * MiB));
      await storage.write(`${bucket}/copy/mp-dst.bin`, "existing");
      const err = await failure(
        storage.copy(`${bucket}/copy/mp-src.bin`, `${bucket}/copy/mp-dst.bin`, { precondition: { ifNoneMatch: "*" } }),
      );
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(text.decode(await rawBytes(raw, bucket, "copy/mp-dst.bin"))).toBe("existing");
      expect(await eventually(async () => (await openUploads(raw, bucket)) === 0)).toBe(true);
    });

    it("copies a 0-byte object, with and without a precondition", async () => {
      const storage = store();
      await storage.write(`${bucket}/copy/empty`, new Uint8Array());
      await storage.copy(`${bucket}/copy/empty`, `${bucket}/copy/empty-a`);
      await storage.copy(`${bucket}/copy/empty`, `${bucket}/copy/empty-b`, { precondition: { ifNoneMatch: "*" } });
      for (const k of ["copy/empty-a", "copy/empty-b"]) expect((await rawBytes(raw, bucket, k)).byteLength).toBe(0);
    });

    it("copy honours ifMatch on the destination", async () => {
      const storage = store();
      await storage.write(`${bucket}/copy/cas-src.txt`, "new");
      const old = await storage.write(`${bucket}/copy/cas-dst.txt`, "old");
      await storage.write(`${bucket}/copy/cas-dst.txt`, "newer");
      const err = await failure(
        storage.copy(`${bucket}/copy/cas-src.txt`, `${bucket}/copy/cas-dst.txt`, { precondition: { ifMatch: old.version } }),
      );
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(text.decode(await rawBytes(raw, bucket, "copy/cas-dst.txt"))).toBe("newer");
      const current = (await storage.stat(`${bucket}/copy/cas-dst.txt`))!.version;
      await storage.copy(`${bucket}/copy/cas-src.txt`, `${bucket}/copy/cas-dst.txt`, { precondition: { ifMatch: current } });
      expect(text.decode(await rawBytes(raw, bucket, "copy/cas-dst.txt"))).toBe("new");
    });
  });

  describe("streaming", () => {
    it("uploads a stream in parts with bounded read-ahead and reports progress", async () => {
      const partSize = 5 * MiB;
      const queueSize = 2;
      const { client, sent } = recordingClient();
      let acknowledged = 0;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const out = await next(args);
          if (context.commandName === "UploadPartCommand") acknowledged += partSize;
          return out;
        },
        { step: "initialize", name: "ackCounter" },
      );
      const storage = store({ client, partSize, queueSize });
      const total = 48 * MiB;
      let maxAhead = 0;
      const source = countingStream(total, 256 * 1024, undefined, (produced) => (maxAhead = Math.max(maxAhead, produced - acknowledged)));
      const progress: Array<{ bytes: number; totalBytes?: number }> = [];
      await storage.write(`${bucket}/stream/big.bin`, source.stream, { contentLength: total, onProgress: (p) => progress.push(p) });
      expect(commands(sent).filter((c) => c === "UploadPartCommand").length).toBe(Math.ceil(total / partSize));
      // Parts in flight + the part being filled + stream buffers: far below the body size.
      expect(maxAhead).toBeLessThanOrEqual((queueSize + 1) * partSize + 2 * MiB);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toEqual({ bytes: total, totalBytes: total });
      for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytes).toBeGreaterThanOrEqual(progress[i - 1]!.bytes);
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: "stream/big.bin" }));
      expect(head.ContentLength).toBe(total);
    });

    it("a source stream that fails mid-upload aborts the multipart upload and writes nothing", async () => {
      const storage = store({ partSize: 5 * MiB });
      const source = countingStream(40 * MiB, 256 * 1024, 12 * MiB);
      const err = await failure(storage.write(`${bucket}/stream/broken.bin`, source.stream));
      expect(isStorageError(err)).toBe(true);
      expect(String((err as Error).message)).toContain("source stream broke");
      expect(await storage.stat(`${bucket}/stream/broken.bin`)).toBeNull();
      expect(await eventually(async () => (await openUploads(raw, bucket)) === 0)).toBe(true);
    });

    it("an aborted upload rejects with the signal's reason and leaves no upload open", async () => {
      const storage = store({ partSize: 5 * MiB });
      const controller = new AbortController();
      const reason = new Error("user cancelled");
      const source = countingStream(60 * MiB, 256 * 1024);
      const write = storage.write(`${bucket}/stream/aborted.bin`, source.stream, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes >= 5 * MiB) controller.abort(reason);
        },
      });
      expect(await failure(write)).toBe(reason);
      expect(await eventually(async () => (await openUploads(raw, bucket)) === 0, 10_000)).toBe(true);
      expect(await storage.stat(`${bucket}/stream/aborted.bin`)).toBeNull();
    });

    it("round-trips a 0-byte object written as an empty stream", async () => {
      const storage = store();
      await storage.write(`${bucket}/stream/empty`, Readable.from([]));
      const head = await raw.send(new HeadObjectCommand({ Bucket: bucket, Key: "stream/empty" }));
      expect(head.ContentLength).toBe(0);
      expect((await storage.read(`${bucket}/stream/empty`)).byteLength).toBe(0);
      const chunks: Buffer[] = [];
      for await (const c of await storage.readStream(`${bucket}/stream/empty`)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).byteLength).toBe(0);
    });

    it("reports read progress with the total size on read and readStream", async () => {
      const storage = store();
      const payload = patterned(3 * MiB);
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: "stream/read.bin", Body: payload }));
      const seen: Array<{ bytes: number; totalBytes?: number }> = [];
      const stream = await storage.readStream(`${bucket}/stream/read.bin`, { onProgress: (p) => seen.push(p) });
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(payload)).toBe(true);
      expect(seen.at(-1)).toEqual({ bytes: payload.length, totalBytes: payload.length });
      const whole: number[] = [];
      await storage.read(`${bucket}/stream/read.bin`, { onProgress: (p) => whole.push(p.bytes) });
      expect(whole.at(-1)).toBe(payload.length);
    });
  });

  describe("bad input", () => {
    it("a missing bucket is NOT_FOUND naming the bucket, and nothing is created", async () => {
      const storage = store();
      const missing = randomBucketName("missing");
      const calls: Array<[string, () => Promise<unknown>]> = [
        ["read", () => storage.read(`${missing}/a.txt`)],
        ["write", () => storage.write(`${missing}/a.txt`, "x")],
        ["stream write", () => storage.write(`${missing}/a.txt`, Readable.from([Buffer.from("x")]))],
        ["stat", () => storage.stat(`${missing}/a.txt`)],
        ["delete", () => storage.delete(`${missing}/a.txt`)],
        ["copy", () => storage.copy(`${bucket}/native/src.txt`, `${missing}/a.txt`)],
        [
          "list",
          async () => {
            for await (const _ of storage.list(`${missing}/`)) void _;
          },
        ],
      ];
      for (const [what, call] of calls) {
        const err = await failure(call());
        expect(isStorageError(err, "NOT_FOUND"), what).toBe(true);
        expect((err as Error).message, what).toContain(`"${missing}"`);
      }
      expect(await failure(raw.send(new HeadBucketCommand({ Bucket: missing })))).toBeTruthy();
    });

    it("a key naming a bucket or folder is INVALID_KEY and sends nothing", async () => {
      const { client, sent } = recordingClient();
      const storage = store({ client });
      for (const key of [bucket, `${bucket}/`, `${bucket}/dir/`, ""]) {
        const calls = [
          () => storage.write(key, "x"),
          () => storage.read(key),
          () => storage.readStream(key),
          () => storage.stat(key),
          () => storage.delete(key),
          () => storage.copy(`${bucket}/native/src.txt`, key),
        ];
        for (const call of calls) {
          expect(isStorageError(await failure(call()), "INVALID_KEY"), key).toBe(true);
        }
      }
      const listing = (async () => {
        for await (const _ of storage.list("")) void _;
      })();
      expect(isStorageError(await failure(listing), "INVALID_KEY")).toBe(true);
      expect(sent).toEqual([]);
    });

    it("lists a whole bucket from `bucket/` or `bucket`, skipping folder markers", async () => {
      const storage = store();
      const fresh = await createTestBucket(raw, "list");
      try {
        await raw.send(new PutObjectCommand({ Bucket: fresh, Key: "folder/", Body: new Uint8Array() }));
        await storage.write(`${fresh}/a.txt`, "a");
        await storage.write(`${fresh}/folder/b.txt`, "b");
        for (const prefix of [`${fresh}/`, fresh]) {
          const keys: string[] = [];
          for await (const e of storage.list(prefix)) keys.push(e.key);
          expect(keys.sort()).toEqual([`${fresh}/a.txt`, `${fresh}/folder/b.txt`]);
        }
      } finally {
        await deleteTestBucket(raw, fresh);
      }
    });

    it("wrong credentials are PERMISSION_DENIED, without the secret in the error", async () => {
      // moto accepts any credentials unless its IAM emulation is switched on at start-up, so a fake
      // endpoint answers as S3 does for an unknown key id and a bad signature.
      for (const code of ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"]) {
        const server = await cannedServer(403, code, "The request was refused.");
        try {
          const storage = createS3Storage({ endpoint: server.url, credentials: { accessKeyId: "AKIAWRONG", secretAccessKey: SECRET } });
          for (const call of [() => storage.read("b/k.txt"), () => storage.write("b/k.txt", "x"), () => storage.stat("b/k.txt")]) {
            const err = await failure(call());
            expect(isStorageError(err, "PERMISSION_DENIED"), code).toBe(true);
            expect((err as StorageError).retryable).toBe(false);
            expect(`${(err as Error).message} ${inspect(err, { depth: 8 })}`).not.toContain(SECRET);
          }
          await storage.close();
        } finally {
          await server.close();
        }
      }
    });

    it("maps 409 ConditionalRequestConflict to a retryable PRECONDITION_FAILED and SlowDown to RATE_LIMITED", async () => {
      const conflict = await cannedServer(409, "ConditionalRequestConflict", "A conflicting operation occurred.");
      const slow = await cannedServer(503, "SlowDown", "Please reduce your request rate.");
      try {
        const a = createS3Storage({ endpoint: conflict.url, maxAttempts: 1 });
        const err = await failure(a.write("b/k", "x", { precondition: { ifNoneMatch: "*" } }));
        expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
        expect((err as StorageError).retryable).toBe(true);
        const b = createS3Storage({ endpoint: slow.url, maxAttempts: 2, retryMode: "standard" });
        const err2 = await failure(b.read("b/k"));
        expect(isStorageError(err2, "RATE_LIMITED")).toBe(true);
        expect((err2 as StorageError).retryable).toBe(true);
        expect(slow.hits()).toBe(2); // the SDK retried once with backoff
      } finally {
        await conflict.close();
        await slow.close();
      }
    });

    it("an endpoint refusing connections is UNAVAILABLE within a bounded time", async () => {
      const probe = await cannedServer(200, "", "");
      const url = probe.url;
      await probe.close(); // the port is now closed
      const storage = createS3Storage({ endpoint: url, maxAttempts: 2, requestHandler: { connectionTimeout: 500, socketTimeout: 1000 } });
      const started = Date.now();
      const err = await failure(storage.read("b/k"));
      expect(isStorageError(err, "UNAVAILABLE")).toBe(true);
      expect((err as StorageError).retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it("an endpoint that accepts but never answers is UNAVAILABLE within the socket timeout", async () => {
      const sockets = new Set<Socket>();
      const server: TcpServer = createTcpServer((s) => {
        sockets.add(s);
        s.on("error", () => undefined);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const { port } = server.address() as { port: number };
      try {
        const storage = createS3Storage({
          endpoint: `http://127.0.0.1:${port}`,
          maxAttempts: 2,
          requestHandler: { connectionTimeout: 500, socketTimeout: 700 },
        });
        const started = Date.now();
        const err = await failure(storage.stat("b/k"));
        expect(isStorageError(err, "UNAVAILABLE")).toBe(true);
        expect(Date.now() - started).toBeLessThan(5000);
        await storage.close();
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((r) => server.close(r));
      }
    });
  });
});
