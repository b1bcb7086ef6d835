/**
 * The local backend's journal of temp files (for cleanup after a crash) is one open file per
 * process. Node 26 turns a FileHandle closed by the garbage collector into an uncaught error, so
 * none may be left open: concurrent writes across journal rotations must not leak one.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLocalStorage } from "@lazyscribe/local";

/** Open descriptors of this process on journal files (Linux /proc). */
function openJournals(): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).includes("lazyscribe-local-journal");
    } catch {
      return false; // closed while listing
    }
  }).length;
}

describe("local journal", () => {
  it("concurrent writes across several journal rotations leave exactly one journal file open", async () => {
    const storage = createLocalStorage();
    const dir = mkdtempSync(join(tmpdir(), "lazyscribe-journal-test-"));
    try {
      // 1,000 entries start a new journal file; 3 × 1,200 writes in flight at once cross that several times.
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: 1200 }, (_, i) => storage.write(join(dir, `r${round}-${i}.txt`), "x")));
      }
      expect(openJournals()).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
