/**
 * CSV text as Python's lazyscribe-arrow writes and reads it: `pyarrow.csv.write_csv`
 * with its defaults (header with every name quoted, string values always quoted,
 * nulls empty, Arrow's number formatting, `\n` line ends) and `pyarrow.csv.read_csv`
 * type inference (null, int64, bool, double, string per column, Arrow's null tokens).
 * csv-stringify writes the records and csv-parse reads them.
 *
 * @packageDocumentation
 */
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { InvalidArgumentError, isMarkedFloat, markFloat, PyFloat } from "@lazyscribe/core";

/** Arrow column types this handler writes and infers. */
export type CsvColumnType = "null" | "int64" | "bool" | "double" | "string";

/** A table: column names, rows of values, and (when read) each column's inferred Arrow type. */
export interface CsvTable {
  columns: string[];
  rows: unknown[][];
  types?: CsvColumnType[];
}

/** Arrow's default `null_values` of `ConvertOptions` (ignored for string columns, as `strings_can_be_null=False`). */
export const ARROW_NULL_VALUES: ReadonlySet<string> = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "n/a",
  "nan",
  "null",
]);
const TRUE_VALUES = new Set(["1", "True", "TRUE", "true"]);
const FALSE_VALUES = new Set(["0", "False", "FALSE", "false"]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A double as Arrow's CSV writer prints it: shortest round-trip digits, decimal
 * notation for exponents from -6 to 14, otherwise `1e+15` / `1e-7`; `-0`, `inf`,
 * `-inf`, `nan`; no trailing `.0` (1.0 is `1`).
 */
export function arrowDouble(x: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const [mantissa = "", expText] = Math.abs(x).toExponential().split("e");
  const exponent = Number(expText);
  const digits = mantissa.replace(".", "");
  if (exponent < -6 || exponent >= 15)
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${exponent < 0 ? "-" : "+"}${Math.abs(exponent)}`;
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** Normalises what `encode` accepts (a {@link CsvTable} or an array of records) into columns and rows. */
function toTable(value: unknown): CsvTable {
  if (Array.isArray(value)) {
    const columns: string[] = [];
    const seen = new Set<string>();
    for (const record of value) {
      if (typeof record !== "object" || record === null || Array.isArray(record))
        throw new InvalidArgumentError("A csv value given as an array must hold one plain object per row.");
      for (const key of Object.keys(record)) {
        if (seen.has(key)) continue;
        seen.add(key);
        columns.push(key);
      }
    }
    // Own keys only: a row without a "constructor" or "__proto__" column must not read Object.prototype's.
    const cell = (r: object, c: string) => (Object.hasOwn(r, c) ? ((r as Record<string, unknown>)[c] ?? null) : null);
    return { columns, rows: value.map((r) => columns.map((c) => cell(r as object, c))) };
  }
  if (typeof value === "object" && value !== null && Array.isArray((value as CsvTable).columns) && Array.isArray((value as CsvTable).rows))
    return value as CsvTable;
  throw new InvalidArgumentError("The csv handler takes an array of row objects or a { columns: string[], rows: unknown[][] } table.");
}

/** The Arrow type a column of values gets (as `pyarrow.table` would infer it from Python values). */
function columnType(values: unknown[], rows: unknown[][], index: number, name: string): CsvColumnType {
  let type: CsvColumnType = "null";
  values.forEach((v, r) => {
    if (v === null || v === undefined) return;
    let t: CsvColumnType;
    if (typeof v === "string") t = "string";
    else if (typeof v === "boolean") t = "bool";
    else if (typeof v === "bigint") t = "int64";
    else if (v instanceof PyFloat) t = "double";
    else if (typeof v === "number") t = Number.isInteger(v) && !Object.is(v, -0) && !isMarkedFloat(rows[r]!, index) ? "int64" : "double";
    else
      throw new InvalidArgumentError(
        `Column "${name}" holds a ${v instanceof Date ? "Date" : typeof v}; the csv handler writes strings, numbers, bigints, booleans and null.`,
      );
    if (type === "null" || type === t) type = t;
    else if ((type === "int64" && t === "double") || (type === "double" && t === "int64")) type = "double";
    else throw new InvalidArgumentError(`Column "${name}" mixes ${type} and ${t} values; Arrow needs one type per column.`);
  });
  return type;
}

type Field = { value: string; quoted: boolean; quoted_empty?: boolean } | null;

function field(v: unknown, type: CsvColumnType, name: string): Field {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "string":
      return { value: v as string, quoted: true, quoted_empty: true };
    case "bool":
      return { value: v ? "true" : "false", quoted: false };
    case "int64": {
      const n = BigInt(v as number | bigint);
      if (n < INT64_MIN || n > INT64_MAX) throw new InvalidArgumentError(`Column "${name}" holds ${n}, outside Arrow's int64.`);
      return { value: n.toString(), quoted: false };
    }
    default:
      return { value: arrowDouble(Number(v instanceof PyFloat ? v.value : v)), quoted: false };
  }
}

