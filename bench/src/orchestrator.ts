/**
 * Runs the benchmark: starts the emulators (unless given their environment), makes one
 * bucket per store, writes the shared fixtures, then runs every round of every workload
 * on every store for the three contenders in turn (lib, python, raw; then python, raw,
 * lib; ...), each job in a fresh process, and summarises medians, spreads, ratios and
 * targets.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { pythonGcsEnv, startEmulators, type EmulatorName } from "../../scripts/emulators/emulators.mjs";
import { CONTENDERS, STORES, WORKLOADS, type ContenderId, type ScaleName, type Sizes, type StoreId, type WorkloadId } from "./config.js";
import { at, type Fixtures, type Job, type JobInputs, type JobResult } from "./jobs.js";
import { keyOf, rawStore, type RawStore } from "./raw-store.js";
import { markdownTable, rowsFor, type Cell, type Row } from "./report.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Built (`bench/dist`, plain Node) when this module is built; the TypeScript source through tsx otherwise (Vitest). */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER = fileURLToPath(new URL(FROM_SOURCE ? "./worker.ts" : "./worker.js", import.meta.url));
const PY_WORKER = fileURLToPath(new URL("../python/bench_worker.py", import.meta.url));

/** The venv's interpreter (`npm run tools`); LAZYSCRIBE_PYTHON overrides it. */
export const PYTHON = process.env.LAZYSCRIBE_PYTHON || join(REPO_ROOT, ".tools/venv/bin/python");

