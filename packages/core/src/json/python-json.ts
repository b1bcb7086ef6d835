/**
 * A JSON codec that reads and writes text byte for byte as CPython 3.11's `json`
 * module does (`json.loads` / `json.dumps`), so manifests written here are
 * indistinguishable from the ones lazyscribe writes in Python.
 *
 * JavaScript numbers cannot tell `1.0` from `1`, and Python can. Two mechanisms keep
 * floats floats: {@link PyFloat} wraps a number that must be written as a float, and
 * the decoder marks the keys/indices of decoded containers that held an integral
 * float (`1.0`, `1e+16`) so that re-encoding writes them back as floats. The marks are
 * kept in a module-level `WeakMap`; see {@link markFloat}.
 *
 * @packageDocumentation
 */

/** A key of a container: a property name of an object or an index of an array. */
export type JsonContainerKey = string | number;

/** Options of {@link encodePythonJson}, named after the `json.dumps` keywords. */
export interface PythonJsonEncodeOptions {
  /**
   * Python's `indent`: a number of spaces (or the indentation text itself) per level.
   * Absent means one line. `0` still puts every element on its own line, as in Python.
   */
  indent?: number | string;
  /** Python's `sort_keys`: sort object keys by Unicode code point at every depth. Default `false`. */
  sortKeys?: boolean;
  /** Python's `ensure_ascii`: escape everything outside 0x20–0x7E as `\uXXXX`. Default `true`. */
  ensureAscii?: boolean;
  /**
   * Python's `separators` as `[item, key]`. Defaults to `[", ", ": "]` without an
   * indent and `[",", ": "]` with one.
   */
  separators?: [string, string];
}

/**
 * A number that is always written as a Python float (`1.0`, not `1`).
 * Immutable; {@link clonePythonJson} shares instances.
 */
export class PyFloat {
  constructor(readonly value: number) {}

  /** The wrapped number, so arithmetic and comparisons work on a `PyFloat`. */
  valueOf(): number {
    return this.value;
  }

  /** The wrapped number, so `JSON.stringify` writes it as a number. */
  toJSON(): number {
    return this.value;
  }

  /** The text Python's `json` writes for this float, e.g. `1.0`, `1e-05`, `NaN`. */
  toString(): string {
    return formatPythonFloat(this.value);
  }
}

/**
 * Thrown by {@link encodePythonJson} for a value Python's `json.dumps` could not
 * write either: a function, a symbol, a cycle, a class instance, a bad key.
 */
export class JsonEncodeError extends TypeError {
  /** JSON path of the offending value, e.g. `$.parameters.model` or `$[0].metrics["a b"]`. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(`${message} (at ${path})`);
    this.name = "JsonEncodeError";
    this.path = path;
  }
}

/**
 * Thrown by {@link decodePythonJson}; the message matches Python's `JSONDecodeError`,
 * e.g. `Expecting value: line 1 column 1 (char 0)`. Positions count code points, as Python does.
 */
export class JsonDecodeError extends Error {
  /** The message without the position, e.g. `Expecting value`. */
  readonly msg: string;
  /** Position of the error in code points from the start of the text (Python's `pos`). */
  readonly pos: number;
  /** 1-based line of the error. */
  readonly lineno: number;
  /** 1-based column of the error, in code points. */
  readonly colno: number;

