/** An experiment: one run with its metrics, parameters, tags, tests and artifacts. */
import { userInfo } from "node:os";
import type { Readable } from "node:stream";
import type { Artifact, ArtifactMetadata } from "../artifacts/artifact.js";
import type { LoadArtifactOptions } from "../artifacts/artifact-io.js";
import { setOwnKey, unmarkFloat } from "../json/index.js";
import { slugify } from "../naming/index.js";
import { InvalidArgumentError, ReadOnlyError } from "../errors.js";
import { joinKey, parentKey } from "../storage/keys.js";
import type { Storage } from "../storage/protocol.js";
import { isoSeconds, now, stamp } from "../time/index.js";
import { Test, type TestJSON } from "./experiment-test.js";
import { bytesFrom, loadFrom, logInto, streamFrom, type LogArtifactOptions } from "./owned-artifacts.js";
import { promoteArtifact } from "./promotion.js";
import { readOnlyView } from "./read-only.js";
import type { Repository } from "./repository.js";

/** Construction fields of an {@link Experiment}. */
export interface ExperimentInit {
  /** Display name. */
  name: string;
  /** Key of the project file this experiment belongs to (no protocol). */
  project: string;
  /** The store of the project. */
  storage: Storage;
  /** Folder of the experiment folders; defaults to the project file's parent. */
  dir?: string;
  author?: string;
  lastUpdatedBy?: string;
  metrics?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  createdAt?: Date;
  lastUpdated?: Date;
  /** Upstream experiments by short slug. */
  dependencies?: Map<string, Experiment>;
  shortSlug?: string;
  slug?: string;
  tests?: Test[];
  artifacts?: Artifact[];
  tags?: string[];
  dirty?: boolean;
  readOnly?: boolean;
}

/** The manifest object of an experiment: the 13 keys Python writes. */
export interface ExperimentJSON {
  artifacts: ArtifactMetadata[];
  author: string;
  created_at: string;
  dependencies: string[];
  last_updated: string;
  last_updated_by: string;
  metrics: Record<string, unknown>;
  name: string;
  parameters: Record<string, unknown>;
  short_slug: string;
  slug: string;
  tags: string[];
  tests: TestJSON[];
}

/** Turns an upstream experiment into the `P` of a `P|S` dependency string. */
export type DependencyNamer = (upstream: Experiment) => string;

/** One experiment (Python's `Experiment` / `ReadOnlyExperiment`). */
export class Experiment {
  /** Display name. */
  readonly name: string;
  /** Key of the project file (no protocol). */
  readonly project: string;
  /** Folder that holds the experiment folders. */
  readonly dir: string;
  /** The project's store. */
  readonly storage: Storage;
  /** Who created it. */
  readonly author: string;
  /** `slugify(name)`. */
  readonly shortSlug: string;
  /** `slugify(name + "-" + stamp(createdAt))`, computed once. */
  readonly slug: string;
  /** Creation time. */
  readonly createdAt: Date;
  /** True for experiments loaded read-only: every mutation throws {@link ReadOnlyError}. */
  readonly readOnly: boolean;
  #lastUpdated: Date;
  #lastUpdatedBy: string;
  #dirty: boolean;
  readonly #metrics: Record<string, unknown>;
  readonly #parameters: Record<string, unknown>;
  readonly #dependencies: Map<string, Experiment>;
  readonly #tests: Test[];
  readonly #artifacts: Artifact[];
  #tags: string[];
  #savedText: string | undefined;

  constructor(init: ExperimentInit) {
    if (typeof init.name !== "string")
      throw new InvalidArgumentError(`An experiment name must be a string; got ${JSON.stringify(init.name)}.`);
    this.name = init.name;
    this.project = init.project;
    this.storage = init.storage;
    this.dir = init.dir ?? parentKey(init.project);
    this.author = init.author ?? defaultAuthor();
    this.#lastUpdatedBy = init.lastUpdatedBy ?? this.author;
    this.#metrics = init.metrics ?? {};
    this.#parameters = init.parameters ?? {};
    this.createdAt = init.createdAt ?? now();
    this.#lastUpdated = init.lastUpdated ?? now();
    this.#dependencies = init.dependencies ?? new Map();
    this.shortSlug = init.shortSlug ?? slugify(this.name);
    this.slug = init.slug ?? slugify(`${this.name}-${stamp(this.createdAt)}`);
    this.#tests = init.tests ?? [];
    this.#artifacts = init.artifacts ?? [];
    this.#tags = init.tags ?? [];
    this.#dirty = init.dirty ?? true;
    this.readOnly = init.readOnly ?? false;
  }

