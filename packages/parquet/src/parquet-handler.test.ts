/**
 * The parquet handler with parquet-wasm and apache-arrow: a file recorded from pyarrow 25
 * through lazyscribe-arrow's ParquetArtifact.write (fixtures/pyarrow-types.parquet, every
 * column type of the issue), row objects and Arrow tables round-tripping through a store,
 * options, and refusals. The live both-ways checks with pyarrow are in test/interop.
 */
import { readFileSync } from "node:fs";
import {
  Dictionary,
  Int32,
  makeData,
  makeVector,
  Table,
  TimestampMillisecond,
  TimestampNanosecond,
  Utf8,
  vectorFromArray,
  type Vector,
} from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { describe, expect, it } from "vitest";
import { ArtifactLoadError, findHandler, InvalidArgumentError, markFloat, Project, PyFloat, Repository, SaveError } from "@lazyscribe/core";
import { parquetHandler, readParquetTable, tableFromRows, toArrowTable, writeParquetTable } from "./index.js";

const PYARROW_FILE = new Uint8Array(readFileSync(new URL("../fixtures/pyarrow-types.parquet", import.meta.url)));

let counter = 0;
const fresh = () => `memory://parquet-${process.pid}-${++counter}`;
const types = (t: Table) => t.schema.fields.map((f) => `${f.name}: ${f.type}`);
/** Raw stored values of a column (timestamps as integers in their unit, dictionaries decoded). */
const raw = (v: Vector | null): unknown[] => {
  if (!v) return [];
  if (String(v.type).startsWith("Timestamp"))
    return v.data.flatMap((d) => Array.from({ length: d.length }, (_, i) => (d.getValid(i) ? (d.values as BigInt64Array)[i] : null)));
  return Array.from({ length: v.length }, (_, i) => v.get(i) as unknown);
};

