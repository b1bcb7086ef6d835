/**
 * The `parquet` handler of Python's lazyscribe-arrow 0.4: alias `parquet`, suffix
 * `parquet`, binary, no extra manifest fields. Python writes a pyarrow Table with
 * `pyarrow.parquet.write_table` and reads it with `read_table`; here the value is an
 * Apache Arrow (`apache-arrow`) Table both ways, and row objects are accepted on write.
 *
 * @packageDocumentation
 */
import { Table } from "apache-arrow";
import { InvalidArgumentError, type ArtifactHandler } from "@lazyscribe/core";
import { readParquetTable, writeParquetTable, type ParquetReadOptions, type ParquetWriteOptions } from "./parquet-io.js";
import { tableFromRows } from "./rows.js";

/** What the `parquet` handler logs: an Arrow Table, or row objects (see {@link tableFromRows}). */
export type ParquetValue = Table | readonly Record<string, unknown>[];

/** The Arrow table a logged value is written as. */
export function toArrowTable(value: unknown): Table {
  if (value instanceof Table) return value;
  if (Array.isArray(value)) return tableFromRows(value);
  if (typeof value === "object" && value !== null && "schema" in value && "batches" in value) {
    throw new InvalidArgumentError(
      "The parquet handler was given an Arrow Table from another copy of apache-arrow than the one @lazyscribe/parquet uses, " +
        "so it cannot read its buffers. Install one apache-arrow version (npm dedupe), or pass rows.",
    );
  }
  throw new InvalidArgumentError("The parquet handler logs an apache-arrow Table or an array of row objects.");
}

/**
 * The `parquet` handler. Write: an Arrow `Table` or an array of row objects, with
 * {@link ParquetWriteOptions} (`compression`, `row_group_size`, named as pyarrow's).
 * Read: an Arrow `Table`, with {@link ParquetReadOptions} (`columns`).
 */
export const parquetHandler: ArtifactHandler<unknown> = {
  alias: "parquet",
  suffix: "parquet",
  binary: true,
  outputOnly: false,
  encode: (value, options) => writeParquetTable(toArrowTable(value), options as ParquetWriteOptions),
  decode: (data, options): Table => readParquetTable(data, options as ParquetReadOptions),
};
