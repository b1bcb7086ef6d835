/**
 * "Many writers, crashes and faults" — the crash part. A child process (node on the built packages)
 * logs experiments with artifacts and saves in a loop; the parent SIGKILLs it after a random
 * 20–400 ms (seeded) counted from the moment it opened the project. After each kill:
 * - project.json parses (opened with the TS API in mode "r");
 * - every artifact it names exists and loads, with the content the child wrote;
 * - every experiment whose save() the child reported as resolved is in it.
 * Trials share a project in blocks (a fresh one every BLOCK trials), so kills also land on a
 * project that earlier kills left behind. At the end a new writer must still be able to save.
 *
 * Every AFTER_ENTRY-th trial the child dies between its pending-entry write and the commit (see
 * saver.mjs). At the end of each block a writer saves once more; then every experiment of those
 * entries must be in the manifest and no pending entry may be left. On local disk no temp file or
 * lock file of a killed child may be left after that save either.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { pendingPrefix, Project, resolveLocation, type Experiment, type Storage } from "@lazyscribe/core";
import {
  distEntry,
  NODE,
  REPO_ROOT,
  report,
  requireBuilt,
  seededRandom,
  startChild,
  targets,
  verifyProject,
  type RunningChild,
} from "../concurrency/harness.js";

const TRIALS = Number(process.env.LAZYSCRIBE_CRASH_TRIALS ?? 50);
const BLOCK = 10;
/** Children started ahead of their trial, importing the packages while earlier trials run. */
const PREWARM = 2;
/** Trials run in this many independent lanes at once (each on its own projects). */
const LANES = Number(process.env.LAZYSCRIBE_CRASH_LANES ?? 1);
const SEED = Number(process.env.LAZYSCRIBE_CRASH_SEED ?? 20250120);
const SAVER = join(REPO_ROOT, "test", "crash", "saver.mjs");
/** Every this many trials the child dies between its pending write and the commit. */
const AFTER_ENTRY = 5;

/** Files a killed local write can leave: temp files (never read as data) and lock folders. */
function localLeftovers(dir: string): { temps: number; locks: number } {
  let temps = 0;
  let locks = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.name.includes(".lazyscribe-tmp-")) temps++;
    if (entry.name.endsWith(".lazyscribe-lock")) locks++;
  }
  return { temps, locks };
}

/** The pending entries of the manifest at `location`. */
async function pendingEntries(storage: Storage, location: string): Promise<string[]> {
  const { path } = await resolveLocation(location, storage);
  const prefix = pendingPrefix(path);
  const keys: string[] = [];
  for await (const entry of storage.list(prefix)) keys.push(entry.key);
  return keys;
}

