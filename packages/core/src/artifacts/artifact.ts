/**
 * An artifact's metadata record, shared by experiments, tests and repositories
 * (Python's `Artifact` instances, minus the handler logic, which lives in
 * {@link ArtifactHandler}).
 */
import { ArtifactLoadError, ManifestError } from "../errors.js";
import { slugify } from "../naming/index.js";
import { bodyToBytes } from "../storage/body.js";
import { isoSeconds, now, parseIsoTimestamp, stamp } from "../time/index.js";
import { findHandler, getHandler } from "./handler-registry.js";
import type { ArtifactHandler, HandlerOptions, JsonValue } from "./handler.js";

/** The metadata of an artifact exactly as written to a manifest (keys sorted when written). */
export interface ArtifactMetadata {
  created_at: string;
  expiry: string | null;
  fname: string;
  handler: string;
  name: string;
  version: number;
  [field: string]: JsonValue;
}

/** Construction fields of an {@link Artifact}. */
export interface ArtifactInit {
  name: string;
  handler: string;
  value?: unknown;
  fname?: string;
  createdAt?: Date;
  expiry?: Date | null;
  version?: number;
  writerOptions?: HandlerOptions;
  dirty?: boolean;
  /** Handler-specific fields; for registered handlers they default to the handler's environment. */
  fields?: Record<string, JsonValue>;
}

/**
 * An artifact as plain, structured-clone-safe data, for sending to a worker
 * (Python's `__getstate__`): every field, with the value encoded by the
 * handler's writer (text for text handlers, bytes for binary ones).
 */
export interface ArtifactState {
  name: string;
  handler: string;
  fname: string;
  /** The value as the handler writes it, or `null` when there is no value. */
  value: string | Uint8Array | null;
  writerOptions: HandlerOptions;
  createdAt: Date;
  expiry: Date | null;
  version: number;
  dirty: boolean;
  fields: Record<string, JsonValue>;
}

const BASE_KEYS = new Set(["created_at", "expiry", "fname", "handler", "name", "version"]);

/** One artifact: metadata, the pending value and whether it still has to be written. */
export class Artifact {
  /** Artifact name (unique within an experiment or test; repeated per version in a repository). */
  readonly name: string;
  /** Alias of the handler that reads and writes it. */
  readonly handler: string;
  /**
   * File name relative to the owner's folder (may contain `/`). A save changes it
   * only when another writer already stored a file under the same name.
   */
  fname: string;
  /** When it was logged. */
  readonly createdAt: Date;
  /** When it expires (repositories only), or `null`. */
  expiry: Date | null;
  /** Version number (always 0 for experiment and test artifacts). */
  version: number;
  /** The value waiting to be written; `undefined` once loaded from a manifest. */
  value: unknown;
  /** Options for the handler's writer. */
  readonly writerOptions: HandlerOptions;
  /** True until the file is written. */
  dirty: boolean;
  /** Handler-specific fields written to the manifest (for example `python_version`). */
  readonly fields: Readonly<Record<string, JsonValue>>;
  /**
   * @internal Set when this artifact replaced a stored one with the same file name
   * (`overwrite`): the save rewrites that file instead of writing beside it.
   */
  replacesStoredFile = false;
  /** @internal File name of the stored artifact this one replaced under another name; deleted after the save. */
  supersedes: string | undefined = undefined;

  constructor(init: ArtifactInit) {
    const handler = findHandler(init.handler);
    this.name = init.name;
    this.handler = init.handler;
    this.createdAt = init.createdAt ?? now();
    this.fname = init.fname ?? defaultFileName(init.name, this.createdAt, handler?.suffix ?? init.handler);
    this.expiry = init.expiry ?? null;
    this.version = init.version ?? 0;
    this.value = init.value;
    this.writerOptions = init.writerOptions ?? {};
    this.dirty = init.dirty ?? true;
    this.fields = init.fields ?? handler?.environment?.() ?? {};
  }

  /** The registered handler, or an {@link ArtifactLoadError} explaining how to reach the raw bytes. */
  resolveHandler(): ArtifactHandler {
    const handler = findHandler(this.handler);
    if (handler) return handler;
    throw new ArtifactLoadError(
      `Artifact "${this.name}" was written with the "${this.handler}" handler, which is not registered in this runtime. ` +
        `Register one with registerHandler(), or read the raw bytes with readArtifactBytes("${this.name}").`,
    );
  }

  /**
   * Checks that this runtime can read the file as it was written: the handler's
   * environment fields must equal the stored ones (Python's `validate`).
   *
   * @throws ArtifactLoadError on a mismatch or an unknown handler.
   */
  validateEnvironment(): void {
    const handler = this.resolveHandler();
    const current = handler.environment?.() ?? {};
    const stored: Record<string, JsonValue> = {};
    for (const key of Object.keys(current)) if (key in this.fields) stored[key] = this.fields[key]!;
    if (JSON.stringify(sortObject(stored)) !== JSON.stringify(sortObject(current))) {
      throw new ArtifactLoadError(
        `Artifact "${this.name}" was written in a different environment: stored ${JSON.stringify(sortObject(stored))}, current ${JSON.stringify(sortObject(current))}. ` +
          `Load it with { validate: false } to try anyway.`,
      );
    }
  }

