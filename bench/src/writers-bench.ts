/**
 * The `writers` scenario: many OS processes saving into one project at once.
 *
 * - burst: W processes × E experiments, saving after each, on every store: experiments
 *   kept, SaveErrors, save latency p50/p99/max, storage calls and HTTP requests per save.
 * - repeat: W' × E' repeated R times per store: give-ups (SaveError) over all runs.
 * - Python lazyscribe in the burst scenario on local disk, for contrast (it has no
 *   concurrency control: its saves overwrite each other).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Project, pendingPrefix, resolveLocation, type Storage } from "@lazyscribe/core";
import { STORE_LABEL, type StoreId } from "./config.js";
import { libStorage } from "./lib-workloads.js";
import { PYTHON, REPO_ROOT } from "./orchestrator.js";
import { locationMaker, ms, nodeModule, percentile, runChild, storeEnvironment } from "./scenario-support.js";

/** Sizes of the writers scenario (each has a BENCH_WRITERS_* variable). */
export interface WritersSizes {
  /** Burst: writer processes and experiments each (issue: 64 × 10). */
  writers: number;
  experiments: number;
  /** Repeat: writer processes, experiments each, and runs per store (issue: 16 × 25, 20 runs). */
  repeatWriters: number;
  repeatExperiments: number;
  repeats: number;
  /** Run the Python contrast (local disk). */
  python: boolean;
}

const num = (v: string | undefined, fallback: number) => (v === undefined || v === "" ? fallback : Number(v));

/** The issue's sizes, or the BENCH_WRITERS_* overrides. */
export function writersSizesFromEnv(env: NodeJS.ProcessEnv = process.env): WritersSizes {
  return {
    writers: num(env.BENCH_WRITERS, 64),
    experiments: num(env.BENCH_WRITERS_EXPERIMENTS, 10),
    repeatWriters: num(env.BENCH_WRITERS_REPEAT_WRITERS, 16),
    repeatExperiments: num(env.BENCH_WRITERS_REPEAT_EXPERIMENTS, 25),
    repeats: num(env.BENCH_WRITERS_REPEATS, 20),
    python: env.BENCH_WRITERS_PYTHON !== "0",
  };
}

/** One run of W writers on one store. */
export interface WritersRun {
  store: StoreId | "python-local";
  writers: number;
  experiments: number;
  kept: number;
  saveErrors: number;
  /** Writer processes that did not finish (crash, timeout). */
  failedWriters: number;
  pendingLeft: number;
  latencyMs: { p50: number; p99: number; max: number };
  storageCallsPerSave: number;
  httpRequestsPerSave: number;
  seconds: number;
  firstError?: string;
}

interface WriterResult {
  latenciesMs: number[];
  saveErrors: number;
  firstError?: string;
  storageCalls: number;
  httpRequests: number;
}

async function countKept(
  location: string,
  storage: Storage,
  writers: number,
  experiments: number,
): Promise<{ kept: number; pendingLeft: number }> {
  const project = await Project.open(location, { mode: "r", storage });
  const names = new Set(project.experiments.map((e) => e.name));
  let kept = 0;
  for (let w = 0; w < writers; w++) for (let j = 0; j < experiments; j++) if (names.has(`w${w}-e${j}`)) kept++;
  const { path } = await resolveLocation(location, storage);
  let pendingLeft = 0;
  for await (const _ of storage.list(pendingPrefix(path))) pendingLeft++;
  return { kept, pendingLeft };
}

async function runLibWriters(
  store: StoreId,
  location: string,
  writers: number,
  experiments: number,
  env: NodeJS.ProcessEnv,
): Promise<WritersRun> {
  const [command, args] = nodeModule("writers-child");
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: writers }, (_, writer) =>
      runChild(command, [...args, JSON.stringify({ store, location, writer, experiments })], env, 30 * 60_000),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const results = outcomes
    .map((o) => o.result as WriterResult | undefined)
    .filter((r): r is WriterResult => r !== undefined && "latenciesMs" in r);
  const failed = outcomes.filter((o) => o.code !== 0);
  const latencies = results.flatMap((r) => r.latenciesMs);
  const saves = Math.max(1, latencies.length);
  const storage = await libStorage(store, env);
  const { kept, pendingLeft } = await countKept(location, storage, writers, experiments);
  await storage.close?.();
  return {
    store,
    writers,
    experiments,
    kept,
    saveErrors: results.reduce((n, r) => n + r.saveErrors, 0),
    failedWriters: failed.length,
    pendingLeft,
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    storageCallsPerSave: results.reduce((n, r) => n + r.storageCalls, 0) / saves,
    httpRequestsPerSave: results.reduce((n, r) => n + r.httpRequests, 0) / saves,
    seconds,
    firstError:
      results.find((r) => r.firstError)?.firstError ??
      (failed.length > 0 ? failed[0]!.stderr.slice(-1000) || JSON.stringify(failed[0]!.result) : undefined),
  };
}