  constructor(msg: string, text: string, unitIndex: number) {
    const { pos, lineno, colno } = pythonPosition(text, unitIndex);
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
    this.name = "JsonDecodeError";
    this.msg = msg;
    this.pos = pos;
    this.lineno = lineno;
    this.colno = colno;
  }
}

/** Deepest nesting {@link decodePythonJson} accepts (Python itself stops near 1,000). */
export const MAX_JSON_DEPTH = 10_000;

const floatMarks = new WeakMap<object, Set<JsonContainerKey>>();
// Objects whose decoded key order differs from what `Object.keys` reports
// (integer-like keys are listed first by JS); used when keys are not sorted.
const keyOrders = new WeakMap<object, string[]>();

function normaliseKey(container: object, key: JsonContainerKey): JsonContainerKey {
  return Array.isArray(container) ? Number(key) : String(key);
}

/**
 * Marks `container[key]` as a float: the encoder writes it as `1.0` while it holds an
 * integral number. The decoder sets these marks itself; use this when building data by hand.
 */
export function markFloat(container: object, key: JsonContainerKey): void {
  let marks = floatMarks.get(container);
  if (!marks) {
    marks = new Set();
    floatMarks.set(container, marks);
  }
  marks.add(normaliseKey(container, key));
}

/**
 * Removes the float mark of `container[key]`. Call it when a decoded value is
 * overwritten with a number that should be written as an integer. Marks of arrays
 * are positional: after `splice`/`shift`/`unshift` clear or reset them.
 */
export function unmarkFloat(container: object, key: JsonContainerKey): void {
  floatMarks.get(container)?.delete(normaliseKey(container, key));
}

/** True when `container[key]` carries a float mark (see {@link markFloat}). */
export function isMarkedFloat(container: object, key: JsonContainerKey): boolean {
  return floatMarks.get(container)?.has(normaliseKey(container, key)) ?? false;
}

// ---------------------------------------------------------------------------
// Numbers and strings

/**
 * The text Python's `json` writes for a float: `float.__repr__` (shortest round-trip
 * digits, always a `.` or an exponent, exponent form below 1e-4 and from 1e16 on,
 * exponent with sign and two or more digits) with `NaN`, `Infinity`, `-Infinity` for
 * the non-finite values.
 */
export function formatPythonFloat(x: number): string {
  if (x !== x) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    // In this range both languages write plain decimals with the same shortest digits.
    const plain = String(x);
    return plain.includes(".") ? plain : `${plain}.0`;
  }
  const sign = x < 0 ? "-" : "";
  // Number#toString gives the same shortest round-trip digits as Python's repr
  // (both pick the closest candidate); only the layout differs.
  const s = String(abs);
  let mantissa = s;
  let exp = 0;
  const e = s.indexOf("e");
  if (e >= 0) {
    mantissa = s.slice(0, e);
    exp = Number(s.slice(e + 1));
  }
  const dot = mantissa.indexOf(".");
  const intPart = dot >= 0 ? mantissa.slice(0, dot) : mantissa;
  let digits = dot >= 0 ? intPart + mantissa.slice(dot + 1) : intPart;
  let decpt = intPart.length + exp;
  let lead = 0;
  while (digits.charCodeAt(lead) === 48) lead++;
  digits = digits.slice(lead);
  decpt -= lead;
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  if (decpt <= -4 || decpt > 16) {
    const exp10 = decpt - 1;
    const abs = Math.abs(exp10);
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp10 < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

const SHORT_ESCAPES: Record<number, string> = { 34: '\\"', 92: "\\\\", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t" };
const NEEDS_ESCAPE_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const NEEDS_ESCAPE_RAW = /["\\\x00-\x1f]/;

function hex4(code: number): string {
  return "\\u" + code.toString(16).padStart(4, "0");
}

/** Writes a string literal as Python's `json` does (per UTF-16 unit, which yields Python's surrogate pairs). */
function encodeString(s: string, ensureAscii: boolean): string {
  if (!(ensureAscii ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE_RAW).test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 92 && (c < 0x7f || !ensureAscii)) continue;
    out += s.slice(start, i) + (SHORT_ESCAPES[c] ?? hex4(c));
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

/**
 * Compares strings by Unicode code point, as Python sorts `str`. JS `<` compares
 * UTF-16 units, which puts U+1F600 (a surrogate pair) before U+FF5E.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // When the shared prefix ends in a high surrogate, the differing code points start there.
  const prev = i > 0 ? a.charCodeAt(i - 1) : 0;
  if (prev >= 0xd800 && prev <= 0xdbff) i--;
  return (a.codePointAt(i) as number) - (b.codePointAt(i) as number);
}

// ---------------------------------------------------------------------------
// Encoder

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

interface EncodeFrame {
  /** The container as the user gave it; the cycle check and the float marks use it. */
  source: object;
  isArray: boolean;
  /** Output keys of an object frame (already strings). */
  keys: string[] | undefined;
  /** Values in output order (for an array frame, the array itself). */
  values: ArrayLike<unknown>;
  /** Keys used to look up float marks (raw keys of a plain object, indices of an array). */
  marks: Set<JsonContainerKey> | undefined;
  /** Index of the next child to write. */
  next: number;
}

function pathSegment(key: JsonContainerKey): string {
  if (typeof key === "number") return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "symbol") return String(value);
  if (typeof value === "object" && value !== null) {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return `an instance of ${typeof ctor?.name === "string" && ctor.name ? ctor.name : "an unknown class"}`;
  }
  return typeof value;
}

function isoSeconds(date: Date): string | undefined {
  const t = date.getTime();
  if (t !== t) return undefined;
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  return date.toISOString().slice(0, 19);
}

/**
 * Writes `value` exactly as Python's `json.dumps` would write the corresponding
 * Python value, with `ensure_ascii=True` and `allow_nan=True` unless told otherwise.
 *
 * Mapping: `null` → `null`; booleans; `bigint` → integer digits; a number → an
 * integer when it is a safe integer without a float mark, otherwise a float
 * ({@link formatPythonFloat}); {@link PyFloat} → always a float; `Date` → ISO-seconds
 * text `YYYY-MM-DDTHH:MM:SS` in UTC (fraction cut, as lazyscribe serialises datetimes);
 * arrays; `Map` → object (keys: string, number, bigint, boolean, null, PyFloat, converted
 * as Python converts dict keys); plain objects (own enumerable string keys; integer-like
 * keys come first in JS order unless the object was decoded, whose source order is kept);
 * anything with a `toJSON()` method → its result. `undefined` drops an object member and
 * writes `null` in an array or at the top.
 *
 * Sorting (`sortKeys`) is by Unicode code point. The output has no trailing newline.
 *
 * @throws JsonEncodeError for functions, symbols, cycles, invalid dates, class instances
 * and unusable or unsortable `Map` keys; the message names the JSON path.
 */
export function encodePythonJson(value: unknown, options: PythonJsonEncodeOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const sortKeys = options.sortKeys ?? false;
  const indentOpt = options.indent;
  const indent = indentOpt === undefined ? undefined : typeof indentOpt === "number" ? " ".repeat(Math.max(0, indentOpt)) : indentOpt;
  const [itemSep, keySep] = options.separators ?? (indent === undefined ? [", ", ": "] : [",", ": "]);
  const newlines: string[] = [];
  const newline = (depth: number): string => (newlines[depth] ??= "\n" + (indent as string).repeat(depth));

  const stack: EncodeFrame[] = [];
  const active = new Set<object>();

  const currentPath = (): string => {
    let p = "$";
    for (const f of stack) {
      const idx = f.next - 1;
      p += pathSegment(f.isArray ? idx : ((f.keys as string[])[idx] as string));
    }
    return p;
  };
  const fail = (message: string): never => {
    throw new JsonEncodeError(message, currentPath());
  };

  // Turns a value into its text, or into a frame to be written element by element.
  const prepare = (raw: unknown, key: JsonContainerKey, marks: Set<JsonContainerKey> | undefined): string | EncodeFrame => {
    let v = raw;
    if (typeof v === "object" && v !== null && !(v instanceof PyFloat) && !(v instanceof Date)) {
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === "function") v = toJSON.call(v, String(key));
    }
    switch (typeof v) {
      case "string":
        return encodeString(v, ensureAscii);
      case "number":
        if (v === Math.trunc(v) && v <= MAX_SAFE && v >= -MAX_SAFE && !(v === raw && marks?.has(key))) return String(v);
        return formatPythonFloat(v);
      case "boolean":
        return v ? "true" : "false";
      case "bigint":
        return v.toString();
      case "undefined":
        return "null";
      case "function":
      case "symbol":
        return fail(`Object of type ${describe(v)} is not JSON serializable`);
    }
    if (v === null) return "null";
    const obj = v as object;
    if (obj instanceof PyFloat) return formatPythonFloat(obj.value);
    if (obj instanceof Date) {
      const iso = isoSeconds(obj);
      return iso === undefined ? fail("Date is invalid or outside years 1-9999") : `"${iso}"`;
    }
    if (active.has(obj)) fail("Circular reference detected");
    if (Array.isArray(obj)) {
      return { source: obj, isArray: true, keys: undefined, values: obj, marks: floatMarks.get(obj), next: 0 };
    }
    if (obj instanceof Map) return mapFrame(obj);
    if (!isPlainObject(obj)) fail(`Object of type ${describe(obj)} is not JSON serializable`);
    const record = obj as Record<string, unknown>;
    let keys = Object.keys(record);
    if (sortKeys) keys.sort(compareCodePoints);
    else {
      const order = keyOrders.get(obj);
      if (order) keys = orderedKeys(keys, order);
    }
    const values: unknown[] = [];
    const kept: string[] = [];
    for (const k of keys) {
      const child = record[k];
      if (child === undefined) continue;
      kept.push(k);
      values.push(child);
    }
    return { source: obj, isArray: false, keys: kept, values, marks: floatMarks.get(obj), next: 0 };
  };

  const mapFrame = (map: Map<unknown, unknown>): EncodeFrame => {
    const entries: { sortKey: unknown; key: string; value: unknown }[] = [];
    let kinds = 0; // bit 1: string keys, bit 2: numeric keys, bit 4: null key
    for (const [k, val] of map) {
      if (val === undefined) continue;
      let key: string;
      let sortKey: unknown = k;
      if (typeof k === "string") {
        key = k;
        kinds |= 1;
      } else if (typeof k === "number") {
        key = k === Math.trunc(k) && Math.abs(k) <= MAX_SAFE ? String(k) : formatPythonFloat(k);
        kinds |= 2;
      } else if (typeof k === "bigint") {
        key = k.toString();
        kinds |= 2;
      } else if (typeof k === "boolean") {
        key = k ? "true" : "false";
        sortKey = k ? 1 : 0;
        kinds |= 2;
      } else if (k instanceof PyFloat) {
        key = formatPythonFloat(k.value);
        sortKey = k.value;
        kinds |= 2;
      } else if (k === null) {
        key = "null";
        kinds |= 4;
      } else {
        return fail(`Map keys must be str, int, float, bool or None, not ${describe(k)}`);
      }
      entries.push({ sortKey, key, value: val });
    }
    if (sortKeys && entries.length > 1) {
      if (kinds !== 1 && kinds !== 2) fail("Map keys of different types cannot be sorted");
      if (kinds === 1) entries.sort((a, b) => compareCodePoints(a.sortKey as string, b.sortKey as string));
      else
        entries.sort((a, b) =>
          (a.sortKey as number) < (b.sortKey as number) ? -1 : (a.sortKey as number) > (b.sortKey as number) ? 1 : 0,
        );
    }
    return { source: map, isArray: false, keys: entries.map((e) => e.key), values: entries.map((e) => e.value), marks: undefined, next: 0 };
  };

  const root = prepare(value, "", undefined);
  if (typeof root === "string") return root;
  let out = "";
  const open = (frame: EncodeFrame): void => {
    if (frame.values.length === 0) {
      out += frame.isArray ? "[]" : "{}";
      return;
    }
    out += frame.isArray ? "[" : "{";
    active.add(frame.source);
    stack.push(frame);
  };
  open(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as EncodeFrame;
    const i = frame.next;
    if (i >= frame.values.length) {
      stack.pop();
      active.delete(frame.source);
      if (indent !== undefined) out += newline(stack.length);
      out += frame.isArray ? "]" : "}";
      continue;
    }
    frame.next = i + 1;
    if (i > 0) out += itemSep;
    if (indent !== undefined) out += newline(stack.length);
    let key: JsonContainerKey = i;
    if (!frame.isArray) {
      key = (frame.keys as string[])[i] as string;
      out += encodeString(key, ensureAscii) + keySep;
    }
    const child = prepare(frame.values[i], key, frame.marks);
    if (typeof child === "string") out += child;
    else open(child);
  }
  return out;
}

function orderedKeys(keys: string[], order: string[]): string[] {
  const present = new Set(keys);
  const result: string[] = [];
  const seen = new Set<string>();
  for (const k of order) {
    if (present.has(k) && !seen.has(k)) {
      result.push(k);
      seen.add(k);
    }
  }
  for (const k of keys) if (!seen.has(k)) result.push(k);
  return result;
}

// ---------------------------------------------------------------------------
// Decoder

function pythonPosition(text: string, unitIndex: number): { pos: number; lineno: number; colno: number } {
  let pos = 0;
  let lineno = 1;
  let lastNewline = -1;
  for (let i = 0; i < unitIndex && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < unitIndex) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (c === 10) {
      lineno++;
      lastNewline = pos;
    }
    pos++;
  }
  if (unitIndex > text.length) pos += unitIndex - text.length;
  return { pos, lineno, colno: pos - lastNewline };
}

// JS lists integer-like ("array index") keys first whatever the insertion order.
function isIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  if (key.length > 10 || (c === 48 && key.length > 1)) return false;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(key) < 4294967295;
}

