/**
 * YAML text as Python's PyYAML writes and reads it with the options lazyscribe-yaml
 * uses (`yaml.dump(obj, buf)` and `yaml.load(buf, Loader=SafeLoader)`).
 *
 * The emitter is a port of the parts of PyYAML's `Emitter` and `Representer` that
 * `yaml.dump` reaches with its defaults (block style, `sort_keys=True`, indent 2,
 * width 80, `allow_unicode=False`): scalar style analysis, quoting, escapes, line
 * folding of plain and single-quoted scalars, indentless sequences inside mappings.
 * Parsing uses the `yaml` package for the syntax and applies PyYAML's YAML 1.1
 * implicit resolvers to plain scalars (so `y` stays a string and `1e3` too, `yes`,
 * `on` and `0x10` do not).
 *
 * @packageDocumentation
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import { compareCodePoints, formatPythonFloat, InvalidArgumentError, isMarkedFloat, markFloat, PyFloat } from "@lazyscribe/core";

/** Writer options, named as `yaml.dump`'s keywords (camelCase accepted). */
export interface PyYamlDumpOptions {
  /** Sort mapping keys (Python's `sort_keys`). @default true */
  sortKeys?: boolean;
  /** Write printable non-ASCII characters as they are instead of escaping them. @default false */
  allowUnicode?: boolean;
  /** Fold plain and single-quoted scalars at spaces past this column. @default 80 */
  width?: number;
  /** Start the document with `---`. @default false */
  explicitStart?: boolean;
}

const BREAKS = "\n\x85\u2028\u2029";
const WHITESPACE = "\0 \t\r\n\x85\u2028\u2029";

// PyYAML's implicit resolvers (resolver.py), keyed on the whole plain scalar.
const RESOLVE_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const RESOLVE_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const RESOLVE_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const RESOLVE_NULL = /^(?:~|null|Null|NULL|)$/;
const RESOLVE_TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
const RESOLVE_OTHER = /^(?:<<|=)$/;

/** True when PyYAML would read `text`, written plain, as something other than a string. */
function resolvesToNonString(text: string): boolean {
  return [RESOLVE_BOOL, RESOLVE_FLOAT, RESOLVE_INT, RESOLVE_NULL, RESOLVE_TIMESTAMP, RESOLVE_OTHER].some((r) => r.test(text));
}

// ---------------------------------------------------------------------------------------
// Emitter

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

/** PyYAML's `Emitter.analyze_scalar`, reduced to what block-style output consults. */
function analyzeScalar(scalar: string, allowUnicode: boolean): Analysis {
  const chars = Array.from(scalar);
  if (chars.length === 0) return { empty: true, multiline: false, allowBlockPlain: true, allowSingleQuoted: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (scalar.startsWith("---") || scalar.startsWith("...")) blockIndicators = true;
  let precededByWhitespace = true;
  let followedByWhitespace = chars.length === 1 || WHITESPACE.includes(chars[1]!);
  let previousSpace = false;
  let previousBreak = false;
  for (let index = 0; index < chars.length;) {
    const ch = chars[index]!;
    const code = ch.codePointAt(0)!;
    if (index === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockIndicators = true;
      if ("?:".includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ":" && followedByWhitespace) blockIndicators = true;
      if (ch === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    if (!(ch === "\n" || (code >= 0x20 && code <= 0x7e))) {
      const printable =
        (code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code < 0x10ffff)) &&
        code !== 0xfeff;
      if (!printable || !allowUnicode) special = true;
    }
    if (ch === " ") {
      if (index === 0) leadingSpace = true;
      if (index === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    index++;
    precededByWhitespace = WHITESPACE.includes(ch);
    followedByWhitespace = index + 1 >= chars.length || WHITESPACE.includes(chars[index + 1]!);
  }
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingleQuoted };
}

const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\x08": "b",
  "\x09": "t",
  "\x0A": "n",
  "\x0B": "v",
  "\x0C": "f",
  "\x0D": "r",
  "\x1B": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xA0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

/** Writes text with PyYAML's column bookkeeping (`write_indent`, `write_line_break`). */
class Writer {
  out = "";
  column = 0;
  whitespace = true;
  indention = true;

  write(data: string): void {
    this.out += data;
    this.column += Array.from(data).length;
  }

  lineBreak(data = "\n"): void {
    this.out += data;
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }

  indent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.out += " ".repeat(indent - this.column);
      this.column = indent;
    }
  }
}

function writePlain(w: Writer, text: string, indent: number, width: number, split: boolean): void {
  const chars = Array.from(text);
  let spaces = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : undefined;
    if (spaces) {
      if (ch !== " ") {
        if (start + 1 === end && w.column > width && split) {
          w.indent(indent);
          w.whitespace = false;
          w.indention = false;
        } else {
          w.write(chars.slice(start, end).join(""));
        }
        start = end;
      }
    } else if (ch === undefined || " \n\x85\u2028\u2029".includes(ch)) {
      w.write(chars.slice(start, end).join(""));
      start = end;
    }
    if (ch !== undefined) spaces = ch === " ";
  }
  w.whitespace = false;
  w.indention = false;
}

