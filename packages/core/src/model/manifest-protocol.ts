/**
 * How a project save commits `project.json` when other writers save at the same
 * time, without depending on winning a race (the protocol, its invariants and
 * failure cases are in docs/concurrency.md):
 *
 * 1. List the pending entries. When there are none, write the manifest with the
 *    precondition of the version this project holds: done if it lands.
 * 2. Otherwise (or when that write lost), write this save's changed experiments to
 *    a pending entry of its own, "only if absent".
 * 3. Read the manifest and every pending entry, fold the entries in (oldest first,
 *    newest `last_updated` per slug), and write the result with the precondition of
 *    the version read. When it lands, delete the entries it folded in.
 * 4. When it lost, another writer committed: if that writer deleted our entry, a
 *    manifest including it landed and we are done; otherwise go to 3.
 *
 * Entries are deleted only after a manifest including them landed, so an entry that
 * is gone is an entry that is saved. An entry a killed writer left behind is folded
 * in (or, if a manifest already includes it, deleted) by the next save.
 */
import { SaveError } from "../errors.js";
import type { Storage, WritePrecondition } from "../storage/protocol.js";
import { isStorageError } from "../storage/storage-error.js";
import type { Experiment } from "./experiment.js";
import type { ConflictRetryOptions } from "./manifest-commit.js";
import { joinChunks } from "./manifest-text.js";
import { insortRight } from "./ordering.js";
import { listPending, newPendingKey, readPending } from "./pending-entries.js";

/** What the protocol needs from the project it saves. */
export interface CommitContext {
  storage: Storage;
  /** Key of the manifest. */
  key: string;
  /** The manifest's location for messages. */
  where: string;
  /** The project's experiments in memory, in order (its own writable ones included). */
  current: readonly Experiment[];
  /** An experiment's text in the manifest (reused when unchanged, encoded otherwise). */
  textOf(experiment: Experiment): string;
  /** Decodes a manifest (or entry) text into experiments in Python's order. */
  parse(text: string): Promise<Experiment[]>;
}

/** The outcome of a commit. */
export interface CommitOutcome {
  /** The experiments of the committed manifest, the project's own objects where they are the same record. */
  experiments: Experiment[];
  /** The manifest version the project now holds (`null` when the file no longer exists). */
  version: string | null;
}

function preconditionFor(version: string | null): WritePrecondition {
  return version === null ? { ifNoneMatch: "*" } : { ifMatch: version };
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Folds `additions` into `list` in place with Python's merge rule (per slug the newest
 * `last_updated`, in seconds as the file holds it; on a tie the addition). Returns true
 * when the manifest text changes. A writable experiment replaces a read-only copy of the
 * same record without changing anything, so the project keeps its own objects.
 */
function fold(
  list: Experiment[],
  bySlug: Map<string, Experiment>,
  additions: readonly Experiment[],
  textOf: (e: Experiment) => string,
): boolean {
  let changed = false;
  for (const e of additions) {
    const current = bySlug.get(e.slug);
    if (current === e) continue;
    if (current !== undefined) {
      if (seconds(current.lastUpdated) > seconds(e.lastUpdated)) continue;
      const same = textOf(current) === textOf(e);
      if (same && e.readOnly) continue;
      list[list.lastIndexOf(current)] = e;
      if (!same) changed = true;
    } else {
      insortRight(list, e);
      changed = true;
    }
    bySlug.set(e.slug, e);
  }
  return changed;
}

/** Puts the project's own writable objects in place of read-only copies of the same record. */
function adopt(list: Experiment[], bySlug: Map<string, Experiment>, own: readonly Experiment[], textOf: (e: Experiment) => string): void {
  for (const e of own) {
    const current = bySlug.get(e.slug);
    if (current === undefined || current === e || textOf(current) !== textOf(e)) continue;
    list[list.lastIndexOf(current)] = e;
    bySlug.set(e.slug, e);
  }
}

