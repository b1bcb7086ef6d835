/** A test: metrics and parameters for a sub-population of an experiment. */
import type { Readable } from "node:stream";
import type { Artifact, ArtifactMetadata } from "../artifacts/artifact.js";
import type { LoadArtifactOptions } from "../artifacts/artifact-io.js";
import { setOwnKey, unmarkFloat } from "../json/index.js";
import { InvalidStateError, ReadOnlyError } from "../errors.js";
import type { Storage } from "../storage/protocol.js";
import { now } from "../time/index.js";
import { bytesFrom, loadFrom, logInto, streamFrom, type LogArtifactOptions } from "./owned-artifacts.js";
import { readOnlyView } from "./read-only.js";

/** Construction fields of a {@link Test}. */
export interface TestInit {
  name: string;
  description?: string | null;
  metrics?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  artifacts?: Artifact[];
  /** Folder of the test's artifacts (`<experiment path>/<slug(test name)>`). */
  path?: string;
  storage?: Storage;
  readOnly?: boolean;
}

/** The manifest object of a test. */
export interface TestJSON {
  artifacts: ArtifactMetadata[];
  description: string | null;
  metrics: Record<string, unknown>;
  name: string;
  parameters: Record<string, unknown>;
}

/** A sub-population test inside an experiment (Python's `Test` / `ReadOnlyTest`). */
export class Test {
  /** Test name; names need not be unique. */
  readonly name: string;
  /** Free-text description, or `null`. */
  readonly description: string | null;
  /** Folder that holds this test's artifact files. */
  path: string;
  /** The store of the artifacts; set when the test joins an experiment. */
  storage: Storage | undefined;
  /** True for tests of read-only experiments: every mutation throws {@link ReadOnlyError}. */
  readonly readOnly: boolean;
  readonly #metrics: Record<string, unknown>;
  readonly #parameters: Record<string, unknown>;
  readonly #artifacts: Artifact[];

  constructor(init: TestInit) {
    this.name = init.name;
    this.description = init.description ?? null;
    this.#metrics = init.metrics ?? {};
    this.#parameters = init.parameters ?? {};
    this.#artifacts = init.artifacts ?? [];
    this.path = init.path ?? ".";
    this.storage = init.storage;
    this.readOnly = init.readOnly ?? false;
  }

  /** Metrics by name. */
  get metrics(): Record<string, unknown> {
    return this.readOnly ? readOnlyView(this.#metrics, `Test "${this.name}"`) : this.#metrics;
  }

  /** Parameters by name. */
  get parameters(): Record<string, unknown> {
    return this.readOnly ? readOnlyView(this.#parameters, `Test "${this.name}"`) : this.#parameters;
  }

  /** Artifacts, in logging order. */
  get artifacts(): readonly Artifact[] {
    return this.#artifacts;
  }

  /** Records a metric (overwrites). */
  logMetric(name: string, value: unknown): void {
    this.#assertWritable();
    setOwnKey(this.#metrics, name, value);
    unmarkFloat(this.#metrics, name);
  }

  /** Records a parameter (overwrites). */
  logParameter(name: string, value: unknown): void {
    this.#assertWritable();
    setOwnKey(this.#parameters, name, value);
    unmarkFloat(this.#parameters, name);
  }

  /** Logs an artifact; it is written when the project is saved. */
  logArtifact(name: string, value: unknown, handler: string, options: LogArtifactOptions = {}): Artifact {
    this.#assertWritable();
    return logInto(this.#artifacts, `test "${this.name}"`, name, value, handler, options, now());
  }

  /** Reads a saved artifact back. */
  async loadArtifact(name: string, options?: LoadArtifactOptions): Promise<unknown> {
    return loadFrom(this.#store(), this.path, this.#artifacts, `test "${this.name}"`, name, options);
  }

  /** The raw stored bytes of an artifact, whatever its handler (for example Python's `pickle`). */
  async readArtifactBytes(name: string): Promise<Uint8Array> {
    return bytesFrom(this.#store(), this.path, this.#artifacts, `test "${this.name}"`, name);
  }

  /** A stream over the raw stored bytes of an artifact. */
  async openArtifact(name: string): Promise<Readable> {
    return streamFrom(this.#store(), this.path, this.#artifacts, `test "${this.name}"`, name);
  }

  /** The manifest object. */
  toJSON(): TestJSON {
    return {
      artifacts: this.#artifacts.map((a) => a.toJSON()),
      description: this.description,
      metrics: this.#metrics,
      name: this.name,
      parameters: this.#parameters,
    };
  }

  /** True when any artifact still has to be written. */
  get hasDirtyArtifacts(): boolean {
    return this.#artifacts.some((a) => a.dirty);
  }

  #assertWritable(): void {
    if (this.readOnly)
      throw new ReadOnlyError(`Test "${this.name}" is read-only. Open the project in mode "w+" to edit existing experiments.`);
  }

  #store(): Storage {
    if (!this.storage)
      throw new InvalidStateError(
        `Test "${this.name}" is not attached to an experiment, so it has no storage to read from. Log it with experiment.logTest().`,
      );
    return this.storage;
  }
}