function writeSingleQuoted(w: Writer, text: string, indent: number, width: number, split: boolean): void {
  w.write("'");
  const chars = Array.from(text);
  let spaces = false;
  let breaks = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : undefined;
    if (spaces) {
      if (ch === undefined || ch !== " ") {
        if (start + 1 === end && w.column > width && split && start !== 0 && end !== chars.length) {
          w.indent(indent);
        } else {
          w.write(chars.slice(start, end).join(""));
        }
        start = end;
      }
    } else if (breaks) {
      if (ch === undefined || !BREAKS.includes(ch)) {
        if (chars[start] === "\n") w.lineBreak();
        for (const br of chars.slice(start, end)) w.lineBreak(br === "\n" ? "\n" : br);
        w.indent(indent);
        start = end;
      }
    } else if (ch === undefined || " \n\x85\u2028\u2029".includes(ch) || ch === "'") {
      if (start < end) {
        w.write(chars.slice(start, end).join(""));
        start = end;
      }
    }
    if (ch === "'") {
      w.write("''");
      start = end + 1;
    }
    if (ch !== undefined) {
      spaces = ch === " ";
      breaks = BREAKS.includes(ch);
    }
  }
  w.write("'");
  w.whitespace = false;
  w.indention = false;
}

function writeDoubleQuoted(w: Writer, text: string, allowUnicode: boolean): void {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const plain =
      ((code >= 0x20 && code <= 0x7e) || (allowUnicode && ((code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd)))) &&
      !'"\\\x85\u2028\u2029\uFEFF'.includes(ch);
    if (plain) out += ch;
    else if (ESCAPES[ch] !== undefined) out += `\\${ESCAPES[ch]}`;
    else if (code <= 0xff) out += `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += `\\U${code.toString(16).toUpperCase().padStart(8, "0")}`;
  }
  w.write(`${out}"`);
  w.whitespace = false;
  w.indention = false;
}

/** PyYAML's `represent_float`. */
export function pyYamlFloat(x: number): string {
  if (x !== x) return ".nan";
  if (x === Infinity) return ".inf";
  if (x === -Infinity) return "-.inf";
  const value = formatPythonFloat(x).toLowerCase();
  return !value.includes(".") && value.includes("e") ? value.replace("e", ".0e") : value;
}

