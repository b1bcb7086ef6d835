/**
 * Table specs shared with python/onnx_parquet.py: `{ columns: [{ name, type, values }] }`
 * with pyarrow's type names, built into apache-arrow tables here and described back in
 * the same shape (timestamps as integers in their unit, dictionaries decoded), so a
 * table read on either side can be compared value for value and type for type.
 */
import {
  Bool,
  DataType,
  Dictionary,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Null,
  Precision,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  vectorFromArray,
  type Vector,
} from "apache-arrow";

/** One column of a spec. */
export interface ColumnSpec {
  name: string;
  /** `int64`, `double`, `string`, `bool`, `null`, `dictionary`, or `timestamp[<unit>]` / `timestamp[<unit>, tz=<zone>]`. */
  type: string;
  values: unknown[];
}

/** A table spec. */
export interface TableSpec {
  columns: ColumnSpec[];
}

const UNITS: Record<string, TimeUnit> = { s: TimeUnit.SECOND, ms: TimeUnit.MILLISECOND, us: TimeUnit.MICROSECOND, ns: TimeUnit.NANOSECOND };
const UNIT_NAMES = new Map(Object.entries(UNITS).map(([k, v]) => [v, k]));
const TIMESTAMP = /^timestamp\[(s|ms|us|ns)(?:, tz=(.+))?\]$/;
const SIMPLE: Record<string, () => DataType> = {
  int64: () => new Int64(),
  double: () => new Float64(),
  string: () => new Utf8(),
  bool: () => new Bool(),
  null: () => new Null(),
};

function vector(column: ColumnSpec): Vector {
  const simple = SIMPLE[column.type];
  if (column.type === "int64")
    return vectorFromArray(
      column.values.map((v) => (v === null ? null : BigInt(v as number | bigint))),
      new Int64(),
    );
  if (simple) return vectorFromArray(column.values, simple()) as Vector;
  if (column.type === "dictionary") {
    const words = [...new Set(column.values.filter((v): v is string => v !== null))];
    const indices = Int32Array.from(column.values, (v) => (v === null ? 0 : words.indexOf(v as string)));
    const nullBitmap = new Uint8Array(Math.ceil(column.values.length / 8));
    column.values.forEach((v, i) => {
      if (v !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
    });
    return makeVector(
      makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        data: indices,
        nullBitmap,
        nullCount: column.values.filter((v) => v === null).length,
        dictionary: vectorFromArray(words, new Utf8()),
      }),
    );
  }
  const match = TIMESTAMP.exec(column.type);
  if (!match) throw new Error(`unknown column type ${column.type}`);
  const nullBitmap = new Uint8Array(Math.ceil(column.values.length / 8));
  column.values.forEach((v, i) => {
    if (v !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return makeVector(
    makeData({
      type: new Timestamp(UNITS[match[1]!]!, match[2] ?? null),
      data: BigInt64Array.from(column.values, (v) => (v === null ? 0n : BigInt(v as number | bigint))),
      nullBitmap,
      nullCount: column.values.filter((v) => v === null).length,
    }),
  );
}

/** The apache-arrow table of a spec. */
export function arrowTable(spec: TableSpec): Table {
  return new Table(Object.fromEntries(spec.columns.map((c) => [c.name, vector(c)])));
}

/** pyarrow's `str(type)` for the Arrow JS types of the specs (tables read from IPC hold the generic type classes). */
export function pyarrowTypeName(type: DataType): string {
  if (DataType.isInt(type) && type.bitWidth === 64 && type.isSigned) return "int64";
  if (DataType.isFloat(type) && type.precision === Precision.DOUBLE) return "double";
  if (DataType.isUtf8(type)) return "string";
  if (DataType.isBool(type)) return "bool";
  if (DataType.isNull(type)) return "null";
  if (DataType.isTimestamp(type)) return `timestamp[${UNIT_NAMES.get(type.unit)}${type.timezone ? `, tz=${type.timezone}` : ""}]`;
  if (DataType.isDictionary(type) && DataType.isUtf8(type.dictionary) && type.indices.bitWidth === 32 && type.indices.isSigned)
    return `dictionary<values=string, indices=int32, ordered=${type.isOrdered ? 1 : 0}>`;
  return `unsupported ${type}`;
}

const jsonInt = (v: bigint): number | bigint =>
  v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;

/** A table in the spec shape, as python/onnx_parquet.py `describe` reports pyarrow tables. */
export function describeTable(table: Table): TableSpec {
  return {
    columns: table.schema.fields.map((field) => {
      const column = table.getChild(field.name)!;
      let values: unknown[];
      if (DataType.isTimestamp(field.type)) {
        values = column.data.flatMap((d) =>
          Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? jsonInt((d.values as BigInt64Array)[i]!) : null)),
        );
      } else {
        values = Array.from({ length: column.length }, (_, i) => {
          const v = column.get(i) as unknown;
          return typeof v === "bigint" ? jsonInt(v) : v;
        });
      }
      return { name: field.name, type: pyarrowTypeName(field.type), values };
    }),
  };
}

/** The spec as pyarrow describes the table it builds (`dictionary` gets its full type name). */
export function expectedDescription(spec: TableSpec): TableSpec {
  return {
    columns: spec.columns.map((c) => ({
      ...c,
      type: c.type === "dictionary" ? "dictionary<values=string, indices=int32, ordered=0>" : c.type,
      values: c.values.map((v) => (typeof v === "bigint" ? jsonInt(v) : v)),
    })),
  };
}
