import { describe, expect, it } from "vitest";
import { isStorageError, type Storage } from "@lazyscribe/core";
import { uniqueKey } from "./types.js";

const text = new TextDecoder();

/** Copy within one store. */
export function copySuite(ctx: () => { storage: Storage; root: string }): void {
  describe("copy", () => {
    it("copies an object to a new key and returns the new version", async () => {
      const { storage, root } = ctx();
      const src = uniqueKey(root, "from/a.json");
      const dst = uniqueKey(root, "to/deeper/a.json");
      await storage.write(src, '{"a": 1}');
      const result = await storage.copy(src, dst);
      expect(text.decode(await storage.read(dst))).toBe('{"a": 1}');
      expect((await storage.stat(dst))?.version).toBe(result.version);
      expect(text.decode(await storage.read(src))).toBe('{"a": 1}');
    });

    it("copy over an existing key replaces it", async () => {
      const { storage, root } = ctx();
      const src = uniqueKey(root, "x");
      const dst = uniqueKey(root, "y");
      await storage.write(src, "new");
      await storage.write(dst, "old");
      await storage.copy(src, dst);
      expect(text.decode(await storage.read(dst))).toBe("new");
    });

    it("copying a missing source throws NOT_FOUND and creates nothing", async () => {
      const { storage, root } = ctx();
      const dst = uniqueKey(root, "never");
      const err = await storage.copy(uniqueKey(root, "missing"), dst).catch((e: unknown) => e);
      expect(isStorageError(err, "NOT_FOUND")).toBe(true);
      expect(await storage.stat(dst)).toBeNull();
    });
  });
}
