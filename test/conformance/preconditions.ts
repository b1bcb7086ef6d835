import { describe, expect, it } from "vitest";
import { isStorageError, type Storage } from "@lazyscribe/core";
import { uniqueKey } from "./types.js";

const text = new TextDecoder();

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** "Only if absent" and "only if version X" on write and copy. */
export function preconditionSuite(ctx: () => { storage: Storage; root: string }): void {
  describe("preconditions", () => {
    it("ifNoneMatch writes an absent key and refuses an existing one, leaving it intact", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "once.txt");
      await storage.write(key, "first", { precondition: { ifNoneMatch: "*" } });
      const err = await failure(storage.write(key, "second", { precondition: { ifNoneMatch: "*" } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(text.decode(await storage.read(key))).toBe("first");
    });

    it("ifMatch writes when the version matches and refuses a stale version", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "cas.txt");
      const v1 = await storage.write(key, "v1");
      const v2 = await storage.write(key, "v2", { precondition: { ifMatch: v1.version } });
      const err = await failure(storage.write(key, "stale", { precondition: { ifMatch: v1.version } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(text.decode(await storage.read(key))).toBe("v2");
      expect((await storage.stat(key))?.version).toBe(v2.version);
    });

    it("ifMatch on an absent key fails", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "gone.txt");
      const { version } = await storage.write(key, "x");
      await storage.delete(key);
      const err = await failure(storage.write(key, "y", { precondition: { ifMatch: version } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(await storage.stat(key)).toBeNull();
    });

    it("lets exactly one of many concurrent ifNoneMatch writers win", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "race.txt");
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => storage.write(key, `writer ${i}`, { precondition: { ifNoneMatch: "*" } })),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(isStorageError(r.reason, "PRECONDITION_FAILED")).toBe(true);
    });

    it("lets exactly one of many concurrent ifMatch writers on one version win", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "cas-race.txt");
      const { version } = await storage.write(key, "base");
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => storage.write(key, `writer ${i}`, { precondition: { ifMatch: version } })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    });

    it("copy honours ifNoneMatch on the destination", async () => {
      const { storage, root } = ctx();
      const src = uniqueKey(root, "src.txt");
      const dst = uniqueKey(root, "dst.txt");
      await storage.write(src, "payload");
      await storage.write(dst, "existing");
      const err = await failure(storage.copy(src, dst, { precondition: { ifNoneMatch: "*" } }));
      expect(isStorageError(err, "PRECONDITION_FAILED")).toBe(true);
      expect(text.decode(await storage.read(dst))).toBe("existing");
    });
  });
}
