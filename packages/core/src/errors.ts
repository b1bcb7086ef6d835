/**
 * The error hierarchy of lazyscribe. Every error a user can meet is a
 * {@link LazyscribeError}; the Python names are kept so code and docs translate
 * one to one, and the places where Python raises a builtin (`ValueError`,
 * `KeyError`, `RuntimeError`) get a named subclass here.
 *
 * @packageDocumentation
 */

const BRAND = Symbol.for("lazyscribe.error");

/** Root of every error this library throws on purpose. */
export class LazyscribeError extends Error {
  /** Marks instances so {@link isLazyscribeError} works across duplicate copies of this package. */
  readonly [BRAND] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `err` is a {@link LazyscribeError}, even one from another copy of this package. */
export function isLazyscribeError(err: unknown): err is LazyscribeError {
  return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}

/** A mutation was attempted on a read-only project, repository, experiment or test. */
export class ReadOnlyError extends LazyscribeError {}

/** Writing a manifest or an artifact failed; the original error is the `cause`. */
export class SaveError extends LazyscribeError {}

/** Base of the artifact errors. */
export class ArtifactError extends LazyscribeError {}

/** An artifact could not be logged (duplicate name, protocol mismatch, not newer than the repository). */
export class ArtifactLogError extends ArtifactError {}

/** An artifact could not be loaded (unknown name, environment mismatch, unknown handler). */
export class ArtifactLoadError extends ArtifactError {}

/** A version string is not in the `YYYY-MM-DDTHH:MM:SS` format. */
export class InvalidVersionError extends LazyscribeError {}

/** No artifact version or release matches the request. */
export class VersionNotFoundError extends LazyscribeError {}

/** An argument has the wrong value or type (Python raises `ValueError` here). */
export class InvalidArgumentError extends LazyscribeError {}

/** A lookup by key failed: an experiment slug, an artifact name, a registry key (Python's `KeyError`). */
export class NotFoundError extends LazyscribeError {}

/** An operation needs a different open mode or saved state (Python's `RuntimeError`). */
export class InvalidStateError extends LazyscribeError {}

/** A stored manifest (`project.json`, `repository.json`, `releases.json`) is malformed. */
export class ManifestError extends LazyscribeError {}

/** No artifact handler is registered under an alias (Python's `ValueError` from handler lookup). */
export class UnknownHandlerError extends LazyscribeError {}

/** A path, artifact name or file name would leave the project or repository folder. */
export class UnsafePathError extends LazyscribeError {}

/** A URL scheme has no backend, or the backend package that serves it is not installed. */
export class BackendNotFoundError extends LazyscribeError {}