  /** The manifest object (Python's `Artifact.to_dict`). */
  toJSON(): ArtifactMetadata {
    return {
      ...this.fields,
      created_at: isoSeconds(this.createdAt),
      expiry: this.expiry ? isoSeconds(this.expiry) : null,
      fname: this.fname,
      handler: this.handler,
      name: this.name,
      version: this.version,
    };
  }

  /** A copy with some fields replaced. */
  with(changes: Partial<ArtifactInit>): Artifact {
    return new Artifact({
      name: this.name,
      handler: this.handler,
      value: this.value,
      fname: this.fname,
      createdAt: this.createdAt,
      expiry: this.expiry,
      version: this.version,
      writerOptions: this.writerOptions,
      dirty: this.dirty,
      fields: this.fields,
      ...changes,
    });
  }

  /** The transfer state; see {@link ArtifactState}. */
  async toState(): Promise<ArtifactState> {
    let value: string | Uint8Array | null = null;
    if (this.value !== undefined && this.value !== null) {
      const handler = this.resolveHandler();
      const bytes = await bodyToBytes(await handler.encode(this.value, this.writerOptions));
      value = handler.binary ? bytes : new TextDecoder().decode(bytes);
    }
    return {
      name: this.name,
      handler: this.handler,
      fname: this.fname,
      value,
      writerOptions: { ...this.writerOptions },
      createdAt: new Date(this.createdAt),
      expiry: this.expiry ? new Date(this.expiry) : null,
      version: this.version,
      dirty: this.dirty,
      fields: { ...this.fields },
    };
  }

  /** Rebuilds an artifact from {@link Artifact.toState}; the value is decoded without reader options, as in Python. */
  static async fromState(state: ArtifactState): Promise<Artifact> {
    const artifact = new Artifact({
      name: state.name,
      handler: state.handler,
      fname: state.fname,
      createdAt: new Date(state.createdAt),
      expiry: state.expiry ? new Date(state.expiry) : null,
      version: state.version,
      writerOptions: { ...state.writerOptions },
      dirty: state.dirty,
      fields: { ...state.fields },
    });
    if (state.value !== null) {
      const bytes = typeof state.value === "string" ? new TextEncoder().encode(state.value) : state.value;
      artifact.value = await artifact.resolveHandler().decode(bytes, {});
    }
    return artifact;
  }

  /**
   * Builds a clean artifact from a manifest entry. Unknown handlers are kept
   * with all their fields so they round-trip; known ones keep only their own
   * environment fields (Python drops the rest on the next save).
   *
   * @throws ManifestError when a required key is missing or mistyped.
   */
  static fromManifest(entry: unknown, where: string): Artifact {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw new ManifestError(`${where}: an artifact entry must be an object.`);
    const e = entry as Record<string, unknown>;
    if (typeof e.handler !== "string") throw new ManifestError(`${where}: the artifact has no "handler" string.`);
    if (typeof e.name !== "string") throw new ManifestError(`${where}: the artifact has no "name" string.`);
    if (typeof e.created_at !== "string") throw new ManifestError(`${where}: artifact "${e.name}" has no "created_at" timestamp.`);
    if (e.fname !== undefined && typeof e.fname !== "string")
      throw new ManifestError(`${where}: artifact "${e.name}" has a non-string "fname".`);
    if (e.version !== undefined && !(typeof e.version === "number" && Number.isInteger(e.version))) {
      throw new ManifestError(`${where}: artifact "${e.name}" has a non-integer "version".`);
    }
    if (e.expiry !== undefined && e.expiry !== null && typeof e.expiry !== "string")
      throw new ManifestError(`${where}: artifact "${e.name}" has a bad "expiry".`);
    const handler = findHandler(e.handler);
    const extra: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(e)) if (!BASE_KEYS.has(k)) extra[k] = v as JsonValue;
    let fields: Record<string, JsonValue> = extra;
    if (handler) {
      fields = {};
      for (const k of Object.keys(handler.environment?.() ?? {})) if (k in extra) fields[k] = extra[k]!;
    }
    return new Artifact({
      name: e.name,
      handler: e.handler,
      fname: e.fname as string | undefined,
      createdAt: parseIsoTimestamp(e.created_at, `${where} created_at`),
      // Python keeps a stored expiry as a string (W9); parsing it is the intended behaviour.
      expiry: typeof e.expiry === "string" ? parseIsoTimestamp(e.expiry, `${where} expiry`) : null,
      version: (e.version as number | undefined) ?? 0,
      dirty: false,
      fields,
    });
  }
}

/** `slugify(name)-<stamp>.<suffix>`, the default file name (the two parts are slugified separately). */
export function defaultFileName(name: string, createdAt: Date, suffix: string): string {
  return `${slugify(name)}-${slugify(stamp(createdAt))}.${suffix}`;
}

/** Resolves a handler alias for logging, turning an unknown alias into a clear error. */
export function handlerForLogging(alias: string): ArtifactHandler {
  return getHandler(alias);
}

/** Emits Python's output_only warning. */
export function warnOutputOnly(artifact: Artifact, when: "logged" | "saved" | "loaded"): void {
  if (!findHandler(artifact.handler)?.outputOnly) return;
  const text =
    when === "loaded"
      ? `Artifact "${artifact.name}" is output-only: the loaded value is not the original object.`
      : `Artifact "${artifact.name}" is output-only: it was ${when} but cannot be read back into the original object.`;
  process.emitWarning(text, { type: "LazyscribeWarning", code: "LAZYSCRIBE_OUTPUT_ONLY" });
}

function sortObject(obj: Record<string, JsonValue>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
