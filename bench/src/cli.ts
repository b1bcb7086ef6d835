/**
 * `npm run bench`: this library against Python lazyscribe (fsspec) and the raw SDKs, on
 * local disk and the S3, GCS and Azure emulators. Prints the table and writes every
 * sample to bench/results/latest.json.
 *
 *   node bench/run.mjs [--scale full|small|tiny] [--rounds N] [--stream-rounds N]
 *                    [--stores local,s3,gs,az] [--workloads save,resave,open,stream,release]
 *                    [--contenders lib,python,raw] [--cpu-prof] [--out FILE] [--update-docs]
 *
 * --update-docs puts this run's rows, machine, versions and run time into the results section of
 * docs/performance.md (between its `bench:results` markers); rows this run did not measure stay, marked
 * with the run they come from (see docs-section.ts).
 *
 * Environment: BENCH_SCALE, BENCH_ROUNDS, BENCH_STREAM_ROUNDS, and the single sizes of
 * src/config.ts (BENCH_EXPERIMENTS, BENCH_STREAM_MIB, ...).
 */
import { spawnSync } from "node:child_process";
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
    },
  });
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
