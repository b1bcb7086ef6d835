/**
 * Row objects to an Apache Arrow table, with the column types `pyarrow.Table.from_pylist`
 * would give the same values: integers int64, other numbers double, strings utf8,
 * booleans bool, `Date`s timestamp (microseconds, UTC), all-null columns null.
 *
 * @packageDocumentation
 */
import { Bool, Float64, Int64, Null, Table, TimestampMicrosecond, Utf8, vectorFromArray, type DataType, type Vector } from "apache-arrow";
import { InvalidArgumentError, isMarkedFloat, PyFloat } from "@lazyscribe/core";

type Kind = "null" | "int64" | "double" | "string" | "bool" | "timestamp";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function kindOf(value: unknown, row: object, key: string, column: string): Kind {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "bigint") return "int64";
  if (value instanceof PyFloat) return "double";
  if (typeof value === "number") return Number.isInteger(value) && !Object.is(value, -0) && !isMarkedFloat(row, key) ? "int64" : "double";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidArgumentError(`Column "${column}" holds an invalid Date.`);
    return "timestamp";
  }
  const what = Array.isArray(value)
    ? "an array"
    : typeof value === "object"
      ? `a ${value.constructor?.name ?? "object"}`
      : `a ${typeof value}`;
  throw new InvalidArgumentError(
    `Column "${column}" holds ${what}; rows given to the parquet handler hold strings, numbers, bigints, booleans, Dates and null. ` +
      `For other Arrow types (lists, structs, dictionaries, decimals) log an apache-arrow Table.`,
  );
}

function merge(a: Kind, b: Kind, column: string): Kind {
  if (a === "null" || a === b) return b;
  if (b === "null") return a;
  if ((a === "int64" && b === "double") || (a === "double" && b === "int64")) return "double";
  throw new InvalidArgumentError(`Column "${column}" mixes ${a} and ${b} values; Arrow needs one type per column.`);
}

const TYPES: Record<Kind, () => DataType> = {
  null: () => new Null(),
  int64: () => new Int64(),
  double: () => new Float64(),
  string: () => new Utf8(),
  bool: () => new Bool(),
  timestamp: () => new TimestampMicrosecond("UTC"),
};

function cell(value: unknown, kind: Kind, column: string): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case "int64": {
      const n = BigInt(value as number | bigint);
      if (n < INT64_MIN || n > INT64_MAX) throw new InvalidArgumentError(`Column "${column}" holds ${n}, outside Arrow's int64.`);
      return n;
    }
    case "double":
      return value instanceof PyFloat ? value.value : Number(value);
    case "timestamp":
      // Arrow JS takes timestamps as epoch milliseconds and scales them to the column's unit.
      return (value as Date).getTime();
    default:
      return value;
  }
}

/**
 * An Arrow table from row objects; columns in order of first appearance, missing keys null.
 *
 * @throws InvalidArgumentError for values Arrow cannot hold in one typed column.
 */
export function tableFromRows(rows: readonly unknown[]): Table {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (typeof row !== "object" || row === null || Array.isArray(row) || row instanceof Date)
      throw new InvalidArgumentError("Rows given to the parquet handler must be plain objects, one per row.");
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const vectors: Record<string, Vector> = {};
  for (const column of columns) {
    let kind: Kind = "null";
    for (const row of rows) kind = merge(kind, kindOf((row as Record<string, unknown>)[column], row as object, column, column), column);
    const values = rows.map((row) => cell((row as Record<string, unknown>)[column], kind, column));
    vectors[column] = vectorFromArray(values, TYPES[kind]()) as Vector;
  }
  return new Table(vectors);
}
