/**
 * `releases.json` beside a repository, read and appended through the storage protocol with the
 * store's precondition, as the library's `releaseFromConfig` does, so a concurrent release is
 * never overwritten.
 */
import {
  dumpReleases,
  formatLocation,
  InvalidStateError,
  isStorageError,
  joinKey,
  loadReleases,
  parentKey,
  type Release,
  type Repository,
} from "@lazyscribe/core";

/** The releases of a repository and the version token they were read at. */
export interface StoredReleases {
  /** Location of `releases.json`. */
  location: string;
  /** Key of `releases.json` in the repository's store. */
  key: string;
  releases: Release[];
  /** Version token of the file, or `null` when it does not exist yet. */
  version: string | null;
}

/** Reads `releases.json` beside the repository (no file: no releases). */
export async function readReleases(repository: Repository): Promise<StoredReleases> {
  const key = joinKey(parentKey(repository.path), "releases.json");
  const location = formatLocation(repository.protocol, key);
  const info = await repository.storage.stat(key);
  if (!info) return { location, key, releases: [], version: null };
  const text = new TextDecoder().decode(await repository.storage.read(key));
  return { location, key, releases: loadReleases(text, location), version: info.version };
}

/**
 * Appends a release, written "only if unchanged since read".
 *
 * @throws InvalidStateError when the tag exists or another writer changed the file meanwhile.
 */
export async function appendRelease(repository: Repository, release: Release): Promise<StoredReleases> {
  const stored = await readReleases(repository);
  if (stored.releases.some((r) => r.tag === release.tag)) {
    throw new InvalidStateError(`Release "${release.tag}" already exists in ${stored.location}; choose another tag.`);
  }
  const releases = [...stored.releases, release];
  try {
    const { version } = await repository.storage.write(stored.key, dumpReleases(releases, { indent: 4 }), {
      precondition: stored.version === null ? { ifNoneMatch: "*" } : { ifMatch: stored.version },
      contentType: "application/json",
    });
    return { ...stored, releases, version };
  } catch (err) {
    if (isStorageError(err, "PRECONDITION_FAILED")) {
      throw new InvalidStateError(`${stored.location} changed while this release was being written; run the command again.`, {
        cause: err,
      });
    }
    throw err;
  }
}
