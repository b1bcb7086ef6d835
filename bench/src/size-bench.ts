/**
 * The `size` scenario: projects of 10,000 and 100,000 experiments (four small fields
 * each), on local disk and S3. Best of N fresh processes for each of:
 * - `JSON.parse` of the file's text (the reference), and the open in mode "r";
 * - logging one more experiment and saving;
 * - peak resident memory of each, against the file's size.
 * Python lazyscribe's `Project(path, mode="r")` on local disk, where it finishes within
 * the time limit (5 minutes by default).
 */
import { spawnSync } from "node:child_process";
import { Experiment, Project, resolveLocation } from "@lazyscribe/core";
import { STORE_LABEL, type StoreId } from "./config.js";
import { libStorage } from "./lib-workloads.js";
import { PYTHON } from "./orchestrator.js";
import { locationMaker, ms, nodeModule, runChild, storeEnvironment } from "./scenario-support.js";

/** Sizes of the size scenario (BENCH_SIZE_* variables). */
export interface SizeSizes {
  /** Experiments per project (issue: 10,000 and 100,000). */
  experiments: number[];
  /** Stores (issue: local disk and S3). */
  stores: StoreId[];
  /** Fresh processes per measurement; the best is reported. */
  rounds: number;
  /** Python's open is skipped after this long. */
  pythonTimeoutMs: number;
}

/** The issue's sizes, or the BENCH_SIZE_* overrides. */
export function sizeSizesFromEnv(env: NodeJS.ProcessEnv = process.env): SizeSizes {
  return {
    experiments: (env.BENCH_SIZE_EXPERIMENTS ?? "10000,100000").split(",").map(Number),
    stores: (env.BENCH_SIZE_STORES ?? "local,s3").split(",") as StoreId[],
    rounds: Number(env.BENCH_SIZE_ROUNDS ?? 3),
    pythonTimeoutMs: Number(env.BENCH_SIZE_PYTHON_TIMEOUT_MS ?? 300_000),
  };
}

/** One project size on one store. */
export interface SizeRow {
  store: StoreId;
  experiments: number;
  fileBytes: number;
  readMs: number;
  parseMs: number;
  openMs: number;
  saveMs: number;
  openPeakRssBytes: number;
  savePeakRssBytes: number;
  /** Peak resident memory of the same process doing nothing but a stat (Node, the SDK, the library). */
  baselineRssBytes: number;
  /** Python's open (local disk), or null when skipped or over the time limit. */
  pythonOpenMs: number | null;
  pythonNote?: string;
}

/** Appends the scenario's `n` experiments (four small fields each) to `project`, whose manifest key is `path`. */
export function appendSizeExperiments(project: Project, path: string, n: number): void {
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const at = new Date(start + i * 1000);
    project.append(
      new Experiment({
        name: `experiment-${i}`,
        project: path,
        storage: project.storage,
        author: "bench",
        createdAt: at,
        lastUpdated: at,
        metrics: { auc: 0.5 + (i % 997) / 2000, loss: 1 / (i + 2) },
        parameters: { learning_rate: 0.01 * (1 + (i % 7)), depth: 2 + (i % 9) },
      }),
    );
  }
}

/** Writes a project of `n` experiments with four small fields each, through the library. */
async function writeFixture(store: StoreId, location: string, n: number, env: NodeJS.ProcessEnv): Promise<number> {
  const storage = await libStorage(store, env);
  const project = await Project.open(location, { mode: "w", author: "bench", storage });
  const { path } = await resolveLocation(location, storage);
  appendSizeExperiments(project, path, n);
  await project.save();
  const size = (await storage.stat(path))!.size;
  await storage.close?.();
  return size;
}

async function best(
  store: StoreId,
  location: string,
  what: "baseline" | "parse" | "open" | "save",
  rounds: number,
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; readMs: number; peakRssBytes: number }> {
  const [command, args] = nodeModule("size-child");
  let out = { ms: Infinity, readMs: Infinity, peakRssBytes: Infinity };
  for (let r = 0; r < rounds; r++) {
    const o = await runChild(command, [...args, JSON.stringify({ store, location, what })], env, 10 * 60_000);
    const result = o.result as { ms?: number; readMs?: number; peakRssBytes?: number; error?: string } | undefined;
    if (o.code !== 0 || result?.ms === undefined)
      throw new Error(`size ${what} on ${store} failed: ${result?.error ?? o.stderr.slice(-2000)}`);
    out = {
      ms: Math.min(out.ms, result.ms),
      readMs: Math.min(out.readMs, result.readMs ?? Infinity),
      peakRssBytes: Math.min(out.peakRssBytes, result.peakRssBytes ?? Infinity),
    };
  }
  return out;
}

