/**
 * `@lazyscribe/csv`: the `csv` artifact handler of Python's lazyscribe-arrow, for
 * lazyscribe for TypeScript. Importing this package registers it.
 *
 * Python logs a pyarrow Table (or anything with the Arrow PyCapsule or dataframe
 * interchange protocol) and writes it with `pyarrow.csv.write_csv`; here a table is
 * `{ columns, rows }` or an array of row objects, written byte for byte as Arrow
 * writes it, and read back with Arrow's type inference (see {@link readArrowCsv}).
 *
 * @packageDocumentation
 */
import { InvalidArgumentError, registerHandler, type ArtifactHandler } from "@lazyscribe/core";
import { readArrowCsv, writeArrowCsv, type CsvTable } from "./arrow-csv.js";

export { ARROW_NULL_VALUES, arrowDouble, readArrowCsv, writeArrowCsv, type CsvColumnType, type CsvTable } from "./arrow-csv.js";

const utf8 = new TextDecoder("utf-8");

/**
 * The `csv` handler (suffix `csv`, binary as in lazyscribe-arrow, so it is not diffed).
 * Write: a {@link CsvTable} or an array of row objects. Read: a {@link CsvTable} with
 * the inferred Arrow type of each column. Writer and reader options are refused: Python
 * passes them to pyarrow (`WriteOptions`, `ReadOptions`...), which this port does not model.
 */
export const csvHandler: ArtifactHandler<unknown> = {
  alias: "csv",
  suffix: "csv",
  binary: true,
  outputOnly: false,
  encode: (value, options) => {
    refuseOptions(options, "writer");
    return writeArrowCsv(value);
  },
  decode: (data, options): CsvTable => {
    refuseOptions(options, "reader");
    return readArrowCsv(utf8.decode(data));
  },
};

function refuseOptions(options: Record<string, unknown>, what: string): void {
  const keys = Object.keys(options);
  if (keys.length > 0) throw new InvalidArgumentError(`The csv handler takes no ${what} options (got ${keys.join(", ")}).`);
}

/** Rows of a table as objects keyed by column name. */
export function tableRecords(table: CsvTable): Array<Record<string, unknown>> {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
}

registerHandler(csvHandler);