/** PyYAML's `represent_datetime` (`isoformat(" ")`, naive UTC). */
function pyYamlDate(d: Date): string {
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms ? `.${String(ms).padStart(3, "0")}000` : ""}`;
}

type Scalar = { kind: "plain"; text: string } | { kind: "string"; text: string };
type MapNode = { kind: "map"; entries: Array<[Scalar, unknown, boolean]> };
type SeqNode = { kind: "seq"; items: Array<[unknown, boolean]> };
type Collection = MapNode | SeqNode;

interface EmitContext {
  sortKeys: boolean;
  allowUnicode: boolean;
  width: number;
  active: Set<object>;
}

/** A value as a scalar (already resolved text) or a collection; `float` says a number must be written as a float. */
function classify(value: unknown, float: boolean, ctx: EmitContext, path: string): Scalar | Collection {
  if (value === null || value === undefined) return { kind: "plain", text: "null" };
  if (typeof value === "boolean") return { kind: "plain", text: value ? "true" : "false" };
  if (typeof value === "bigint") return { kind: "plain", text: value.toString() };
  if (typeof value === "number") {
    const integral = Number.isSafeInteger(value) && !float && !Object.is(value, -0);
    return { kind: "plain", text: integral ? String(value) : pyYamlFloat(value) };
  }
  if (value instanceof PyFloat) return { kind: "plain", text: pyYamlFloat(value.value) };
  if (typeof value === "string") return { kind: "string", text: value };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidArgumentError(`Cannot write an invalid Date as YAML (at ${path}).`);
    return { kind: "plain", text: pyYamlDate(value) };
  }
  if (typeof value !== "object") throw new InvalidArgumentError(`Cannot represent a ${typeof value} as YAML (at ${path}).`);
  if (ctx.active.has(value)) throw new InvalidArgumentError(`Cannot write a circular structure as YAML (at ${path}).`);
  if (Array.isArray(value)) return { kind: "seq", items: value.map((v, i) => [v, isMarkedFloat(value, i)]) };
  let pairs: Array<[unknown, unknown, boolean]>;
  if (value instanceof Map) pairs = [...value].map(([k, v]) => [k, v, false]);
  else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw new InvalidArgumentError(
        `Cannot represent an instance of ${(value as object).constructor?.name ?? "a class"} as YAML (at ${path}).`,
      );
    pairs = Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k], isMarkedFloat(value, k)]);
  }
  const keyed = pairs.map(([k, v, f]) => {
    const key = classify(k, k instanceof PyFloat, ctx, path);
    if (key.kind === "map" || key.kind === "seq") throw new InvalidArgumentError(`Mapping keys must be scalars (at ${path}).`);
    return { raw: k, key, value: v, float: f };
  });
  if (ctx.sortKeys) {
    const kinds = new Set(
      keyed.map((e) =>
        typeof e.raw === "string"
          ? "str"
          : typeof e.raw === "number" || typeof e.raw === "bigint" || e.raw instanceof PyFloat
            ? "num"
            : String(typeof e.raw),
      ),
    );
    if (kinds.size > 1)
      throw new InvalidArgumentError(`Mapping keys of different types cannot be sorted, as in Python (at ${path}); pass sort_keys: false.`);
    if (kinds.has("str")) keyed.sort((a, b) => compareCodePoints(a.raw as string, b.raw as string));
    else keyed.sort((a, b) => Number(a.raw) - Number(b.raw));
  }
  return { kind: "map", entries: keyed.map((e) => [e.key as Scalar, e.value, e.float]) };
}

/** Writes a scalar at the writer's position; `indent` is the node's indentation for folded lines. */
function writeScalar(w: Writer, scalar: Scalar, indent: number, ctx: EmitContext, simpleKey: boolean, root: boolean): boolean {
  if (scalar.kind === "plain") {
    writePlain(w, scalar.text, indent, ctx.width, !simpleKey);
    return root;
  }
  const text = scalar.text;
  const analysis = analyzeScalar(text, ctx.allowUnicode);
  if (!resolvesToNonString(text) && !(simpleKey && (analysis.empty || analysis.multiline)) && analysis.allowBlockPlain) {
    writePlain(w, text, indent, ctx.width, !simpleKey);
    return root;
  }
  if (analysis.allowSingleQuoted && !(simpleKey && analysis.multiline)) writeSingleQuoted(w, text, indent, ctx.width, !simpleKey);
  else writeDoubleQuoted(w, text, ctx.allowUnicode);
  return false;
}

function isEmptyOrScalar(c: Scalar | Collection): boolean {
  return c.kind === "plain" || c.kind === "string" || (c.kind === "map" ? c.entries.length === 0 : c.items.length === 0);
}

function writeLeaf(w: Writer, c: Scalar | Collection, indent: number, ctx: EmitContext, root: boolean): boolean {
  if (c.kind === "map") {
    w.write("{}");
    return false;
  }
  if (c.kind === "seq") {
    w.write("[]");
    return false;
  }
  return writeScalar(w, c, indent, ctx, false, root);
}

/** A block mapping whose first key goes at the writer's current position (col `indent`). */
function writeMapping(w: Writer, c: MapNode, indent: number, ctx: EmitContext, path: string, first: boolean): void {
  c.entries.forEach(([key, value, float], i) => {
    if (i > 0 || !first) w.indent(indent);
    writeScalar(w, key, indent, ctx, true, false);
    w.write(":");
    const child = classify(value, float, ctx, `${path}.${key.text}`);
    if (isEmptyOrScalar(child)) {
      w.write(" ");
      writeLeaf(w, child, indent + 2, ctx, false);
    } else {
      ctx.active.add(value as object);
      if (child.kind === "map") writeMapping(w, child, indent + 2, ctx, `${path}.${key.text}`, false);
      else writeSequence(w, child as SeqNode, indent, ctx, `${path}.${key.text}`, false);
      ctx.active.delete(value as object);
    }
  });
}

/** A block sequence whose first dash goes at the writer's current position (col `indent`). */
function writeSequence(w: Writer, c: SeqNode, indent: number, ctx: EmitContext, path: string, first: boolean): void {
  c.items.forEach(([value, float], i) => {
    if (i > 0 || !first) w.indent(indent);
    w.write("- ");
    w.whitespace = true;
    w.indention = true;
    const child = classify(value, float, ctx, `${path}[${i}]`);
    if (isEmptyOrScalar(child)) writeLeaf(w, child, indent + 2, ctx, false);
    else {
      ctx.active.add(value as object);
      if (child.kind === "map") writeMapping(w, child, indent + 2, ctx, `${path}[${i}]`, true);
      else writeSequence(w, child as SeqNode, indent + 2, ctx, `${path}[${i}]`, true);
      ctx.active.delete(value as object);
    }
  });
}

/**
 * `yaml.dump(value)` as PyYAML 6 writes it with lazyscribe-yaml's defaults.
 *
 * Not ported (the text differs from PyYAML's, the value reads back the same): folding of
 * double-quoted scalars past the width, mapping keys of 128 characters or more or with line
 * breaks (PyYAML's `? ` complex keys), anchors for repeated objects (PyYAML writes `&id001`).
 *
 * @throws InvalidArgumentError for values YAML's safe representer cannot write.
 */
export function dumpPyYaml(value: unknown, options: PyYamlDumpOptions = {}): string {
  const ctx: EmitContext = {
    sortKeys: options.sortKeys ?? true,
    allowUnicode: options.allowUnicode ?? false,
    width: options.width ?? 80,
    active: new Set(),
  };
  const w = new Writer();
  if (options.explicitStart) {
    w.write("---");
    w.whitespace = false;
  }
  const root = classify(value, false, ctx, "$");
  let openEnded = false;
  if (isEmptyOrScalar(root)) {
    if (options.explicitStart) w.write(" ");
    openEnded = writeLeaf(w, root, 2, ctx, true);
  } else {
    ctx.active.add(value as object);
    if (options.explicitStart) w.indent(0);
    if (root.kind === "map") writeMapping(w, root, 0, ctx, "$", true);
    else writeSequence(w, root as SeqNode, 0, ctx, "$", true);
  }
  w.lineBreak();
  if (openEnded) w.write("...\n");
  return w.out;
}

// ---------------------------------------------------------------------------------------
// Loader

function constructInt(text: string): number | bigint {
  let value = text.replace(/_/g, "");
  let sign = 1n;
  if (value[0] === "-") sign = -1n;
  if (value[0] === "-" || value[0] === "+") value = value.slice(1);
  let n: bigint;
  if (value === "0") n = 0n;
  else if (value.startsWith("0b")) n = BigInt(value);
  else if (value.startsWith("0x")) n = BigInt(value);
  else if (value[0] === "0") n = BigInt(`0o${value.slice(1)}`);
  else if (value.includes(":")) n = value.split(":").reduce((acc, part) => acc * 60n + BigInt(part), 0n);
  else n = BigInt(value);
  const result = sign * n;
  return result >= BigInt(Number.MIN_SAFE_INTEGER) && result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
}

function constructFloat(text: string): number {
  let value = text.replace(/_/g, "").toLowerCase();
  let sign = 1;
  if (value[0] === "-") sign = -1;
  if (value[0] === "-" || value[0] === "+") value = value.slice(1);
  if (value === ".inf") return sign * Infinity;
  if (value === ".nan") return NaN;
  if (value.includes(":")) return sign * value.split(":").reduce((acc, part) => acc * 60 + Number(part), 0);
  return sign * Number(value);
}

type Converted = { value: unknown; float: boolean };

function convert(node: unknown, doc: Document, seen: Map<unknown, unknown>): Converted {
  if (isAlias(node)) return convert(node.resolve(doc), doc, seen);
  if (isScalar(node)) {
    if (node.tag !== undefined || node.type !== "PLAIN") {
      const float = node.tag === "tag:yaml.org,2002:float" && typeof node.value === "number" && Number.isInteger(node.value);
      return { value: node.value, float };
    }
    const text = typeof node.value === "string" ? node.value : String(node.source);
    if (RESOLVE_NULL.test(text)) return { value: null, float: false };
    if (RESOLVE_BOOL.test(text)) return { value: ["yes", "true", "on"].includes(text.toLowerCase()), float: false };
    if (RESOLVE_INT.test(text)) return { value: constructInt(text), float: false };
    if (RESOLVE_FLOAT.test(text)) {
      const value = constructFloat(text);
      return { value, float: Number.isInteger(value) };
    }
    if (RESOLVE_TIMESTAMP.test(text)) return { value: node.value, float: false };
    return { value: text, float: false };
  }
  if (seen.has(node)) return { value: seen.get(node), float: false };
  if (isSeq(node)) {
    const out: unknown[] = [];
    seen.set(node, out);
    node.items.forEach((item, i) => {
      const c = convert(item, doc, seen);
      out.push(c.value);
      if (c.float) markFloat(out, i);
    });
    return { value: out, float: false };
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    seen.set(node, out);
    const set = (key: string, c: Converted, overwrite: boolean) => {
      if (!overwrite && Object.prototype.hasOwnProperty.call(out, key)) return;
      Object.defineProperty(out, key, { value: c.value, writable: true, enumerable: true, configurable: true });
      if (c.float) markFloat(out, key);
    };
    const merges: Node[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (isScalar(pair.key) && pair.key.type === "PLAIN" && pair.key.source === "<<" && pair.key.tag === undefined) {
        merges.push(...(isSeq(pair.value) ? (pair.value.items as Node[]) : [pair.value as Node]));
        continue;
      }
      const key = convert(pair.key, doc, seen).value;
      set(key === null ? "null" : String(key), convert(pair.value, doc, seen), true);
    }
    for (const m of merges) {
      const merged = convert(m, doc, seen).value as Record<string, unknown>;
      for (const k of Object.keys(merged)) set(k, { value: merged[k], float: isMarkedFloat(merged, k) }, false);
    }
    return { value: out, float: false };
  }
  return { value: node === null || node === undefined ? null : ((node as { toJSON?: () => unknown }).toJSON?.() ?? null), float: false };
}

/**
 * `yaml.load(text, Loader=SafeLoader)` for one document: PyYAML's YAML 1.1 resolution of
 * plain scalars, integers past 2^53 as `bigint`, floats written with a `.` or exponent
 * carrying float marks (so writing them back gives `1.0`, see `markFloat`), merge keys.
 *
 * @throws Error from the `yaml` parser for malformed text.
 */
export function loadPyYaml(text: string): unknown {
  const doc = parseDocument(text, { version: "1.1", merge: false, intAsBigInt: true, uniqueKeys: false, prettyErrors: true });
  if (doc.errors.length > 0) throw doc.errors[0];
  return convert(doc.contents, doc, new Map()).value;
}
