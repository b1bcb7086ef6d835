/**
 * `npm run bench`: this library against Python lazyscribe (fsspec) and the raw SDKs, on
 * local disk and the S3, GCS and Azure emulators. Prints the table and writes every
 * sample to bench/results/latest.json.
 *
 *   node bench/run.mjs [--suites workloads,writers,size] [--scale full|small|tiny] [--rounds N] [--stream-rounds N]
 *                    [--stores local,s3,gs,az] [--workloads save,resave,open,stream,release]
 *                    [--contenders lib,python,raw] [--cpu-prof] [--out FILE] [--update-docs]
 *
 * Suites: `workloads` (the five workloads against Python and the raw SDKs), `writers`
 * (many processes saving into one project; sizes from BENCH_WRITERS_*, see
 * src/writers-bench.ts) and `size` (10,000 and 100,000 experiments; BENCH_SIZE_*, see
 * src/size-bench.ts). All three by default.
 *
 * --update-docs puts this run's rows, machine, versions and run time into the results section of
 * docs/performance.md (between its `bench:results` markers); rows this run did not measure stay, marked
 * with the run they come from (see docs-section.ts).
 *
 * Environment: BENCH_SCALE, BENCH_ROUNDS, BENCH_STREAM_ROUNDS, and the single sizes of
 * src/config.ts (BENCH_EXPERIMENTS, BENCH_STREAM_MIB, ...).
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import {
  CONTENDERS,
  SCALES,
  sizesFromEnv,
  STORES,
  WORKLOADS,
  type ContenderId,
  type ScaleName,
  type StoreId,
  type WorkloadId,
} from "./config.js";
import { mergeResultsSection, RESULTS_END, RESULTS_START } from "./docs-section.js";
import { PYTHON, REPO_ROOT, runBench } from "./orchestrator.js";
import { runSize, sizeSizesFromEnv, type SizeReport } from "./size-bench.js";
import { runWriters, writersSizesFromEnv, type WritersReport } from "./writers-bench.js";

const SUITES = ["workloads", "writers", "size"] as const;
type SuiteId = (typeof SUITES)[number];

function list<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (!value) return undefined;
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`Unknown ${what} "${item}": use ${allowed.join(", ")}.`);
  return items as T[];
}

function positiveInt(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, got "${value}".`);
  return n;
}

/** Versions of what the contenders run on, for the report. */
function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  const py = spawnSync(
    PYTHON,
    [
      "-c",
      "import sys, importlib.metadata as m; print(sys.version.split()[0]); [print(p, m.version(p)) for p in ('lazyscribe','fsspec','s3fs','gcsfs','adlfs','moto')]",
    ],
    { encoding: "utf8" },
  );
  if (py.status === 0) {
    const [python, ...pkgs] = py.stdout.trim().split("\n");
    out.python = python!;
    for (const line of pkgs) {
      const [name, version] = line.split(" ");
      out[name!] = version!;
    }
  }
  const npmVersion = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return "?";
    }
  };
  out.azurite = npmVersion("azurite");
  out["@aws-sdk/client-s3"] = npmVersion("@aws-sdk/client-s3");
  out["@google-cloud/storage"] = npmVersion("@google-cloud/storage");
  out["@azure/storage-blob"] = npmVersion("@azure/storage-blob");
  const gcsStamp = join(REPO_ROOT, ".tools", "stamps", "fake-gcs-server");
  out["fake-gcs-server"] = existsSync(gcsStamp) ? readFileSync(gcsStamp, "utf8").trim() : "?";
  return out;
}

const DOCS = join(REPO_ROOT, "docs", "performance.md");
const START = RESULTS_START;
const END = RESULTS_END;

