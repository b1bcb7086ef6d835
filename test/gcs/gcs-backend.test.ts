/**
 * GCS-specific checks, verified through the raw SDK or on the wire (a recording
 * proxy in front of fake-gcs-server), never only through the backend itself.
 */
import { globalAgent } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import { Storage } from "@google-cloud/storage";
import { OAuth2Client } from "google-auth-library";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getStorage, isStorageError, parseLocation, type StorageError } from "@lazyscribe/core";
import { createGcsStorage, GcsStorage, type GcsStorageOptions } from "@lazyscribe/gcs";
import { createTestBucket, deleteTestBucket, gcsEndpoint, gcsTestSettings, randomBucketName, rawGcsClient } from "./gcs-env.js";
import { startGcsProxy, type GcsProxy } from "./gcs-proxy.js";

const text = new TextDecoder();
const KiB = 1024;
const MiB = 1024 * KiB;
/** Quick SDK retries: each delay is capped at maxRetryDelay (seconds; the backend requires at least 1). */
const FAST_RETRY = { maxRetries: 3, maxRetryDelay: 1, retryDelayMultiplier: 1.1 } as const;

let raw: Storage;
let bucket: string;
let proxy: GcsProxy;
let counter = 0;
const key = (name: string) => `${bucket}/backend-${process.pid}-${++counter}/${name}`;
const nameOf = (k: string) => k.slice(bucket.length + 1);

async function failure(p: Promise<unknown>): Promise<StorageError> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e as StorageError,
  );
}

async function rawRead(k: string): Promise<Buffer> {
  const [data] = await raw.bucket(bucket).file(nameOf(k)).download();
  return data;
}

async function rawExists(k: string): Promise<boolean> {
  const [exists] = await raw.bucket(bucket).file(nameOf(k)).exists();
  return exists;
}

/** A store that talks to the emulator through the recording proxy. */
function viaProxy(options: Partial<GcsStorageOptions> = {}): GcsStorage {
  return createGcsStorage({ ...gcsTestSettings(), apiEndpoint: proxy.url, ...options } as GcsStorageOptions);
}

beforeAll(async () => {
  raw = rawGcsClient();
  bucket = await createTestBucket(raw, "backend");
  proxy = await startGcsProxy(gcsEndpoint());
});

afterAll(async () => {
  await proxy?.close();
  if (raw && bucket) await deleteTestBucket(raw, bucket);
});

afterEach(() => {
  proxy.fault = undefined;
  proxy.records.length = 0;
});

describe("gcs backend: objects as the raw SDK sees them", () => {
  it("writes what the raw SDK reads, with the generation as the version", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const k = key("a.json");
    const { version } = await storage.write(k, '{"a": 1}', { contentType: "application/json" });
    expect((await rawRead(k)).toString()).toBe('{"a": 1}');
    const [metadata] = await raw.bucket(bucket).file(nameOf(k)).getMetadata();
    expect(version).toBe(String(metadata.generation));
    expect(metadata.contentType).toBe("application/json");
    const info = await storage.stat(k);
    expect(info).toMatchObject({ size: 8, version: String(metadata.generation) });
  });

  it("round-trips a 0-byte object", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const k = key("empty");
    await storage.write(k, new Uint8Array());
    const [metadata] = await raw.bucket(bucket).file(nameOf(k)).getMetadata();
    expect(Number(metadata.size)).toBe(0);
    expect((await storage.read(k)).byteLength).toBe(0);
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.readStream(k)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).length).toBe(0);
    // An empty stream body too.
    const k2 = key("empty-stream");
    await storage.write(k2, Readable.from([]));
    expect((await rawRead(k2)).length).toBe(0);
  });

  it("reads what the raw SDK wrote, and lists full keys for `bucket`, `bucket/` and a prefix", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const k = key("raw-written.txt");
    await raw.bucket(bucket).file(nameOf(k)).save("from the SDK");
    expect(text.decode(await storage.read(k))).toBe("from the SDK");
    const under = async (prefix: string) => {
      const keys: string[] = [];
      for await (const entry of storage.list(prefix)) keys.push(entry.key);
      return keys;
    };
    expect(await under(k.slice(0, k.lastIndexOf("/") + 1))).toEqual([k]);
    expect(await under(`${bucket}/`)).toContain(k);
    expect(await under(bucket)).toContain(k);
  });
});

