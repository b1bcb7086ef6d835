/** A project: the experiments of one `project.json`, on any store. */
import { isAscii } from "node:buffer";
import { isAbsolute, resolve as resolvePath, sep } from "node:path";
import { Artifact } from "../artifacts/artifact.js";
import { deleteSupersededFiles, writePendingArtifacts, type PendingArtifact } from "../artifacts/artifact-io.js";
import { encodePythonJson } from "../json/index.js";
import { InvalidArgumentError, ManifestError, NotFoundError, ReadOnlyError, SaveError, isLazyscribeError } from "../errors.js";
import { assertSafeRelative, joinKey, parentKey } from "../storage/keys.js";
import { formatLocation, parseLocation } from "../storage/location.js";
import type { Storage } from "../storage/protocol.js";
import { getStorage, type StorageSettings } from "../storage/registry.js";
import { isStorageError } from "../storage/storage-error.js";
import { stamp } from "../time/index.js";
import { slugify } from "../naming/index.js";
import { Test } from "./experiment-test.js";
import { defaultAuthor, Experiment, type ExperimentJSON } from "./experiment.js";
import type { ConflictRetryOptions } from "./manifest-commit.js";
import { commitReplacement, commitWithPendingEntries, type CommitContext } from "./manifest-protocol.js";
import { decodeManifestText, encodeChunk } from "./manifest-text.js";
import { isCanonicalArtifact, isCanonicalEntry, isWellFormedEntry, parseManifestTime } from "./entry-shape.js";
import { experimentEntrySchema, validateEntry, type ExperimentEntry } from "./manifest-schema.js";
import { insortRight } from "./ordering.js";
import { registry as sharedRegistry, type Registry } from "./registry.js";
import { experimentFromState, experimentToState, type ExperimentState } from "./state.js";

/** Project open modes, as in Python: `r` read-only, `a` append, `w` replace, `w+` edit. */
export type ProjectMode = "r" | "a" | "w" | "w+";

const MODES: readonly ProjectMode[] = ["r", "a", "w", "w+"];

/** Progress of a save: files written of the total. */
export interface SaveProgress {
  /** Files written so far (artifacts, then the manifest). */
  files: number;
  /** Files this save writes. */
  totalFiles: number;
}

/** Options of `save()`. */
export interface SaveOptions {
  /** Artifact files written at once. @default 8 */
  concurrency?: number;
  /** In mode `w`, replace the file even if it changed after it was opened. @default false */
  force?: boolean;
  /**
   * Bounds of the commit loop when other writers save at the same time. By default a
   * save does not give up: it ends once a committed manifest includes its pending entry.
   * When a bound is hit the SaveError says so; the entry stays and the next save of any
   * writer folds it in.
   */
  retry?: ConflictRetryOptions;
  /** Called after each file is written. */
  onProgress?: (progress: SaveProgress) => void;
}

/** Transfer state of a project; see {@link Project.toState}. */
export interface ProjectState {
  fpath: string;
  mode: ProjectMode;
  author: string;
  experiments: ExperimentState[];
  manifestVersion: string | null;
}

/** Options of {@link Project.open}. */
export interface ProjectOpenOptions {
  /** @default "a" */
  mode?: ProjectMode;
  /** Author of new experiments. @default the OS login name */
  author?: string;
  /** A ready store, or settings for the URL's backend (region, endpoint, credentials, client). */
  storage?: Storage | StorageSettings;
  /** Registry for `key|slug` dependencies. @default the shared `registry` */
  registry?: Registry;
  /**
   * Extra local folders that absolute dependency paths in `project.json` may point into.
   * By default only the working directory and this project's folder are trusted (W7).
   * @default []
   */
  dependencyRoots?: readonly string[];
}

const NO_DEPENDENCIES: Map<string, Experiment> = new Map();

interface LoadContext {
  opened: Map<string, Project>;
  stack: Set<string>;
}

