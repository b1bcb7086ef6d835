/**
 * From per-round samples to medians, spreads, ratios and the issue's targets, and the
 * Markdown table printed by `npm run bench` and kept in docs/performance.md.
 */
import type { Counts } from "./meter.js";
import { CONTENDERS, CONTENDER_LABEL, STORE_LABEL, type ContenderId, type Sizes, type StoreId, type WorkloadId } from "./config.js";
import type { JobResult } from "./jobs.js";

/** Every round of one (store, workload, contender): results, or why there are none. */
export interface Cell {
  store: StoreId;
  workload: WorkloadId;
  contender: ContenderId;
  results: JobResult[];
  /** Set when the contender cannot run on this store (for example no backend yet). */
  unavailable?: string;
  /** Errors of failed rounds. */
  errors: string[];
}

/** Median, extremes and relative half-range of some numbers. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / 2 / median. */
  spread: number;
  n: number;
}

export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  return { median, min, max, spread: median > 0 ? (max - min) / 2 / median : 0, n: values.length };
}

/** One row of the table: a measured quantity of a workload on a store. */
export interface Row {
  workload: WorkloadId;
  store: StoreId;
  /** What is measured: `time`, `write`, `read`, `minimal`, `promote`. */
  quantity: string;
  unit: "ms" | "MiB/s";
  values: Partial<Record<ContenderId, Summary>>;
  unavailable: Partial<Record<ContenderId, string>>;
  /** lib over Python and lib over raw, on medians (for MiB/s, lib throughput over theirs). */
  vsPython?: number;
  vsRaw?: number;
  /** raw over Python: where the raw SDK itself misses a ratio to Python, the store (emulator) is the limit. */
  rawVsPython?: number;
  /** What passed through this library's client (median over rounds). */
  io?: string;
  target?: TargetResult;
}

export interface TargetResult {
  /** The issue's wording, with this run's numbers. */
  text: string;
  status: "met" | "missed" | "n/a";
  /** Why it was missed, or why it could not be judged. */
  note?: string;
}

const MiB = 1024 * 1024;

function metric(cell: Cell | undefined, name: string): number[] {
  return (cell?.results ?? []).map((r) => r.metrics[name]).filter((v): v is number => typeof v === "number");
}

function counts(cell: Cell | undefined, phase: string): Counts[] {
  return (cell?.results ?? []).flatMap((r) => (r.counts?.[phase] ? [r.counts[phase]] : []));
}

const medianOf = (values: number[]) => summarize(values)?.median;
const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

function requestText(list: Counts[], isLocal: boolean): string | undefined {
  if (list.length === 0) return undefined;
  if (isLocal) {
    const calls = medianOf(list.map((c) => Object.values(c.calls).reduce((a, b) => a + b, 0)))!;
    return `${fmtInt(calls)} calls`;
  }
  return `${fmtInt(medianOf(list.map((c) => c.requests))!)} req`;
}