  /** Folder of this experiment's artifacts: `dir/slug`. */
  get path(): string {
    return joinKey(this.dir, this.slug);
  }

  /** Time of the last change. */
  get lastUpdated(): Date {
    return this.#lastUpdated;
  }

  /** Who changed it last. */
  get lastUpdatedBy(): string {
    return this.#lastUpdatedBy;
  }

  /** True when it has unsaved changes. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** Metrics by name. */
  get metrics(): Record<string, unknown> {
    return this.readOnly ? readOnlyView(this.#metrics, this.#what()) : this.#metrics;
  }

  /** Parameters by name. */
  get parameters(): Record<string, unknown> {
    return this.readOnly ? readOnlyView(this.#parameters, this.#what()) : this.#parameters;
  }

  /** Tags, duplicates allowed, in logging order. */
  get tags(): readonly string[] {
    return this.#tags;
  }

  /** Tests, in the order they were logged. */
  get tests(): readonly Test[] {
    return this.#tests;
  }

  /** Experiment-level artifacts, in logging order. */
  get artifacts(): readonly Artifact[] {
    return this.#artifacts;
  }

  /** Upstream experiments by short slug. */
  get dependencies(): ReadonlyMap<string, Experiment> {
    return this.#dependencies;
  }

  /** Records a metric (overwrites). */
  logMetric(name: string, value: unknown): void {
    this.#touch();
    setOwnKey(this.#metrics, name, value);
    unmarkFloat(this.#metrics, name);
  }

  /** Records a parameter (overwrites). */
  logParameter(name: string, value: unknown): void {
    this.#touch();
    setOwnKey(this.#parameters, name, value);
    unmarkFloat(this.#parameters, name);
  }

  /** Appends tags (no de-duplication). */
  tag(...tags: string[]): void {
    this.#touch();
    this.#tags.push(...tags);
  }

  /** Replaces all tags (Python's `tag(*tags, overwrite=True)`); with no arguments it clears them. */
  replaceTags(...tags: string[]): void {
    this.#touch();
    this.#tags = [...tags];
  }

  /**
   * Records an upstream experiment this one depends on. As Python's
   * `exp.dependencies[short_slug] = upstream`, this changes neither `lastUpdated`
   * nor the unsaved state: the next save writes it with the rest of the file.
   */
  addDependency(upstream: Experiment): void {
    this.#assertWritable();
    this.#dependencies.set(upstream.shortSlug, upstream);
  }

  /**
   * Logs an artifact; it is written when the project is saved. The artifact's
   * `created_at` is the experiment's new `last_updated`.
   *
   * @throws ArtifactLogError when the name exists and `overwrite` is not set.
   */
  logArtifact(name: string, value: unknown, handler: string, options: LogArtifactOptions = {}): Artifact {
    this.#assertWritable();
    const at = now();
    const artifact = logInto(this.#artifacts, this.#what().toLowerCase(), name, value, handler, options, at);
    this.#lastUpdated = at;
    this.#dirty = true;
    return artifact;
  }

  /**
   * Reads a saved artifact back.
   *
   * @throws ArtifactLoadError for an unknown name, an environment mismatch, an unregistered handler or a missing file.
   */
  async loadArtifact(name: string, options?: LoadArtifactOptions): Promise<unknown> {
    return loadFrom(this.storage, this.path, this.#artifacts, this.#what().toLowerCase(), name, options);
  }

  /** The raw stored bytes of an artifact, whatever its handler (for example Python's `pickle`). */
  async readArtifactBytes(name: string): Promise<Uint8Array> {
    return bytesFrom(this.storage, this.path, this.#artifacts, this.#what().toLowerCase(), name);
  }

  /** A stream over the raw stored bytes of an artifact (for large files). */
  async openArtifact(name: string): Promise<Readable> {
    return streamFrom(this.storage, this.path, this.#artifacts, this.#what().toLowerCase(), name);
  }

  /**
   * Promotes a logged artifact into a repository as its next version; see {@link promoteArtifact}.
   */
  async promoteArtifact(repository: Repository, name: string): Promise<void> {
    await promoteArtifact(this, repository, name);
  }

  /**
   * Logs a test: `body` receives it, and it is appended only when `body`
   * resolves. If `body` throws, the experiment is unchanged.
   */
  async logTest<R>(name: string, body: (test: Test) => R | Promise<R>): Promise<Test>;
  async logTest<R>(name: string, description: string | null, body: (test: Test) => R | Promise<R>): Promise<Test>;
  async logTest<R>(name: string, a: string | null | ((test: Test) => R | Promise<R>), b?: (test: Test) => R | Promise<R>): Promise<Test> {
    this.#assertWritable();
    const body = typeof a === "function" ? a : b;
    const description = typeof a === "function" ? null : a;
    if (typeof body !== "function") throw new InvalidArgumentError(`logTest("${name}") needs a callback that receives the test.`);
    const test = new Test({ name, description, path: joinKey(this.path, slugify(name)), storage: this.storage });
    await body(test);
    this.#assertWritable();
    this.#lastUpdated = now();
    this.#tests.push(test);
    this.#dirty = true;
    return test;
  }

  /** The manifest object (Python's `to_dict`), with dependencies named by `namer`. */
  toJSON(namer: DependencyNamer = (up) => up.project): ExperimentJSON {
    return {
      artifacts: this.#artifacts.map((a) => a.toJSON()),
      author: this.author,
      created_at: isoSeconds(this.createdAt),
      dependencies: [...this.#dependencies.values()].map((up) => `${namer(up)}|${up.slug}`),
      last_updated: isoSeconds(this.#lastUpdated),
      last_updated_by: this.#lastUpdatedBy,
      metrics: this.#metrics,
      name: this.name,
      parameters: this.#parameters,
      short_slug: this.shortSlug,
      slug: this.slug,
      tags: this.#tags,
      tests: this.#tests.map((t) => t.toJSON()),
    };
  }

  /** True when any artifact (its own or a test's) still has to be written. */
  get hasDirtyArtifacts(): boolean {
    return this.#artifacts.some((a) => a.dirty) || this.#tests.some((t) => t.hasDirtyArtifacts);
  }

  /**
   * @internal The experiment's text in the manifest as it was last read or saved
   * (`Project` sets it; a read-only experiment reuses it instead of encoding again).
   */
  get savedText(): string | undefined {
    return this.#savedText;
  }

  set savedText(text: string | undefined) {
    this.#savedText = text;
  }

  /** @internal Marks the experiment saved; used by `Project.save`. */
  markSaved(lastUpdatedBy?: string): void {
    if (lastUpdatedBy !== undefined) this.#lastUpdatedBy = lastUpdatedBy;
    this.#dirty = false;
  }

  #touch(): void {
    this.#assertWritable();
    this.#lastUpdated = now();
    this.#dirty = true;
  }

  #assertWritable(): void {
    if (this.readOnly) {
      throw new ReadOnlyError(`Experiment "${this.slug}" is read-only. Open the project in mode "w+" to edit existing experiments.`);
    }
  }

  #what(): string {
    return `Experiment "${this.slug}"`;
  }

  /** `Experiment(slug)` or `ReadOnlyExperiment(slug)`, like Python's display string. */
  toString(): string {
    return `${this.readOnly ? "ReadOnlyExperiment" : "Experiment"}(${this.slug})`;
  }
}

/** The OS login name, as Python's `getpass.getuser()`: the usual variables first, then the account database. */
export function defaultAuthor(): string {
  for (const name of ["LOGNAME", "USER", "LNAME", "USERNAME"]) {
    const v = process.env[name];
    if (v) return v;
  }
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
