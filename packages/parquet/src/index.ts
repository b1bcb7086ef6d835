/**
 * `@lazyscribe/parquet`: the `parquet` artifact handler of Python's lazyscribe-arrow, for
 * lazyscribe for TypeScript. Importing this package registers it.
 *
 * A table a Python job logged with lazyscribe-arrow (a pyarrow Table in a Parquet file)
 * loads here as an Apache Arrow `Table`, with its column types; a Table or row objects
 * logged here load in Python as a pyarrow Table. Parquet is read and written by
 * parquet-wasm (see the package README for the choice and its figures).
 *
 * @packageDocumentation
 */
import { registerHandler } from "@lazyscribe/core";
import { parquetHandler } from "./parquet-handler.js";

export { parquetHandler, toArrowTable, type ParquetValue } from "./parquet-handler.js";
export {
  readParquetTable,
  writeParquetTable,
  type ParquetCompression,
  type ParquetReadOptions,
  type ParquetWriteOptions,
} from "./parquet-io.js";
export { tableFromRows } from "./rows.js";

registerHandler(parquetHandler);