function runPythonWriters(location: string, writers: number, experiments: number): Promise<WritersRun> {
  const script = join(REPO_ROOT, "test", "concurrency", "python_writer.py");
  const started = performance.now();
  return Promise.all(
    Array.from({ length: writers }, (_, w) =>
      runChild(PYTHON, [script, `${location}/project.json`, String(w), String(experiments)], process.env, 30 * 60_000),
    ),
  ).then((outcomes) => {
    const seconds = (performance.now() - started) / 1000;
    const count = spawnSync(
      PYTHON,
      [
        "-c",
        "import sys, json; from lazyscribe import Project; print(json.dumps([e.name for e in Project(sys.argv[1], mode='r').experiments]))",
        `${location}/project.json`,
      ],
      { encoding: "utf8" },
    );
    const names = new Set<string>(count.status === 0 ? (JSON.parse(count.stdout) as string[]) : []);
    let kept = 0;
    for (let w = 0; w < writers; w++) for (let j = 0; j < experiments; j++) if (names.has(`w${w}-e${j}`)) kept++;
    const errors = outcomes.reduce((n, o) => n + Number(o.result?.errorCount ?? 0), 0);
    return {
      store: "python-local",
      writers,
      experiments,
      kept,
      saveErrors: errors,
      failedWriters: outcomes.filter((o) => o.code !== 0).length,
      pendingLeft: 0,
      latencyMs: { p50: NaN, p99: NaN, max: NaN },
      storageCallsPerSave: NaN,
      httpRequestsPerSave: NaN,
      seconds,
    };
  });
}

/** What the writers scenario measured. */
export interface WritersReport {
  sizes: WritersSizes;
  burst: WritersRun[];
  repeat: Array<{
    store: StoreId;
    runs: number;
    writers: number;
    experiments: number;
    giveUps: number;
    lost: number;
    pendingLeft: number;
    seconds: number;
  }>;
  table: string;
}

/** Runs the writers scenario on `stores`. */
export async function runWriters(stores: readonly StoreId[], sizes: WritersSizes, log: (line: string) => void): Promise<WritersReport> {
  const { env, stop } = await storeEnvironment(stores, log);
  try {
    const fresh = await locationMaker(stores, env);
    const burst: WritersRun[] = [];
    const repeat: WritersReport["repeat"] = [];
    for (const store of stores) {
      log(`writers burst ${store}: ${sizes.writers} × ${sizes.experiments}`);
      const run = await runLibWriters(store, `${fresh(store, "writers")}/project.json`, sizes.writers, sizes.experiments, env);
      log(
        `  kept ${run.kept}/${run.writers * run.experiments}, ${run.saveErrors} SaveError, p50 ${ms(run.latencyMs.p50)}, p99 ${ms(run.latencyMs.p99)}`,
      );
      burst.push(run);
    }
    if (sizes.python && stores.includes("local")) {
      log(`writers burst python (local): ${sizes.writers} × ${sizes.experiments}`);
      burst.push(await runPythonWriters(fresh("local", "python-writers"), sizes.writers, sizes.experiments));
    }
    for (const store of stores) {
      if (sizes.repeats <= 0) break;
      const total = { giveUps: 0, lost: 0, pendingLeft: 0, seconds: 0 };
      for (let r = 0; r < sizes.repeats; r++) {
        const run = await runLibWriters(store, `${fresh(store, "repeat")}/project.json`, sizes.repeatWriters, sizes.repeatExperiments, env);
        total.giveUps += run.saveErrors + run.failedWriters;
        total.lost += run.writers * run.experiments - run.kept;
        total.pendingLeft += run.pendingLeft;
        total.seconds += run.seconds;
        log(
          `writers repeat ${store} ${r + 1}/${sizes.repeats}: kept ${run.kept}, ${run.saveErrors} SaveError, ${run.seconds.toFixed(1)} s`,
        );
      }
      repeat.push({ store, runs: sizes.repeats, writers: sizes.repeatWriters, experiments: sizes.repeatExperiments, ...total });
    }
    return { sizes, burst, repeat, table: writersTable(burst, repeat) };
  } finally {
    await stop();
  }
}

function writersTable(burst: readonly WritersRun[], repeat: WritersReport["repeat"]): string {
  const label = (s: WritersRun["store"]) => (s === "python-local" ? "Python lazyscribe, local disk" : STORE_LABEL[s]);
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "—");
  const lines = [
    "| writers × experiments | store | kept | SaveError | save p50 | save p99 | save max | storage calls / save | HTTP requests / save | wall time |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...burst.map(
      (r) =>
        `| ${r.writers} × ${r.experiments} | ${label(r.store)} | ${r.kept} / ${r.writers * r.experiments} | ${r.saveErrors}${r.failedWriters ? ` (+${r.failedWriters} writers failed)` : ""} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} | ${fmt(r.storageCallsPerSave)} | ${r.store === "local" ? "—" : fmt(r.httpRequestsPerSave)} | ${r.seconds.toFixed(1)} s |`,
    ),
  ];
  if (repeat.length > 0) {
    lines.push(
      "",
      "| repeated | store | runs | give-ups (SaveError or failed writer) | experiments lost | pending entries left | total time |",
      "|---|---|---:|---:|---:|---:|---:|",
      ...repeat.map(
        (r) =>
          `| ${r.writers} × ${r.experiments} | ${STORE_LABEL[r.store]} | ${r.runs} | ${r.giveUps} | ${r.lost} | ${r.pendingLeft} | ${r.seconds.toFixed(0)} s |`,
      ),
    );
  }
  return lines.join("\n");
}
