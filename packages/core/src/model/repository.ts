/** A repository: versioned artifacts listed in one `repository.json`, on any store. */
import type { Readable } from "node:stream";
import { Artifact, handlerForLogging, warnOutputOnly, type ArtifactMetadata, type ArtifactState } from "../artifacts/artifact.js";
import { openRaw, readArtifactFile, readRaw, writePendingArtifacts, type LoadArtifactOptions } from "../artifacts/artifact-io.js";
import type { HandlerOptions } from "../artifacts/handler.js";
import { decodePythonJson, encodePythonJson } from "../json/index.js";
import {
  ArtifactLoadError,
  InvalidArgumentError,
  InvalidStateError,
  ManifestError,
  NotFoundError,
  ReadOnlyError,
  SaveError,
  VersionNotFoundError,
} from "../errors.js";
import { assertSafeRelative, joinKey, parentKey, safeJoin } from "../storage/keys.js";
import { formatLocation, parseLocation } from "../storage/location.js";
import type { Storage } from "../storage/protocol.js";
import { getStorage, type StorageSettings } from "../storage/registry.js";
import { now, parseVersionString, pythonDateText } from "../time/index.js";
import { pythonUnifiedDiff } from "./version-diff.js";
import { commitManifest } from "./manifest-commit.js";
import type { SaveOptions } from "./project.js";

/** Repository open modes: `r` read-only, `w` replace, `w+` add (the default). */
export type RepositoryMode = "r" | "w" | "w+";

/** A version selector: an integer version, a timestamp, or a `YYYY-MM-DDTHH:MM:SS` string. */
export type VersionSelector = number | Date | string;

/** How a timestamp selector matches: `exact` equality or the newest `asof` (at or before). */
export type VersionMatch = "exact" | "asof";

/** Options of {@link Repository.open}. */
export interface RepositoryOpenOptions {
  /** @default "w+" */
  mode?: RepositoryMode;
  /** A ready store, or settings for the URL's backend. */
  storage?: Storage | StorageSettings;
}

/** Selects one version of an artifact. */
export interface VersionOptions {
  /** Omit for the newest version that has not expired. */
  version?: VersionSelector | null;
  /** @default "exact" */
  match?: VersionMatch;
}

/** Options of {@link Repository.logArtifact}; other keys go to the handler's writer. */
export interface RepositoryLogOptions extends HandlerOptions {
  /** File name inside `<repository dir>/<name>/`. */
  fname?: string;
}

/**
 * A repository as plain, structured-clone-safe data, for sending to a worker
 * (Python's `RepositoryState`). Unlike Python (W8) it carries no storage
 * settings or credentials: pass them again to {@link Repository.fromState}.
 */
export interface RepositoryState {
  fpath: string;
  protocol: string;
  path: string;
  dir: string;
  mode: RepositoryMode;
  artifacts: ArtifactState[];
  /** Version of the manifest last read or written, so a save from the copy merges correctly. */
  manifestVersion: string | null;
  /** Indexes of entries whose expiry changed since the last save. */
  expiryChanged: number[];
}

const MODES: readonly RepositoryMode[] = ["r", "w", "w+"];

/** Python lazyscribe's `Repository`, with saves that merge concurrent writers. */
export class Repository {
  /** The location as given. */
  readonly fpath: string;
  /** The URL scheme. */
  readonly protocol: string;
  /** Key of `repository.json`. */
  readonly path: string;
  /** Folder of the artifact folders. */
  readonly dir: string;
  /** The store. */
  readonly storage: Storage;
  /** The open mode. */
  readonly mode: RepositoryMode;
  #artifacts: Artifact[] = [];
  #manifestVersion: string | null = null;
  /** Entries whose expiry changed since the last save, to re-apply after a merge. */
  #expiryChanges = new Set<Artifact>();
  #saving: Promise<unknown> = Promise.resolve();

  private constructor(fpath: string, protocol: string, path: string, storage: Storage, mode: RepositoryMode) {
    this.fpath = fpath;
    this.protocol = protocol;
    this.path = path;
    this.dir = parentKey(path);
    this.storage = storage;
    this.mode = mode;
  }

