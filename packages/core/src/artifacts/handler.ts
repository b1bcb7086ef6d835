/**
 * The artifact handler contract: how a value becomes a stored file and back.
 * The counterpart of Python's `Artifact` subclasses, as plain objects.
 */
import type { WriteBody } from "../storage/protocol.js";

/** A JSON value as stored in manifests. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** Extra keyword options passed to a handler's writer or reader (Python's `**kwargs`). */
export type HandlerOptions = Record<string, unknown>;

/**
 * Encodes and decodes one kind of artifact.
 *
 * @typeParam T - the in-memory value type.
 */
export interface ArtifactHandler<T = unknown> {
  /** The name stored in manifests (`handler` key) and passed to `logArtifact`. */
  readonly alias: string;
  /** File suffix of default file names, without the dot. */
  readonly suffix: string;
  /** Whether the file is binary (binary files cannot be diffed). */
  readonly binary: boolean;
  /** True when a stored file cannot be read back into the original value (loading warns). */
  readonly outputOnly: boolean;
  /**
   * Handler-specific metadata fields that describe the runtime the file was
   * written with (Python's pickle stores `python_version`). They are written to
   * the manifest, and `validate` compares the stored ones with these.
   */
  environment?(): Record<string, JsonValue>;
  /** Serialises a value. May return a stream for large values. */
  encode(value: T, options: HandlerOptions): WriteBody | Promise<WriteBody>;
  /** Deserialises stored bytes. */
  decode(data: Uint8Array, options: HandlerOptions): T | Promise<T>;
}