/** Builds the rows of one store and workload from its three cells. */
export function rowsFor(store: StoreId, workload: WorkloadId, cells: Partial<Record<ContenderId, Cell>>, sizes: Sizes): Row[] {
  const isLocal = store === "local";
  const unavailable: Row["unavailable"] = {};
  for (const c of CONTENDERS) {
    const cell = cells[c];
    if (!cell) unavailable[c] = "not run";
    else if (cell.unavailable) unavailable[c] = cell.unavailable;
    else if (cell.results.length === 0) unavailable[c] = cell.errors.length ? "failed" : "no result";
  }
  const timeRow = (quantity: string, name: string): Row => {
    const values: Row["values"] = {};
    for (const c of CONTENDERS) {
      const s = summarize(metric(cells[c], name));
      if (s) values[c] = s;
    }
    const lib = values.lib?.median;
    return {
      workload,
      store,
      quantity,
      unit: "ms",
      values,
      unavailable,
      vsPython: lib !== undefined && values.python ? lib / values.python.median : undefined,
      vsRaw: lib !== undefined && values.raw ? lib / values.raw.median : undefined,
      rawVsPython: values.raw && values.python ? values.raw.median / values.python.median : undefined,
    };
  };
  const throughputRow = (quantity: string, name: string): Row => {
    const values: Row["values"] = {};
    for (const c of CONTENDERS) {
      const cell = cells[c];
      const mibps = (cell?.results ?? [])
        .filter((r) => typeof r.metrics[name] === "number")
        .map((r) => r.metrics.bytes! / MiB / (r.metrics[name]! / 1000));
      const s = summarize(mibps);
      if (s) values[c] = s;
    }
    const lib = values.lib?.median;
    return {
      workload,
      store,
      quantity,
      unit: "MiB/s",
      values,
      unavailable,
      vsPython: lib !== undefined && values.python ? lib / values.python.median : undefined,
      vsRaw: lib !== undefined && values.raw ? lib / values.raw.median : undefined,
    };
  };
  const libCell = cells.lib?.results.length ? cells.lib : undefined;
  const missing = (Object.entries(unavailable) as Array<[ContenderId, string]>)
    .map(([c, why]) => `${CONTENDER_LABEL[c]}: ${why}`)
    .join("; ");
  const judge = (ok: boolean | undefined, text: string, why?: string): TargetResult =>
    ok === undefined
      ? { text, status: "n/a", note: missing || "no result" }
      : { text, status: ok ? "met" : "missed", note: ok ? undefined : why };

  switch (workload) {
    case "save": {
      const row = timeRow("time", "ms");
      const list = counts(libCell, "save");
      row.io = requestText(list, isLocal);
      const dirty = sizes.experiments * sizes.artifactsPerExperiment;
      if (isLocal) {
        row.target = judge(
          row.vsPython === undefined ? undefined : row.vsPython <= 1,
          "no slower than Python",
          `${fmt(row.vsPython)}× Python's time${limitNote(row, 1)}`,
        );
      } else {
        const requests = medianOf(list.map((c) => c.requests));
        const fast = row.vsPython === undefined ? undefined : row.vsPython <= 1 / 5;
        const few = requests === undefined ? undefined : requests <= dirty + 2;
        const ok = fast === undefined || few === undefined ? undefined : fast && few;
        const why = [
          fast === false ? `${fmt(row.vsPython)}× Python's time${limitNote(row, 1 / 5)}` : "",
          few === false ? `${fmtInt(requests!)} requests` : "",
        ]
          .filter(Boolean)
          .join("; ");
        row.target = judge(ok, `≤ 1/5 of Python's time and ≤ ${fmtInt(dirty + 2)} requests`, why);
      }
      return [row];
    }
    case "resave": {
      const row = timeRow("time", "ms");
      const results = libCell?.results ?? [];
      const list = counts(libCell, "resave");
      row.io = list.length
        ? `${fmtInt(medianOf(list.map((c) => c.keysWritten.length))!)} writes, ${requestText(list, isLocal)}`
        : undefined;
      const stray = results.flatMap((r) => {
        const folder = String(r.info?.experimentFolder ?? "");
        const manifest = String(r.info?.manifest ?? "");
        return (r.counts?.resave?.keysWritten ?? []).filter((k) => k !== manifest && !k.startsWith(`${folder}/`));
      });
      const manifestWrites = results.every((r) => (r.counts?.resave?.keysWritten ?? []).includes(String(r.info?.manifest)));
      row.target = judge(
        results.length ? stray.length === 0 && manifestWrites : undefined,
        "only that experiment's artifacts and the manifest are written",
        stray.length ? `also wrote ${stray.slice(0, 3).join(", ")}` : "the manifest was not written",
      );
      return [row];
    }
    case "open": {
      const row = timeRow("time", "ms");
      row.io = requestText(counts(libCell, "open"), isLocal);
      row.target = judge(
        row.vsPython === undefined ? undefined : row.vsPython <= 1,
        "no slower than Python",
        `${fmt(row.vsPython)}× Python's time${limitNote(row, 1)}`,
      );
      return [row];
    }
    case "stream": {
      const write = throughputRow("write", "writeMs");
      const read = throughputRow("read", "readMs");
      const rss = (cells.lib?.results ?? []).map((r) => r.rssPeakBytes);
      const peak = rss.length ? Math.max(...rss) : undefined;
      write.io = requestText(counts(libCell, "write"), isLocal);
      read.io = requestText(counts(libCell, "read"), isLocal);
      const rssOk = peak === undefined ? undefined : peak < 256 * MiB;
      const peakText = peak === undefined ? "" : `peak RSS ${fmtInt(peak / MiB)} MiB`;
      for (const row of [write, read]) {
        const fast = row.vsRaw === undefined ? undefined : row.vsRaw >= 0.9;
        const ok = fast === undefined || rssOk === undefined ? undefined : fast && rssOk;
        const why = [fast === false ? `${fmt(row.vsRaw)}× the raw SDK's throughput` : "", rssOk === false ? peakText : ""]
          .filter(Boolean)
          .join("; ");
        row.target = judge(ok, `≥ 90% of the raw SDK's throughput, peak RSS < 256 MiB (${peakText || "no sample"})`, why);
      }
      return [write, read];
    }
    case "release": {
      const rows: Row[] = [];
      for (const [quantity, name] of [
        ["minimal", "minimalMs"],
        ["promote", "promoteMs"],
      ] as const) {
        const row = timeRow(quantity, name);
        const list = counts(libCell, quantity);
        const artifactBytes = list.reduce(
          (sum, c) => sum + c.artifactBytesRead + c.artifactBytesWritten + c.streamsRead + c.streamsWritten,
          0,
        );
        const req = requestText(list, isLocal);
        row.io = list.length ? `${fmtInt(artifactBytes)} artifact B, ${req}` : undefined;
        const fast = row.vsPython === undefined ? undefined : row.vsPython <= 1 / 3;
        const zero = list.length ? artifactBytes === 0 : undefined;
        const ok = fast === undefined || zero === undefined ? undefined : fast && zero;
        const why = [
          fast === false ? `${fmt(row.vsPython)}× Python's time${limitNote(row, 1 / 3)}` : "",
          zero === false ? `${fmtInt(artifactBytes)} artifact bytes through the client` : "",
        ]
          .filter(Boolean)
          .join("; ");
        row.target = judge(ok, "zero artifact bytes through the client, ≤ 1/3 of Python's time", why);
        rows.push(row);
      }
      return rows;
    }
  }
}

