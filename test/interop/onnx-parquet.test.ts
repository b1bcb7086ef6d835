/**
 * The `onnx` (@lazyscribe/onnx, lazyscribe-onnx 0.1) and `parquet` (@lazyscribe/parquet,
 * lazyscribe-arrow 0.4) handlers against the real Python plugins, onnx, onnxruntime and
 * pyarrow: a model built in Python runs here with predictions equal to Python
 * onnxruntime's, a model logged here loads in Python, and tables of every column type
 * round-trip both ways; as files, then in projects and repositories on every store.
 */
import { createHash } from "node:crypto";
import { Tensor } from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { Project, Repository } from "@lazyscribe/core";
import { type InferenceSession } from "@lazyscribe/onnx";
import { readParquetTable, tableFromRows, writeParquetTable } from "@lazyscribe/parquet";
import type { Table } from "apache-arrow";
import { arrowTable, describeTable, expectedDescription, type TableSpec } from "./arrow-specs.js";
import { at, py } from "./harness.js";
import { interopStores } from "./stores.js";

const MODEL = { weights: [0.8, -0.4, 1.5, 0.05], bias: -0.3 };
const INPUTS = [
  [0, 0, 0, 0],
  [1, 2, 3, 4],
  [-1.5, 0.25, 4, -8],
  [0.001, -0.002, 0.003, 100],
  [12.5, -3.75, -6, 0.5],
  [1e-3, 1e3, -1e-3, 7],
];
/** The error budget of the issue; measured errors are printed. */
const TOLERANCE = 1e-6;

const TABLE: TableSpec = {
  columns: [
    { name: "id", type: "int64", values: [1, 2, null, 9007199254740993n, -5] },
    { name: "score", type: "double", values: [0.5, NaN, null, -2.5, 1e300] },
    { name: "name", type: "string", values: ["a", "é😀", null, "", "multi\nline"] },
    { name: "ok", type: "bool", values: [true, false, null, true, false] },
    { name: "nothing", type: "null", values: [null, null, null, null, null] },
    { name: "at", type: "timestamp[us, tz=UTC]", values: [0, 1737379410123456, null, -1, 253402300799999999n] },
    { name: "local", type: "timestamp[ms, tz=Europe/Paris]", values: [1737379410123, null, 0, 1, 2] },
    { name: "naive", type: "timestamp[ns]", values: [1, 2, 3, null, 1737379410123456789n] },
    { name: "segment", type: "dictionary", values: ["gold", "silver", "gold", null, "bronze"] },
  ],
};
const EXPECTED = expectedDescription(TABLE);

async function predict(session: InferenceSession, rows: number[][]): Promise<number[]> {
  const features = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
  const out = await session.run({ [session.inputNames[0]!]: features });
  return Array.from(out[session.outputNames[0]!]!.data as Float32Array);
}

/** The largest absolute difference, after checking both sides gave one prediction per input. */
function maxError(ours: number[], theirs: number[]): number {
  expect(ours).toHaveLength(INPUTS.length);
  expect(theirs).toHaveLength(INPUTS.length);
  return Math.max(...ours.map((v, i) => Math.abs(v - theirs[i]!)));
}

