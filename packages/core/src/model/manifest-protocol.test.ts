/**
 * The pending-entry protocol on the memory store, with real interleavings of several
 * Project instances; the multi-process and crash runs are in test/concurrency and test/crash.
 */
import { describe, expect, it } from "vitest";
import { SaveError } from "../errors.js";
import { encodePythonJson } from "../json/index.js";
import { createMemoryStorage } from "../storage/memory-storage.js";
import type { Storage, WriteOptions } from "../storage/protocol.js";
import { StorageError } from "../storage/storage-error.js";
import { wrapStorage } from "../storage/wrap-storage.js";
import { Project } from "./project.js";
import { joinChunks, encodeChunk } from "./manifest-text.js";
import { newPendingKey, pendingPrefix } from "./pending-entries.js";

let stores = 0;
/** A store of its own for each test (memory stores of one name share their objects). */
const freshStore = () => createMemoryStorage({ name: `protocol-${process.pid}-${++stores}` });

const KEY = "bucket/runs/project.json";

async function pendingKeys(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const e of storage.list(pendingPrefix(KEY))) keys.push(e.key);
  return keys;
}

async function manifest(storage: Storage): Promise<Array<Record<string, unknown>>> {
  return JSON.parse(new TextDecoder().decode(await storage.read(KEY))) as Array<Record<string, unknown>>;
}

/** A store whose manifest writes can be made to lose: before each, `beforeManifestWrite` runs (another writer's commit). */
function racing(inner: Storage, beforeManifestWrite: () => Promise<void>): Storage {
  let busy = false;
  return wrapStorage(inner, {
    write: async (key, body, options?: WriteOptions) => {
      if (key === KEY && options?.precondition && !busy) {
        busy = true;
        try {
          await beforeManifestWrite();
        } finally {
          busy = false;
        }
      }
      return inner.write(key, body, options);
    },
  });
}

/**
 * A store whose next read of a key that `fails` picks (the manifest by default) fails with a
 * transient error, after `beforeFail` ran (another writer's commit, or nothing).
 */
function failingManifestRead(
  inner: Storage,
  beforeFail: () => Promise<void>,
  fails: (key: string) => boolean = (k) => k === KEY,
): { storage: Storage; arm: () => void } {
  let armed = false;
  const storage = wrapStorage(inner, {
    read: async (k, o) => {
      if (fails(k) && armed) {
        armed = false;
        await beforeFail();
        throw new StorageError("the connection was cut off", { code: "UNAVAILABLE", operation: "read", protocol: "memory", key: k });
      }
      return inner.read(k, o);
    },
  });
  return { storage, arm: () => (armed = true) };
}

const open = (storage: Storage, author: string, mode: "a" | "w" | "w+" = "a") => Project.open(`memory://${KEY}`, { mode, author, storage });

