/**
 * Azure-specific checks, verified through the raw SDK rather than the backend under test:
 * native precondition headers, server-side copy, block uploads (bounded read-ahead, progress,
 * abort), bad input, timeouts and retries, secrets, and the registry.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateAccountSASQueryParameters,
  type BlobServiceClient,
} from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyAcross, isStorageError, resolveLocation, type Storage } from "@lazyscribe/core";
import { AzureStorage, createAzureStorage, type AzureStorageOptions } from "@lazyscribe/azure";
import {
  azureAccountKey,
  azureConnectionString,
  createTestContainer,
  deleteTestContainer,
  rawServiceClient,
  recordingServiceClient,
  sharedKeyCredential,
  type SentRequest,
} from "./azure-env.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const text = new TextDecoder();

let raw: BlobServiceClient;
let container: string;
let counter = 0;
const opened: Storage[] = [];

beforeAll(async () => {
  raw = rawServiceClient();
  container = await createTestContainer(raw, "backend");
});

afterAll(async () => {
  for (const storage of opened) await storage.close?.();
  await deleteTestContainer(raw, container);
});

/** A store on the test account, closed after the file. */
function store(options: AzureStorageOptions = {}): AzureStorage {
  const storage = createAzureStorage({ connectionString: azureConnectionString(), ...options });
  opened.push(storage);
  return storage;
}

/** A store whose every request is recorded (the backend uses the given client as is). */
function recordingStore(options: AzureStorageOptions = {}): { storage: AzureStorage; sent: SentRequest[] } {
  const { client, sent } = recordingServiceClient();
  return { storage: store({ ...options, client }), sent };
}

function freshKey(name: string): string {
  return `${container}/${Date.now().toString(36)}-${++counter}/${name}`;
}

function blobOf(key: string): string {
  return key.slice(key.indexOf("/") + 1);
}

async function rawBytes(key: string): Promise<Buffer> {
  return raw.getContainerClient(container).getBlobClient(blobOf(key)).downloadToBuffer();
}

