/**
 * The artifact list of an experiment or a test: logging with the duplicate
 * rules, loading by name, raw access. Shared so both behave the same.
 */
import type { Readable } from "node:stream";
import { Artifact, handlerForLogging, warnOutputOnly } from "../artifacts/artifact.js";
import { openRaw, readArtifactFile, readRaw, type LoadArtifactOptions } from "../artifacts/artifact-io.js";
import type { HandlerOptions } from "../artifacts/handler.js";
import { ArtifactLoadError, ArtifactLogError, InvalidArgumentError } from "../errors.js";
import { assertSafeRelative, safeJoin } from "../storage/keys.js";
import type { Storage } from "../storage/protocol.js";

/** Options of `logArtifact` on experiments and tests; other keys go to the handler's writer. */
export interface LogArtifactOptions extends HandlerOptions {
  /** File name relative to the owner's folder; defaults to `<slug(name)>-<stamp>.<suffix>`. */
  fname?: string;
  /** Replace an artifact of the same name instead of failing. @default false */
  overwrite?: boolean;
}

/** Builds the artifact for a `logArtifact` call and places it in `list`. */
export function logInto(
  list: Artifact[],
  owner: string,
  name: string,
  value: unknown,
  handler: string,
  options: LogArtifactOptions,
  createdAt: Date,
): Artifact {
  if (typeof name !== "string" || name.length === 0)
    throw new InvalidArgumentError(`An artifact name must be a non-empty string; got ${JSON.stringify(name)}.`);
  const { fname, overwrite = false, ...writerOptions } = options;
  if (fname !== undefined) assertSafeRelative(fname, `file name of artifact "${name}"`);
  handlerForLogging(handler);
  const artifact = new Artifact({ name, handler, value, fname, createdAt, writerOptions });
  assertSafeRelative(artifact.fname, `file name of artifact "${name}"`);
  const index = list.findIndex((a) => a.name === name);
  if (index >= 0 && !overwrite) {
    throw new ArtifactLogError(
      `An artifact named "${name}" already exists in ${owner}. Use another name, or pass { overwrite: true } to replace it.`,
    );
  }
  if (index >= 0) {
    // Replacing a stored artifact: its file is rewritten in place when the name is unchanged (as Python
    // does), and deleted after the next save otherwise, so no file is left that no manifest names.
    const previous = list[index]!;
    const stored = !previous.dirty || previous.replacesStoredFile ? previous.fname : previous.supersedes;
    if (stored !== undefined) {
      if (stored === artifact.fname) artifact.replacesStoredFile = true;
      else artifact.supersedes = stored;
    }
    list[index] = artifact;
  } else list.push(artifact);
  warnOutputOnly(artifact, "logged");
  return artifact;
}

/** The artifact named `name`, or an ArtifactLoadError naming it. */
export function findArtifact(list: readonly Artifact[], owner: string, name: string): Artifact {
  const found = list.find((a) => a.name === name);
  if (!found) {
    const known = list.map((a) => a.name);
    throw new ArtifactLoadError(`No artifact named "${name}" in ${owner}${known.length ? ` (it has: ${known.join(", ")})` : ""}.`);
  }
  return found;
}

/** The storage key of an artifact file in `folder`. */
export function artifactKey(folder: string, artifact: Artifact): string {
  return safeJoin(folder, artifact.fname, `file name of artifact "${artifact.name}"`);
}

/** Reads and decodes an artifact by name. */
export async function loadFrom(
  storage: Storage,
  folder: string,
  list: readonly Artifact[],
  owner: string,
  name: string,
  options?: LoadArtifactOptions,
): Promise<unknown> {
  const artifact = findArtifact(list, owner, name);
  return readArtifactFile(storage, artifactKey(folder, artifact), artifact, options);
}

/** The stored bytes of an artifact by name. */
export async function bytesFrom(
  storage: Storage,
  folder: string,
  list: readonly Artifact[],
  owner: string,
  name: string,
): Promise<Uint8Array> {
  const artifact = findArtifact(list, owner, name);
  return readRaw(storage, artifactKey(folder, artifact), artifact);
}

/** A stream over the stored bytes of an artifact by name. */
export async function streamFrom(
  storage: Storage,
  folder: string,
  list: readonly Artifact[],
  owner: string,
  name: string,
): Promise<Readable> {
  const artifact = findArtifact(list, owner, name);
  return openRaw(storage, artifactKey(folder, artifact), artifact);
}