/** Replaces the section between `<!-- bench:<name>:start -->` and its end marker in docs/performance.md. */
function updateDocsSection(name: string, body: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = readFileSync(DOCS, "utf8");
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${DOCS} has no ${start} ... ${end} section`);
  writeFileSync(DOCS, `${text.slice(0, from)}${start}\n\n${body}\n\n${end}${text.slice(to + end.length)}`);
  console.log(`updated the ${name} section of ${DOCS}`);
}

function machineLine(): string {
  const c = cpus();
  return `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${c.length} cores (${c[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, Node ${process.version}; shared with other work while it ran.`;
}

/** Puts this run's rows into the results section of docs/performance.md, keeping rows it did not measure. */
function updateDocs(report: Awaited<ReturnType<typeof runBench>> & { versions: Record<string, string>; libLocalFsync: boolean }): void {
  const text = readFileSync(DOCS, "utf8");
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${DOCS} has no ${START} ... ${END} section`);
  const m = report.machine as { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  const v = report.versions;
  const section = [
    START,
    "",
    `Run of ${report.startedAt.slice(0, 16).replace("T", " ")} UTC: scale \`${report.scale}\`, ${report.rounds} rounds (${report.streamRounds} for the stream workload), ${(report.durationMs / 60_000).toFixed(0)} minutes in all.`,
    "",
    `- Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory, ${m.platform}; shared with other work while it ran, hence the spreads.`,
    `- Node ${m.node}; Python ${v.python}, lazyscribe ${v.lazyscribe}, fsspec ${v.fsspec}, s3fs ${v.s3fs}, gcsfs ${v.gcsfs}, adlfs ${v.adlfs}.`,
    `- Emulators: moto ${v.moto} (S3), fake-gcs-server ${v["fake-gcs-server"]} (GCS, in memory), Azurite ${v.azurite} (Azure Blob, in memory).`,
    `- SDKs: @aws-sdk/client-s3 ${v["@aws-sdk/client-s3"]}, @google-cloud/storage ${v["@google-cloud/storage"]}, @azure/storage-blob ${v["@azure/storage-blob"]}.`,
    ...(report.libLocalFsync ? [] : ["- **The library's local backend ran without fsync (BENCH_LIB_LOCAL_FSYNC=0).**"]),
    "",
    report.table,
    "",
    END,
  ].join("\n");
  const merged = mergeResultsSection(text.slice(from, to + END.length), section);
  writeFileSync(DOCS, text.slice(0, from) + merged + text.slice(to + END.length));
  console.log(`updated ${DOCS}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: "string" },
      rounds: { type: "string" },
      "stream-rounds": { type: "string" },
      stores: { type: "string" },
      workloads: { type: "string" },
      contenders: { type: "string" },
      "cpu-prof": { type: "boolean" },
      out: { type: "string" },
      "update-docs": { type: "boolean" },
      suites: { type: "string" },
    },
  });
  const suites = list<SuiteId>(values.suites, SUITES, "suite") ?? [...SUITES];
  const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const extra: { writers?: WritersReport; size?: SizeReport } = {};
  if (suites.includes("writers")) {
    const stores = list<StoreId>(values.stores, STORES, "store") ?? [...STORES];
    const writerSizes = writersSizesFromEnv();
    console.error(`lazyscribe bench writers: ${JSON.stringify(writerSizes)} on ${stores.join(",")}`);
    extra.writers = await runWriters(stores, writerSizes, log);
    console.log(`\n${extra.writers.table}\n`);
    if (values["update-docs"]) {
      const s = writerSizes;
      updateDocsSection(
        "writers",
        `Run of ${machineLine()} Burst ${s.writers} × ${s.experiments}, repeated ${s.repeatWriters} × ${s.repeatExperiments} × ${s.repeats} runs.\n\n${extra.writers.table}`,
      );
    }
  }
  if (suites.includes("size")) {
    const sizeSizes = sizeSizesFromEnv();
    console.error(`lazyscribe bench size: ${JSON.stringify(sizeSizes)}`);
    extra.size = await runSize(sizeSizes, log);
    console.log(`\n${extra.size.table}\n`);
    if (values["update-docs"])
      updateDocsSection("size", `Run of ${machineLine()} Best of ${sizeSizes.rounds} fresh processes.\n\n${extra.size.table}`);
  }
  if (extra.writers || extra.size) {
    const out = values.out ?? join(REPO_ROOT, "bench", "results", "latest.json");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out.replace(/\.json$/, "-scenarios.json"), `${JSON.stringify(extra, null, 2)}\n`);
    const failures = [
      ...(extra.writers?.burst.filter((r) => r.store !== "python-local" && (r.saveErrors > 0 || r.kept < r.writers * r.experiments)) ?? []),
      ...(extra.writers?.repeat.filter((r) => r.giveUps > 0 || r.lost > 0) ?? []),
    ];
    if (failures.length > 0) {
      console.error(`writers: ${failures.length} run(s) lost experiments or gave up`);
      process.exitCode = 1;
    }
  }
  if (!suites.includes("workloads")) return;
  const scale = (values.scale ?? process.env.BENCH_SCALE ?? "full") as ScaleName;
  if (!(scale in SCALES)) throw new Error(`Unknown scale "${scale}": use ${Object.keys(SCALES).join(", ")}.`);
  const sizes = sizesFromEnv(scale);
  const rounds = positiveInt(values.rounds ?? process.env.BENCH_ROUNDS, 5, "--rounds");
  const streamRounds = positiveInt(values["stream-rounds"] ?? process.env.BENCH_STREAM_ROUNDS, Math.min(rounds, 3), "--stream-rounds");
  const stores = list<StoreId>(values.stores, STORES, "store");
  const workloads = list<WorkloadId>(values.workloads, WORKLOADS, "workload");
  const contenders = list<ContenderId>(values.contenders, CONTENDERS, "contender");
  const out = values.out ?? join(REPO_ROOT, "bench", "results", "latest.json");
  const nodeArgs: string[] = [];
  if (values["cpu-prof"]) {
    const dir = join(dirname(out), "profiles");
    mkdirSync(dir, { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${dir}`);
    console.error(`CPU profiles of the Node workers go to ${dir}`);
  }

  console.error(
    `lazyscribe bench: scale ${scale}, ${rounds} rounds (${streamRounds} for stream), stores ${(stores ?? STORES).join(",")}, workloads ${(workloads ?? WORKLOADS).join(",")}`,
  );
  const run = await runBench({
    scale,
    sizes,
    rounds,
    streamRounds,
    stores,
    workloads,
    contenders,
    nodeArgs,
    log: (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  const libLocalFsync = process.env.BENCH_LIB_LOCAL_FSYNC !== "0";
  if (!libLocalFsync) console.error("BENCH_LIB_LOCAL_FSYNC=0: the library's local backend runs without fsync (not its default).");
  const report = { ...run, libLocalFsync, versions: versions() };
  if (values["update-docs"]) updateDocs(report);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

  console.log("");
  console.log(run.table);
  console.log("");
  const missed = run.rows.filter((r) => r.target?.status === "missed").length;
  const met = run.rows.filter((r) => r.target?.status === "met").length;
  console.log(`targets: ${met} met, ${missed} missed, ${run.rows.length - met - missed} n/a`);
  console.log(`run time ${(run.durationMs / 60_000).toFixed(1)} min; machine ${JSON.stringify(run.machine)}`);
  console.log(`results: ${out}`);
  const failed = run.cells.filter((c) => c.errors.length > 0);
  for (const c of failed) console.error(`\n${c.store} ${c.workload} ${c.contender}: ${c.errors.length} failed round(s)\n${c.errors[0]}`);
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