async function rawExists(key: string): Promise<boolean> {
  return raw.getContainerClient(container).getBlobClient(blobOf(key)).exists();
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

function isPutBlock(r: SentRequest): boolean {
  return r.method === "PUT" && /[?&]comp=block(&|$)/.test(r.url);
}

function isPutBlockList(r: SentRequest): boolean {
  return r.method === "PUT" && /[?&]comp=blocklist(&|$)/.test(r.url);
}

/** A connection string for the same account whose endpoint spells the host differently (another storeId). */
function otherEndpointConnectionString(): string {
  return azureConnectionString().replace("127.0.0.1", "localhost");
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("native preconditions", () => {
  it("ifNoneMatch sends If-None-Match: * on Put Blob and a refusal leaves the blob intact", async () => {
    const { storage, sent } = recordingStore();
    const key = freshKey("once.txt");
    await storage.write(key, "first", { precondition: { ifNoneMatch: "*" } });
    const put = sent.filter((r) => r.method === "PUT");
    expect(put).toHaveLength(1);
    expect(put[0]!.headers["if-none-match"]).toBe("*");
    const err = await failure(storage.write(key, "second", { precondition: { ifNoneMatch: "*" } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect(String((err as Error).message)).toContain("BlobAlreadyExists");
    expect((await rawBytes(key)).toString()).toBe("first");
  });

  it("ifMatch sends If-Match with the ETag that write, stat and list all return", async () => {
    const { storage, sent } = recordingStore();
    const key = freshKey("cas.txt");
    const v1 = await storage.write(key, "v1");
    const props = await raw.getContainerClient(container).getBlobClient(blobOf(key)).getProperties();
    expect(v1.version).toBe(props.etag);
    expect((await storage.stat(key))?.version).toBe(v1.version);
    const listed: string[] = [];
    for await (const entry of storage.list(key)) listed.push(entry.version);
    expect(listed).toEqual([v1.version]);
    sent.length = 0;
    await storage.write(key, "v2", { precondition: { ifMatch: v1.version } });
    expect(sent.find((r) => r.method === "PUT")?.headers["if-match"]).toBe(v1.version);
    const err = await failure(storage.write(key, "stale", { precondition: { ifMatch: v1.version } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect((await rawBytes(key)).toString()).toBe("v2");
  });

  it("a block upload carries the precondition on Put Block List and commits nothing when it fails", async () => {
    const { storage, sent } = recordingStore({ blockSize: 256 * KiB });
    const key = freshKey("blocks.bin");
    const first = randomBytes(MiB);
    await storage.write(key, Readable.from([first]), { precondition: { ifNoneMatch: "*" } });
    expect(sent.filter(isPutBlock).length).toBe(4);
    const commits = sent.filter(isPutBlockList);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.headers["if-none-match"]).toBe("*");
    const err = await failure(storage.write(key, Readable.from([randomBytes(MiB)]), { precondition: { ifNoneMatch: "*" } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect((await rawBytes(key)).equals(first)).toBe(true);
  });

  it("bytes larger than a block go up as blocks, with If-Match on Put Block List", async () => {
    const { storage, sent } = recordingStore({ blockSize: 256 * KiB });
    const key = freshKey("bytes-blocks.bin");
    const v1 = await storage.write(key, "small");
    sent.length = 0;
    const payload = randomBytes(MiB + 1);
    await storage.write(key, payload, { precondition: { ifMatch: v1.version } });
    expect(sent.filter(isPutBlock)).toHaveLength(5);
    expect(sent.filter(isPutBlockList).map((r) => r.headers["if-match"])).toEqual([v1.version]);
    const err = await failure(storage.write(key, randomBytes(MiB), { precondition: { ifMatch: v1.version } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect((await rawBytes(key)).equals(payload)).toBe(true);
  });

  it("a block upload overtaken by another writer's commit fails cleanly (InvalidBlockList)", async () => {
    // Azure (and azurite) discard a blob's uncommitted blocks when anyone commits it.
    for (const precondition of [undefined, { ifNoneMatch: "*" } as const]) {
      const { storage, sent } = recordingStore({ blockSize: 128 * KiB, uploadConcurrency: 1 });
      const key = freshKey("overtaken.bin");
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* body() {
        yield randomBytes(300 * KiB);
        await gate;
        yield randomBytes(10 * KiB);
      }
      const writing = failure(storage.write(key, body(), { precondition }));
      while (sent.filter((r) => isPutBlock(r) && r.status === 201).length < 2) await new Promise((r) => setTimeout(r, 10));
      // The other writer commits a block list. (Azure also discards uncommitted blocks on a plain Put Blob;
      // azurite 3.35 does not, so a Put Blob here would let this writer's commit succeed on the emulator.)
      const other = raw.getContainerClient(container).getBlockBlobClient(blobOf(key));
      const id = Buffer.from(`other-${"0".repeat(42)}`).toString("base64"); // same length as the SDK's block ids
      await other.stageBlock(id, Buffer.from("other writer"), 12);
      await other.commitBlockList([id]);
      release();
      const err = await writing;
      expect(isStorageError(err, precondition ? "PRECONDITION_FAILED" : "UNAVAILABLE")).toBe(true);
      // With If-None-Match the service reports the existing blob (BlobAlreadyExists) before the block list.
      if (!precondition) expect(String((err as Error).message)).toContain("InvalidBlockList");
      expect((await rawBytes(key)).toString()).toBe("other writer");
    }
  });
});

describe("server-side copy", () => {
  it("copies with Copy Blob: one PUT with x-ms-copy-source and no body bytes through the client", async () => {
    const { storage, sent } = recordingStore();
    const src = freshKey("source.bin");
    const dst = freshKey("copy.bin");
    const payload = randomBytes(3 * MiB);
    await raw.getContainerClient(container).getBlockBlobClient(blobOf(src)).uploadData(payload);
    const result = await storage.copy(src, dst);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe("PUT");
    expect(sent[0]!.headers["x-ms-copy-source"]).toContain(encodeURI(blobOf(src)));
    const through = sent.reduce((n, r) => n + r.requestBytes + r.responseBytes, 0);
    expect(through).toBeLessThan(KiB);
    expect((await rawBytes(dst)).equals(payload)).toBe(true);
    expect(result.version).toBe((await raw.getContainerClient(container).getBlobClient(blobOf(dst)).getProperties()).etag);
  });

  it("sends the destination precondition on Copy Blob", async () => {
    const { storage, sent } = recordingStore();
    const src = freshKey("src.txt");
    const dst = freshKey("dst.txt");
    await storage.write(src, "payload");
    const existing = await storage.write(dst, "existing");
    sent.length = 0;
    const err = await failure(storage.copy(src, dst, { precondition: { ifNoneMatch: "*" } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect(sent[0]!.headers["x-ms-copy-source"]).toBeDefined();
    expect(sent[0]!.headers["if-none-match"]).toBe("*");
    expect(isStorageError(await failure(storage.copy(src, dst, { precondition: { ifMatch: '"0x1"' } })), "PRECONDITION_FAILED")).toBe(true);
    expect((await rawBytes(dst)).toString()).toBe("existing");
    await storage.copy(src, dst, { precondition: { ifMatch: existing.version } });
    expect((await rawBytes(dst)).toString()).toBe("payload");
  });

  it("copies keys with spaces and unicode", async () => {
    const storage = store();
    const src = freshKey("dir with space/é ü.json");
    const dst = freshKey("другой/ключ #1.json");
    await storage.write(src, "odd");
    await storage.copy(src, dst);
    expect((await rawBytes(dst)).toString()).toBe("odd");
  });

  it("a missing source is NOT_FOUND on the source key and creates nothing", async () => {
    const storage = store();
    const src = freshKey("missing");
    const dst = freshKey("never");
    const err = await failure(storage.copy(src, dst));
    expect(isStorageError(err, "NOT_FOUND")).toBe(true);
    expect((err as { key: string }).key).toBe(src);
    expect(await rawExists(dst)).toBe(false);
  });

  it("copyAcross stays server-side between containers of one account, and streams between endpoints", async () => {
    const other = await createTestContainer(raw, "other");
    try {
      const a = recordingStore();
      const b = recordingStore();
      expect(a.storage.storeId).toBe(b.storage.storeId);
      const src = freshKey("across.txt");
      await a.storage.write(src, "across");
      a.sent.length = 0;
      await copyAcross(a.storage, src, b.storage, `${other}/copied.txt`);
      expect(a.sent).toHaveLength(0);
      expect(b.sent.map((r) => r.method)).toEqual(["PUT"]);
      expect(b.sent[0]!.headers["x-ms-copy-source"]).toBeDefined();

      const elsewhere = store({ connectionString: otherEndpointConnectionString() });
      expect(elsewhere.storeId).not.toBe(a.storage.storeId);
      await copyAcross(a.storage, src, elsewhere, `${other}/streamed.txt`);
      expect(a.sent.some((r) => r.method === "GET")).toBe(true);
      expect((await raw.getContainerClient(other).getBlobClient("streamed.txt").downloadToBuffer()).toString()).toBe("across");
      expect((await raw.getContainerClient(other).getBlobClient("copied.txt").downloadToBuffer()).toString()).toBe("across");
    } finally {
      await deleteTestContainer(raw, other);
    }
  });
});

describe("a copy Azure does not finish at once", () => {
  // azurite always finishes Copy Blob in the request; real Azure may answer "pending" for large
  // blobs. This stub answers pending, then success on the second poll.
  let server: Server;
  const seen: string[] = [];
  let polls = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      seen.push(`${req.method} ${req.headers["x-ms-copy-source"] ? "copy" : ""}`.trim());
      const common = { "x-ms-request-id": "1", "x-ms-version": "2025-01-05", "last-modified": new Date().toUTCString() };
      if (req.method === "PUT") {
        res.writeHead(202, { ...common, etag: '"0xPENDING"', "x-ms-copy-id": "copy-1", "x-ms-copy-status": "pending" });
      } else {
        polls++;
        const done = polls >= 2;
        res.writeHead(200, {
          ...common,
          etag: done ? '"0xDONE"' : '"0xPENDING"',
          "content-length": "0",
          "x-ms-blob-type": "BlockBlob",
          "x-ms-copy-id": "copy-1",
          "x-ms-copy-status": done ? "success" : "pending",
          "x-ms-copy-progress": done ? "10/10" : "5/10",
        });
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is polled until done and returns the final ETag", async () => {
    const storage = store({
      connectionString: undefined,
      endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/devstoreaccount1`,
      credential: sharedKeyCredential(),
      copyPollIntervalMs: 20,
    });
    const result = await storage.copy("c/source.bin", "c/copy.bin");
    expect(result.version).toBe('"0xDONE"');
    expect(seen).toEqual(["PUT copy", "HEAD", "HEAD"]);
  });
});

describe("a download that stalls mid-body", () => {
  // The first response sends half the body and goes quiet; the idle timeout cuts it and the SDK
  // asks for the rest with a range pinned to the first response's ETag.
  let server: Server;
  const ranges: Array<string | undefined> = [];
  const payload = Buffer.from("0123456789");
  beforeAll(async () => {
    server = createServer((req, res) => {
      const range = req.headers["x-ms-range"] ?? req.headers.range;
      ranges.push(typeof range === "string" ? `${range} if-match=${String(req.headers["if-match"])}` : undefined);
      const common = {
        "x-ms-request-id": "1",
        "x-ms-version": "2025-01-05",
        etag: '"0xE"',
        "last-modified": new Date().toUTCString(),
        "x-ms-blob-type": "BlockBlob",
      };
      if (typeof range !== "string") {
        res.writeHead(200, { ...common, "content-length": String(payload.length) });
        res.write(payload.subarray(0, 5)); // and never more
        return;
      }
      const start = Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0);
      res.writeHead(206, { ...common, "content-length": String(payload.length - start), "content-range": `bytes ${start}-9/10` });
      res.end(payload.subarray(start));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("resumes from the offset after socketTimeoutMs", async () => {
    const storage = store({
      connectionString: undefined,
      endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/devstoreaccount1`,
      credential: sharedKeyCredential(),
      socketTimeoutMs: 300,
    });
    const started = Date.now();
    expect(Buffer.from(await storage.read("c/stalls.bin")).toString()).toBe("0123456789");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(ranges).toEqual([undefined, 'bytes=5-9 if-match="0xE"']);
  });
});

describe("streaming uploads", () => {
  it("stages a large stream in blocks with bounded read-ahead, reports progress and commits once", async () => {
    const blockSize = 256 * KiB;
    const { storage, sent } = recordingStore({ blockSize, uploadConcurrency: 2 });
    const key = freshKey("large.bin");
    const total = 8 * MiB;
    const chunk = 64 * KiB;
    const hash = createHash("sha256");
    let produced = 0;
    let maxAhead = 0;
    const staged = () => sent.filter((r) => isPutBlock(r) && r.status !== undefined).reduce((n, r) => n + r.requestBytes, 0);
    async function* body() {
      while (produced < total) {
        const bytes = randomBytes(chunk);
        hash.update(bytes);
        produced += bytes.length;
        maxAhead = Math.max(maxAhead, produced - staged());
        yield bytes;
      }
    }
    const progress: Array<{ bytes: number; totalBytes?: number }> = [];
    await storage.write(key, body(), { contentLength: total, onProgress: (p) => progress.push(p) });
    // Read-ahead: what was taken from the source but not yet acknowledged by Azure stays a few blocks.
    expect(maxAhead).toBeLessThanOrEqual(6 * blockSize);
    expect(sent.filter(isPutBlock)).toHaveLength(total / blockSize);
    expect(sent.filter(isPutBlockList)).toHaveLength(1);
    const bytes = progress.map((p) => p.bytes);
    expect(bytes).toEqual([...bytes].sort((x, y) => x - y));
    expect(progress.at(-1)).toEqual({ bytes: total, totalBytes: total });
    const stored = await rawBytes(key);
    expect(stored.length).toBe(total);
    expect(createHash("sha256").update(stored).digest("hex")).toBe(hash.digest("hex"));
  });

  it("a stream no longer than one block goes up in a single Put Blob", async () => {
    const { storage, sent } = recordingStore({ blockSize: 256 * KiB });
    const key = freshKey("small.bin");
    await storage.write(key, Readable.from([Buffer.from("ab"), Buffer.from("cd")]), { contentType: "text/plain" });
    expect(sent.map((r) => [r.method, isPutBlock(r) || isPutBlockList(r)])).toEqual([["PUT", false]]);
    const props = await raw.getContainerClient(container).getBlobClient(blobOf(key)).getProperties();
    expect(props.contentType).toBe("text/plain");
    expect((await rawBytes(key)).toString()).toBe("abcd");
  });

  it("an aborted block upload rejects with the signal's reason and commits nothing", async () => {
    const storage = store({ blockSize: 128 * KiB });
    const key = freshKey("aborted.bin");
    const controller = new AbortController();
    const reason = new Error("stop now");
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced += 32 * KiB;
        if (produced > MiB) controller.abort(reason);
        await new Promise((r) => setTimeout(r, 1));
        yield randomBytes(32 * KiB);
      }
    }
    const err = await failure(storage.write(key, endless(), { signal: controller.signal }));
    expect(err).toBe(reason);
    expect(await rawExists(key)).toBe(false);
  });

  it("a body stream that fails fails the write and commits nothing", async () => {
    const storage = store({ blockSize: 128 * KiB });
    const key = freshKey("broken.bin");
    async function* broken() {
      yield randomBytes(300 * KiB);
      throw new Error("disk went away");
    }
    const err = await failure(storage.write(key, broken()));
    expect(String((err as Error).message)).toContain("disk went away");
    expect(await rawExists(key)).toBe(false);
  });
});

describe("reads", () => {
  it("a 0-byte object round-trips, checked through the raw SDK", async () => {
    const storage = store();
    const key = freshKey("empty");
    await storage.write(key, new Uint8Array());
    expect((await raw.getContainerClient(container).getBlobClient(blobOf(key)).getProperties()).contentLength).toBe(0);
    const rawKey = freshKey("raw-empty");
    await raw.getContainerClient(container).getBlockBlobClient(blobOf(rawKey)).upload(Buffer.alloc(0), 0);
    expect((await storage.read(rawKey)).byteLength).toBe(0);
    const chunks: Buffer[] = [];
    for await (const c of await storage.readStream(rawKey)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).length).toBe(0);
    expect((await storage.stat(rawKey))?.size).toBe(0);
  });

  it("readStream streams what the raw SDK wrote and reports progress with the total", async () => {
    const storage = store();
    const key = freshKey("stream.bin");
    const payload = randomBytes(2 * MiB + 123);
    await raw.getContainerClient(container).getBlockBlobClient(blobOf(key)).uploadData(payload);
    const progress: Array<{ bytes: number; totalBytes?: number }> = [];
    const chunks: Buffer[] = [];
    for await (const c of await storage.readStream(key, { onProgress: (p) => progress.push(p) })) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    expect(progress.at(-1)).toEqual({ bytes: payload.length, totalBytes: payload.length });
  });

  it("aborting a readStream mid-way fails the stream with the signal's reason", async () => {
    const storage = store();
    const key = freshKey("abort-stream.bin");
    await raw
      .getContainerClient(container)
      .getBlockBlobClient(blobOf(key))
      .uploadData(randomBytes(4 * MiB));
    const controller = new AbortController();
    const reason = new Error("cancelled by user");
    const stream = await storage.readStream(key, { signal: controller.signal });
    let received = 0;
    const err = await failure(
      (async () => {
        for await (const chunk of stream) {
          received += (chunk as Buffer).length;
          if (received > 0) controller.abort(reason);
        }
      })(),
    );
    expect(err).toBe(reason);
    expect(received).toBeLessThan(4 * MiB);
  });

  it("an aborted read rejects with the signal's reason", async () => {
    const storage = store();
    const key = freshKey("abort-read.txt");
    await storage.write(key, "x");
    const controller = new AbortController();
    const reason = new Error("enough");
    controller.abort(reason);
    expect(await failure(storage.read(key, { signal: controller.signal }))).toBe(reason);
  });
});

describe("listing", () => {
  it("pages lazily and yields full keys", async () => {
    const { storage, sent } = recordingStore({ listPageSize: 2 });
    const base = freshKey("paged");
    for (let i = 0; i < 5; i++) await storage.write(`${base}/${i}.txt`, String(i));
    sent.length = 0;
    const keys: string[] = [];
    for await (const entry of storage.list(`${base}/`)) keys.push(entry.key);
    expect(keys.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${base}/${i}.txt`));
    expect(sent.filter((r) => /[?&]comp=list/.test(r.url))).toHaveLength(3);
    sent.length = 0;
    for await (const _ of storage.list(`${base}/`)) break;
    expect(sent).toHaveLength(1);
  });

  it("a prefix that is only the container lists the container, with or without a slash", async () => {
    const other = await createTestContainer(raw, "list");
    try {
      const storage = store();
      await storage.write(`${other}/a/b.txt`, "b");
      await storage.write(`${other}/c.txt`, "c");
      for (const prefix of [other, `${other}/`]) {
        const keys: string[] = [];
        for await (const entry of storage.list(prefix)) keys.push(entry.key);
        expect(keys.sort()).toEqual([`${other}/a/b.txt`, `${other}/c.txt`]);
      }
      expect(isStorageError(await failure(storage.list("")[Symbol.asyncIterator]().next()), "INVALID_KEY")).toBe(true);
    } finally {
      await deleteTestContainer(raw, other);
    }
  });
});

describe("bad input", () => {
  it("a missing container is NOT_FOUND with a hint naming it, for every operation", async () => {
    const storage = store();
    const missing = `lazyscribe-missing-${randomBytes(4).toString("hex")}`;
    const key = `${missing}/a.txt`;
    const existing = freshKey("here.txt");
    await storage.write(existing, "here");
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ["read", () => storage.read(key)],
      ["readStream", () => storage.readStream(key)],
      ["write", () => storage.write(key, "x")],
      ["stat", () => storage.stat(key)],
      ["delete", () => storage.delete(key)],
      ["list", () => storage.list(`${missing}/`)[Symbol.asyncIterator]().next()],
      ["copy to", () => storage.copy(existing, key)],
      ["copy from", () => storage.copy(key, freshKey("dst"))],
    ];
    for (const [what, attempt] of attempts) {
      const err = await failure(attempt());
      expect(isStorageError(err, "NOT_FOUND"), what).toBe(true);
      expect((err as Error).message, what).toContain(`"${missing}"`);
      expect((err as Error).message, what).toContain("az storage container create");
    }
  });

  it("keys that name a container or a folder are INVALID_KEY and nothing is written", async () => {
    const storage = store();
    const base = freshKey("dir");
    for (const key of [`${base}/`, container, `${container}/`, "", "/x"]) {
      expect(isStorageError(await failure(storage.write(key, "x")), "INVALID_KEY"), key).toBe(true);
      expect(isStorageError(await failure(storage.read(key)), "INVALID_KEY"), key).toBe(true);
      expect(isStorageError(await failure(storage.copy(freshKey("any"), key)), "INVALID_KEY"), key).toBe(true);
    }
    const keys: string[] = [];
    for await (const entry of raw.getContainerClient(container).listBlobsFlat({ prefix: blobOf(base) })) keys.push(entry.name);
    expect(keys).toEqual([]);
  });

  it("an invalid container name is INVALID_KEY", async () => {
    const err = await failure(store().write("Not_A_Container/x.txt", "x"));
    expect(isStorageError(err, "INVALID_KEY")).toBe(true);
  });

  it("wrong credentials are PERMISSION_DENIED, and no key or signature shows in the error", async () => {
    const wrongKey = randomBytes(64).toString("base64");
    const storage = store({ connectionString: azureConnectionString().replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`) });
    const key = freshKey("secret.txt");
    await store().write(key, "x");
    const denied = freshKey("y");
    for (const attempt of [() => storage.read(key), () => storage.write(denied, "y"), () => storage.stat(key)]) {
      const err = await failure(attempt());
      expect(isStorageError(err, "PERMISSION_DENIED")).toBe(true);
      const shown = [
        String(err),
        inspect(err, { depth: 10 }),
        JSON.stringify(err),
        String((err as Error).cause),
        inspect((err as Error).cause, { depth: 10 }),
      ].join("\n");
      for (const secret of [wrongKey, azureAccountKey(), "SharedKey "]) expect(shown).not.toContain(secret);
      // The SDK's RestError keeps the signed request (Authorization header, SAS URL); the cause must not.
      const cause = (err as Error).cause as object;
      expect(Object.getOwnPropertyNames(cause)).not.toContain("request");
      expect(Object.getOwnPropertyNames(cause)).not.toContain("response");
    }
    expect(await rawExists(denied)).toBe(false);
  });

  it("a refused connection is UNAVAILABLE within a bounded time, after the SDK's retries", async () => {
    const port = await closedPort();
    const storage = store({
      connectionString: undefined,
      endpoint: `http://127.0.0.1:${port}/devstoreaccount1`,
      credential: sharedKeyCredential(),
      retryOptions: { maxTries: 3, retryDelayInMs: 50 },
    });
    const started = Date.now();
    const err = await failure(storage.stat(`${container}/x`));
    expect(isStorageError(err, "UNAVAILABLE")).toBe(true);
    expect((err as { retryable: boolean }).retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe("an endpoint that accepts connections and never answers", () => {
    let server: TcpServer;
    const sockets: Socket[] = [];
    let connections = 0;
    beforeAll(async () => {
      server = createTcpServer((socket) => {
        connections++;
        sockets.push(socket);
        socket.on("error", () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("fails UNAVAILABLE after maxTries × socketTimeoutMs, retrying each time on a new connection", async () => {
      const storage = store({
        connectionString: undefined,
        endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/devstoreaccount1`,
        credential: sharedKeyCredential(),
        socketTimeoutMs: 300,
        retryOptions: { maxTries: 3, retryDelayInMs: 50 },
      });
      const started = Date.now();
      const err = await failure(storage.read(`${container}/x`));
      const elapsed = Date.now() - started;
      expect(isStorageError(err, "UNAVAILABLE")).toBe(true);
      expect(String((err as Error).message)).toContain("ETIMEDOUT");
      expect(connections).toBe(3);
      expect(elapsed).toBeGreaterThanOrEqual(3 * 300 - 50);
      expect(elapsed).toBeLessThan(4000);
    });
  });

  describe("a throttling endpoint", () => {
    let server: Server;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        hits++;
        req.resume();
        res.writeHead(503, { "x-ms-error-code": "ServerBusy", "content-type": "application/xml" });
        res.end('<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>slow down</Message></Error>');
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("is retried by the SDK's policy, then RATE_LIMITED and retryable", async () => {
      const storage = store({
        connectionString: undefined,
        endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}/devstoreaccount1`,
        credential: sharedKeyCredential(),
        retryOptions: { maxTries: 3, retryDelayInMs: 20 },
      });
      const err = await failure(storage.write(`${container}/x.txt`, "x"));
      expect(isStorageError(err, "RATE_LIMITED")).toBe(true);
      expect((err as { retryable: boolean }).retryable).toBe(true);
      expect(hits).toBe(3);
    });
  });

  it("no configuration at all is CONFIG_INVALID naming the variables to set", async () => {
    const saved = { cs: process.env.AZURE_STORAGE_CONNECTION_STRING, account: process.env.AZURE_STORAGE_ACCOUNT };
    delete process.env.AZURE_STORAGE_CONNECTION_STRING;
    delete process.env.AZURE_STORAGE_ACCOUNT;
    try {
      const storage = createAzureStorage();
      expect(storage.storeId).toBe("az:unconfigured");
      const err = await failure(storage.stat(`${container}/x`));
      expect(isStorageError(err, "CONFIG_INVALID")).toBe(true);
      expect((err as Error).message).toContain("AZURE_STORAGE_CONNECTION_STRING");
    } finally {
      if (saved.cs !== undefined) process.env.AZURE_STORAGE_CONNECTION_STRING = saved.cs;
      if (saved.account !== undefined) process.env.AZURE_STORAGE_ACCOUNT = saved.account;
    }
  });

  it("a malformed connection string is CONFIG_INVALID without echoing it", async () => {
    const bad = "AccountName=x;AccountKey=TOPSECRETVALUE123;Nonsense";
    const err = await failure(createAzureStorage({ connectionString: bad }).read(`${container}/x`));
    expect(isStorageError(err, "CONFIG_INVALID")).toBe(true);
    expect(inspect(err, { depth: 10 })).not.toContain("TOPSECRETVALUE123");
  });

  it("DefaultAzureCredential without any sign-in is CONFIG_INVALID with what to do", async () => {
    const err = await failure(
      createAzureStorage({ accountName: "lazyscribenoaccount", endpoint: "https://127.0.0.1:9/x" }).stat(`${container}/x`),
    );
    expect(isStorageError(err, "CONFIG_INVALID")).toBe(true);
    expect((err as Error).message).toContain("az login");
  }, 60_000);
});

describe("identity and secrets", () => {
  it("accepts adlfs's container@account.dfs.core.windows.net form and refuses another account", async () => {
    const storage = store();
    const segment = `${container}@devstoreaccount1.dfs.core.windows.net`;
    const base = `${segment}/${Date.now().toString(36)}-${++counter}`;
    await storage.write(`${base}/a.txt`, "adlfs");
    expect((await rawBytes(`${container}/${base.slice(segment.length + 1)}/a.txt`)).toString()).toBe("adlfs");
    const keys: string[] = [];
    for await (const entry of storage.list(`${base}/`)) keys.push(entry.key);
    expect(keys).toEqual([`${base}/a.txt`]);
    const elsewhere = createAzureStorage({ accountName: "lazyscribeone" });
    const err = await failure(elsewhere.read("data@lazyscribetwo.dfs.core.windows.net/x.json"));
    expect(isStorageError(err, "INVALID_KEY")).toBe(true);
    expect((err as Error).message).toContain('"lazyscribetwo"');
  });

  it("storeId is the account endpoint; inspection and JSON of the store show no key", () => {
    const storage = store();
    const endpoint = /BlobEndpoint=([^;]+)/.exec(azureConnectionString())?.[1];
    expect(storage.storeId).toBe(`az:${endpoint?.replace(/\/$/, "")}`);
    const shown = `${inspect(storage, { depth: 10, showHidden: true })}\n${JSON.stringify(storage)}`;
    expect(shown).not.toContain(azureAccountKey());
    expect(shown).not.toContain("AccountKey");
  });

  it("works with a SAS connection string, copy included, and keeps the SAS out of storeId and errors", async () => {
    const credential = sharedKeyCredential();
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3600_000),
        permissions: AccountSASPermissions.parse("rwdlac"),
        resourceTypes: AccountSASResourceTypes.parse("sco").toString(),
        services: AccountSASServices.parse("b").toString(),
      },
      credential,
    ).toString();
    const endpoint = /BlobEndpoint=([^;]+)/.exec(azureConnectionString())?.[1];
    const storage = store({ connectionString: `BlobEndpoint=${endpoint};SharedAccessSignature=${sas}` });
    expect(storage.storeId).not.toContain("sig=");
    const src = freshKey("sas.txt");
    const dst = freshKey("sas-copy.txt");
    await storage.write(src, "via sas");
    await storage.copy(src, dst);
    expect(text.decode(await storage.read(dst))).toBe("via sas");
    const signature = new URLSearchParams(sas).get("sig")!;
    const err = await failure(storage.read(`lazyscribe-missing-${randomBytes(3).toString("hex")}/x`));
    expect(isStorageError(err, "NOT_FOUND")).toBe(true);
    expect(inspect(err, { depth: 10 })).not.toContain(signature);
  });

  it("reads AZURE_STORAGE_CONNECTION_STRING when given no options", async () => {
    const storage = createAzureStorage();
    opened.push(storage);
    const key = freshKey("env.txt");
    await storage.write(key, "from env");
    expect((await rawBytes(key)).toString()).toBe("from env");
  });

  it("is registered for az:// and abfs:// locations, with settings passed through", async () => {
    const key = freshKey("registry.json");
    const viaAz = await resolveLocation(`az://${key}`, { connectionString: azureConnectionString() });
    expect(viaAz.storage).toBeInstanceOf(AzureStorage);
    expect(viaAz.path).toBe(key);
    await viaAz.storage.write(viaAz.path, "{}");
    const viaAbfs = await resolveLocation(`abfs://${key}`, { connectionString: azureConnectionString() });
    expect(viaAbfs.storage.protocol).toBe("az");
    expect(text.decode(await viaAbfs.storage.read(viaAbfs.path))).toBe("{}");
  });
});