/** Python lazyscribe's `Project`, with saves that merge concurrent writers instead of dropping them. */
export class Project {
  /** The location as given to {@link Project.open}. */
  readonly fpath: string;
  /** The URL scheme (`file`, `s3`, ...). */
  readonly protocol: string;
  /** Key of `project.json` inside the store. */
  readonly path: string;
  /** Folder of the experiment folders (parent of `path`). */
  readonly dir: string;
  /** The store. */
  readonly storage: Storage;
  /** The open mode. */
  readonly mode: ProjectMode;
  /** Author of experiments logged here. */
  readonly author: string;
  /** Registry used to name and resolve dependencies. */
  readonly registry: Registry;
  #experiments: Experiment[] = [];
  /** Version of the manifest this project last read or wrote (`null`: absent). */
  #manifestVersion: string | null = null;
  /** Experiments appended or merged in since the last save: the stored manifest may lack them, read-only or not. */
  #appended = new Set<Experiment>();
  #saving: Promise<unknown> = Promise.resolve();
  #dependencyRoots: string[] = [];

  private constructor(
    fpath: string,
    protocol: string,
    path: string,
    storage: Storage,
    mode: ProjectMode,
    author: string,
    registry: Registry,
  ) {
    this.fpath = fpath;
    this.protocol = protocol;
    this.path = path;
    this.dir = parentKey(path);
    this.storage = storage;
    this.mode = mode;
    this.author = author;
    this.registry = registry;
  }

  /**
   * Opens a project. Modes `r`, `a` and `w+` load the file when it exists; `w`
   * starts empty and its save replaces the file.
   *
   * @throws InvalidArgumentError for an unknown mode; ManifestError for a malformed file.
   */
  static async open(fpath = "project.json", options: ProjectOpenOptions = {}): Promise<Project> {
    const mode = options.mode ?? "a";
    if (!MODES.includes(mode))
      throw new InvalidArgumentError(`Invalid project mode ${JSON.stringify(mode)}: use one of "r", "a", "w", "w+".`);
    const { protocol, path } = parseLocation(fpath);
    const storage = await getStorage(protocol, options.storage);
    const project = new Project(
      fpath,
      protocol,
      path,
      storage,
      mode,
      options.author ?? defaultAuthor(),
      options.registry ?? sharedRegistry,
    );
    project.#dependencyRoots = (options.dependencyRoots ?? []).map((root) => resolvePath(root));
    if (mode === "w") project.#manifestVersion = (await storage.stat(path))?.version ?? null;
    else await project.#load({ opened: new Map(), stack: new Set([project.#identity()]) });
    return project;
  }

  /** The experiments, kept in Python's order (by `created_at`; same slug by `last_updated`). */
  get experiments(): readonly Experiment[] {
    return this.#experiments;
  }

  /** Re-reads the file, replacing the experiments in memory. */
  async load(): Promise<void> {
    await this.#load({ opened: new Map(), stack: new Set([this.#identity()]) });
    this.#appended.clear();
  }

  /**
   * Logs an experiment: `body` receives it, and it is appended only when
   * `body` resolves. Returns the experiment.
   *
   * @throws ReadOnlyError in mode `r` (before `body` runs).
   */
  async log(name: string, body: (experiment: Experiment) => unknown): Promise<Experiment> {
    this.#assertWritable("log experiments");
    const experiment = new Experiment({ name, project: this.path, storage: this.storage, author: this.author });
    await body(experiment);
    this.append(experiment);
    return experiment;
  }