/**
 * `pyarrow.csv.write_csv(table, buf)` with default options.
 *
 * @throws InvalidArgumentError for mixed-type columns, int64 overflow, or values Arrow would not hold (dates, objects).
 */
export function writeArrowCsv(value: unknown): string {
  const table = toTable(value);
  const types = table.columns.map((name, c) =>
    columnType(
      table.rows.map((r) => r[c]),
      table.rows,
      c,
      name,
    ),
  );
  const records: Field[][] = [table.columns.map((name) => ({ value: name, quoted: true, quoted_empty: true }))];
  for (const row of table.rows) records.push(table.columns.map((name, c) => field(row[c], types[c]!, name)));
  if (table.columns.length === 0) return "";
  return stringify(records, {
    cast: { object: (v) => v as unknown as string },
    record_delimiter: "\n",
    eof: true,
    quote: '"',
    escape: '"',
  });
}

function inferType(values: string[]): CsvColumnType {
  const present = values.filter((v) => !ARROW_NULL_VALUES.has(v));
  if (present.length === 0) return "null";
  if (present.every((v) => /^-?\d+$/.test(v) && BigInt(v) >= INT64_MIN && BigInt(v) <= INT64_MAX)) return "int64";
  if (present.every((v) => TRUE_VALUES.has(v) || FALSE_VALUES.has(v))) return "bool";
  if (present.every((v) => /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf|infinity)$/i.test(v))) return "double";
  return "string";
}

function convertValue(text: string, type: CsvColumnType): unknown {
  if (type === "string") return text;
  if (ARROW_NULL_VALUES.has(text) || type === "null") return null;
  if (type === "int64") {
    const n = BigInt(text);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  if (type === "bool") return TRUE_VALUES.has(text);
  const lower = text.toLowerCase().replace(/^\+/, "");
  if (lower === "inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  return Number(text);
}

/**
 * `pyarrow.csv.read_csv(buf)` with default options: the first row names the columns, each
 * column's type is inferred as Arrow does for null, int64, bool, double and string (integral
 * doubles carry a float mark, see `markFloat`; date
 * and timestamp columns stay strings here; Arrow reads them as timestamps).
 *
 * @throws Error from csv-parse for malformed text (for example rows of different lengths).
 */
export function readArrowCsv(text: string): CsvTable {
  const records = parse(text, { bom: true, relax_column_count: false, skip_empty_lines: false }) as string[][];
  const [header, ...body] = records;
  if (!header) return { columns: [], rows: [], types: [] };
  const types = header.map((_, c) => inferType(body.map((r) => r[c] ?? "")));
  const rows = body.map((r) => {
    const row = r.map((v, c) => convertValue(v, types[c]!));
    // Integral doubles keep a float mark, so they stay doubles when written again (and print as 1.0 in JSON).
    types.forEach((t, c) => {
      if (t === "double" && Number.isInteger(row[c])) markFloat(row, c);
    });
    return row;
  });
  return { columns: header, rows, types };
}