function indexBySlug(list: readonly Experiment[]): Map<string, Experiment> {
  const bySlug = new Map<string, Experiment>();
  for (const e of list) bySlug.set(e.slug, e);
  return bySlug;
}

async function readManifest(ctx: CommitContext): Promise<{ version: string | null; experiments: Experiment[] }> {
  for (;;) {
    // stat first, so the version is never newer than the text (a newer text only makes the write lose).
    const info = await ctx.storage.stat(ctx.key);
    if (!info) return { version: null, experiments: [] };
    let text: string | null;
    try {
      text = await readPending(ctx.storage, ctx.key);
    } catch (err) {
      // A transient failure while another writer replaced the manifest (a cut download resumed on
      // the version it started from is refused, say) is a conflict like a refused commit: read the
      // new one. With the version unchanged it is the store's fault, and stays the caller's error.
      if (!isStorageError(err) || !err.retryable) throw err;
      if ((await ctx.storage.stat(ctx.key))?.version === info.version) throw err;
      continue;
    }
    if (text === null) return { version: null, experiments: [] };
    return { version: info.version, experiments: await ctx.parse(text) };
  }
}

function wrap(ctx: CommitContext, err: unknown, entryKey: string | undefined): unknown {
  if (err instanceof SaveError || !isStorageError(err)) return err;
  const kept = entryKey
    ? ` Its experiments are kept in the pending entry ${entryKey}: the next save, by any writer, folds them in; or call save() again.`
    : " Nothing was committed; call save() again.";
  return new SaveError(`Unable to save ${ctx.where}: ${(err as Error).message}.${kept}`, { cause: err });
}

/**
 * Writes a new pending entry "only if absent". Its name is random, so when the store
 * says it exists, an earlier attempt of this very write landed and its answer was lost
 * (the SDK retried): reading it back tells; a different text (never seen) takes a new name.
 */
async function writeEntry(storage: Storage, key: string, text: string): Promise<string> {
  for (;;) {
    const candidate = newPendingKey(key);
    try {
      await storage.write(candidate, text, { precondition: { ifNoneMatch: "*" }, contentType: "application/json" });
      return candidate;
    } catch (err) {
      if (!isStorageError(err, "PRECONDITION_FAILED")) throw err;
      if ((await readPending(storage, candidate)) === text) return candidate;
    }
  }
}

