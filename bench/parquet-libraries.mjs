#!/usr/bin/env node
// Why @lazyscribe/parquet reads and writes Parquet with parquet-wasm: this benchmark times both
// candidates on the same table, from and to an Apache Arrow table (what the handler takes and
// gives), and pyarrow 25 (Python lazyscribe-arrow's writer) for reference.
//
//   npm run bench:parquet [-- <rows>]          (default 1,000,000 rows; best of 3 runs each)
//
// Columns: int64 id, double score, string name, bool flag, dictionary<int32, utf8> segment,
// timestamp[us, UTC] at. hyparquet has no Arrow schema support, so it is given plain columns
// and its output is rebuilt into Arrow; the dictionary and the time zone do not survive it.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Bool,
  Dictionary,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { parquetRead } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { readParquetTable, writeParquetTable } from "@lazyscribe/parquet";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 3;
const SEGMENTS = ["gold", "silver", "bronze", "trial", "lapsed", "staff", "partner", "other"];
const T0 = 1_700_000_000_000_000n;

function table() {
  const id = new BigInt64Array(ROWS);
  const score = new Float64Array(ROWS);
  const at = new BigInt64Array(ROWS);
  const segment = new Int32Array(ROWS);
  const names = new Array(ROWS);
  const flags = new Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    id[i] = BigInt(i);
    score[i] = Math.sin(i) * 1000;
    at[i] = T0 + BigInt(i) * 1000n;
    segment[i] = i % SEGMENTS.length;
    names[i] = `customer-${i}`;
    flags[i] = i % 3 === 0;
  }
  return new Table({
    id: makeVector(id),
    score: makeVector(score),
    name: vectorFromArray(names, new Utf8()),
    flag: vectorFromArray(flags, new Bool()),
    segment: makeVector(
      makeData({ type: new Dictionary(new Utf8(), new Int32()), data: segment, dictionary: vectorFromArray(SEGMENTS, new Utf8()) }),
    ),
    at: makeVector(makeData({ type: new TimestampMicrosecond("UTC"), data: at })),
  });
}

async function best(fn) {
  let min = Infinity;
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    result = await fn();
    min = Math.min(min, performance.now() - t);
  }
  return { ms: min, result };
}

function hyparquetWrite(t) {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "id", data: t.getChild("id").toArray(), type: "INT64" },
        { name: "score", data: t.getChild("score").toArray(), type: "DOUBLE" },
        { name: "name", data: t.getChild("name").toArray(), type: "STRING" },
        { name: "flag", data: t.getChild("flag").toArray(), type: "BOOLEAN" },
        { name: "segment", data: t.getChild("segment").toArray(), type: "STRING" },
        { name: "at", data: Array.from(t.getChild("at").toArray(), (us) => new Date(Number(us / 1000n))), type: "TIMESTAMP" },
      ],
    }),
  );
}

async function hyparquetRead(bytes) {
  const chunks = new Map();
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  await parquetRead({ file, onChunk: (c) => chunks.set(c.columnName, [...(chunks.get(c.columnName) ?? []), c]) });
  const types = {
    id: new Int64(),
    score: new Float64(),
    name: new Utf8(),
    flag: new Bool(),
    segment: new Utf8(),
    at: new TimestampMicrosecond(),
  };
  const columns = {};
  for (const [name, parts] of chunks) {
    const values = parts.sort((a, b) => a.rowStart - b.rowStart).flatMap((p) => Array.from(p.columnData));
    columns[name] = vectorFromArray(name === "at" ? values.map((d) => d.getTime()) : values, types[name]);
  }
  return new Table(columns);
}

function pyarrow() {
  const python = process.env.LAZYSCRIBE_PYTHON || join(fileURLToPath(new URL("..", import.meta.url)), ".tools", "venv", "bin", "python");
  if (!existsSync(python)) return null;
  const code = `
import io, time, pyarrow as pa, pyarrow.parquet as pq
n = ${ROWS}
segments = ${JSON.stringify(SEGMENTS)}
import numpy as np
i = np.arange(n)
t = pa.table({"id": pa.array(i, pa.int64()), "score": pa.array(np.sin(i) * 1000), "name": pa.array([f"customer-{k}" for k in range(n)]),
  "flag": pa.array(i % 3 == 0), "segment": pa.DictionaryArray.from_arrays(pa.array(i % 8, pa.int32()), pa.array(segments)),
  "at": pa.array(${T0} + i * 1000, pa.int64()).cast(pa.timestamp("us", tz="UTC"))})
def best(f):
    m = float("inf")
    for _ in range(${RUNS}):
        s = time.perf_counter(); r = f(); m = min(m, time.perf_counter() - s)
    return m * 1000, r
w, buf = best(lambda: (lambda b: (pq.write_table(t, b), b.getvalue())[1])(io.BytesIO()))
r, _ = best(lambda: pq.read_table(io.BytesIO(buf)))
print(f"{w:.0f} {r:.0f} {len(buf)}")`;
  const run = spawnSync(python, ["-c", code], { encoding: "utf8" });
  if (run.status !== 0) return null;
  const [write, read, bytes] = run.stdout.trim().split(" ").map(Number);
  return { write, read, bytes };
}

const t = table();
console.log(`Parquet write and read of an Arrow table, ${ROWS.toLocaleString("en")} rows, best of ${RUNS}:\n`);
const rows = [];
{
  const w = await best(() => writeParquetTable(t));
  const r = await best(() => readParquetTable(w.result));
  rows.push(["parquet-wasm 0.8 (chosen)", w.ms, r.ms, w.result.byteLength, r.result.schema.fields.map(String).join(", ")]);
}
{
  const w = await best(() => hyparquetWrite(t));
  const r = await best(() => hyparquetRead(w.result));
  rows.push(["hyparquet 1.31 + writer 0.17", w.ms, r.ms, w.result.byteLength, r.result.schema.fields.map(String).join(", ")]);
}
const py = pyarrow();
if (py) rows.push(["pyarrow 25 (Python, reference)", py.write, py.read, py.bytes, "as written"]);
console.log("| library | write ms | read ms | file MB | types read back |");
console.log("|---|---:|---:|---:|---|");
for (const [name, w, r, bytes, types] of rows)
  console.log(`| ${name} | ${w.toFixed(0)} | ${r.toFixed(0)} | ${(bytes / 1e6).toFixed(1)} | ${types} |`);