describe("the parquet handler", () => {
  it("is registered as lazyscribe-arrow's parquet handler: alias parquet, suffix parquet, binary, no manifest fields", () => {
    expect(findHandler("parquet")).toBe(parquetHandler);
    expect(parquetHandler).toMatchObject({ alias: "parquet", suffix: "parquet", binary: true, outputOnly: false });
    expect(parquetHandler.environment).toBeUndefined();
  });

  it("reads pyarrow's file with every column type pyarrow wrote: int64, double, string, bool, null, timestamps, dictionary", () => {
    const table = readParquetTable(PYARROW_FILE);
    expect(types(table)).toEqual([
      "id: Int64",
      "score: Float64",
      "name: Utf8",
      "ok: Bool",
      "nothing: Null",
      "at: Timestamp<MICROSECOND, UTC>",
      "naive_ns: Timestamp<NANOSECOND>",
      "segment: Dictionary<Int32, Utf8>",
    ]);
    expect(raw(table.getChild("id"))).toEqual([1n, 2n, null, -(2n ** 62n)]);
    expect(raw(table.getChild("score"))).toEqual([0.5, null, 1e-7, Infinity]);
    expect(raw(table.getChild("name"))).toEqual(["a", "é😀", null, ""]);
    expect(raw(table.getChild("ok"))).toEqual([true, false, null, true]);
    expect(raw(table.getChild("nothing"))).toEqual([null, null, null, null]);
    expect(raw(table.getChild("at"))).toEqual([1737379410123456n, null, 0n, 9214646400000000n]);
    expect(raw(table.getChild("naive_ns"))).toEqual([1n, 2n, 3n, null]);
    expect(raw(table.getChild("segment"))).toEqual(["gold", "silver", "gold", null]);
    expect(readParquetTable(PYARROW_FILE, { columns: ["segment", "id"] }).schema.fields.map((f) => f.name)).toEqual(["segment", "id"]);
    expect(() => readParquetTable(PYARROW_FILE, { columns: ["nope"] })).toThrow(/no column "nope"/);
  });

  it("writes row objects with pyarrow's inferred types and loads them back from a project", async () => {
    const rows = [
      { id: 1, score: 0.5, name: "a", ok: true, at: new Date("2025-01-20T13:23:30.123Z"), big: 2n ** 62n, none: null },
      { id: 2, score: 2, name: null, ok: false, at: null, big: -1n },
      { id: 3, score: new PyFloat(3), name: "é", ok: null, at: new Date(0), big: null, extra: "late column" },
    ];
    const path = `${fresh()}/project.json`;
    const project = await Project.open(path, { mode: "w", author: "t" });
    await project.log("features", (exp) => void exp.logArtifact("features", rows, "parquet"));
    await project.save();
    expect(project.experiments[0]!.toJSON().artifacts[0]!.fname).toMatch(/^features-\d{14}\.parquet$/);
    const table = (await (await Project.open(path, { mode: "r" })).experiments[0]!.loadArtifact("features")) as Table;
    expect(table).toBeInstanceOf(Table);
    expect(types(table)).toEqual([
      "id: Int64",
      "score: Float64",
      "name: Utf8",
      "ok: Bool",
      "at: Timestamp<MICROSECOND, UTC>",
      "big: Int64",
      "none: Null",
      "extra: Utf8",
    ]);
    expect(raw(table.getChild("id"))).toEqual([1n, 2n, 3n]);
    expect(raw(table.getChild("score"))).toEqual([0.5, 2, 3]);
    expect(raw(table.getChild("at"))).toEqual([1737379410123000n, null, 0n]);
    expect(raw(table.getChild("big"))).toEqual([2n ** 62n, -1n, null]);
    expect(raw(table.getChild("extra"))).toEqual([null, null, "late column"]);
  });

  it("keeps float marks, and widens int and float mixes to double as pyarrow does", () => {
    const marked = { x: 1 };
    markFloat(marked, "x");
    expect(types(tableFromRows([marked, { x: 2 }]))).toEqual(["x: Float64"]);
    expect(types(tableFromRows([{ x: 1 }, { x: 2.5 }]))).toEqual(["x: Float64"]);
    expect(types(tableFromRows([{ x: -0 }]))).toEqual(["x: Float64"]);
    expect(types(tableFromRows([]))).toEqual([]);
  });

  it("round-trips an Arrow table's dictionary and timestamp types (units and zones) through a repository", async () => {
    const dictionary = makeVector(
      makeData({
        type: new Dictionary(new Utf8(), new Int32()),
        data: Int32Array.of(0, 1, 0, 2),
        dictionary: vectorFromArray(["gold", "silver", "bronze"], new Utf8()),
      }),
    );
    const table = new Table({
      segment: dictionary,
      at_ms: vectorFromArray([0, 1_000, null, 86_400_000], new TimestampMillisecond("Europe/Paris")),
      at_ns: makeVector(makeData({ type: new TimestampNanosecond(), data: BigInt64Array.of(1n, 2n, 3n, 4n) })),
    });
    const repo = await Repository.open(`${fresh()}/repository.json`);
    repo.logArtifact("table", table, "parquet", { compression: "zstd", row_group_size: 2 });
    await repo.save();
    const back = (await repo.loadArtifact("table")) as Table;
    expect(types(back)).toEqual([
      "segment: Dictionary<Int32, Utf8>",
      "at_ms: Timestamp<MILLISECOND, Europe/Paris>",
      "at_ns: Timestamp<NANOSECOND>",
    ]);
    expect(raw(back.getChild("segment"))).toEqual(["gold", "silver", "gold", "bronze"]);
    expect(raw(back.getChild("at_ms"))).toEqual([0n, 1000n, null, 86400000n]);
    expect(raw(back.getChild("at_ns"))).toEqual([1n, 2n, 3n, 4n]);
    const file = await repo.readArtifactBytes("table");
    expect(readParquet(file, { rowGroups: [1] }).intoIPCStream().byteLength).toBeGreaterThan(0);
    expect(() => readParquet(file, { rowGroups: [2] })).toThrow(); // two row groups of 2 rows
  });

  it("writes each codec, and refuses unknown options, codecs and reader options", () => {
    const table = tableFromRows([{ a: 1, b: "x" }]);
    for (const compression of ["snappy", "gzip", "brotli", "zstd", "none"] as const)
      expect(raw(readParquetTable(writeParquetTable(table, { compression })).getChild("b"))).toEqual(["x"]);
    expect(() => writeParquetTable(table, { compression: "lzo" as "none" })).toThrow(/Unknown parquet compression "lzo"/);
    expect(() => writeParquetTable(table, { row_group_size: 0 })).toThrow(InvalidArgumentError);
    expect(() => parquetHandler.encode(table, { use_dictionary: false })).toThrow(/takes "compression" and "row_group_size"/);
    expect(() => parquetHandler.decode(PYARROW_FILE, { filters: [] })).toThrow(/takes "columns"/);
  });

  it("refuses values Arrow cannot hold before anything is stored, and wraps a damaged file in ArtifactLoadError", async () => {
    expect(() => toArrowTable({ a: [1, 2] })).toThrow(/an apache-arrow Table or an array of row objects/);
    expect(() => toArrowTable({ schema: {}, batches: [] })).toThrow(/another copy of apache-arrow/);
    expect(() => toArrowTable([{ a: 1 }, { a: "x" }])).toThrow(/mixes int64 and string/);
    expect(() => toArrowTable([{ a: { nested: 1 } }])).toThrow(/holds a Object/);
    expect(() => toArrowTable([{ a: 2n ** 63n }])).toThrow(/outside Arrow's int64/);
    expect(() => toArrowTable([{ a: new Date(NaN) }])).toThrow(/invalid Date/);
    expect(() => toArrowTable([[1, 2]])).toThrow(/plain objects/);

    const repo = await Repository.open(`${fresh()}/repository.json`);
    repo.logArtifact("bad", [{ a: 1 }, { a: true }], "parquet");
    await expect(repo.save()).rejects.toBeInstanceOf(SaveError);

    const good = await Repository.open(`${fresh()}/repository.json`);
    good.logArtifact("table", [{ a: 1 }], "parquet");
    await good.save();
    await good.storage.write(good.fileKey(good.artifacts[0]!), PYARROW_FILE.subarray(0, 100));
    const err = await good.loadArtifact("table").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactLoadError);
    expect((err as Error).message).toMatch(/could not be decoded by the "parquet" handler/);
  });
});