const fromBase64 = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));
const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("onnx and parquet file formats with Python", () => {
  it("a model built with onnx.helper in Python predicts here what Python onnxruntime predicts, to 1e-6", async () => {
    const { model, predictions } = py<{ model: string; predictions: number[] }>("onnx_parquet", {
      op: "model",
      model: MODEL,
      inputs: INPUTS,
    });
    const { onnxHandler } = await import("@lazyscribe/onnx");
    const session = (await onnxHandler.decode(fromBase64(model), {})) as InferenceSession;
    const error = maxError(await predict(session, INPUTS), predictions);
    console.log(`[interop] onnx: max |TypeScript - Python| prediction error ${error} over ${INPUTS.length} inputs`);
    expect(error).toBeLessThanOrEqual(TOLERANCE);
  });

  it("parquet files written by pyarrow read here with their types, and files written here read in pyarrow", () => {
    const [pyFile] = py<string[]>("onnx_parquet", { op: "parquet_write", tables: [TABLE] });
    expect(describeTable(readParquetTable(fromBase64(pyFile!)))).toEqual(EXPECTED);

    const ours = [
      writeParquetTable(arrowTable(TABLE)),
      writeParquetTable(arrowTable(TABLE), { compression: "zstd", row_group_size: 2 }),
      writeParquetTable(arrowTable(TABLE), { compression: "none" }),
    ];
    const read = py<TableSpec[]>("onnx_parquet", { op: "parquet_read", files: ours.map(toBase64) });
    for (const r of read) expect(r).toEqual(EXPECTED);
  });

  it("row objects logged here read in pyarrow as int64, double, string, bool, timestamp[us, tz=UTC] and null", () => {
    const rows = [
      { id: 1, score: 0.25, name: "a", ok: true, at: new Date("2025-01-20T13:23:30.123Z"), none: null },
      { id: 2, score: 3, name: "b", ok: false, at: new Date(0) },
    ];
    const [read] = py<TableSpec[]>("onnx_parquet", { op: "parquet_read", files: [toBase64(writeParquetTable(tableFromRows(rows)))] });
    expect(read!.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "int64"],
      ["score", "double"],
      ["name", "string"],
      ["ok", "bool"],
      ["at", "timestamp[us, tz=UTC]"],
      ["none", "null"],
    ]);
    expect(read!.columns.map((c) => c.values)).toEqual([
      [1, 2],
      [0.25, 3],
      ["a", "b"],
      [true, false],
      [1737379410123000, 0],
      [null, null],
    ]);
  });
});

describe.each(interopStores())("onnx and parquet artifacts on $name", (store) => {
  const env = () => store.pythonEnv();
  const settings = () => store.settings?.();

  it("a project Python logged (lazyscribe-onnx model, lazyscribe-arrow table) loads here: session predictions and table types equal", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    const { predictions } = py<{ predictions: Record<string, number[]> }>(
      "onnx_parquet",
      { op: "write_project", path, at: "2025-01-20T13:23:30", models: { model: MODEL }, tables: { features: TABLE }, inputs: INPUTS },
      env(),
    );
    const project = await Project.open(path, { mode: "r", storage: settings() });
    const exp = project.get("served-20250120132330");
    expect(exp.toJSON().artifacts).toEqual([
      { created_at: "2025-01-20T13:23:30", expiry: null, fname: "model-20250120132330.onnx", handler: "onnx", name: "model", version: 0 },
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "features-20250120132330.parquet",
        handler: "parquet",
        name: "features",
        version: 0,
      },
    ]);
    const session = (await exp.loadArtifact("model")) as InferenceSession;
    const error = maxError(await predict(session, INPUTS), predictions.model!);
    console.log(`[interop] onnx on ${store.name}: max prediction error ${error}`);
    expect(error).toBeLessThanOrEqual(TOLERANCE);
    expect(describeTable((await exp.loadArtifact("features")) as Table)).toEqual(EXPECTED);
  });

  it("a repository logged here (model bytes, an Arrow table, rows) loads in Python: same model bytes and predictions, same table", async () => {
    const { model } = py<{ model: string }>("onnx_parquet", { op: "model", model: MODEL, inputs: INPUTS });
    const bytes = fromBase64(model);
    const { onnxHandler } = await import("@lazyscribe/onnx");
    const ours = await predict((await onnxHandler.decode(bytes, {})) as InferenceSession, INPUTS);

    const root = await store.freshRoot();
    const path = `${root}/repository.json`;
    const repo = await Repository.open(path, { mode: "w", storage: settings() });
    await at("2025-01-20T00:00:00", () => repo.logArtifact("model", bytes, "onnx"));
    await at("2025-01-20T00:00:01", () => repo.logArtifact("features", arrowTable(TABLE), "parquet"));
    await at("2025-01-20T00:00:02", () => repo.logArtifact("rows", [{ id: 1, segment: "gold" }], "parquet"));
    await repo.save();

    const read = py<Record<string, { class: string; predictions?: number[]; sha256?: string; table?: TableSpec }>>(
      "onnx_parquet",
      { op: "read", path, kind: "repository", inputs: INPUTS },
      env(),
    );
    expect(read.model).toMatchObject({ class: "ModelProto", sha256: sha256(bytes) });
    expect(maxError(ours, read.model!.predictions!)).toBeLessThanOrEqual(TOLERANCE);
    expect(read.features).toEqual({ class: "Table", table: EXPECTED });
    expect(read.rows?.table).toEqual({
      columns: [
        { name: "id", type: "int64", values: [1] },
        { name: "segment", type: "string", values: ["gold"] },
      ],
    });
  });
});