describe("gcs backend: preconditions on the wire", () => {
  it("ifNoneMatch sends ifGenerationMatch=0 and ifMatch sends the generation", async () => {
    const storage = viaProxy();
    const k = key("cas.txt");
    const first = await storage.write(k, "one", { precondition: { ifNoneMatch: "*" } });
    await storage.write(k, "two", { precondition: { ifMatch: first.version } });
    const uploads = proxy.records.filter((r) => r.path.startsWith("/upload/storage/v1/b/"));
    expect(uploads.map((r) => r.query.get("ifGenerationMatch"))).toEqual(["0", first.version]);
    expect(uploads.every((r) => r.query.get("uploadType") === "multipart")).toBe(true);
    expect((await rawRead(k)).toString()).toBe("two");
  });

  it("a resumable upload carries the precondition and fails with PRECONDITION_FAILED, leaving the object", async () => {
    const storage = viaProxy({ singleRequestMaxBytes: 0, chunkSize: 256 * KiB });
    const k = key("resumable-cas.bin");
    await raw.bucket(bucket).file(nameOf(k)).save("existing");
    const err = await failure(storage.write(k, Readable.from([Buffer.alloc(300 * KiB, 1)]), { precondition: { ifNoneMatch: "*" } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    const start = proxy.records.find((r) => r.query.get("uploadType") === "resumable" && r.method === "POST");
    expect(start?.query.get("ifGenerationMatch")).toBe("0");
    expect((await rawRead(k)).toString()).toBe("existing");
  });

  it("refuses a version token that is not a generation without sending anything", async () => {
    const storage = viaProxy();
    const k = key("token.txt");
    const err = await failure(storage.write(k, "x", { precondition: { ifMatch: '"an-etag"' } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect(proxy.records).toHaveLength(0);
    expect(await rawExists(k)).toBe(false);
  });

  it("copy sends ifGenerationMatch on the rewrite itself (the emulator ignores it; see gcs-env.ts)", async () => {
    const storage = viaProxy({ checkCopyPreconditions: false });
    const src = key("src.txt");
    const dst = key("dst.txt");
    await storage.write(src, "payload");
    proxy.records.length = 0;
    await storage.copy(src, dst, { precondition: { ifNoneMatch: "*" } });
    const rewrite = proxy.records.find((r) => r.path.includes("/rewriteTo/"));
    expect(rewrite?.query.get("ifGenerationMatch")).toBe("0");
  });

  it("copy with checkCopyPreconditions refuses a stale ifMatch before rewriting", async () => {
    const storage = viaProxy({ checkCopyPreconditions: true });
    const src = key("src.txt");
    const dst = key("dst.txt");
    await storage.write(src, "new");
    const old = await storage.write(dst, "old");
    await storage.write(dst, "newer");
    proxy.records.length = 0;
    const err = await failure(storage.copy(src, dst, { precondition: { ifMatch: old.version } }));
    expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
    expect(err.key).toBe(dst);
    expect(proxy.records.some((r) => r.path.includes("/rewriteTo/"))).toBe(false);
    expect((await rawRead(dst)).toString()).toBe("newer");
  });
});

describe("gcs backend: server-side copy", () => {
  it("copies with one rewrite call and no object bytes through the client", async () => {
    const storage = viaProxy();
    const src = key("big-src.bin");
    const payload = Buffer.alloc(3 * MiB, 7);
    await raw.bucket(bucket).file(nameOf(src)).save(payload, { resumable: false });
    const dst = key("big-dst.bin");
    const { version } = await storage.copy(src, dst);
    expect(proxy.records.map((r) => `${r.method} ${r.path.replace(/\/b\/.*\/rewriteTo\/.*/, "/b/…/rewriteTo/…")}`)).toEqual([
      "POST /storage/v1/b/…/rewriteTo/…",
    ]);
    const moved = proxy.records.reduce((n, r) => n + r.requestBytes + r.responseBytes, 0);
    expect(moved).toBeLessThan(16 * KiB);
    const [metadata] = await raw.bucket(bucket).file(nameOf(dst)).getMetadata();
    expect(version).toBe(String(metadata.generation));
    expect((await rawRead(dst)).equals(payload)).toBe(true);
  });

  it("copies between two buckets of one store server-side; storeId names the endpoint only", async () => {
    const other = await createTestBucket(raw, "other");
    try {
      const storage = viaProxy();
      const src = key("cross.txt");
      await storage.write(src, "across buckets");
      proxy.records.length = 0;
      await storage.copy(src, `${other}/copied.txt`);
      expect(proxy.records.map((r) => r.method)).toEqual(["POST"]);
      const [data] = await raw.bucket(other).file("copied.txt").download();
      expect(data.toString()).toBe("across buckets");
      expect(storage.storeId).toBe(`gs:${proxy.url}`);
      expect(createGcsStorage({ apiEndpoint: proxy.url + "/" }).storeId).toBe(storage.storeId);
      expect(createGcsStorage({ apiEndpoint: gcsEndpoint() }).storeId).not.toBe(storage.storeId);
      expect(createGcsStorage({ client: raw }).storeId).toBe(`gs:${gcsEndpoint()}`);
      expect(createGcsStorage({}).storeId).toMatch(/^gs:(https:\/\/storage\.googleapis\.com|http:\/\/)/);
    } finally {
      await deleteTestBucket(raw, other);
    }
  });
});

describe("gcs backend: streaming", () => {
  /**
   * Uploads `total` generated bytes and returns the most bytes ever read from the source but not yet
   * handed to an HTTP request (the SDK's progress events): what the upload pipeline buffers, on top
   * of the one chunk the SDK keeps for a retry. Measured in-process: the loopback socket buffers
   * (tcp_rmem here goes up to 32 MiB) would swamp a count taken at the proxy.
   */
  async function measuredUpload(total: number, chunkSize: number) {
    const storage = viaProxy({ chunkSize, singleRequestMaxBytes: 256 * KiB });
    const k = key(`stream-${total}.bin`);
    const piece = 64 * KiB;
    let pulled = 0;
    let sent = 0;
    let maxAhead = 0;
    const seen: Array<{ bytes: number; totalBytes?: number }> = [];
    const source = new Readable({
      read() {
        if (pulled >= total) return this.push(null);
        const chunk = Buffer.alloc(piece, (pulled / piece) % 251);
        pulled += chunk.length;
        maxAhead = Math.max(maxAhead, pulled - sent);
        this.push(chunk);
      },
    });
    proxy.records.length = 0;
    const onProgress = (p: { bytes: number; totalBytes?: number }) => {
      sent = p.bytes;
      seen.push(p);
    };
    const { version } = await storage.write(k, source, { contentLength: total, onProgress });
    return { k, version, maxAhead, seen };
  }

  it("uploads a stream resumably in bounded chunks; what it holds does not grow with the size", async () => {
    const chunkSize = 1 * MiB;
    const total = 48 * MiB;
    const large = await measuredUpload(total, chunkSize);
    const puts = proxy.records.filter((r) => r.method === "PUT");
    expect(puts.length).toBeGreaterThanOrEqual(total / chunkSize);
    expect(Math.max(...puts.map((r) => r.requestBytes))).toBeLessThanOrEqual(chunkSize);
    expect(proxy.records.find((r) => r.method === "POST")?.query.get("uploadType")).toBe("resumable");
    // Progress: increasing, ends on the total.
    const { seen } = large;
    expect(seen.at(-1)).toEqual({ bytes: total, totalBytes: total });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytes).toBeGreaterThan(seen[i - 1]!.bytes);
    expect(seen.length).toBeGreaterThan(10);
    const [metadata] = await raw.bucket(bucket).file(nameOf(large.k)).getMetadata();
    expect(Number(metadata.size)).toBe(total);
    expect(large.version).toBe(String(metadata.generation));
    // A few MiB at most, and no more for 4 times the size: a 2 GiB stream would hold the same.
    const small = await measuredUpload(total / 4, chunkSize);
    expect(large.maxAhead).toBeLessThan(4 * MiB);
    expect(large.maxAhead).toBeLessThanOrEqual(small.maxAhead + 1 * MiB);
  }, 120_000);

  it("sends a small stream in one request and a large in-memory body resumably", async () => {
    const storage = viaProxy({ singleRequestMaxBytes: 512 * KiB, chunkSize: 256 * KiB });
    const small = key("small-stream.txt");
    await storage.write(small, Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
    expect(proxy.records.map((r) => r.query.get("uploadType"))).toEqual(["multipart"]);
    proxy.records.length = 0;
    const large = key("large-bytes.bin");
    const payload = Buffer.alloc(600 * KiB, 3);
    await storage.write(large, payload);
    expect(proxy.records[0]?.query.get("uploadType")).toBe("resumable");
    expect((await rawRead(large)).equals(payload)).toBe(true);
  });

  it("readStream answers before the data, reports progress with the total, and streams the bytes", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const k = key("read.bin");
    const payload = Buffer.alloc(2 * MiB + 17, 9);
    await raw.bucket(bucket).file(nameOf(k)).save(payload, { resumable: false });
    const seen: Array<{ bytes: number; totalBytes?: number }> = [];
    const stream = await storage.readStream(k, { onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([]);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
    expect(seen.at(-1)).toEqual({ bytes: payload.length, totalBytes: payload.length });
    const read: number[] = [];
    await storage.read(k, { onProgress: (p) => read.push(p.bytes) });
    expect(read.at(-1)).toBe(payload.length);
  });

  it("an aborted stream upload rejects with the signal's reason and creates nothing", async () => {
    const storage = createGcsStorage({ ...gcsTestSettings(), singleRequestMaxBytes: 0, chunkSize: 256 * KiB });
    const k = key("aborted.bin");
    const controller = new AbortController();
    let sent = 0;
    const source = new Readable({
      read() {
        sent += 64 * KiB;
        if (sent > 1 * MiB) controller.abort(new Error("stop here"));
        setTimeout(() => this.push(Buffer.alloc(64 * KiB)), 1);
      },
    });
    const err = await storage.write(k, source, { signal: controller.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toBe("stop here");
    expect(source.destroyed).toBe(true);
    expect(await rawExists(k)).toBe(false);
  });

  it("aborting a readStream destroys it with the reason", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const k = key("abort-read.bin");
    await raw
      .bucket(bucket)
      .file(nameOf(k))
      .save(Buffer.alloc(1 * MiB), { resumable: false });
    const controller = new AbortController();
    const stream = await storage.readStream(k, { signal: controller.signal });
    controller.abort(new Error("enough"));
    const err = await (async () => {
      for await (const _ of stream) void _;
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe("enough");
  });
});

describe("gcs backend: bad input changes nothing", () => {
  it("a missing bucket is NOT_FOUND with a hint naming it, for every operation", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const missing = randomBucketName("missing");
    const k = `${missing}/some/key.json`;
    const checks: Array<[string, () => Promise<unknown>]> = [
      ["read", () => storage.read(k)],
      ["readStream", () => storage.readStream(k)],
      ["write", () => storage.write(k, "x")],
      ["write stream", () => storage.write(k, Readable.from([Buffer.alloc(10)]))],
      ["stat", () => storage.stat(k)],
      ["delete", () => storage.delete(k)],
      ["copy from", () => storage.copy(k, `${bucket}/never.txt`)],
      [
        "list",
        async () => {
          for await (const _ of storage.list(`${missing}/`)) void _;
        },
      ],
    ];
    for (const [what, op] of checks) {
      const err = await failure(op());
      expect(isStorageError(err, "NOT_FOUND"), what).toBe(true);
      expect(err.message, what).toContain(`"${missing}" does not exist`);
      expect(err.message, what).toContain(`gcloud storage buckets create gs://${missing}`);
    }
    const src = key("exists.txt");
    await storage.write(src, "x");
    const err = await failure(storage.copy(src, `${missing}/dst.txt`));
    expect(isStorageError(err, "NOT_FOUND")).toBe(true);
    expect(err.message).toContain(`"${missing}" does not exist`);
    const [buckets] = await raw.getBuckets();
    expect(buckets.map((b) => b.name)).not.toContain(missing);
    expect(await rawExists(`${bucket}/never.txt`)).toBe(false);
  });

  it("keys that name a bucket, a folder or no valid object are INVALID_KEY before any request", async () => {
    const storage = viaProxy();
    const bad = [
      "",
      bucket,
      `${bucket}/`,
      `${bucket}/dir/`,
      "Not_A_Bucket/x",
      `${bucket}/line\nbreak`,
      `/${bucket}`,
      `${bucket}/${"x".repeat(1025)}`,
    ];
    for (const k of bad) {
      const ops = [
        () => storage.read(k),
        () => storage.write(k, "x"),
        () => storage.stat(k),
        () => storage.delete(k),
        () => storage.copy(`${bucket}/a`, k),
      ];
      for (const op of ops) {
        const err = await failure(op());
        expect(isStorageError(err, "INVALID_KEY"), JSON.stringify(k)).toBe(true);
      }
    }
    const err = await failure(
      (async () => {
        for await (const _ of storage.list("")) void _;
      })(),
    );
    expect(isStorageError(err, "INVALID_KEY")).toBe(true);
    expect(proxy.records).toHaveLength(0);
  });

  it("refused credentials are PERMISSION_DENIED, and no secret reaches messages, causes or inspection", async () => {
    const token = "ya29.SECRET-ACCESS-TOKEN-do-not-print";
    const privateKey = "-----BEGIN PRIVATE KEY-----\nSECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----\n";
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000 });
    const storage = viaProxy({ authClient, useAuthWithCustomEndpoint: true, retryOptions: { autoRetry: false } });
    proxy.fault = (_method, _url, headers) =>
      headers.authorization === `Bearer ${token}` ? { status: 401, reason: "authError", message: "Invalid Credentials" } : undefined;
    const k = key("denied.txt");
    for (const op of [() => storage.read(k), () => storage.write(k, "x"), () => storage.stat(k)]) {
      const err = await failure(op());
      expect(isStorageError(err, "PERMISSION_DENIED")).toBe(true);
      expect(err.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
      const everything = `${err.message} ${inspect(err, { depth: null })} ${JSON.stringify(err)} ${String(err.stack)}`;
      expect(everything).not.toContain(token);
    }
    expect(proxy.records.some((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
    proxy.fault = () => ({ status: 403, reason: "forbidden", message: "caller does not have storage.objects.get access" });
    expect(isStorageError(await failure(storage.read(k)), "PERMISSION_DENIED")).toBe(true);

    const withKey = createGcsStorage({
      apiEndpoint: proxy.url,
      credentials: { client_email: "sa@p.iam.gserviceaccount.com", private_key: privateKey },
    });
    for (const shown of [inspect(withKey, { depth: null, showHidden: true }), JSON.stringify(withKey), String(withKey), inspect(storage)]) {
      expect(shown).not.toContain("SECRET");
    }
    expect(JSON.parse(JSON.stringify(withKey))).toEqual({ protocol: "gs", storeId: `gs:${proxy.url}` });
  });

  it("ifNoneMatch against an existing object changes nothing", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    const k = key("keep.txt");
    await storage.write(k, "keep");
    const [before] = await raw.bucket(bucket).file(nameOf(k)).getMetadata();
    expect(isStorageError(await failure(storage.write(k, "clobber", { precondition: { ifNoneMatch: "*" } })), "PRECONDITION_FAILED")).toBe(
      true,
    );
    const [after] = await raw.bucket(bucket).file(nameOf(k)).getMetadata();
    expect(after.generation).toBe(before.generation);
  });
});

describe("gcs backend: retries and bounded time", () => {
  it("retries throttling and 503 on a conditional write, then succeeds once", async () => {
    const storage = viaProxy({ retryOptions: FAST_RETRY });
    const k = key("retried.txt");
    let failures = 0;
    proxy.fault = (method) =>
      method === "POST" && failures++ < 2 ? { status: failures === 1 ? 429 : 503, reason: "rateLimitExceeded" } : undefined;
    await storage.write(k, "made it", { precondition: { ifNoneMatch: "*" } });
    const uploads = proxy.records.filter((r) => r.method === "POST");
    expect(uploads.map((r) => r.status)).toEqual([429, 503, 200]);
    expect((await rawRead(k)).toString()).toBe("made it");
  });

  it("gives up after maxRetries: RATE_LIMITED for 429, UNAVAILABLE for 503; maxRetries 0 means one attempt", async () => {
    const k = key("never.txt");
    proxy.fault = () => ({ status: 429, reason: "rateLimitExceeded" });
    const throttled = await failure(viaProxy({ retryOptions: { ...FAST_RETRY, maxRetries: 2 } }).stat(k));
    expect(isStorageError(throttled, "RATE_LIMITED")).toBe(true);
    expect(throttled.retryable).toBe(true);
    expect(proxy.records).toHaveLength(3);
    proxy.records.length = 0;
    proxy.fault = () => ({ status: 503, reason: "backendError" });
    const down = await failure(viaProxy({ retryOptions: { ...FAST_RETRY, maxRetries: 0 } }).stat(k));
    expect(isStorageError(down, "UNAVAILABLE")).toBe(true);
    expect(proxy.records).toHaveLength(1);
  });

  it("does not retry an unconditional write (RetryConditional), and leaves retries on for later calls", async () => {
    const client = new Storage({ apiEndpoint: proxy.url, retryOptions: FAST_RETRY });
    const storage = createGcsStorage({ client });
    const base = key("many");
    await Promise.all(Array.from({ length: 40 }, (_, i) => storage.write(`${base}/${i}`, `v${i}`)));
    // The SDK switches autoRetry off on the shared client during unconditional calls; it must be back.
    expect(client.retryOptions.autoRetry).toBe(true);
    let failures = 0;
    proxy.fault = (method) => (method === "POST" && failures++ < 1 ? { status: 503 } : undefined);
    expect(isStorageError(await failure(storage.write(`${base}/plain`, "x")), "UNAVAILABLE")).toBe(true);
    failures = 0;
    await storage.write(`${base}/conditional`, "x", { precondition: { ifNoneMatch: "*" } });
    expect(await rawExists(`${base}/conditional`)).toBe(true);
  });

  describe("unreachable endpoints", () => {
    let hung: Server;
    let hungUrl: string;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never answers: a black-holed endpoint.
      hung = createServer((socket) => {
        sockets.add(socket);
        socket.on("data", () => {});
      });
      await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
      hungUrl = `http://127.0.0.1:${(hung.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    });

    it("an endpoint that never answers fails every operation with UNAVAILABLE within timeoutMs", async () => {
      const timeoutMs = 1500;
      const storage = createGcsStorage({ apiEndpoint: hungUrl, timeoutMs });
      const k = `${bucket}/x.txt`;
      const ops: Array<[string, () => Promise<unknown>]> = [
        ["stat", () => storage.stat(k)],
        ["read", () => storage.read(k)],
        ["readStream", () => storage.readStream(k)],
        ["write", () => storage.write(k, "x")],
        ["write stream", () => storage.write(k, Readable.from([Buffer.alloc(10)]), { precondition: { ifNoneMatch: "*" } })],
        ["resumable", () => storage.write(k, Buffer.alloc(9 * MiB))],
        ["copy", () => storage.copy(k, `${bucket}/y.txt`)],
        ["delete", () => storage.delete(k)],
        [
          "list",
          async () => {
            for await (const _ of storage.list(`${bucket}/`)) void _;
          },
        ],
      ];
      await Promise.all(
        ops.map(async ([what, op]) => {
          const started = Date.now();
          const err = await failure(op());
          const took = Date.now() - started;
          expect(isStorageError(err, "UNAVAILABLE"), `${what}: ${String(err)}`).toBe(true);
          expect(err.retryable).toBe(true);
          expect(err.message).toContain("timeoutMs");
          expect(took, what).toBeLessThan(timeoutMs + 1500);
        }),
      );
    });

    it("a refused connection is UNAVAILABLE, even when the SDK's retry budget runs out mid-backoff", async () => {
      // With a tiny totalTimeout, retry-request drops the callback once the budget is spent and the
      // SDK's promise never settles; the backend's watchdog still answers.
      const storage = createGcsStorage({ apiEndpoint: "http://127.0.0.1:1", timeoutMs: 3000, retryOptions: { totalTimeout: 1 } });
      const started = Date.now();
      const err = await failure(storage.stat(`${bucket}/x`));
      expect(isStorageError(err, "UNAVAILABLE")).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
      const quick = createGcsStorage({ apiEndpoint: "http://127.0.0.1:1", retryOptions: { autoRetry: false } });
      const refused = await failure(quick.read(`${bucket}/x`));
      expect(isStorageError(refused, "UNAVAILABLE")).toBe(true);
      expect(refused.message).toContain("ECONNREFUSED");
    });
  });
});

/**
 * Records the unhandled rejections and uncaught exceptions of this process. On Node >= 23 `pipeline()`
 * throws when handed a destroyed stream, and teeny-request (under the SDK's downloads) calls it inside
 * a promise callback: a stream destroyed before its response became an unhandled rejection, which
 * ends a user's process by default. `stop()` waits for late ones first.
 */
function watchProcessErrors(): { stop(settleMs?: number): Promise<string[]> } {
  const seen: unknown[] = [];
  const record = (err: unknown) => seen.push(err);
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
  return {
    async stop(settleMs = 200) {
      await new Promise((r) => setTimeout(r, settleMs));
      process.off("unhandledRejection", record);
      process.off("uncaughtException", record);
      return seen.map((e) => (e instanceof Error ? `${e.name}: ${e.message} (${String((e as { code?: unknown }).code)})` : String(e)));
    },
  };
}

describe("gcs backend: downloads leave no unhandled errors behind", () => {
  const isMedia = (method: string, url: URL) => method === "GET" && url.searchParams.get("alt") === "media";
  const media = () => proxy.records.filter((r) => r.method === "GET" && r.query.get("alt") === "media");
  const mediaStatuses = () => media().map((r) => r.status);
  const invocationIds = () => new Set(media().map((r) => /gccl-invocation-id\/([\w-]+)/.exec(String(r.headers["x-goog-api-client"]))?.[1]));
  const drain = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it("a read answered 503, then 429, before the data is retried and succeeds (read and readStream)", async () => {
    const storage = viaProxy({ retryOptions: FAST_RETRY });
    const k = key("retried-read.bin");
    const payload = Buffer.alloc(300 * KiB, 5);
    await raw.bucket(bucket).file(nameOf(k)).save(payload, { resumable: false });
    const watch = watchProcessErrors();
    for (const readOnce of [() => storage.read(k), async () => drain(await storage.readStream(k))]) {
      let failures = 0;
      proxy.records.length = 0;
      proxy.fault = (method, url) => (isMedia(method, url) && failures++ < 2 ? { status: failures === 1 ? 503 : 429 } : undefined);
      expect(Buffer.from(await readOnce()).equals(payload)).toBe(true);
      expect(mediaStatuses()).toEqual([503, 429, 200]);
      // Retried as one operation, as the SDK's own retries are (same gccl-invocation-id).
      expect(invocationIds().size).toBe(1);
      expect(invocationIds().has(undefined)).toBe(false);
    }
    expect(await watch.stop()).toEqual([]);
  });

  it("a read answered 503 every time gives up after maxRetries with UNAVAILABLE; maxRetries 0 means one attempt", async () => {
    const k = key("down.bin");
    await raw.bucket(bucket).file(nameOf(k)).save("x", { resumable: false });
    const watch = watchProcessErrors();
    proxy.fault = (method, url) => (isMedia(method, url) ? { status: 503, reason: "backendError" } : undefined);
    const down = await failure(viaProxy({ retryOptions: { ...FAST_RETRY, maxRetries: 2 } }).read(k));
    expect(isStorageError(down, "UNAVAILABLE"), String(down)).toBe(true);
    expect(mediaStatuses()).toEqual([503, 503, 503]);
    proxy.records.length = 0;
    const once = await failure(viaProxy({ retryOptions: { ...FAST_RETRY, maxRetries: 0 } }).readStream(k));
    expect(isStorageError(once, "UNAVAILABLE"), String(once)).toBe(true);
    expect(mediaStatuses()).toEqual([503]);
    expect(await watch.stop()).toEqual([]);
  });

  it("an answer that comes after the read timed out or was aborted is discarded quietly", async () => {
    // The SDK's own per-request timeout is longer than the backend's watchdog, so the answer does come.
    const storage = viaProxy({ timeoutMs: 400, timeout: 20_000 });
    const k = key("late.bin");
    await raw
      .bucket(bucket)
      .file(nameOf(k))
      .save(Buffer.alloc(64 * KiB, 1), { resumable: false });
    const watch = watchProcessErrors();
    proxy.fault = (method, url) => (isMedia(method, url) ? { delayMs: 1200 } : undefined);
    const timedOut = await failure(storage.read(k));
    expect(isStorageError(timedOut, "UNAVAILABLE"), String(timedOut)).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("not waiting")), 100);
    const aborted = await storage.readStream(k, { signal: controller.signal }).catch((e: unknown) => e);
    expect((aborted as Error).message).toBe("not waiting");
    // Both answers arrive later, into streams nobody reads any more. The second one arriving also shows
    // that discarding the first did not reset the other requests in flight (the SDK destroys the agent
    // of a download that ends in an error: its shared keep-alive agent, unless the backend avoids it).
    await expect.poll(mediaStatuses, { timeout: 5000 }).toEqual([200, 200]);
    expect(await watch.stop(300)).toEqual([]);
    // And the discarded downloads hold no connection.
    await expect.poll(() => Object.values(globalAgent.sockets).flat().length).toBe(0);
  });
});

describe("gcs backend: configuration", () => {
  function withEmulatorHost<T>(value: string, fn: () => Promise<T>): Promise<T> {
    const before = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = value;
    return fn().finally(() => {
      if (before === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = before;
    });
  }

  it("honours STORAGE_EMULATOR_HOST as host:port, http://host:port and http://host:port/storage/v1", async () => {
    const origin = new URL(gcsEndpoint());
    for (const value of [origin.host, origin.origin, `${origin.origin}/storage/v1`]) {
      await withEmulatorHost(value, async () => {
        const storage = createGcsStorage({ checkCopyPreconditions: true });
        expect(storage.storeId).toBe(`gs:${origin.origin}`);
        const k = key("emulator-host.bin");
        await storage.write(k, "small");
        await storage.write(k, Buffer.alloc(9 * MiB, 1)); // resumable: the upload URL is built from the endpoint too
        expect((await storage.read(k)).length).toBe(9 * MiB);
        const keys: string[] = [];
        for await (const entry of storage.list(k)) keys.push(entry.key);
        expect(keys).toEqual([k]);
      });
    }
  }, 60_000);

  it("documents the SDK quirk worked around: the raw SDK with STORAGE_EMULATOR_HOST=http://host:port 404s on fake-gcs-server", async () => {
    await withEmulatorHost(new URL(gcsEndpoint()).origin, async () => {
      const sdk = new Storage({ projectId: "p" });
      const err = await sdk
        .bucket(bucket)
        .getFiles({ maxResults: 1 })
        .then(
          () => undefined,
          (e: unknown) => e as { code?: number },
        );
      expect(err?.code).toBe(404);
    });
  });

  it("is registered for gs:// (and gcs:// through the location parser), with settings passed through", async () => {
    expect(parseLocation("gcs://b/k").protocol).toBe("gs");
    const storage = await getStorage("gs", gcsTestSettings());
    expect(storage).toBeInstanceOf(GcsStorage);
    expect(storage.storeId).toBe(`gs:${gcsEndpoint()}`);
    expect(storage.capabilities).toEqual({ serverSideCopy: true, atomicPreconditions: true });
  });

  it("rejects bad settings with CONFIG_INVALID", () => {
    const bad: unknown[] = [
      { chunkSize: 1000 },
      { timeoutMs: 0 },
      { singleRequestMaxBytes: -1 },
      { client: rawGcsClient(), projectId: "p" },
    ];
    for (const settings of bad) {
      let err: unknown;
      try {
        createGcsStorage(settings as GcsStorageOptions);
      } catch (e) {
        err = e;
      }
      expect(isStorageError(err, "CONFIG_INVALID"), JSON.stringify(Object.keys(settings as object))).toBe(true);
    }
  });

  it("a closed store refuses further use", async () => {
    const storage = createGcsStorage(gcsTestSettings());
    await storage.stat(key("x"));
    await storage.close();
    expect(isStorageError(await failure(storage.stat(key("x"))), "CONFIG_INVALID")).toBe(true);
  });
});