function pythonOpen(path: string, timeoutMs: number): { ms: number | null; note?: string } {
  const code =
    "import sys, time\nfrom lazyscribe import Project\nt = time.perf_counter()\nProject(sys.argv[1], mode='r')\nprint((time.perf_counter() - t) * 1000)";
  const run = spawnSync(PYTHON, ["-c", code, path], { encoding: "utf8", timeout: timeoutMs });
  if (run.error || run.status !== 0) return { ms: null, note: run.error ? `over ${timeoutMs / 60_000} min` : run.stderr.slice(-300) };
  return { ms: Number(run.stdout.trim()) };
}

/** What the size scenario measured. */
export interface SizeReport {
  sizes: SizeSizes;
  rows: SizeRow[];
  table: string;
}

/** Runs the size scenario. */
export async function runSize(sizes: SizeSizes, log: (line: string) => void): Promise<SizeReport> {
  const { env, stop } = await storeEnvironment(sizes.stores, log);
  try {
    const fresh = await locationMaker(sizes.stores, env);
    const rows: SizeRow[] = [];
    for (const n of sizes.experiments) {
      for (const store of sizes.stores) {
        const location = `${fresh(store, `size-${n}`)}/project.json`;
        log(`size ${store} ${n}: writing the project`);
        const fileBytes = await writeFixture(store, location, n, env);
        const baseline = await best(store, location, "baseline", sizes.rounds, env);
        const parse = await best(store, location, "parse", sizes.rounds, env);
        const open = await best(store, location, "open", sizes.rounds, env);
        const save = await best(store, location, "save", sizes.rounds, env);
        let python: { ms: number | null; note?: string } = { ms: null, note: "local disk only" };
        if (store === "local") {
          log(`size ${store} ${n}: Python open (limit ${sizes.pythonTimeoutMs / 1000} s)`);
          python = pythonOpen(location, sizes.pythonTimeoutMs);
        }
        const row: SizeRow = {
          store,
          experiments: n,
          fileBytes,
          readMs: parse.readMs,
          parseMs: parse.ms,
          openMs: open.ms,
          saveMs: save.ms,
          openPeakRssBytes: open.peakRssBytes,
          savePeakRssBytes: save.peakRssBytes,
          baselineRssBytes: baseline.peakRssBytes,
          pythonOpenMs: python.ms,
          pythonNote: python.note,
        };
        log(
          `  ${(fileBytes / 2 ** 20).toFixed(1)} MiB: JSON.parse ${ms(row.parseMs)}, open ${ms(row.openMs)} (${(row.openMs / row.parseMs).toFixed(2)}x), log+save ${ms(row.saveMs)}, peak RSS ${(row.savePeakRssBytes / fileBytes).toFixed(1)}x the file (${((row.savePeakRssBytes - row.baselineRssBytes) / fileBytes).toFixed(1)}x above the idle process)`,
        );
        rows.push(row);
      }
    }
    return { sizes, rows, table: sizeTable(rows) };
  } finally {
    await stop();
  }
}

function sizeTable(rows: readonly SizeRow[]): string {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  return [
    "| experiments | store | project.json | read | JSON.parse | open (mode r) | open / JSON.parse | open / (read + JSON.parse) | log one + save | peak RSS open | peak RSS save | idle process | peak RSS / file | (peak − idle) / file | Python open |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.experiments.toLocaleString("en-US")} | ${STORE_LABEL[r.store]} | ${(r.fileBytes / 2 ** 20).toFixed(1)} MiB | ${ms(r.readMs)} | ${ms(r.parseMs)} | ${ms(r.openMs)} | ${(r.openMs / r.parseMs).toFixed(2)}x | ${(r.openMs / (r.readMs + r.parseMs)).toFixed(2)}x | ${ms(r.saveMs)} | ${mib(r.openPeakRssBytes)} | ${mib(r.savePeakRssBytes)} | ${mib(r.baselineRssBytes)} | ${(Math.max(r.openPeakRssBytes, r.savePeakRssBytes) / r.fileBytes).toFixed(1)}x | ${((Math.max(r.openPeakRssBytes, r.savePeakRssBytes) - r.baselineRssBytes) / r.fileBytes).toFixed(1)}x | ${r.pythonOpenMs === null ? `— (${r.pythonNote ?? "skipped"})` : ms(r.pythonOpenMs)} |`,
    ),
  ].join("\n");
}