describe.each(targets)("$name: SIGKILL during saves", (target) => {
  beforeAll(() => {
    // A missing backend or emulator fails the suite; it is never skipped.
    const missing = target.unavailable();
    if (missing) throw new Error(`${target.name}: ${missing}`);
    requireBuilt(target.packages);
  });

  it(`${TRIALS} kills at random points leave a project that parses and whose artifacts all load`, async () => {
    const imports = ["lazyscribe", ...target.packages.filter((p) => !["core", "local", "lazyscribe"].includes(p))].map(distEntry);
    const settings = target.settings();
    const storage = await target.storage();
    const started = Date.now();
    const totals = {
      survived: 0,
      killedMidRun: 0,
      savesReported: 0,
      maxExperiments: 0,
      locksLeft: 0,
      artifactsLoaded: 0,
      killedAfterEntry: 0,
      pendingLanded: 0,
      foldSaveMaxMs: 0,
    };
    const spawnSaver = () => startChild(NODE, [SAVER, JSON.stringify({ imports })], { timeoutMs: 180_000, stdin: true });

    // Each lane runs its share of the trials one after another on its own projects.
    const lane = async (laneIndex: number): Promise<{ root: string; location: string }> => {
      let root = "";
      let location = "";
      const random = seededRandom(SEED + 1000 * laneIndex + target.name.length);
      let mustHave = new Set<string>();
      // Experiments of entries whose writer died before committing: the next save folds them in.
      let mustLand = new Set<string>();
      // slug -> its artifacts' names and files, for experiments already loaded in full this block.
      let loaded = new Map<string, string>();
      const signature = (e: Experiment) => JSON.stringify(e.artifacts.map((a) => [a.name, a.fname]));
      const trials = Array.from({ length: TRIALS }, (_, t) => t).filter((t) => t % LANES === laneIndex);
      // Children import the packages ahead of their trial (PREWARM of them wait at any time).
      const warm: RunningChild[] = [];
      let spawned = 0;
      const refill = () => {
        for (; warm.length < PREWARM && spawned < trials.length; spawned++) warm.push(spawnSaver());
      };
      refill();
      for (const [i, trial] of trials.entries()) {
        if (i % BLOCK === 0) {
          root = await target.freshRoot("crash");
          location = `${root}/project.json`;
          mustHave = new Set();
          mustLand = new Set();
          loaded = new Map();
        }
        const delay = 20 + Math.floor(random() * 381);
        const locksBefore = target.name === "local" ? localLeftovers(root).locks : 0;
        // The child imported the packages while earlier trials ran; the delay counts from its open.
        const child = warm.shift()!;
        const afterEntry = trial % AFTER_ENTRY === AFTER_ENTRY - 1;
        child.child.stdin!.write(`${JSON.stringify({ location, settings, trial, maxSaves: 500, afterEntry })}\n`);
        refill();
        await child.waitFor("ready", 60_000);
        if (!afterEntry) {
          await sleep(delay);
          child.child.kill("SIGKILL");
        }
        const result = await child.done;
        if (afterEntry) {
          const pending = result.messages.find((m) => m.event === "pending");
          expect(pending, `trial ${trial}: the child did not reach its pending write:\n${result.stderr.slice(-3000)}`).toBeDefined();
          expect(result.signal).toBe("SIGKILL");
          totals.killedAfterEntry++;
          for (const name of pending!.names as string[]) mustLand.add(name);
        }
        if (result.signal === "SIGKILL") totals.killedMidRun++;
        else expect(result.code, `trial ${trial}: the child failed before the kill:\n${result.stderr.slice(-3000)}`).toBe(0);
        for (const m of result.messages) {
          if (m.event !== "saved") continue;
          totals.savesReported++;
          for (const name of m.names as string[]) mustHave.add(name);
        }

        // Load the artifacts of experiments new (or changed) since the last check; all of them at the end of a block.
        const full = i % BLOCK === BLOCK - 1 || i === trials.length - 1;
        let verified;
        try {
          verified = await verifyProject(
            location,
            storage,
            16,
            (e, artifact, value) => {
              // Each experiment carries its two artifacts, with the content the child wrote.
              const names = e.artifacts.map((a) => a.name).sort();
              if (names.join() !== "large,small") throw new Error(`${e.name} has artifacts ${names.join()}`);
              if ((value as { name?: unknown }).name !== e.name)
                throw new Error(`${e.name}/${artifact} holds ${JSON.stringify(value).slice(0, 200)}`);
              loaded.set(e.slug, signature(e));
            },
            (e) => !full && loaded.get(e.slug) === signature(e),
          );
        } catch (err) {
          throw new Error(`trial ${trial} (killed after ${delay} ms): ${(err as Error).message}`, { cause: err });
        }
        totals.artifactsLoaded += verified.artifacts;
        const present = new Set(verified.names);
        const missing = [...mustHave].filter((n) => !present.has(n));
        expect(missing, `trial ${trial} (killed after ${delay} ms): saved experiments missing from the manifest`).toEqual([]);
        totals.maxExperiments = Math.max(totals.maxExperiments, verified.experiments);
        // A kill inside the compare-and-swap leaves the lock file; the next writer takes it over at once.
        if (target.name === "local" && localLeftovers(root).locks > locksBefore) totals.locksLeft++;
        if (full) {
          // The next save folds in what killed writers left pending, and removes their leftovers.
          const foldStarted = Date.now();
          const folder = await Project.open(location, { mode: "a", author: "fold", storage });
          await folder.save();
          totals.foldSaveMaxMs = Math.max(totals.foldSaveMaxMs, Date.now() - foldStarted);
          const after = await verifyProject(location, storage, 16, undefined, () => true);
          const names = new Set(after.names);
          const notLanded = [...mustLand].filter((n) => !names.has(n));
          expect(notLanded, `trial ${trial}: experiments of a pending entry were not folded in by the next save`).toEqual([]);
          totals.pendingLanded += mustLand.size;
          expect(await pendingEntries(storage, location), `trial ${trial}: pending entries left after a save`).toEqual([]);
          if (target.name === "local")
            expect(localLeftovers(root), `trial ${trial}: files a killed writer left`).toEqual({ temps: 0, locks: 0 });
        }
        totals.survived++;
      }
      return { root, location };
    };
    const [{ root, location }] = (await Promise.all(Array.from({ length: LANES }, (_, l) => lane(l)))) as [
      { root: string; location: string },
    ];

    // A writer after the last kill still saves (on local disk this waits out a lock a kill left behind).
    const after = Date.now();
    const project = await Project.open(location, { mode: "a", author: "after-crash", storage });
    await project.log("after-crash", (e) => e.logArtifact("small", { name: "after-crash" }, "json"));
    await project.save();
    const finalCheck = await verifyProject(location, storage, 16);
    expect(finalCheck.names).toContain("after-crash");
    const leftovers = target.name === "local" ? localLeftovers(root) : undefined;

    report(`crash ${target.name}`, {
      trials: TRIALS,
      lanes: LANES,
      survived: totals.survived,
      killedMidRun: totals.killedMidRun,
      savesResolvedBeforeKill: totals.savesReported,
      largestProject: totals.maxExperiments,
      artifactsLoaded: totals.artifactsLoaded,
      killedAfterEntry: totals.killedAfterEntry,
      pendingExperimentsLanded: totals.pendingLanded,
      foldSaveMaxMs: totals.foldSaveMaxMs,
      ...(leftovers
        ? { killsLeavingLock: totals.locksLeft, tempFilesInLastBlock: leftovers.temps, locksInLastBlock: leftovers.locks }
        : {}),
      saveAfterLastKillMs: Date.now() - after,
      seconds: (Date.now() - started) / 1000,
    });
    expect(totals.survived).toBe(TRIALS);
    expect(totals.killedAfterEntry).toBeGreaterThan(0);
    // A lock a killed writer left is taken over at once: no save waits out a staleness period (10 s).
    expect(totals.foldSaveMaxMs).toBeLessThan(10_000);
    if (leftovers) expect(leftovers).toEqual({ temps: 0, locks: 0 });
  }, 600_000);
});