/** Commits a save of mode `a` or `w+` as described in the module comment. */
export async function commitWithPendingEntries(
  ctx: CommitContext,
  options: { knownVersion: string | null; changed: readonly Experiment[]; retry?: ConflictRetryOptions },
): Promise<CommitOutcome> {
  const { storage, key } = ctx;
  const maxRounds = options.retry?.maxAttempts ?? Infinity;
  const deadline = Date.now() + (options.retry?.maxTimeMs ?? Infinity);
  const entries = new Map<string, Experiment[] | null>();
  let entryKey: string | undefined;
  try {
    for (let round = 1; ; round++) {
      const others = (await listPending(storage, key)).filter((k) => k !== entryKey);
      if (entryKey === undefined && others.length === 0) {
        try {
          const text = joinChunks(ctx.current.map((e) => ctx.textOf(e)));
          const { version } = await storage.write(key, text, {
            precondition: preconditionFor(options.knownVersion),
            contentType: "application/json",
          });
          return { experiments: [...ctx.current], version };
        } catch (err) {
          if (!isStorageError(err, "PRECONDITION_FAILED")) throw err;
        }
      }
      if (entryKey === undefined) {
        entryKey = await writeEntry(storage, key, joinChunks(options.changed.map((e) => ctx.textOf(e))));
      } else if ((await storage.stat(entryKey)) === null) {
        // Another writer committed a manifest including our entry, then deleted the entry.
        const stored = await readManifest(ctx);
        adopt(
          stored.experiments,
          indexBySlug(stored.experiments),
          ctx.current.filter((e) => !e.readOnly),
          (e) => ctx.textOf(e),
        );
        return stored;
      }
      if (round > maxRounds || Date.now() > deadline) {
        throw new SaveError(
          `Unable to save ${ctx.where} within the retry bounds given to save(): other writers kept committing first. Its experiments are kept in the pending entry ${entryKey}: the next save, by any writer, folds them in; or call save() again.`,
        );
      }

      // Fold every entry into the manifest as stored now.
      const info = await storage.stat(key);
      const sameAsHeld = info !== null && info.version === options.knownVersion;
      const stored = sameAsHeld ? { version: info.version, experiments: [...ctx.current] } : await readManifest(ctx);
      const list = stored.experiments;
      const bySlug = indexBySlug(list);
      const textOf = (e: Experiment) => ctx.textOf(e);
      // Held: the list already has this save's changes, which the stored text lacks.
      let changed = sameAsHeld && options.changed.length > 0;
      if (!sameAsHeld)
        adopt(
          list,
          bySlug,
          ctx.current.filter((e) => !e.readOnly),
          textOf,
        );
      const folded: string[] = [];
      for (const other of others) {
        if (!entries.has(other)) {
          const text = await readPending(storage, other);
          entries.set(other, text === null ? null : await ctx.parse(text));
        }
        const experiments = entries.get(other);
        if (experiments === null || experiments === undefined) continue; // it landed and was deleted meanwhile
        if (fold(list, bySlug, experiments, textOf)) changed = true;
        folded.push(other);
      }
      if (fold(list, bySlug, options.changed, textOf)) changed = true;
      folded.push(entryKey);

      let version = stored.version;
      if (changed || version === null) {
        try {
          ({ version } = await storage.write(key, joinChunks(list.map(textOf)), {
            precondition: preconditionFor(stored.version),
            contentType: "application/json",
          }));
        } catch (err) {
          if (!isStorageError(err, "PRECONDITION_FAILED")) throw err;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** round)));
          continue;
        }
      }
      // A manifest including every folded entry has landed: only now may they go.
      await Promise.all(folded.map((k) => storage.delete(k).catch(() => undefined)));
      return { experiments: list, version };
    }
  } catch (err) {
    throw wrap(ctx, err, entryKey);
  }
}

/**
 * Commits a save of mode `w`: the manifest becomes exactly this project's experiments.
 * Without `force` it lands only on the version seen at open. Pending entries that the
 * replaced manifest already included are deleted after it lands (folding them later
 * would bring back what was replaced); entries still in flight are left to their writers.
 */
export async function commitReplacement(
  ctx: CommitContext,
  options: { force: boolean; openedVersion: string | null },
): Promise<CommitOutcome> {
  const { storage, key } = ctx;
  const changedSinceOpen = () =>
    new SaveError(
      `${ctx.where} changed after it was opened in mode "w". Saving would replace someone else's experiments; pass { force: true } to save() to replace it anyway, or open in mode "a" to add to it.`,
    );
  try {
    const landed: string[] = [];
    const others = await listPending(storage, key);
    if (others.length > 0) {
      const stored = await readManifest(ctx);
      if (!options.force && stored.version !== options.openedVersion) throw changedSinceOpen();
      for (const other of others) {
        const text = await readPending(storage, other);
        if (text === null) continue;
        const list = [...stored.experiments];
        if (!fold(list, indexBySlug(list), await ctx.parse(text), (e) => ctx.textOf(e))) landed.push(other);
      }
    }
    let version: string;
    try {
      ({ version } = await storage.write(key, joinChunks(ctx.current.map((e) => ctx.textOf(e))), {
        precondition: options.force ? undefined : preconditionFor(options.openedVersion),
        contentType: "application/json",
      }));
    } catch (err) {
      if (isStorageError(err, "PRECONDITION_FAILED")) throw changedSinceOpen();
      throw err;
    }
    await Promise.all(landed.map((k) => storage.delete(k).catch(() => undefined)));
    return { experiments: [...ctx.current], version };
  } catch (err) {
    throw wrap(ctx, err, undefined);
  }
}
