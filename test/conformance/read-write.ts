import { describe, expect, it } from "vitest";
import { isStorageError, type Storage } from "@lazyscribe/core";
import { uniqueKey } from "./types.js";

const text = new TextDecoder();

/** Whole-object reads and writes of every body kind. */
export function readWriteSuite(ctx: () => { storage: Storage; root: string }): void {
  describe("read and write", () => {
    it("writes a string and reads it back as UTF-8 bytes", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "a.txt");
      const result = await storage.write(key, "héllo ✓");
      expect(typeof result.version).toBe("string");
      expect(text.decode(await storage.read(key))).toBe("héllo ✓");
    });

    it("writes bytes, a stream and an async iterable", async () => {
      const { storage, root } = ctx();
      const { Readable } = await import("node:stream");
      const bytesKey = uniqueKey(root, "b.bin");
      await storage.write(bytesKey, new Uint8Array([0, 1, 2, 255]));
      expect([...(await storage.read(bytesKey))]).toEqual([0, 1, 2, 255]);
      const streamKey = uniqueKey(root, "s.bin");
      await storage.write(streamKey, Readable.from([Buffer.from("ab"), Buffer.from("cd")]));
      expect(text.decode(await storage.read(streamKey))).toBe("abcd");
      const iterKey = uniqueKey(root, "i.bin");
      async function* gen() {
        yield new TextEncoder().encode("x");
        yield new TextEncoder().encode("y");
      }
      await storage.write(iterKey, gen());
      expect(text.decode(await storage.read(iterKey))).toBe("xy");
    });

    it("writes and reads a 0-byte object", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "empty");
      await storage.write(key, new Uint8Array());
      expect((await storage.read(key)).byteLength).toBe(0);
      expect((await storage.stat(key))?.size).toBe(0);
    });

    it("overwrites an object and changes its version", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "o.txt");
      const first = await storage.write(key, "one");
      const second = await storage.write(key, "two");
      expect(second.version).not.toBe(first.version);
      expect(text.decode(await storage.read(key))).toBe("two");
    });

    it("keeps keys with spaces, unicode and nested folders distinct", async () => {
      const { storage, root } = ctx();
      const base = uniqueKey(root, "");
      const keys = [`${base}a b/c.json`, `${base}é/ü 1.json`, `${base}deep/er/still/x.json`];
      for (const k of keys) await storage.write(k, k);
      for (const k of keys) expect(text.decode(await storage.read(k))).toBe(k);
    });

    it("throws NOT_FOUND for a missing key", async () => {
      const { storage, root } = ctx();
      const err = await storage.read(uniqueKey(root, "missing")).catch((e: unknown) => e);
      expect(isStorageError(err, "NOT_FOUND")).toBe(true);
      expect(String((err as Error).message)).toContain("missing");
    });

    it("streams an object and rejects a missing key before any data", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "big.bin");
      const payload = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
      await storage.write(key, payload);
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.readStream(key)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(Buffer.from(payload))).toBe(true);
      const err = await storage.readStream(uniqueKey(root, "nope")).catch((e: unknown) => e);
      expect(isStorageError(err, "NOT_FOUND")).toBe(true);
    });

    it("reports progress on write and read", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "p.bin");
      const seen: number[] = [];
      await storage.write(key, new Uint8Array(1000), { onProgress: (p) => seen.push(p.bytes) });
      expect(seen.at(-1)).toBe(1000);
      const read: number[] = [];
      await storage.read(key, { onProgress: (p) => read.push(p.bytes) });
      expect(read.at(-1)).toBe(1000);
    });
  });
}