/**
 * Sets `obj[key] = value` as plain data: a `__proto__` key becomes an ordinary own
 * property (as in Python's dicts) instead of replacing the object's prototype.
 */
export function setOwnKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  defineOwn(obj, key, value);
}

function defineOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    // Plain assignment would set the prototype; Python treats it as an ordinary key.
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

interface DecodeFrame {
  container: unknown[] | Record<string, unknown>;
  isArray: boolean;
  key: string;
  marks: Set<JsonContainerKey> | undefined;
  order: string[] | undefined;
}

const ESCAPES: Record<number, string> = { 34: '"', 92: "\\", 47: "/", 98: "\b", 102: "\f", 110: "\n", 114: "\r", 116: "\t" };

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses JSON as Python's `json.loads` does: strict JSON plus the bare tokens `NaN`,
 * `Infinity` and `-Infinity`. Integers outside ±(2^53−1) become `bigint`; floats become
 * numbers, and an integral float (`1.0`, `1e+16`, `-0.0`) inside an array or object gets a
 * float mark so {@link encodePythonJson} writes it back as a float (a bare top-level float
 * cannot carry a mark). Duplicate keys: the last value wins, at the first key's position.
 * A `__proto__` key becomes an ordinary own property. Parsing is iterative; nesting deeper
 * than {@link MAX_JSON_DEPTH} is rejected.
 *
 * @throws JsonDecodeError with Python's message and position.
 */
