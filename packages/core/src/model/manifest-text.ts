/**
 * The text of a `project.json` as a list of per-experiment chunks, so a save
 * re-encodes only the experiments that changed and an open decodes at close to
 * `JSON.parse` speed.
 *
 * Python writes `json.dump(entries, indent=4, sort_keys=True)`: `[`, then each
 * experiment object on lines indented by four spaces, joined by `,`, then `]`.
 * Strings never hold a raw newline, so in that layout an experiment ends exactly
 * at a line `    }` and its text is the object encoded at depth 1. A chunk is that
 * text, from its `{` to its `}`; the manifest is the chunks joined again.
 */
import { decodePythonJson, encodePythonJson } from "../json/index.js";

const INDENT = "    ";
const OPEN = "[\n" + INDENT;
const BETWEEN = ",\n" + INDENT;
const CLOSE = "\n]";
const END_OF_ENTRY = "\n" + INDENT + "}";

/**
 * Text in which `JSON.parse` could read other numbers than Python's `json`: an integral
 * float (`1.0`, `1e+16`), whose float-ness a JS number loses. A match inside a string
 * is harmless: it only sends that chunk to the exact decoder. What the text test does
 * not catch is caught after parsing ({@link needsExactNumbers}) or by `JSON.parse`
 * refusing it (`NaN`, `Infinity`).
 */
const INTEGRAL_FLOAT = /\.0+[^\d]|[eE]\+/;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** True when a parsed value holds `-0` or an integer past 2^53 (Python reads the int `0` and exact big ints). */
function needsExactNumbers(v: unknown): boolean {
  if (typeof v === "number") return v > MAX_SAFE || v < -MAX_SAFE || Object.is(v, -0);
  if (typeof v !== "object" || v === null) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (needsExactNumbers(x)) return true;
    return false;
  }
  for (const k in v) if (needsExactNumbers((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** The text of one experiment object at depth 1 of the manifest. */
export function encodeChunk(entry: unknown): string {
  return encodePythonJson(entry, { indent: 4, sortKeys: true }).replaceAll("\n", "\n" + INDENT);
}

/** The manifest text of these chunks: byte for byte `json.dumps(entries, indent=4, sort_keys=True)`. */
export function joinChunks(chunks: readonly string[]): string {
  return chunks.length === 0 ? "[]" : OPEN + chunks.join(BETWEEN) + CLOSE;
}

/** Splits a manifest laid out as Python writes it into chunks; `null` for any other layout. */
export function splitChunks(text: string): string[] | null {
  if (text === "[]") return [];
  if (!text.startsWith(OPEN + "{") || !text.endsWith("}" + CLOSE)) return null;
  const chunks: string[] = [];
  let start = OPEN.length;
  for (;;) {
    const end = text.indexOf(END_OF_ENTRY, start);
    if (end < 0) return null;
    const after = end + END_OF_ENTRY.length;
    chunks.push(text.slice(start, after));
    if (after === text.length - CLOSE.length) return chunks;
    if (!text.startsWith(BETWEEN + "{", after)) return null;
    start = after + BETWEEN.length;
  }
}

/**
 * Decodes a manifest: each chunk with `JSON.parse` when nothing in it needs Python's
 * rules, otherwise with {@link decodePythonJson}. Any other layout is decoded whole
 * by {@link decodePythonJson} (no chunk texts then). `ascii`: the text has no byte
 * above 0x7F (only then are chunk texts offered for reuse).
 *
 * `texts[i]` is entry `i`'s text when it was laid out as Python lays it out and holds
 * nothing the fast decoder treats specially; the caller still checks the entry's shape
 * before reusing it. `texts` is `null` for any other layout.
 *
 * @throws JsonDecodeError with Python's message when the text is not JSON.
 */
export function decodeManifestText(text: string, ascii: boolean): { entries: unknown; texts: Array<string | undefined> | null } {
  const chunks = splitChunks(text);
  const whole = () => ({ entries: decodePythonJson(text), texts: null });
  if (chunks === null) return whole();
  const texts = new Array<string | undefined>(chunks.length);
  const values: unknown[] = new Array<unknown>(chunks.length);
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    let value: unknown;
    let exact = INTEGRAL_FLOAT.test(chunk);
    try {
      if (!exact) {
        try {
          value = JSON.parse(chunk);
          exact = needsExactNumbers(value);
        } catch {
          exact = true; // NaN, Infinity, or not JSON: the exact decoder tells which
        }
      }
      if (exact) value = decodePythonJson(chunk);
    } catch {
      // Not JSON (or not what the split took for an entry): the whole text decides, with Python's error positions.
      return whole();
    }
    values[i] = value;
    // Python writes ASCII only, escapes as it escapes; other text is not reused, only decoded.
    texts[i] = !exact && ascii && !chunk.includes("\\") ? chunk : undefined;
  }
  return { entries: values, texts };
}