  /**
   * Opens a repository. `r` and `w+` load the file when it exists; `w` starts empty.
   *
   * @throws InvalidArgumentError for an unknown mode; ManifestError for a malformed file.
   */
  static async open(fpath = "repository.json", options: RepositoryOpenOptions = {}): Promise<Repository> {
    const mode = options.mode ?? "w+";
    if (!MODES.includes(mode))
      throw new InvalidArgumentError(`Invalid repository mode ${JSON.stringify(mode)}: use one of "r", "w", "w+".`);
    const { protocol, path } = parseLocation(fpath);
    const repo = new Repository(fpath, protocol, path, await getStorage(protocol, options.storage), mode);
    if (mode === "w") repo.#manifestVersion = (await repo.storage.stat(path))?.version ?? null;
    else await repo.load();
    return repo;
  }

  /** The transfer state; each entry is serialised by {@link Artifact.toState}. */
  async toState(): Promise<RepositoryState> {
    return {
      fpath: this.fpath,
      protocol: this.protocol,
      path: this.path,
      dir: this.dir,
      mode: this.mode,
      artifacts: await Promise.all(this.#artifacts.map((a) => a.toState())),
      manifestVersion: this.#manifestVersion,
      expiryChanged: this.#artifacts.flatMap((a, i) => (this.#expiryChanges.has(a) ? [i] : [])),
    };
  }

  /** Rebuilds a repository from {@link Repository.toState} without reading the store; `storage` as in {@link Repository.open}. */
  static async fromState(state: RepositoryState, options: Pick<RepositoryOpenOptions, "storage"> = {}): Promise<Repository> {
    const repo = new Repository(state.fpath, state.protocol, state.path, await getStorage(state.protocol, options.storage), state.mode);
    repo.#artifacts = await Promise.all(state.artifacts.map((a) => Artifact.fromState(a)));
    repo.#manifestVersion = state.manifestVersion;
    for (const i of state.expiryChanged) if (repo.#artifacts[i]) repo.#expiryChanges.add(repo.#artifacts[i]);
    return repo;
  }

  /** Every version of every artifact, in list order (file order, then log order). */
  get artifacts(): readonly Artifact[] {
    return this.#artifacts;
  }

  /** Re-reads the file, replacing the entries in memory. */
  async load(): Promise<void> {
    const info = await this.storage.stat(this.path);
    if (!info) {
      this.#artifacts = [];
      this.#manifestVersion = null;
      return;
    }
    const text = new TextDecoder().decode(await this.storage.read(this.path));
    this.#artifacts = this.#parse(text);
    this.#manifestVersion = info.version;
  }

  /**
   * Logs a new version of `name` (1 + the highest existing version, expired ones included).
   *
   * @throws ReadOnlyError in mode `r`.
   */
  logArtifact(name: string, value: unknown, handler: string, options: RepositoryLogOptions = {}): Artifact {
    this.#assertWritable("log artifacts");
    assertSafeRelative(name, "artifact name");
    const { fname, ...writerOptions } = options;
    if (fname !== undefined) assertSafeRelative(fname, `file name of artifact "${name}"`);
    handlerForLogging(handler);
    const version = this.#nextVersion(name);
    const artifact = new Artifact({ name, handler, value, fname, createdAt: now(), version, writerOptions });
    this.#artifacts.push(artifact);
    warnOutputOnly(artifact, "logged");
    return artifact;
  }

  /** True when any version of `name` exists. */
  has(name: string): boolean {
    return this.#artifacts.some((a) => a.name === name);
  }

  /**
   * The first entry named `name` in list order (usually version 0, as in Python).
   *
   * @throws NotFoundError when there is none.
   */
  get(name: string): Artifact {
    const found = this.#artifacts.find((a) => a.name === name);
    if (!found) throw new NotFoundError(`No artifact named "${name}" in ${this.#where()}.`);
    return found;
  }

  /**
   * Reads one version of an artifact.
   *
   * @throws NotFoundError for an unknown name; VersionNotFoundError / InvalidVersionError for a bad selector; ArtifactLoadError when the file cannot be read.
   */
  async loadArtifact(name: string, options: VersionOptions & LoadArtifactOptions = {}): Promise<unknown> {
    const artifact = this.#search(name, options.version, options.match);
    return readArtifactFile(this.storage, this.#fileKey(artifact), artifact, options);
  }

  /** The raw stored bytes of one version, whatever its handler. */
  async readArtifactBytes(name: string, options: VersionOptions = {}): Promise<Uint8Array> {
    const artifact = this.#search(name, options.version, options.match);
    return readRaw(this.storage, this.#fileKey(artifact), artifact);
  }

  /** A stream over the raw stored bytes of one version (for large files). */
  async openArtifact(name: string, options: VersionOptions = {}): Promise<Readable> {
    const artifact = this.#search(name, options.version, options.match);
    return openRaw(this.storage, this.#fileKey(artifact), artifact);
  }

  /** The manifest object of one version. */
  getArtifactMetadata(name: string, options: VersionOptions = {}): ArtifactMetadata {
    return this.#search(name, options.version, options.match).toJSON();
  }

  /**
   * A unified diff, formatted as Python's `difflib.unified_diff` joined with
   * `"\n"`, from `version` to the newest version (or between a pair, older to
   * newer). Identical versions give `""`.
   *
   * @throws ArtifactLoadError for an unsaved version; InvalidArgumentError for binary handlers.
   */
  async getVersionDiff(
    name: string,
    version: VersionSelector | [VersionSelector, VersionSelector],
    options: { match?: VersionMatch } = {},
  ): Promise<string> {
    let pair: [Artifact, Artifact];
    if (Array.isArray(version)) {
      const a = this.#search(name, version[0], options.match);
      const b = this.#search(name, version[1], options.match);
      pair = a.createdAt.getTime() <= b.createdAt.getTime() ? [a, b] : [b, a];
    } else {
      pair = [this.#search(name, version, options.match), this.#search(name, null)];
    }
    if (pair[0] === pair[1]) {
      process.emitWarning(`Only one version of "${name}" was selected (version ${pair[0].version}); the diff is empty.`, {
        type: "LazyscribeWarning",
      });
    }
    const texts: string[] = [];
    for (const artifact of pair) {
      if (artifact.dirty)
        throw new ArtifactLoadError(`Version ${artifact.version} of "${name}" has not been saved; save the repository before diffing.`);
      if (artifact.resolveHandler().binary) {
        throw new InvalidArgumentError(
          `Version ${artifact.version} of "${name}" uses the binary "${artifact.handler}" handler; binary files cannot be diffed.`,
        );
      }
      texts.push(new TextDecoder().decode(await readRaw(this.storage, this.#fileKey(artifact), artifact)));
    }
    return pythonUnifiedDiff(texts[0]!, texts[1]!);
  }

  /**
   * Sets when a version expires (a `Date`, a `YYYY-MM-DDTHH:MM:SS` string, or now when omitted).
   * The change is written by the next save.
   *
   * @throws ReadOnlyError in mode `r`; InvalidArgumentError for a bad expiry.
   */
  setArtifactExpiry(name: string, options: VersionOptions & { expiry?: Date | string | null } = {}): void {
    this.#assertWritable("set an expiry");
    const artifact = this.#search(name, options.version, options.match);
    const { expiry } = options;
    let at: Date;
    if (expiry === undefined || expiry === null) at = now();
    else if (expiry instanceof Date && !Number.isNaN(expiry.getTime())) at = expiry;
    else if (typeof expiry === "string") {
      try {
        at = parseVersionString(expiry);
      } catch (cause) {
        throw new InvalidArgumentError(`Invalid expiry ${JSON.stringify(expiry)}: expected YYYY-MM-DDTHH:MM:SS.`, { cause });
      }
    } else throw new InvalidArgumentError(`An expiry must be a Date, a YYYY-MM-DDTHH:MM:SS string or null; got ${String(expiry)}.`);
    artifact.expiry = at;
    this.#expiryChanges.add(artifact);
  }

  /**
   * A read-only copy holding only some versions: by cut-off time (the `asof`
   * version of each name; names with none are skipped with a warning, in name
   * order rather than Python's hash order) or by an explicit list of `[name, version]` pairs.
   *
   * @throws InvalidStateError unless the repository was opened in mode `r` and has no unsaved entries.
   */
  filter(version: Date | string | ReadonlyArray<readonly [string, number]>): Repository {
    this.#assertFilterable("filter");
    let chosen: Artifact[];
    if (Array.isArray(version)) {
      chosen = (version as ReadonlyArray<readonly [string, number]>).map(([name, v]) => this.#search(name, v, "exact"));
    } else if (version instanceof Date || typeof version === "string") {
      chosen = [];
      for (const name of [...new Set(this.#artifacts.map((a) => a.name))].sort()) {
        try {
          chosen.push(this.#search(name, version, "asof"));
        } catch (err) {
          if (!(err instanceof Error && err.name === "VersionNotFoundError")) throw err;
          const cutoff = typeof version === "string" ? version : pythonDateText(version);
          process.emitWarning(`Artifact "${name}" has no version at or before ${cutoff}; it is left out.`, { type: "LazyscribeWarning" });
        }
      }
    } else {
      throw new InvalidArgumentError("filter() takes a Date, a YYYY-MM-DDTHH:MM:SS string, or an array of [name, version] pairs.");
    }
    const copy = new Repository(this.fpath, this.protocol, this.path, this.storage, "r");
    copy.#artifacts = chosen;
    copy.#manifestVersion = this.#manifestVersion;
    return copy;
  }

  /** The manifest objects exactly as written to `repository.json`. */
  toJSON(): ArtifactMetadata[] {
    return this.#artifacts.map((a) => a.toJSON());
  }

  /** Iterates the manifest objects, as Python's `iter(repository)`. */
  *[Symbol.iterator](): IterableIterator<ArtifactMetadata> {
    yield* this.toJSON();
  }

  /**
   * Saves: unsaved versions first (each with "only if absent", renamed on a
   * clash), then the manifest. When another writer saved in between, their
   * versions are kept and ours are renumbered after theirs where they collide.
   *
   * @throws ReadOnlyError in mode `r`; SaveError when a write fails or retries run out.
   */
  async save(options: SaveOptions = {}): Promise<void> {
    this.#assertWritable("save");
    const run = this.#saving.then(() => this.#save(options));
    this.#saving = run.catch(() => undefined);
    return run;
  }

  async #save(options: SaveOptions): Promise<void> {
    encodeRepository(this.#artifacts, this.path);
    const pending = this.#artifacts.filter((a) => a.dirty);
    const files = await writePendingArtifacts(
      this.storage,
      pending.map((artifact) => ({
        artifact,
        folder: safeJoin(this.dir, artifact.name, `the name of version ${artifact.version} of artifact ${JSON.stringify(artifact.name)}`),
        what: "artifact",
      })),
      options,
    );
    let list = this.#artifacts;
    const committed = await commitManifest({
      storage: this.storage,
      key: this.path,
      baseVersion: this.#manifestVersion,
      text: encodeRepository(list, this.path),
      retry: options.retry,
      rebase: (stored) => {
        if (this.mode === "w" && !options.force) {
          throw new SaveError(
            `${this.#where()} changed after it was opened in mode "w". Saving would drop someone else's versions; pass { force: true } to save() to replace it anyway, or open in mode "w+".`,
          );
        }
        if (this.mode === "w") return encodeRepository(list, this.path);
        list = this.#rebase(stored === null ? [] : this.#parse(stored), pending);
        return encodeRepository(list, this.path);
      },
    });
    options.onProgress?.({ files: files + 1, totalFiles: pending.length + 1 });
    for (const a of pending) a.dirty = false;
    this.#artifacts = list;
    this.#expiryChanges.clear();
    this.#manifestVersion = committed.version;
  }

  /** Their entries, with our expiry changes applied, then our new versions renumbered past theirs. */
  #rebase(theirs: Artifact[], ours: Artifact[]): Artifact[] {
    const sameEntry = (a: Artifact, b: Artifact) => a.name === b.name && a.version === b.version && a.fname === b.fname;
    for (const changed of this.#expiryChanges) {
      const target = theirs.find((t) => sameEntry(t, changed));
      if (target) target.expiry = changed.expiry;
    }
    const list = [...theirs];
    for (const a of ours) {
      if (list.some((t) => t.name === a.name && t.version === a.version)) {
        a.version = Math.max(-1, ...list.filter((t) => t.name === a.name).map((t) => t.version)) + 1;
      }
      list.push(a);
    }
    return list;
  }

  /** @internal Appends an entry without writing anything (used by promotion). */
  appendVersion(artifact: Artifact): void {
    this.#artifacts.push(artifact);
  }

  /** @internal Removes an entry appended by {@link Repository.appendVersion} (promotion rollback). */
  removeVersion(artifact: Artifact): void {
    this.#artifacts = this.#artifacts.filter((a) => a !== artifact);
  }

  /** @internal The storage key of an entry's file. */
  fileKey(artifact: Artifact): string {
    return this.#fileKey(artifact);
  }

  /** @internal Throws unless this repository can be filtered or released. */
  assertFilterable(action: string): void {
    this.#assertFilterable(action);
  }

  /** @internal Version resolution (Python's `_search_artifact_versions`). */
  search(name: string, version?: VersionSelector | null, match?: VersionMatch): Artifact {
    return this.#search(name, version, match);
  }

  #fileKey(artifact: Artifact): string {
    const entry = `version ${artifact.version} of artifact ${JSON.stringify(artifact.name)} in ${this.#where()}`;
    return safeJoin(
      joinKey(this.dir, assertSafeRelative(artifact.name, `the name of ${entry}`)),
      artifact.fname,
      `the file name of ${entry}`,
    );
  }

  #nextVersion(name: string): number {
    return Math.max(-1, ...this.#artifacts.filter((a) => a.name === name).map((a) => a.version)) + 1;
  }

  #search(name: string, version?: VersionSelector | null, match: VersionMatch = "exact"): Artifact {
    return searchVersions(this.#artifacts, name, version, match, this.#where());
  }

  #parse(text: string): Artifact[] {
    const where = this.#where();
    let entries: unknown;
    try {
      entries = decodePythonJson(text);
    } catch (cause) {
      throw new ManifestError(
        `${where} is not valid JSON: ${(cause as Error).message}. Restore it from a backup or fix it by hand; nothing was changed.`,
        { cause },
      );
    }
    if (!Array.isArray(entries)) throw new ManifestError(`${where} must hold a JSON array of artifact versions.`);
    // Names and file names are checked when a version's file is read, written or copied (#fileKey),
    // so one entry Python accepted but this store cannot hold never stops the whole file from opening.
    return entries.map((e, i) => Artifact.fromManifest(e, `${where} entry ${i}`));
  }

  #assertWritable(action: string): void {
    if (this.mode === "r") throw new ReadOnlyError(`Cannot ${action}: ${this.#where()} was opened in mode "r". Open it in mode "w+".`);
  }

  #assertFilterable(action: string): void {
    if (this.mode !== "r") throw new InvalidStateError(`Cannot ${action} ${this.#where()}: it must be opened in mode "r".`);
    if (this.#artifacts.some((a) => a.dirty))
      throw new InvalidStateError(`Cannot ${action} ${this.#where()}: it has unsaved versions; save and reopen it first.`);
  }

  #where(): string {
    return formatLocation(this.protocol, this.path);
  }
}

/** Resolves a version selector over a repository's entries (Python's search rules, section 6.3). */
export function searchVersions(
  all: readonly Artifact[],
  name: string,
  version: VersionSelector | null | undefined,
  match: VersionMatch,
  where: string,
): Artifact {
  const entries = all.filter((a) => a.name === name).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  if (entries.length === 0) throw new NotFoundError(`No artifact named "${name}" in ${where}.`);
  const live = (a: Artifact, at: Date) => a.expiry === null || at.getTime() < a.expiry.getTime();
  if (version === null || version === undefined) {
    const at = now();
    for (let i = entries.length - 1; i >= 0; i--) if (live(entries[i]!, at)) return entries[i]!;
    throw new VersionNotFoundError(`Every version of "${name}" has expired as of ${pythonDateText(at)}.`);
  }
  if (match !== "exact" && match !== "asof")
    throw new InvalidArgumentError(`Invalid match ${JSON.stringify(match)}: use "exact" or "asof".`);
  if (typeof version === "number") {
    if (!Number.isInteger(version)) throw new InvalidArgumentError(`A version number must be an integer; got ${version}.`);
    if (match === "asof") throw new InvalidArgumentError(`match "asof" needs a timestamp, not the version number ${version}; use "exact".`);
    const found = entries.find((a) => a.version === version);
    if (!found) throw new VersionNotFoundError(`No version ${version} of "${name}" in ${where}.`);
    return found;
  }
  const at = typeof version === "string" ? parseVersionString(version) : version;
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw new InvalidArgumentError(`A version must be an integer, a Date or a YYYY-MM-DDTHH:MM:SS string.`);
  if (match === "exact") {
    const found = entries.find((a) => a.createdAt.getTime() === at.getTime());
    if (!found) throw new VersionNotFoundError(`No version of "${name}" was created at ${pythonDateText(at)}.`);
    return found;
  }
  const eligible = entries.filter((a) => a.createdAt.getTime() <= at.getTime());
  if (eligible.length === 0) {
    throw new VersionNotFoundError(
      `No version of "${name}" exists as of ${pythonDateText(at)}; the first was created at ${pythonDateText(entries[0]!.createdAt)}.`,
    );
  }
  for (let i = eligible.length - 1; i >= 0; i--) if (live(eligible[i]!, at)) return eligible[i]!;
  throw new VersionNotFoundError(`Every version of "${name}" as of ${pythonDateText(at)} had expired by then.`);
}

function encodeRepository(list: readonly Artifact[], where: string): string {
  try {
    return encodePythonJson(
      list.map((a) => a.toJSON()),
      { indent: 4, sortKeys: true },
    );
  } catch (cause) {
    throw new SaveError(`Unable to save ${where}: ${(cause as Error).message}`, { cause });
  }
}