export function decodePythonJson(text: string): unknown {
  const n = text.length;
  let i = 0;
  const err = (msg: string, at: number): never => {
    throw new JsonDecodeError(msg, text, at);
  };
  if (text.charCodeAt(0) === 0xfeff) err("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);

  const skipWs = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
  };

  // `i` is at the opening quote; leaves `i` after the closing quote.
  const parseString = (): string => {
    const begin = i;
    let j = i + 1;
    let chunk = j;
    let out = "";
    for (;;) {
      if (j >= n) return err("Unterminated string starting at", begin);
      const c = text.charCodeAt(j);
      if (c === 34) {
        i = j + 1;
        return out.length === 0 ? text.slice(chunk, j) : out + text.slice(chunk, j);
      }
      if (c === 92) {
        out += text.slice(chunk, j);
        if (j + 1 >= n) return err("Unterminated string starting at", begin);
        const e = text.charCodeAt(j + 1);
        if (e === 117) {
          let code = 0;
          for (let k = j + 2; k < j + 6; k++) {
            const h = k < n ? hexValue(text.charCodeAt(k)) : -1;
            if (h < 0) return err("Invalid \\uXXXX escape", j + 1);
            code = code * 16 + h;
          }
          out += String.fromCharCode(code);
          j += 6;
        } else {
          const s = ESCAPES[e];
          if (s === undefined) return err("Invalid \\escape", j);
          out += s;
          j += 2;
        }
        chunk = j;
        continue;
      }
      if (c < 32) return err("Invalid control character at", j);
      j++;
    }
  };

  const stack: DecodeFrame[] = [];
  let value: unknown;
  let isFloatMark: boolean;

  const push = (frame: DecodeFrame, open: number): void => {
    if (stack.length >= MAX_JSON_DEPTH) err(`Maximum nesting depth of ${MAX_JSON_DEPTH} exceeded`, open);
    stack.push(frame);
  };

  // Reads a key and the `:` after it; `i` is at the opening quote.
  const readKey = (frame: DecodeFrame): void => {
    frame.key = parseString();
    skipWs();
    if (text.charCodeAt(i) !== 58) err("Expecting ':' delimiter", i);
    i++;
    skipWs();
  };

  skipWs();
  for (;;) {
    // State: a value starts at `i`.
    isFloatMark = false;
    const c = text.charCodeAt(i);
    if (c === 123) {
      const open = i++;
      skipWs();
      const c2 = text.charCodeAt(i);
      if (c2 === 125) {
        i++;
        value = {};
      } else if (c2 === 34) {
        const frame: DecodeFrame = { container: {}, isArray: false, key: "", marks: undefined, order: undefined };
        push(frame, open);
        readKey(frame);
        continue;
      } else {
        err("Expecting property name enclosed in double quotes", i);
      }
    } else if (c === 91) {
      const open = i++;
      skipWs();
      if (text.charCodeAt(i) === 93) {
        i++;
        value = [];
      } else {
        push({ container: [], isArray: true, key: "", marks: undefined, order: undefined }, open);
        continue;
      }
    } else if (c === 34) {
      value = parseString();
    } else if ((c >= 48 && c <= 57) || c === 45) {
      const start = i;
      let j = i;
      if (c === 45) j++;
      const d = text.charCodeAt(j);
      if (d === 48) j++;
      else if (d >= 49 && d <= 57) {
        j++;
        while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      } else {
        if (c === 45 && text.startsWith("Infinity", j)) {
          value = -Infinity;
          i = j + 8;
        } else {
          err("Expecting value", start);
        }
      }
      if (i === start) {
        let isFloat = false;
        if (text.charCodeAt(j) === 46) {
          const f = text.charCodeAt(j + 1);
          if (f >= 48 && f <= 57) {
            j += 2;
            while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
            isFloat = true;
          }
        }
        const ec = text.charCodeAt(j);
        if (ec === 101 || ec === 69) {
          let k = j + 1;
          const sc = text.charCodeAt(k);
          if (sc === 43 || sc === 45) k++;
          const ed = text.charCodeAt(k);
          if (ed >= 48 && ed <= 57) {
            k++;
            while (k < n && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
            j = k;
            isFloat = true;
          }
        }
        const lit = text.slice(start, j);
        i = j;
        if (isFloat) {
          const num = Number(lit);
          value = num;
          isFloatMark = Number.isInteger(num);
        } else {
          const num = Number(lit);
          if (j - start <= 15) value = num === 0 ? 0 : num;
          else value = Number.isSafeInteger(num) ? num : BigInt(lit);
        }
      }
    } else if (c === 110 && text.startsWith("null", i)) {
      value = null;
      i += 4;
    } else if (c === 116 && text.startsWith("true", i)) {
      value = true;
      i += 4;
    } else if (c === 102 && text.startsWith("false", i)) {
      value = false;
      i += 5;
    } else if (c === 78 && text.startsWith("NaN", i)) {
      value = NaN;
      i += 3;
    } else if (c === 73 && text.startsWith("Infinity", i)) {
      value = Infinity;
      i += 8;
    } else {
      err("Expecting value", i);
    }

    // State: `value` is complete; attach it to its parent and find what comes next.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        skipWs();
        if (i !== n) err("Extra data", i);
        return value;
      }
      if (frame.isArray) {
        const arr = frame.container as unknown[];
        if (isFloatMark) {
          frame.marks ??= new Set();
          frame.marks.add(arr.length);
        }
        arr.push(value);
        skipWs();
        const d = text.charCodeAt(i);
        if (d === 44) {
          i++;
          skipWs();
          break;
        }
        if (d !== 93) err("Expecting ',' delimiter", i);
        i++;
      } else {
        const obj = frame.container as Record<string, unknown>;
        const key = frame.key;
        if (frame.order !== undefined) {
          if (!Object.prototype.hasOwnProperty.call(obj, key)) frame.order.push(key);
        } else if (isIndexKey(key)) {
          frame.order = Object.keys(obj);
          if (!Object.prototype.hasOwnProperty.call(obj, key)) frame.order.push(key);
        }
        defineOwn(obj, key, value);
        if (isFloatMark) {
          frame.marks ??= new Set();
          frame.marks.add(key);
        } else if (frame.marks !== undefined) {
          frame.marks.delete(key);
        }
        skipWs();
        const d = text.charCodeAt(i);
        if (d === 44) {
          i++;
          skipWs();
          if (text.charCodeAt(i) !== 34) err("Expecting property name enclosed in double quotes", i);
          readKey(frame);
          break;
        }
        if (d !== 125) err("Expecting ',' delimiter", i);
        i++;
      }
      // The container is complete: it becomes the value for its own parent.
      stack.pop();
      value = frame.container;
      isFloatMark = false;
      if (frame.marks !== undefined && frame.marks.size > 0) floatMarks.set(frame.container, frame.marks);
      if (frame.order !== undefined) saveOrder(frame.container as Record<string, unknown>, frame.order);
    }
  }
}