/** " (raw SDK itself 0.41×)" when the raw SDK misses the same ratio to Python: then no client meets it on this store. */
function limitNote(row: Row, target: number): string {
  return row.rawVsPython !== undefined && row.rawVsPython > target ? ` (raw SDK itself ${fmt(row.rawVsPython)}×)` : "";
}

function fmt(ratio: number | undefined): string {
  if (ratio === undefined) return "–";
  return ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2);
}

function fmtValue(s: Summary | undefined, unit: Row["unit"], unavailable?: string): string {
  if (!s) return unavailable ?? "–";
  const v = unit === "MiB/s" ? s.median.toFixed(s.median >= 100 ? 0 : 1) : s.median >= 100 ? fmtInt(s.median) : s.median.toFixed(1);
  return `${v} ${unit} ±${Math.round(s.spread * 100)}%`;
}

const WORKLOAD_LABEL: Record<WorkloadId, string> = {
  save: "1 save new project",
  resave: "2 re-save one experiment",
  open: "3 open + 1,000 lookups",
  stream: "4 stream artifact",
  release: "5 release",
};

/** The Markdown table of all rows. */
export function markdownTable(rows: readonly Row[], sizes: Sizes): string {
  const label = (w: WorkloadId) =>
    w === "open"
      ? `3 open ${sizes.openExperiments.toLocaleString("en-US")} + ${sizes.lookups.toLocaleString("en-US")} lookups`
      : w === "save"
        ? `1 save ${sizes.experiments}×${sizes.artifactsPerExperiment}`
        : w === "stream"
          ? `4 stream ${sizes.streamBytes >= 1024 * MiB ? `${sizes.streamBytes / (1024 * MiB)} GiB` : `${Math.round(sizes.streamBytes / MiB)} MiB`}`
          : w === "release"
            ? `5 release ${sizes.releaseArtifacts}`
            : WORKLOAD_LABEL[w];
  const header = [
    "Workload",
    "Store",
    CONTENDER_LABEL.lib,
    CONTENDER_LABEL.python,
    CONTENDER_LABEL.raw,
    "ts/Python",
    "ts/raw",
    "ts I/O",
    "Target",
    "",
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const r of rows) {
    const ratio = (x: number | undefined) => (x === undefined ? "–" : `${fmt(x)}×`);
    const status = r.target
      ? r.target.status === "met"
        ? "✅ met"
        : r.target.status === "missed"
          ? `❌ missed: ${r.target.note ?? ""}`
          : `n/a: ${r.target.note ?? ""}`
      : "";
    lines.push(
      `| ${[
        `${label(r.workload)} (${r.quantity})`,
        STORE_LABEL[r.store],
        fmtValue(r.values.lib, r.unit, r.unavailable.lib),
        fmtValue(r.values.python, r.unit, r.unavailable.python),
        fmtValue(r.values.raw, r.unit, r.unavailable.raw),
        ratio(r.vsPython),
        ratio(r.vsRaw),
        r.io ?? "–",
        r.target?.text ?? "",
        status,
      ].join(" | ")} |`,
    );
  }
  return lines.join("\n");
}
