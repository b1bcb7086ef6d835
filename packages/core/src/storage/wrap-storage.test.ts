import { describe, expect, it } from "vitest";
import { Project } from "../model/project.js";
import { createMemoryStorage } from "./memory-storage.js";
import { wrapStorage } from "./wrap-storage.js";

const fresh = (n: number) => createMemoryStorage({ name: `wrap-${process.pid}-${n}` });

describe("wrapStorage", () => {
  it("forwards every operation it is not told to replace, and keeps the store's identity", async () => {
    const inner = fresh(1);
    const wrapped = wrapStorage(inner, {});
    expect([wrapped.protocol, wrapped.storeId, wrapped.capabilities]).toEqual([inner.protocol, inner.storeId, inner.capabilities]);
    const { version } = await wrapped.write("b/a.txt", "one");
    expect((await inner.stat("b/a.txt"))?.version).toBe(version);
    expect(new TextDecoder().decode(await wrapped.read("b/a.txt"))).toBe("one");
    const chunks: Buffer[] = [];
    for await (const c of await wrapped.readStream("b/a.txt")) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("one");
    await wrapped.copy("b/a.txt", "b/c.txt");
    expect((await wrapped.stat("b/c.txt"))?.size).toBe(3);
    const keys: string[] = [];
    for await (const e of wrapped.list("b/")) keys.push(e.key);
    expect(keys.sort()).toEqual(["b/a.txt", "b/c.txt"]);
    await wrapped.delete("b/a.txt");
    expect(await inner.stat("b/a.txt")).toBeNull();
  });

  it("uses the overrides given, which the whole library then goes through", async () => {
    const inner = fresh(2);
    const writes: string[] = [];
    const wrapped = wrapStorage(inner, {
      write: (key, body, options) => {
        writes.push(key);
        return inner.write(key, body, options);
      },
    });
    const project = await Project.open("memory://bucket/project.json", { storage: wrapped, author: "ana" });
    await project.log("exp", (e) => e.logArtifact("notes", "hello", "text"));
    await project.save();
    expect(writes).toEqual([expect.stringMatching(/^bucket\/exp-\d{14}\/notes-\d{14}\.txt$/), "bucket/project.json"]);
  });

  it("closes the inner store only when it can be closed", async () => {
    let closed = 0;
    const closable = wrapStorage(fresh(3), { close: async () => void closed++ });
    await wrapStorage(closable, {}).close?.();
    expect(closed).toBe(1);
    expect(wrapStorage(fresh(4), {}).close).toBeUndefined();
  });
});
