import { describe, expect, it } from "vitest";
import type { Storage } from "@lazyscribe/core";
import { uniqueKey } from "./types.js";

/** stat, list by prefix and delete. */
export function statListDeleteSuite(ctx: () => { storage: Storage; root: string }): void {
  describe("stat, list and delete", () => {
    it("stats an object and returns null for an absent key", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "s.txt");
      const before = Date.now();
      const { version } = await storage.write(key, "12345");
      const info = await storage.stat(key);
      expect(info).not.toBeNull();
      expect(info!.size).toBe(5);
      expect(info!.version).toBe(version);
      expect(info!.lastModified).toBeInstanceOf(Date);
      expect(Math.abs(info!.lastModified.getTime() - before)).toBeLessThan(5 * 60_000);
      expect(await storage.stat(uniqueKey(root, "absent"))).toBeNull();
    });

    it("lists every object under a prefix, and only those", async () => {
      const { storage, root } = ctx();
      const base = uniqueKey(root, "list");
      await storage.write(`${base}/a.json`, "a");
      await storage.write(`${base}/sub/b.json`, "bb");
      await storage.write(`${base}-sibling/c.json`, "c");
      const folder: string[] = [];
      for await (const entry of storage.list(`${base}/`)) folder.push(entry.key);
      expect(folder.sort()).toEqual([`${base}/a.json`, `${base}/sub/b.json`]);
      const prefixed: Array<[string, number]> = [];
      for await (const entry of storage.list(base)) prefixed.push([entry.key, entry.size]);
      expect(prefixed.sort()).toEqual([
        [`${base}-sibling/c.json`, 1],
        [`${base}/a.json`, 1],
        [`${base}/sub/b.json`, 2],
      ]);
      const none: string[] = [];
      for await (const entry of storage.list(`${base}/nothing-here/`)) none.push(entry.key);
      expect(none).toEqual([]);
    });

    it("lists more than one page of objects", async () => {
      const { storage, root } = ctx();
      const base = uniqueKey(root, "many");
      // 64 writes in flight, as a busy application would have; 1,105 at once can outlast an SDK's retry budget
      // on two loaded cores (the AWS SDK's retry quota), which is not what this test is about.
      for (let start = 0; start < 1105; start += 64) {
        const batch = Array.from({ length: Math.min(64, 1105 - start) }, (_, i) => start + i);
        await Promise.all(batch.map((i) => storage.write(`${base}/${String(i).padStart(4, "0")}`, "")));
      }
      let count = 0;
      for await (const _ of storage.list(`${base}/`)) count++;
      expect(count).toBe(1105);
    }, 120_000);

    it("deletes an object, and deleting an absent key succeeds", async () => {
      const { storage, root } = ctx();
      const key = uniqueKey(root, "d.txt");
      await storage.write(key, "x");
      await storage.delete(key);
      expect(await storage.stat(key)).toBeNull();
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });
  });
}
