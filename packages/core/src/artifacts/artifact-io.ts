/** Reading and writing artifact files through the storage protocol. */
import type { Readable } from "node:stream";
import pLimit from "p-limit";
import { ArtifactLoadError, SaveError } from "../errors.js";
import { bodyToBytes } from "../storage/body.js";
import { safeJoin } from "../storage/keys.js";
import type { Storage, WritePrecondition } from "../storage/protocol.js";
import { isStorageError } from "../storage/storage-error.js";
import { warnOutputOnly, type Artifact } from "./artifact.js";
import type { HandlerOptions } from "./handler.js";

/** Options of the artifact loaders. */
export interface LoadArtifactOptions {
  /** Check that this runtime matches the one that wrote the file. @default true */
  validate?: boolean;
  /** Options passed to the handler's reader. */
  readOptions?: HandlerOptions;
}

/** Encodes an artifact's value and writes it to `key`; the caller decides when to clear `dirty`. */
export async function writeArtifactFile(
  storage: Storage,
  key: string,
  artifact: Artifact,
  what: string,
  precondition?: WritePrecondition,
): Promise<void> {
  try {
    const handler = artifact.resolveHandler();
    const body = await handler.encode(artifact.value, artifact.writerOptions);
    await storage.write(key, body, { precondition });
  } catch (cause) {
    if (isStorageError(cause, "PRECONDITION_FAILED")) throw cause;
    throw new SaveError(`Unable to write ${what} "${artifact.name}" to ${key}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
}

/** Reads and decodes an artifact file. */
export async function readArtifactFile(
  storage: Storage,
  key: string,
  artifact: Artifact,
  options: LoadArtifactOptions = {},
): Promise<unknown> {
  if (options.validate ?? true) artifact.validateEnvironment();
  const handler = artifact.resolveHandler();
  const data = await readRaw(storage, key, artifact);
  let value: unknown;
  try {
    value = await handler.decode(data, options.readOptions ?? {});
  } catch (cause) {
    throw new ArtifactLoadError(
      `The file of artifact "${artifact.name}" at ${key} could not be decoded by the "${artifact.handler}" handler: ${(cause as Error)?.message ?? cause}`,
      { cause },
    );
  }
  warnOutputOnly(artifact, "loaded");
  return value;
}

/** The stored bytes of an artifact, whatever its handler. */
export async function readRaw(storage: Storage, key: string, artifact: Artifact): Promise<Uint8Array> {
  try {
    return await storage.read(key);
  } catch (cause) {
    throw notStored(cause, key, artifact);
  }
}

/** A stream over the stored bytes of an artifact. */
export async function openRaw(storage: Storage, key: string, artifact: Artifact): Promise<Readable> {
  try {
    return await storage.readStream(key);
  } catch (cause) {
    throw notStored(cause, key, artifact);
  }
}

function notStored(cause: unknown, key: string, artifact: Artifact): unknown {
  if (!isStorageError(cause, "NOT_FOUND")) return cause;
  const hint = artifact.dirty ? " It has not been saved yet: call save() first." : "";
  return new ArtifactLoadError(`The file of artifact "${artifact.name}" is missing at ${key}.${hint}`, { cause });
}

/**
 * Writes a not-yet-stored artifact with "only if absent", so it never replaces a
 * file another writer stored under the same name (two versions logged in the
 * same second share a default name, W13). On a clash the file name gets a
 * `-2`, `-3`, ... suffix before its extension and `artifact.fname` is updated.
 */
export async function writeNewArtifactFile(storage: Storage, folder: string, artifact: Artifact, what: string): Promise<void> {
  const original = artifact.fname;
  if (artifact.replacesStoredFile) {
    // An overwrite of a stored artifact under the same name: replace its file, as Python does.
    await writeArtifactFile(storage, safeJoin(folder, original, `file name of ${what} "${artifact.name}"`), artifact, what);
    warnOutputOnly(artifact, "saved");
    return;
  }
  for (let n = 1; n <= 100; n++) {
    const fname = n === 1 ? original : withSuffix(original, n);
    try {
      await writeArtifactFile(storage, safeJoin(folder, fname, `file name of ${what} "${artifact.name}"`), artifact, what, {
        ifNoneMatch: "*",
      });
      artifact.fname = fname;
      // Python warns after writing an output-only artifact during a save; both project and repository saves land here.
      warnOutputOnly(artifact, "saved");
      return;
    } catch (err) {
      if (!isStorageError(err, "PRECONDITION_FAILED")) throw err;
      // The file refused may be our own: a write that landed but whose answer was lost, which the SDK
      // sent again. Renaming then left an orphan copy per lost answer (and, with every answer lost, up
      // to 100 copies per artifact), so a file holding exactly our bytes is taken as written.
      const key = safeJoin(folder, fname, `file name of ${what} "${artifact.name}"`);
      if (await holdsBytesOf(storage, key, artifact, what)) {
        artifact.fname = fname;
        warnOutputOnly(artifact, "saved");
        return;
      }
    }
  }
  throw new SaveError(`Unable to write ${what} "${artifact.name}": 100 files named like ${original} already exist in ${folder}.`);
}

/** Above this size a clashing file is not compared (it is renamed around, as any other writer's file). */
const SAME_FILE_CHECK_MAX_BYTES = 64 * 1024 * 1024;

/** True when the stored file at `key` holds exactly the bytes `artifact` encodes to. */
async function holdsBytesOf(storage: Storage, key: string, artifact: Artifact, what: string): Promise<boolean> {
  try {
    const info = await storage.stat(key);
    if (!info || info.size > SAME_FILE_CHECK_MAX_BYTES) return false;
    const ours = await bodyToBytes(await artifact.resolveHandler().encode(artifact.value, artifact.writerOptions));
    if (ours.byteLength !== info.size) return false;
    const stored = await storage.read(key);
    return stored.byteLength === ours.byteLength && stored.every((byte, i) => byte === ours[i]);
  } catch (cause) {
    throw new SaveError(
      `Unable to write ${what} "${artifact.name}": ${key} exists and could not be compared with it: ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
  }
}

function withSuffix(fname: string, n: number): string {
  const slash = fname.lastIndexOf("/");
  const dot = fname.lastIndexOf(".");
  return dot > slash + 1 ? `${fname.slice(0, dot)}-${n}${fname.slice(dot)}` : `${fname}-${n}`;
}

/** One unsaved artifact file and the folder it goes to. */
export interface PendingArtifact {
  artifact: Artifact;
  folder: string;
  what: string;
}

/**
 * Writes unsaved artifacts with bounded concurrency (each via {@link writeNewArtifactFile}),
 * reporting `files` done of `totalFiles` (the artifacts plus the manifest still to come).
 * Returns the count written, so the caller can report the manifest as the last file.
 */
export async function writePendingArtifacts(
  storage: Storage,
  pending: readonly PendingArtifact[],
  options: { concurrency?: number; onProgress?: (progress: { files: number; totalFiles: number }) => void },
): Promise<number> {
  const limit = pLimit(options.concurrency ?? 8);
  const totalFiles = pending.length + 1;
  let files = 0;
  // Artifacts aiming at the same file are written one after the other in list (logging) order, so the
  // earlier keeps the name and the later gets the `-2` suffix on every run; the rest go concurrently.
  const rounds: PendingArtifact[][] = [];
  const seen = new Map<string, number>();
  for (const item of pending) {
    const key = `${item.folder}\u0000${item.artifact.fname}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(item);
  }
  for (const round of rounds) {
    await Promise.all(
      round.map(({ artifact, folder, what }) =>
        limit(async () => {
          await writeNewArtifactFile(storage, folder, artifact, what);
          options.onProgress?.({ files: ++files, totalFiles });
        }),
      ),
    );
  }
  return files;
}

/**
 * After a save, deletes the files of stored artifacts that an `overwrite` replaced under another
 * file name, unless the saved experiments still name that file (a concurrent writer's copy won the
 * merge). Best effort: a failed delete leaves an unnamed file behind, never a broken manifest.
 */
export async function deleteSupersededFiles(
  storage: Storage,
  pending: readonly PendingArtifact[],
  saved: ReadonlyArray<{
    path: string;
    artifacts: readonly Artifact[];
    tests: ReadonlyArray<{ path: string; artifacts: readonly Artifact[] }>;
  }>,
): Promise<void> {
  const named = new Set<string>();
  for (const e of saved) {
    for (const a of e.artifacts) named.add(`${e.path}\u0000${a.fname}`);
    for (const t of e.tests) for (const a of t.artifacts) named.add(`${t.path}\u0000${a.fname}`);
  }
  for (const { artifact, folder, what } of pending) {
    const old = artifact.supersedes;
    if (old === undefined) continue;
    artifact.supersedes = undefined;
    if (named.has(`${folder}\u0000${old}`)) continue;
    await storage.delete(safeJoin(folder, old, `file name of ${what} "${artifact.name}"`)).catch(() => undefined);
  }
}