describe("saves through pending entries", () => {
  it("a save that loses the race lands through its entry, and every entry is deleted after", async () => {
    const storage = freshStore();
    const rival = await open(storage, "rival");
    let rivalSaves = 0;
    // Before each of our manifest writes, the rival commits once more: our first write always loses.
    const ours = await open(
      racing(storage, async () => {
        await rival.log(`rival-${rivalSaves++}`, (e) => e.logMetric("x", 1));
        await rival.save();
      }),
      "ours",
    );
    await ours.log("mine", (e) => e.logMetric("y", 2));
    await ours.save();
    const names = (await manifest(storage)).map((e) => e.name);
    expect(names).toContain("mine");
    expect(names.filter((n) => String(n).startsWith("rival-")).length).toBe(rivalSaves);
    expect(await pendingKeys(storage)).toEqual([]);
    // The project holds the committed state and its own objects.
    expect(ours.get("mine").readOnly).toBe(false);
    expect(ours.experiments.map((e) => e.name).sort()).toEqual(names.map(String).sort());
  });

  it("a read-only experiment appended from another project lands even when the save loses the race", async () => {
    const storage = freshStore();
    const elsewhere = await open(freshStore(), "elsewhere");
    await elsewhere.log("imported", (e) => e.logMetric("z", 3));
    await elsewhere.save();
    const imported = (await Project.open(`memory://${KEY}`, { mode: "r", storage: elsewhere.storage })).get("imported");
    const rival = await open(storage, "rival");
    const ours = await open(
      racing(storage, async () => {
        await rival.log(`rival-${Date.now()}`, (e) => e.logMetric("x", 1));
        await rival.save();
      }),
      "ours",
    );
    ours.append(imported);
    await ours.save();
    expect((await manifest(storage)).map((e) => e.name)).toContain("imported");
  });

  it("never gives up while others keep winning (no attempt bound by default)", async () => {
    const storage = freshStore();
    const rival = await open(storage, "rival");
    let wins = 0;
    const ours = await open(
      racing(storage, async () => {
        if (wins >= 60) return; // more than the 50 attempts after which the old loop threw
        wins++;
        await rival.log(`rival-${wins}`, (e) => e.logMetric("x", wins));
        await rival.save();
      }),
      "ours",
    );
    await ours.log("mine", (e) => e.logMetric("y", 2));
    await ours.save();
    expect((await manifest(storage)).map((e) => e.name)).toContain("mine");
  });

  it("a manifest read cut off while another writer replaced it is a conflict: the save reads the new one and lands", async () => {
    const storage = freshStore();
    const rival = await open(storage, "rival");
    await rival.log("first", (e) => e.logMetric("x", 1));
    await rival.save();
    const flaky = failingManifestRead(storage, async () => {
      await rival.log("second", (e) => e.logMetric("x", 2));
      await rival.save();
    });
    // Our manifest write loses once (the rival commits "third"), so the save reads the manifest: that read fails.
    const ours = await open(
      racing(flaky.storage, async () => {
        flaky.arm();
        await rival.log("third", (e) => e.logMetric("x", 3));
        await rival.save();
      }),
      "ours",
    );
    await ours.log("mine", (e) => e.logMetric("y", 1));
    await ours.save();
    expect((await manifest(storage)).map((e) => e.name).sort()).toEqual(["first", "mine", "second", "third"]);
    expect(await pendingKeys(storage)).toEqual([]);
  });

  it("a manifest read that fails while nobody replaced it is the store's error: the save says its entry is kept", async () => {
    const storage = freshStore();
    const rival = await open(storage, "rival");
    const flaky = failingManifestRead(storage, async () => {});
    let raced = false;
    const ours = await open(
      racing(flaky.storage, async () => {
        if (raced) return;
        raced = true;
        await rival.log("rival", (e) => e.logMetric("x", 1));
        await rival.save();
        flaky.arm();
      }),
      "ours",
    );
    await ours.log("mine", (e) => e.logMetric("y", 1));
    const err = await ours.save().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SaveError);
    expect(String((err as Error).message)).toMatch(/the connection was cut off.*kept in the pending entry/);
    // The next save folds it in.
    await ours.save();
    expect((await manifest(storage)).map((e) => e.name)).toContain("mine");
  });

  it("folds in an entry a killed writer left, and deletes it once committed", async () => {
    const storage = freshStore();
    const first = await open(storage, "first");
    await first.log("kept", (e) => e.logMetric("x", 1));
    await first.save();
    // What a writer killed between its pending write and its commit leaves behind.
    const ghost = await open(freshStore(), "ghost");
    await ghost.log("orphaned-save", (e) => e.logParameter("p", "v"));
    const entryText = joinChunks(ghost.toJSON().map((e) => encodeChunk(e)));
    await storage.write(newPendingKey(KEY), entryText, { precondition: { ifNoneMatch: "*" } });
    // Readers do not fold pending entries.
    expect((await open(storage, "reader")).has("orphaned-save")).toBe(false);

    const next = await open(storage, "next");
    await next.log("next", (e) => e.logMetric("x", 2));
    await next.save();
    expect((await manifest(storage)).map((e) => e.name)).toEqual(["kept", "orphaned-save", "next"]);
    expect(await pendingKeys(storage)).toEqual([]);
  });

  it("an entry read cut off while its committer deleted it counts as landed: the save goes on and lands", async () => {
    const storage = freshStore();
    const ghost = await open(freshStore(), "ghost");
    await ghost.log("orphaned-save", (e) => e.logParameter("p", "v"));
    const ghostKey = newPendingKey(KEY);
    await storage.write(ghostKey, joinChunks(ghost.toJSON().map((e) => encodeChunk(e))), { precondition: { ifNoneMatch: "*" } });
    const rival = await open(storage, "rival");
    // While our save reads the left entry, the rival's save folds it in and deletes it; our read then fails.
    const flaky = failingManifestRead(
      storage,
      async () => {
        await rival.log("rival", (e) => e.logMetric("x", 1));
        await rival.save();
      },
      (k) => k === ghostKey,
    );
    flaky.arm();
    const ours = await open(flaky.storage, "ours");
    await ours.log("mine", (e) => e.logMetric("y", 1));
    await ours.save();
    expect((await manifest(storage)).map((e) => e.name).sort()).toEqual(["mine", "orphaned-save", "rival"]);
    expect(await pendingKeys(storage)).toEqual([]);
  });

  it("deletes an entry that the manifest already includes without writing the manifest again", async () => {
    const storage = freshStore();
    const p = await open(storage, "p");
    await p.log("landed", (e) => e.logMetric("x", 1));
    await p.save();
    // A committer died after landing the manifest, before deleting the entry.
    await storage.write(newPendingKey(KEY), joinChunks(p.toJSON().map((e) => encodeChunk(e))));
    const before = (await storage.stat(KEY))!.version;
    const q = await open(storage, "q");
    await q.save();
    expect(await pendingKeys(storage)).toEqual([]);
    expect((await storage.stat(KEY))!.version).toBe(before);
  });

  it("with a retry bound, says the entry stays pending; the next save folds it in", async () => {
    const storage = freshStore();
    const rival = await open(storage, "rival");
    await rival.save();
    // A writer that does not fold entries (an older version of this library) rewrites the manifest before each of ours.
    const ours = await open(
      racing(storage, async () => {
        await storage.write(KEY, await storage.read(KEY));
      }),
      "ours",
    );
    await ours.log("bounded", (e) => e.logMetric("y", 2));
    const err = await ours.save({ retry: { maxAttempts: 3 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaveError);
    expect((err as Error).message).toMatch(/pending entry .*next save, by any writer, folds them in/);
    expect(await pendingKeys(storage)).toHaveLength(1);
    await rival.save();
    expect((await manifest(storage)).map((e) => e.name)).toContain("bounded");
    expect(await pendingKeys(storage)).toEqual([]);
  });

  it("mode w replaces the file, drops entries the replaced file included, and leaves in-flight ones to their writers", async () => {
    const storage = freshStore();
    const a = await open(storage, "a");
    await a.log("old", (e) => e.logMetric("x", 1));
    await a.save();
    // An entry already included (its committer died before deleting it), and one still in flight.
    await storage.write(newPendingKey(KEY, Date.now() - 1000), joinChunks(a.toJSON().map((e) => encodeChunk(e))));
    const inFlight = await open(freshStore(), "b");
    await inFlight.log("in-flight", (e) => e.logMetric("x", 2));
    const inFlightKey = newPendingKey(KEY);
    await storage.write(inFlightKey, joinChunks(inFlight.toJSON().map((e) => encodeChunk(e))));

    const w = await open(storage, "w", "w");
    await w.log("replacement", (e) => e.logMetric("x", 3));
    await w.save();
    expect((await manifest(storage)).map((e) => e.name)).toEqual(["replacement"]);
    expect(await pendingKeys(storage)).toEqual([inFlightKey]);
    // The next save lands the in-flight entry on top of the replacement; "old" stays replaced.
    const c = await open(storage, "c");
    await c.save();
    expect((await manifest(storage)).map((e) => e.name)).toEqual(["replacement", "in-flight"]);
  });

  it("mode w without force still refuses a file that changed after it was opened", async () => {
    const storage = freshStore();
    const w = await open(storage, "w", "w");
    const other = await open(storage, "other");
    await other.log("theirs", (e) => e.logMetric("x", 1));
    await other.save();
    await w.log("mine", (e) => e.logMetric("x", 2));
    await expect(w.save()).rejects.toThrow(/changed after it was opened in mode "w"/);
    await w.save({ force: true });
    expect((await manifest(storage)).map((e) => e.name)).toEqual(["mine"]);
  });

  it("re-saving reuses the text of unchanged experiments: the bytes equal a full encoding", async () => {
    const storage = freshStore();
    const p = await open(storage, "p");
    for (let i = 0; i < 5; i++) await p.log(`e${i}`, (e) => e.logMetric("m", i === 2 ? 1.5 : i));
    await p.save();
    const q = await open(storage, "q");
    expect(q.experiments.every((e) => e.savedText !== undefined)).toBe(true);
    await q.log("added", (e) => e.logMetric("m", 0.25));
    await q.save();
    const stored = new TextDecoder().decode(await storage.read(KEY));
    expect(stored).toBe(encodePythonJson(q.toJSON(), { indent: 4, sortKeys: true }));
  });

  it("in mode w+, an edited experiment's new text is committed even though the loaded text is kept", async () => {
    const storage = freshStore();
    const p = await open(storage, "p");
    await p.log("edit-me", (e) => e.logMetric("m", 1));
    await p.save();
    const q = await open(storage, "q", "w+");
    q.get("edit-me").logMetric("m", 2);
    await q.save();
    const [stored] = await manifest(storage);
    expect(stored!.metrics).toEqual({ m: 2 });
    expect(stored!.last_updated_by).toBe("q");
  });
});
