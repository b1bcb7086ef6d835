/**
 * Writes a manifest without losing anyone's work: the write carries the
 * precondition of the version that was read, and when another writer saved in
 * between, the caller's `rebase` merges their manifest into ours and we retry
 * with jittered backoff, bounded in attempts and time.
 */
import { SaveError } from "../errors.js";
import type { Storage } from "../storage/protocol.js";
import { isStorageError } from "../storage/storage-error.js";

/**
 * Retry bounds of a conflicting manifest save. Repository saves default to 50 attempts
 * and 120 s; project saves are unbounded unless given (they do not depend on winning a
 * race, see docs/concurrency.md).
 */
export interface ConflictRetryOptions {
  /** Attempts (project saves: commit rounds) before giving up. @default 50 for repositories, unbounded for projects */
  maxAttempts?: number;
  /** Total time before giving up, in milliseconds. @default 120000 for repositories, unbounded for projects */
  maxTimeMs?: number;
}

/** What the caller gives {@link commitManifest}. */
export interface ManifestCommit {
  storage: Storage;
  key: string;
  /** The version read at open/last save: a token, `null` if the file was absent, `undefined` to write unconditionally. */
  baseVersion: string | null | undefined;
  /** The manifest text to write. */
  text: string;
  /**
   * Called after a conflict with the stored manifest text; returns the merged text
   * to write, or throws to abort (for example a `w`-mode save without `force`).
   */
  rebase(storedText: string | null): string | Promise<string>;
  retry?: ConflictRetryOptions;
}

/** Result of a committed manifest. */
export interface CommittedManifest {
  /** Version token of the written manifest. */
  version: string;
  /** How many conflicts were merged before it landed. */
  conflicts: number;
}

/** Commits a manifest as described in the module comment. */
export async function commitManifest(commit: ManifestCommit): Promise<CommittedManifest> {
  const { storage, key } = commit;
  const maxAttempts = commit.retry?.maxAttempts ?? 50;
  const deadline = Date.now() + (commit.retry?.maxTimeMs ?? 120_000);
  let base = commit.baseVersion;
  let text = commit.text;
  for (let attempt = 1; ; attempt++) {
    const precondition = base === undefined ? undefined : base === null ? ({ ifNoneMatch: "*" } as const) : { ifMatch: base };
    try {
      const { version } = await storage.write(key, text, { precondition, contentType: "application/json" });
      return { version, conflicts: attempt - 1 };
    } catch (err) {
      if (!isStorageError(err, "PRECONDITION_FAILED")) {
        throw new SaveError(`Unable to write the manifest ${key}: ${(err as Error).message}`, { cause: err });
      }
      if (attempt >= maxAttempts || Date.now() >= deadline) {
        throw new SaveError(
          `Unable to save ${key}: other writers changed it ${attempt} times in a row while this save retried. Nothing was lost; call save() again.`,
          { cause: err },
        );
      }
    }
    // Read the stored state (stat first, so the token is never newer than the text we merge).
    const info = await storage.stat(key);
    let stored: string | null = null;
    if (info) {
      try {
        stored = new TextDecoder().decode(await storage.read(key));
      } catch (err) {
        if (!isStorageError(err, "NOT_FOUND"))
          throw new SaveError(`Unable to re-read ${key} after a conflict: ${(err as Error).message}`, { cause: err });
      }
    }
    base = info ? info.version : null;
    text = await commit.rebase(stored);
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 10 * 2 ** attempt)));
  }
}
