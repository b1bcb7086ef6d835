/**
 * Pending entries of a manifest: objects beside `project.json` in which a save
 * makes its experiments durable before it tries to commit the manifest, so the
 * save does not depend on winning a race (see docs/concurrency.md).
 *
 * An entry of `runs/project.json` is `runs/.lazyscribe-pending/project.json/<name>.json`,
 * written "only if absent"; `<name>` is the writer's clock in milliseconds (zero-padded,
 * so names sort by time) and 12 random bytes, so two writers never pick the same one.
 * Its text is a manifest itself (the same layout and encoding as `project.json`),
 * holding the experiments that save changed.
 */
import { randomBytes } from "node:crypto";
import { baseName, joinKey, parentKey } from "../storage/keys.js";
import type { Storage } from "../storage/protocol.js";
import { isStorageError } from "../storage/storage-error.js";

/** Folder (inside the manifest's folder) of every manifest's pending entries. */
export const PENDING_FOLDER = ".lazyscribe-pending";

/** The key prefix (ending in `/`) of the pending entries of `manifestKey`. */
export function pendingPrefix(manifestKey: string): string {
  return joinKey(parentKey(manifestKey), PENDING_FOLDER, baseName(manifestKey)) + "/";
}

/** A new, unique entry key for `manifestKey`. */
export function newPendingKey(manifestKey: string, now = Date.now()): string {
  return `${pendingPrefix(manifestKey)}${String(now).padStart(15, "0")}-${randomBytes(12).toString("hex")}.json`;
}

const ENTRY_NAME = /^\d{15}-[0-9a-f]{24}\.json$/;

/** The keys of the pending entries of `manifestKey`, oldest first. Other files in the folder are ignored. */
export async function listPending(storage: Storage, manifestKey: string): Promise<string[]> {
  const prefix = pendingPrefix(manifestKey);
  const keys: string[] = [];
  for await (const entry of storage.list(prefix)) {
    const name = entry.key.slice(prefix.length);
    if (ENTRY_NAME.test(name)) keys.push(entry.key);
  }
  return keys.sort();
}

/** Reads an entry's text; `null` when it is gone (a committer deleted it after it landed). */
export async function readPending(storage: Storage, key: string): Promise<string | null> {
  try {
    return new TextDecoder().decode(await storage.read(key));
  } catch (err) {
    if (isStorageError(err, "NOT_FOUND")) return null;
    // A read cut off, then resumed after a committer deleted the object, fails as a transient
    // fault (Azure refuses the resume pinned to the first ETag with 412): gone is gone.
    if (isStorageError(err) && err.retryable && (await storage.stat(key)) === null) return null;
    throw err;
  }
}
