/**
 * Parquet files to and from Apache Arrow tables with parquet-wasm (the Rust `parquet`
 * crate's ArrowWriter and reader, compiled to WebAssembly). Like pyarrow, it stores
 * the Arrow schema in the file's `ARROW:schema` metadata, so dictionary columns,
 * timestamp units and time zones survive a round trip with pyarrow in both directions.
 * Tables cross into WebAssembly as Arrow IPC streams.
 *
 * @packageDocumentation
 */
import { Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { Compression, readParquet, Table as WasmTable, writeParquet as writeWasm, WriterPropertiesBuilder } from "parquet-wasm";
import { InvalidArgumentError } from "@lazyscribe/core";

/** Compression codecs, named as pyarrow's `write_table(compression=...)` names them. */
export type ParquetCompression = "snappy" | "gzip" | "brotli" | "zstd" | "none";

/** Writer options, named as pyarrow's `pyarrow.parquet.write_table` keywords. */
export interface ParquetWriteOptions {
  /** @default "snappy" (pyarrow's default) */
  compression?: ParquetCompression;
  /** Rows per row group. @default 1048576 (pyarrow's default) */
  row_group_size?: number;
}

/** Reader options, named as pyarrow's `pyarrow.parquet.read_table` keywords. */
export interface ParquetReadOptions {
  /** Read only these columns. */
  columns?: string[];
}

const CODECS: Record<ParquetCompression, Compression> = {
  snappy: Compression.SNAPPY,
  gzip: Compression.GZIP,
  brotli: Compression.BROTLI,
  zstd: Compression.ZSTD,
  none: Compression.UNCOMPRESSED,
};

/** Rows decoded per Arrow record batch; bigger than the crate's 1024 so large files make few batches. */
const READ_BATCH_ROWS = 65_536;
const PYARROW_ROW_GROUP_SIZE = 1024 * 1024;

function refuseUnknown(options: object, known: readonly string[], what: string): void {
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `The parquet handler's ${what} takes ${known.map((k) => `"${k}"`).join(" and ")} (got ${unknown.join(", ")}).`,
    );
  }
}

/**
 * A Parquet file holding `table`, written as `pyarrow.parquet.write_table` does by default
 * (snappy compression, row groups of 2^20 rows, the Arrow schema in the metadata).
 *
 * @throws InvalidArgumentError for unknown options or codecs.
 */
export function writeParquetTable(table: Table, options: ParquetWriteOptions = {}): Uint8Array {
  refuseUnknown(options, ["compression", "row_group_size"], "writer");
  const compression = (options.compression ?? "snappy").toLowerCase() as ParquetCompression;
  const codec = CODECS[compression];
  if (codec === undefined)
    throw new InvalidArgumentError(
      `Unknown parquet compression ${JSON.stringify(options.compression)}; use one of ${Object.keys(CODECS).join(", ")}.`,
    );
  const rowGroupSize = options.row_group_size ?? PYARROW_ROW_GROUP_SIZE;
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 1)
    throw new InvalidArgumentError(`The parquet writer option row_group_size must be a positive integer; got ${rowGroupSize}.`);
  const properties = new WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(rowGroupSize).build();
  // writeParquet consumes both WebAssembly objects, so nothing is left to free.
  return writeWasm(WasmTable.fromIPCStream(tableToIPC(table, "stream")), properties);
}

/**
 * The Arrow table in a Parquet file, as `pyarrow.parquet.read_table` reads it.
 *
 * @throws Error from the Parquet reader for a file that is not Parquet or is damaged.
 */
export function readParquetTable(data: Uint8Array, options: ParquetReadOptions = {}): Table {
  refuseUnknown(options, ["columns"], "reader");
  if (options.columns !== undefined && !(Array.isArray(options.columns) && options.columns.every((c) => typeof c === "string")))
    throw new InvalidArgumentError("The parquet reader option columns must be an array of column names.");
  const table = tableFromIPC(readParquet(data, { batchSize: READ_BATCH_ROWS }).intoIPCStream());
  if (options.columns === undefined) return table;
  // parquet-wasm 0.8's synchronous reader ignores its `columns` option, so the columns are picked
  // after decoding, in the order asked for, as pyarrow returns them.
  const names = new Set(table.schema.fields.map((f) => f.name));
  const missing = options.columns.filter((c) => !names.has(c));
  if (missing.length > 0)
    throw new InvalidArgumentError(
      `The parquet file has no column ${missing.map((c) => JSON.stringify(c)).join(", ")} (it has ${[...names].join(", ")}).`,
    );
  return table.select(options.columns);
}