  /** Inserts an experiment at its sorted position. */
  append(experiment: Experiment): void {
    this.#assertWritable("append experiments");
    insortRight(this.#experiments, experiment);
    this.#appended.add(experiment);
  }

  /**
   * A new project with this one's location and settings holding the experiments of
   * all: for each slug the newest `last_updated` wins, and on a tie the later
   * project in the argument list (Python's actual behaviour).
   */
  merge(...others: Project[]): Project {
    const merged = new Project(this.fpath, this.protocol, this.path, this.storage, this.mode, this.author, this.registry);
    merged.#experiments = mergeExperiments(this.#experiments, ...others.map((o) => o.#experiments));
    merged.#manifestVersion = this.#manifestVersion;
    const own = new Set(this.#experiments);
    merged.#appended = new Set([...this.#appended, ...merged.#experiments.filter((e) => !own.has(e))]);
    return merged;
  }

  /** The experiments for which `predicate` is true, in order. */
  filter(predicate: (experiment: Experiment) => unknown): Experiment[] {
    return this.#experiments.filter((e) => predicate(e));
  }

  /** True when an experiment has this slug or short slug. */
  has(slugOrShortSlug: string): boolean {
    return this.#experiments.some((e) => e.slug === slugOrShortSlug || e.shortSlug === slugOrShortSlug);
  }

  /**
   * The newest experiment with this slug or short slug.
   *
   * @throws NotFoundError when none matches.
   */
  get(slugOrShortSlug: string): Experiment {
    for (let i = this.#experiments.length - 1; i >= 0; i--) {
      const e = this.#experiments[i]!;
      if (e.slug === slugOrShortSlug || e.shortSlug === slugOrShortSlug) return e;
    }
    throw new NotFoundError(`No experiment with slug or short slug "${slugOrShortSlug}" in ${formatLocation(this.protocol, this.path)}.`);
  }

  /**
   * A structured-clone-safe snapshot for a worker thread or process (Python's
   * pickling). Stores and credentials are not included (W8).
   */
  async toState(): Promise<ProjectState> {
    return {
      fpath: this.fpath,
      mode: this.mode,
      author: this.author,
      experiments: await Promise.all(this.#experiments.map(experimentToState)),
      manifestVersion: this.#manifestVersion,
    };
  }

  /**
   * Rebuilds a project from {@link Project.toState} output. The store comes from
   * `options.storage` or the URL's default backend.
   */
  static async fromState(
    state: ProjectState,
    options: { storage?: Storage | StorageSettings; registry?: Registry } = {},
  ): Promise<Project> {
    const { protocol, path } = parseLocation(state.fpath);
    const storage = await getStorage(protocol, options.storage);
    const project = new Project(state.fpath, protocol, path, storage, state.mode, state.author, options.registry ?? sharedRegistry);
    project.#experiments = await Promise.all(state.experiments.map((e) => experimentFromState(e, storage)));
    project.#manifestVersion = state.manifestVersion;
    return project;
  }

  /** The experiment objects exactly as written to `project.json`. */
  toJSON(): ExperimentJSON[] {
    return this.#experiments.map((e) => e.toJSON(this.#namer));
  }

  /** Iterates the experiments' manifest objects, as Python's `iter(project)`. */
  *[Symbol.iterator](): IterableIterator<ExperimentJSON> {
    yield* this.toJSON();
  }

  /**
   * Saves: writes every unsaved artifact first, then commits the manifest, so the
   * manifest never names a file that is not stored. When other writers save at the
   * same time, this save first makes its experiments durable in a pending entry
   * beside the manifest, and is done once a committed manifest includes them,
   * whoever committed it (docs/concurrency.md); their experiments are merged in
   * (newest `last_updated` per slug). Nothing changes in memory unless it succeeds.
   *
   * @throws ReadOnlyError in mode `r`; SaveError when a write fails, or in mode `w`
   * when the file changed since it was opened (unless `force`).
   */
  async save(options: SaveOptions = {}): Promise<void> {
    this.#assertWritable("save");
    const run = this.#saving.then(() => this.#save(options));
    this.#saving = run.catch(() => undefined);
    return run;
  }

  async #save(options: SaveOptions): Promise<void> {
    const writable = this.#experiments.filter((e) => !e.readOnly);
    const editable = writable.filter((e) => e.dirty || e.hasDirtyArtifacts);
    const stampAuthor = this.mode === "w+" ? new Set(editable.filter((e) => e.dirty)) : new Set<Experiment>();
    const encodeAll = () =>
      new Map(
        writable.map((e) => [
          e,
          encodeEntry({ ...e.toJSON(this.#namer), ...(stampAuthor.has(e) ? { last_updated_by: this.author } : {}) }, this.path),
        ]),
      );
    // Encode before writing anything, so an unserialisable value fails the save with no file written.
    let fresh = encodeAll();
    const pending: PendingArtifact[] = [];
    for (const e of editable) {
      for (const a of e.artifacts) if (a.dirty) pending.push({ artifact: a, folder: e.path, what: "artifact" });
      for (const t of e.tests)
        for (const a of t.artifacts) if (a.dirty) pending.push({ artifact: a, folder: t.path, what: "test artifact" });
    }
    const fnamesBefore = pending.map(({ artifact }) => artifact.fname);
    const files = await writePendingArtifacts(this.storage, pending, options);
    if (pending.some(({ artifact }, i) => artifact.fname !== fnamesBefore[i])) fresh = encodeAll();

    const committed =
      this.mode === "w"
        ? await commitReplacement(this.#commitContext(fresh), { force: options.force ?? false, openedVersion: this.#manifestVersion })
        : await commitWithPendingEntries(this.#commitContext(fresh), {
            knownVersion: this.#manifestVersion,
            // Whatever the stored manifest may lack: edited or new experiments, and any appended from elsewhere.
            changed: this.#experiments.filter((e) => this.#appended.has(e) || (!e.readOnly && fresh.get(e) !== e.savedText)),
            retry: options.retry,
          });
    options.onProgress?.({ files: files + 1, totalFiles: pending.length + 1 });

    for (const { artifact } of pending) artifact.dirty = false;
    for (const e of editable) e.markSaved(stampAuthor.has(e) ? this.author : undefined);
    for (const [e, text] of fresh) e.savedText = text;
    this.#experiments = committed.experiments;
    this.#appended.clear();
    this.#manifestVersion = committed.version;
    // Only after the manifest landed, and never a file the landed manifest still names.
    await deleteSupersededFiles(this.storage, pending, committed.experiments);
  }

  #commitContext(fresh: ReadonlyMap<Experiment, string>): CommitContext {
    return {
      storage: this.storage,
      key: this.path,
      where: formatLocation(this.protocol, this.path),
      current: this.#experiments,
      textOf: (e) => fresh.get(e) ?? e.savedText ?? encodeEntry(e.toJSON(this.#namer), this.path),
      parse: (text) => this.#parse(text, { opened: new Map(), stack: new Set([this.#identity()]) }),
    };
  }

  #namer = (upstream: Experiment): string => {
    const key = this.registry.search(upstream.project, upstream.storage.protocol);
    return key ?? upstream.project;
  };

  #identity(): string {
    return `${this.storage.storeId}|${this.path}`;
  }

  #assertWritable(action: string): void {
    if (this.mode === "r")
      throw new ReadOnlyError(
        `Cannot ${action}: ${formatLocation(this.protocol, this.path)} was opened in mode "r". Open it in mode "a" or "w+".`,
      );
  }

  async #load(ctx: LoadContext): Promise<void> {
    const info = await this.storage.stat(this.path);
    if (!info) {
      this.#experiments = [];
      this.#manifestVersion = null;
      return;
    }
    let data: Uint8Array;
    try {
      data = await this.storage.read(this.path);
    } catch (err) {
      if (isStorageError(err, "NOT_FOUND")) return this.#load(ctx);
      throw err;
    }
    this.#experiments = await this.#parse(new TextDecoder().decode(data), ctx, isAscii(data));
    this.#manifestVersion = info.version;
  }

  /** Decodes a manifest text (a `project.json` or a pending entry) into experiments in Python's order. */

  async #parse(text: string, ctx: LoadContext, ascii = !/[^\x00-\x7f]/.test(text)): Promise<Experiment[]> {
    const where = formatLocation(this.protocol, this.path);
    let entries: unknown;
    let texts: Array<string | undefined> | null;
    try {
      ({ entries, texts } = decodeManifestText(text, ascii));
    } catch (cause) {
      throw new ManifestError(
        `${where} is not valid JSON: ${(cause as Error).message}. Restore it from a backup or fix it by hand; nothing was changed.`,
        { cause },
      );
    }
    if (!Array.isArray(entries)) throw new ManifestError(`${where} must hold a JSON array of experiments.`);
    const list: Experiment[] = [];
    const pending: Array<{ dependencies: Map<string, Experiment>; refs: string[]; where: string }> = [];
    for (let i = 0; i < entries.length; i++) {
      // Messages are built only when needed: a large project has 100,000 entries.
      const at = () => `${where} entry ${i}`;
      const { experiment, dependencyRefs, canonical } = this.#experimentFrom(entries[i], at);
      // The text it was read from: a read-only experiment is never encoded again, and a writable one is
      // in a save's pending entry only when its text differs.
      const chunk = texts?.[i];
      if (canonical && chunk !== undefined) experiment.savedText = chunk;
      insortRight(list, experiment);
      if (dependencyRefs.length > 0)
        pending.push({ dependencies: experiment.dependencies as Map<string, Experiment>, refs: dependencyRefs, where: at() });
    }
    // Dependencies resolve once every entry is parsed, so an experiment may depend on another in the same file.
    for (const { dependencies, refs, where: at } of pending) {
      for (const dep of refs) {
        const upstream = await this.#resolveDependency(dep, `${at} dependency ${JSON.stringify(dep)}`, ctx, list);
        dependencies.set(upstream.shortSlug, upstream);
      }
    }
    return list;
  }

  #experimentFrom(raw: unknown, at: () => string): { experiment: Experiment; dependencyRefs: string[]; canonical: boolean } {
    const entry = (isWellFormedEntry(raw) ? raw : validateEntry(experimentEntrySchema, raw, at())) as ExperimentEntry;
    const readOnly = this.mode !== "w+";
    if ((entry.tests?.length ?? 0) > 0 && entry.slug === undefined) {
      throw new ManifestError(`${at()}: an experiment with tests needs an explicit "slug" (its tests' folder is named after it).`);
    }
    const createdAt = parseManifestTime(entry.created_at, () => `${at()} created_at`);
    const slug = entry.slug ?? slugify(`${entry.name}-${stamp(createdAt)}`);
    checkedSegment(slug, () => `${at()} slug`);
    const where = (entry.tests?.length ?? 0) > 0 || (entry.artifacts?.length ?? 0) > 0 ? at() : "";
    const experimentPath = (entry.tests?.length ?? 0) > 0 ? joinKey(this.dir, slug) : "";
    let canonical = isCanonicalEntry(entry as Record<string, unknown>);
    // An empty list from the decoder is owned by nobody else, so it is used as is.
    const artifactsOf = (list: unknown[], at: (k: number) => string) =>
      list.length === 0
        ? (list as Artifact[])
        : list.map((a, k) => {
            const artifact = Artifact.fromManifest(a, at(k));
            if (canonical && !isCanonicalArtifact(a, artifact.toJSON() as unknown as Record<string, unknown>)) canonical = false;
            return artifact;
          });
    const rawTests = entry.tests ?? [];
    const tests =
      rawTests.length === 0
        ? (rawTests as unknown as Test[])
        : rawTests.map(
            (t, j) =>
              new Test({
                name: t.name,
                description: t.description ?? null,
                metrics: t.metrics ?? {},
                parameters: t.parameters ?? {},
                artifacts: artifactsOf(t.artifacts ?? [], (k) => `${where} test ${j} artifact ${k}`),
                path: joinKey(experimentPath, slugify(t.name)),
                storage: this.storage,
                readOnly,
              }),
          );
    // A read-only experiment without dependencies never adds one, so they all share one empty map (100,000 maps less).
    const dependencies = readOnly && !entry.dependencies?.length ? NO_DEPENDENCIES : new Map<string, Experiment>();
    const author = entry.author ?? defaultAuthor();
    const experiment = new Experiment({
      name: entry.name,
      project: this.path,
      storage: this.storage,
      dir: this.dir,
      author,
      lastUpdatedBy: entry.last_updated_by ?? author,
      metrics: entry.metrics ?? {},
      parameters: entry.parameters ?? {},
      createdAt,
      lastUpdated: parseManifestTime(entry.last_updated, () => `${at()} last_updated`),
      dependencies,
      shortSlug: entry.short_slug,
      slug,
      tests,
      artifacts: artifactsOf(entry.artifacts ?? [], (k) => `${where} artifact ${k}`),
      tags: entry.tags ?? [],
      dirty: false,
      readOnly,
    });
    return { experiment, dependencyRefs: entry.dependencies ?? [], canonical };
  }