export interface BenchOptions {
  scale: ScaleName;
  sizes: Sizes;
  /** Rounds of every workload but `stream`. */
  rounds: number;
  /** Rounds of `stream` (the 1 GiB workload). @default rounds */
  streamRounds?: number;
  stores?: StoreId[];
  workloads?: WorkloadId[];
  contenders?: ContenderId[];
  /** Emulator environment to use instead of starting emulators (the smoke test passes Vitest's). */
  env?: Record<string, string>;
  /** Extra flags for the Node workers (`--cpu-prof`, `--conditions=lazyscribe-source`). */
  nodeArgs?: string[];
  /** Kills a job after this long. @default 30 minutes */
  jobTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface BenchRun {
  startedAt: string;
  durationMs: number;
  scale: ScaleName;
  sizes: Sizes;
  rounds: number;
  streamRounds: number;
  machine: Record<string, unknown>;
  cells: Cell[];
  rows: Row[];
  table: string;
  setup: Partial<Record<StoreId, { ms: number; openProjectBytes?: number }>>;
}

interface Spawned {
  ok: boolean;
  result?: JobResult;
  unavailable?: string;
  error?: string;
}

/** Runs one job in a fresh worker process. */
async function runJob(job: Job, env: Record<string, string>, options: BenchOptions): Promise<Spawned> {
  const python = job.contender === "python";
  const [command, args] = python
    ? [PYTHON, [PY_WORKER]]
    : [process.execPath, [...(options.nodeArgs ?? []), ...(FROM_SOURCE ? ["--import", "tsx"] : []), WORKER]];
  const gcs = env.LAZYSCRIBE_TEST_GCS_ENDPOINT;
  const childEnv = {
    ...process.env,
    ...env,
    ...(python && gcs ? pythonGcsEnv(gcs) : {}),
    PYTHONDONTWRITEBYTECODE: "1",
  };
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-20_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.jobTimeoutMs ?? 30 * 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ ok: false, error: `${command}: ${err.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      let parsed: (JobResult & { error?: string; unavailable?: string }) | undefined;
      try {
        parsed = JSON.parse(last) as JobResult & { error?: string; unavailable?: string };
      } catch {
        parsed = undefined;
      }
      if (parsed?.unavailable) resolve({ ok: false, unavailable: parsed.unavailable });
      else if (code === 0 && parsed && !parsed.error) resolve({ ok: true, result: parsed });
      else resolve({ ok: false, error: parsed?.error ?? `exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-15).join("\n")}` });
    });
    child.stdin.end(JSON.stringify(job));
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Runs the benchmark and returns everything measured. */
export async function runBench(options: BenchOptions): Promise<BenchRun> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const stores = options.stores ?? [...STORES];
  const workloads = options.workloads ?? [...WORKLOADS];
  const contenders = options.contenders ?? [...CONTENDERS];
  const streamRounds = options.streamRounds ?? options.rounds;
  const clouds = stores.filter((s): s is Exclude<StoreId, "local"> => s !== "local");

  let env = options.env;
  let stopEmulators: (() => Promise<void>) | undefined;
  if (!env && clouds.length > 0) {
    log(`starting emulators: ${clouds.join(", ")}`);
    const only = clouds.map((s) => ({ s3: "s3", gs: "gcs", az: "azure" })[s] as EmulatorName);
    const started = await startEmulators({ only });
    env = started.env;
    stopEmulators = started.stop;
  }
  env ??= {};

  const id = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const localRoot = await mkdtemp(join(tmpdir(), "lazyscribe-bench-"));
  const raws = new Map<StoreId, RawStore>();
  const prefixes = new Map<StoreId, string>();
  const cells = new Map<string, Cell>();
  const setupInfo: BenchRun["setup"] = {};
  const cellOf = (store: StoreId, workload: WorkloadId, contender: ContenderId): Cell => {
    const key = `${store}|${workload}|${contender}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { store, workload, contender, results: [], errors: [] }));
    return cell;
  };

  try {
    for (const store of stores) {
      const raw = await rawStore(store, { ...process.env, ...env });
      raws.set(store, raw);
      if (store === "local") {
        prefixes.set(store, join(localRoot, "local"));
      } else {
        const bucket = `lazyscribe-bench-${id}`;
        await raw.createBucket(bucket);
        prefixes.set(store, `${store}://${bucket}`);
      }
    }

    // Fixtures: written once on local disk with this library, then copied into each bucket as is.
    let fixtures: Fixtures | undefined;
    if (workloads.includes("open") || workloads.includes("release")) {
      const fixtureRoot = join(localRoot, "fixtures");
      log("writing fixtures");
      const out = await runJob(
        { workload: "setup", contender: "lib", store: "local", root: fixtureRoot, sizes: options.sizes, inputs: {} },
        env,
        options,
      );
      if (!out.result) throw new Error(`fixture setup failed: ${out.error ?? out.unavailable}`);
      fixtures = out.result.info as unknown as Fixtures;
      setupInfo.local = { ms: out.result.metrics.ms!, openProjectBytes: out.result.metrics.openProjectBytes };
      for (const store of clouds) {
        const t0 = Date.now();
        const raw = raws.get(store)!;
        const prefix = `${keyOf(prefixes.get(store)!)}/fixtures`;
        for (const file of await listFiles(fixtureRoot)) {
          await raw.put(`${prefix}/${relative(fixtureRoot, file).split("\\").join("/")}`, await readFile(file));
        }
        setupInfo[store] = { ms: Date.now() - t0 };
      }
    }
    const fixturesFor = (store: StoreId): JobInputs => {
      if (!fixtures) return {};
      const from = join(localRoot, "fixtures");
      const to = store === "local" ? from : `${prefixes.get(store)!}/fixtures`;
      const move = (loc: string) => to + loc.slice(from.length);
      return {
        openProject: move(fixtures.openProject),
        slugs: fixtures.slugs,
        releaseRepository: move(fixtures.releaseRepository),
        promoteProject: move(fixtures.promoteProject),
        promoteExperiment: fixtures.promoteExperiment,
      };
    };

    const rounds = Math.max(options.rounds, workloads.includes("stream") ? streamRounds : 0);
    const savedAt = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      for (const store of stores) {
        const prefix = prefixes.get(store)!;
        const raw = raws.get(store)!;
        for (const workload of workloads) {
          if (round >= (workload === "stream" ? streamRounds : options.rounds)) continue;
          // Interleaved, and the first contender rotates each round, so none always runs right after another's job.
          const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
          for (const contender of order) {
            const cell = cellOf(store, workload, contender);
            if (cell.unavailable) continue;
            const root = at(prefix, `r${round}`, workload, contender);
            const inputs: JobInputs = { ...fixturesFor(store) };
            if (workload === "resave") {
              const saveKey = `${store}|${contender}|${round}`;
              if (!savedAt.has(saveKey)) {
                // `save` was not run: write the project to edit first (not measured).
                const prep = await runJob(
                  { workload: "save", contender, store, root: at(prefix, `r${round}`, "save", contender), sizes: options.sizes, inputs },
                  env,
                  options,
                );
                if (!prep.result) {
                  if (prep.unavailable) cell.unavailable = prep.unavailable;
                  else cell.errors.push(`preparing resave: ${prep.error}`);
                  continue;
                }
                savedAt.set(saveKey, Date.now());
              }
              // File names carry the second they were logged in: edit at least a second after the save, as a user would.
              const wait = savedAt.get(saveKey)! + 1100 - Date.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              inputs.project = at(prefix, `r${round}`, "save", contender, "project.json");
            }
            const t0 = Date.now();
            const out = await runJob({ workload, contender, store, root, sizes: options.sizes, inputs }, env, options);
            if (workload === "save" && out.ok) savedAt.set(`${store}|${contender}|${round}`, Date.now());
            if (out.result) cell.results.push(out.result);
            else if (out.unavailable) cell.unavailable = out.unavailable;
            else cell.errors.push(out.error ?? "unknown error");
            const seconds = ((Date.now() - t0) / 1000).toFixed(1);
            log(
              `round ${round + 1}/${rounds} ${store} ${workload} ${contender}: ${out.ok ? "ok" : out.unavailable ? `unavailable (${out.unavailable})` : `FAILED\n${out.error}`} (${seconds} s)`,
            );
            // Keep the emulators' memory flat: drop what a job wrote once nothing reads it again.
            if (workload === "resave") await raw.deletePrefix(keyOf(at(prefix, `r${round}`, "save", contender))).catch(() => undefined);
            if (workload === "stream" || workload === "release" || (workload === "save" && !workloads.includes("resave")))
              await raw.deletePrefix(keyOf(root)).catch(() => undefined);
          }
        }
      }
    }
  } finally {
    for (const raw of raws.values()) await raw.close().catch(() => undefined);
    await rm(localRoot, { recursive: true, force: true }).catch(() => undefined);
    await stopEmulators?.();
  }

  const rows: Row[] = [];
  for (const workload of workloads) {
    for (const store of stores) {
      const byContender: Partial<Record<ContenderId, Cell>> = {};
      for (const c of contenders) byContender[c] = cells.get(`${store}|${workload}|${c}`);
      rows.push(...rowsFor(store, workload, byContender, options.sizes));
    }
  }
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    scale: options.scale,
    sizes: options.sizes,
    rounds: options.rounds,
    streamRounds,
    machine: machine(),
    cells: [...cells.values()],
    rows,
    table: markdownTable(rows, options.sizes),
    setup: setupInfo,
  };
}
