/** `Experiment.promoteArtifact`: moves a logged artifact into a repository as a new version. */
import { ArtifactLogError, ReadOnlyError, SaveError } from "../errors.js";
import { decodePythonJson } from "../json/index.js";
import { isStorageError } from "../storage/storage-error.js";
import { copyAcross } from "../storage/transfer.js";
import type { Experiment } from "./experiment.js";
import { findArtifact, artifactKey } from "./owned-artifacts.js";
import type { Repository } from "./repository.js";

/**
 * Promotes artifact `name` of `experiment` into `repository` (Python's
 * `promote_artifact`). An unsaved artifact is appended for the repository's next
 * save; a saved one is copied inside the store (server-side where it can) under
 * its full file name and the repository is saved, rolled back on failure.
 *
 * @throws ArtifactLoadError for an unknown name; ArtifactLogError when it is not newer than the repository's latest version or the protocols differ; ReadOnlyError for a read-only repository.
 */
export async function promoteArtifact(experiment: Experiment, repository: Repository, name: string): Promise<void> {
  const artifact = findArtifact(experiment.artifacts, `experiment "${experiment.slug}"`, name);
  if (repository.mode === "r") {
    // Python appends to a read-only repository here (W12); refuse before touching anything.
    throw new ReadOnlyError(`Cannot promote "${name}": the repository ${repository.fpath} was opened in mode "r". Open it in mode "w+".`);
  }
  // Python checks only the newest non-expired version (W10): an expired newer version was ignored, numbers
  // could repeat, and an all-expired name raised VersionNotFoundError. Compare with every version instead.
  const existing = repository.artifacts.filter((a) => a.name === name);
  let version = 0;
  if (existing.length > 0) {
    const latest = existing.reduce((x, y) => (y.createdAt.getTime() >= x.createdAt.getTime() ? y : x));
    if (latest.createdAt.getTime() >= artifact.createdAt.getTime()) {
      throw new ArtifactLogError(
        `Artifact "${name}" of experiment "${experiment.slug}" (created ${artifact.createdAt.toISOString()}) is not newer than version ${latest.version} in the repository (created ${latest.createdAt.toISOString()}). Log a new artifact before promoting it.`,
      );
    }
    version = Math.max(...existing.map((a) => a.version)) + 1;
  }
  const promoted = artifact.with({ version, expiry: null });
  if (artifact.dirty) {
    promoted.dirty = true;
    repository.appendVersion(promoted);
    return;
  }
  if (experiment.storage.protocol !== repository.storage.protocol) {
    throw new ArtifactLogError(
      `Cannot promote "${name}": the experiment is on ${experiment.storage.protocol}:// and the repository on ${repository.storage.protocol}://. Move the file to the repository by hand.`,
    );
  }
  promoted.dirty = false;
  const destination = repository.fileKey(promoted);
  await copyAcross(experiment.storage, artifactKey(experiment.path, artifact), repository.storage, destination);
  repository.appendVersion(promoted);
  try {
    await repository.save();
  } catch (err) {
    repository.removeVersion(promoted);
    // A failed write may still have landed (a lost response); delete the copy only if the stored manifest does not name it.
    if (err instanceof SaveError && !(await manifestNames(repository, promoted.name, promoted.fname))) {
      await repository.storage.delete(destination).catch(() => undefined);
    }
    throw err;
  }
}

async function manifestNames(repository: Repository, name: string, fname: string): Promise<boolean> {
  try {
    const text = new TextDecoder().decode(await repository.storage.read(repository.path));
    return (decodePythonJson(text) as Array<{ name?: unknown; fname?: unknown }>).some((e) => e?.name === name && e?.fname === fname);
  } catch (err) {
    return !isStorageError(err, "NOT_FOUND");
  }
}