  /**
   * A dependency path from a manifest must not reach outside the tree it belongs
   * to (W7): relative paths may not climb with `..`, and absolute local paths must
   * lie inside the working directory or this project's folder. Registry keys are
   * exempt, so registering the upstream project is the way to use any other path.
   */
  #assertSafeDependency(ref: string, where: string): void {
    const fail = (why: string) =>
      new ManifestError(
        `${where}: ${why}. Register the upstream project under this exact key (registry.addProject), or list its folder in the dependencyRoots option of Project.open, to use it anyway.`,
      );
    if (this.protocol === "file" && isAbsolute(ref)) {
      const target = resolvePath(ref);
      const inside = (root: string) => target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
      if (/[\u0000-\u001f\\]/.test(ref)) throw fail("the path contains a control character or a backslash");
      if (![process.cwd(), resolvePath(this.dir), ...this.#dependencyRoots].some(inside))
        throw fail("the absolute path lies outside the working directory, this project's folder and the dependencyRoots option");
      return;
    }
    try {
      assertSafeRelative(ref, "dependency project path");
    } catch (cause) {
      throw fail((cause as Error).message.replace(/\.$/, ""));
    }
  }

  async #resolveDependency(dep: string, where: string, ctx: LoadContext, sameFile: readonly Experiment[]): Promise<Experiment> {
    const parts = dep.split("|");
    if (parts.length !== 2 || !parts[0] || !parts[1])
      throw new ManifestError(`${where}: expected "<project path or registry key>|<slug>".`);
    const [ref, slug] = parts as [string, string];
    if (!this.registry.has(ref) && ref === this.path) {
      const found = [...sameFile].reverse().find((e) => e.slug === slug || e.shortSlug === slug);
      if (!found) throw new ManifestError(`${where}: this project has no experiment "${slug}".`);
      return found;
    }
    let upstream: Project | undefined = this.registry.has(ref) ? this.registry.get(ref) : ctx.opened.get(ref);
    if (!upstream) {
      this.#assertSafeDependency(ref, where);
      const identity = `${this.storage.storeId}|${parseLocation(formatLocation(this.protocol, ref)).path}`;
      if (ctx.stack.has(identity))
        throw new ManifestError(`${where}: the dependency leads back to a project that is still loading (a cycle).`);
      const project = new Project(
        formatLocation(this.protocol, ref),
        this.protocol,
        parseLocation(formatLocation(this.protocol, ref)).path,
        this.storage,
        "r",
        defaultAuthor(),
        this.registry,
      );
      project.#dependencyRoots = this.#dependencyRoots;
      ctx.stack.add(identity);
      try {
        await project.#load(ctx);
      } catch (cause) {
        if (isLazyscribeError(cause) && !isStorageError(cause)) throw cause;
        throw new ManifestError(`${where}: the upstream project could not be read: ${(cause as Error).message}`, { cause });
      } finally {
        ctx.stack.delete(identity);
      }
      if ((await this.storage.stat(project.path)) === null)
        throw new ManifestError(`${where}: the upstream project ${project.fpath} does not exist.`);
      ctx.opened.set(ref, project);
      upstream = project;
    }
    try {
      return upstream.get(slug);
    } catch (cause) {
      throw new ManifestError(`${where}: the upstream project has no experiment "${slug}".`, { cause });
    }
  }
}

