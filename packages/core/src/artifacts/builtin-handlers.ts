/** The built-in handlers: `json` (as Python's), `text` and `bytes`. */
import { decodePythonJson, encodePythonJson, type PythonJsonEncodeOptions } from "../json/index.js";
import type { ArtifactHandler } from "./handler.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * Python's `json` handler. Writer options are those of Python's `json.dump`
 * (`indent`, `sort_keys`, `ensure_ascii`, `separators`; camelCase accepted),
 * so the file bytes match what Python writes.
 */
export const jsonHandler: ArtifactHandler<unknown> = {
  alias: "json",
  suffix: "json",
  binary: false,
  outputOnly: false,
  encode: (value, options) => encodePythonJson(value, toJsonOptions(options)),
  decode: (data) => decodePythonJson(utf8.decode(data)),
};

function toJsonOptions(options: Record<string, unknown>): PythonJsonEncodeOptions {
  const pick = (a: string, b: string) => options[a] ?? options[b];
  const out: PythonJsonEncodeOptions = {};
  const indent = options.indent;
  // Python's json.dump takes a number of spaces or the indentation text itself (and a bool as 0 or 1).
  if (typeof indent === "number" || typeof indent === "string") out.indent = indent;
  else if (typeof indent === "boolean") out.indent = Number(indent);
  const sortKeys = pick("sortKeys", "sort_keys");
  if (typeof sortKeys === "boolean") out.sortKeys = sortKeys;
  const ensureAscii = pick("ensureAscii", "ensure_ascii");
  if (typeof ensureAscii === "boolean") out.ensureAscii = ensureAscii;
  const separators = options.separators;
  if (Array.isArray(separators) && separators.length === 2) out.separators = [String(separators[0]), String(separators[1])];
  return out;
}

/** Plain UTF-8 text (suffix `txt`). Exists in this library only, not in Python lazyscribe. */
export const textHandler: ArtifactHandler<string> = {
  alias: "text",
  suffix: "txt",
  binary: false,
  outputOnly: false,
  encode: (value) => String(value),
  decode: (data) => utf8.decode(data),
};

/**
 * Raw bytes (suffix `bin`). Accepts a `Uint8Array` or a stream, so large
 * artifacts never sit whole in memory on write. Exists in this library only.
 */
export const bytesHandler: ArtifactHandler<Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>> = {
  alias: "bytes",
  suffix: "bin",
  binary: true,
  outputOnly: false,
  encode: (value) => value as Uint8Array,
  decode: (data) => data,
};