function saveOrder(obj: Record<string, unknown>, order: string[]): void {
  const actual = Object.keys(obj);
  for (let k = 0; k < actual.length; k++) {
    if (actual[k] !== order[k]) {
      keyOrders.set(obj, order);
      return;
    }
  }
}

// ---------------------------------------------------------------------------
// Cloning

/**
 * Deep-copies JSON data (plain objects, arrays, `Map`s and `Date`s; primitives and
 * {@link PyFloat} are shared), carrying over float marks and decoded key order so the
 * copy encodes to the same text. Shared sub-objects stay shared and cycles are copied
 * as cycles. Other class instances are shared, not copied.
 */
export function clonePythonJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  const copies = new Map<object, object>();
  const work: [object, object][] = [];
  const copyOf = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null || v instanceof PyFloat) return v;
    const seen = copies.get(v);
    if (seen !== undefined) return seen;
    let copy: object;
    if (v instanceof Date) copy = new Date(v.getTime());
    else if (Array.isArray(v)) copy = new Array<unknown>(v.length);
    else if (v instanceof Map) copy = new Map();
    else if (isPlainObject(v)) copy = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
    else return v;
    copies.set(v, copy);
    if (!(v instanceof Date)) work.push([v, copy]);
    const marks = floatMarks.get(v);
    if (marks !== undefined) floatMarks.set(copy, new Set(marks));
    const order = keyOrders.get(v);
    if (order !== undefined) keyOrders.set(copy, [...order]);
    return copy;
  };
  const result = copyOf(value);
  while (work.length > 0) {
    const [src, dst] = work.pop() as [object, object];
    if (Array.isArray(src)) {
      const out = dst as unknown[];
      for (let k = 0; k < src.length; k++) out[k] = copyOf(src[k]);
    } else if (src instanceof Map) {
      for (const [k, v] of src) (dst as Map<unknown, unknown>).set(k, copyOf(v));
    } else {
      const record = src as Record<string, unknown>;
      for (const k of Object.keys(record)) defineOwn(dst as Record<string, unknown>, k, copyOf(record[k]));
    }
  }
  return result as T;
}