/** Python's merge rules over experiment lists; see {@link Project.merge}. */
export function mergeExperiments(base: readonly Experiment[], ...others: ReadonlyArray<readonly Experiment[]>): Experiment[] {
  const list = [...base];
  for (const other of others) {
    for (const e of other) {
      if (!list.some((x) => x === e || sameRecord(x, e))) insortRight(list, e);
    }
  }
  const lastIndex = new Map<string, number>();
  list.forEach((e, i) => lastIndex.set(e.slug, i));
  return list.filter((e, i) => lastIndex.get(e.slug) === i);
}

function sameRecord(a: Experiment, b: Experiment): boolean {
  return a.readOnly === b.readOnly && a.slug === b.slug && JSON.stringify(stable(a.toJSON())) === JSON.stringify(stable(b.toJSON()));
}

function stable(value: unknown): unknown {
  return encodePythonJson(value, { sortKeys: true });
}

function encodeEntry(entry: unknown, where: string): string {
  try {
    return encodeChunk(entry);
  } catch (cause) {
    throw new SaveError(`Unable to save ${where}: ${(cause as Error).message}. Log only JSON-serialisable values; nothing was written.`, {
      cause,
    });
  }
}

function checkedSegment(segment: string, what: () => string): string {
  if (segment === "" || segment === "." || segment === ".." || /[/\\\u0000]/.test(segment)) {
    throw new ManifestError(`${what()} ${JSON.stringify(segment)} is not a safe folder name.`);
  }
  return segment;
}
