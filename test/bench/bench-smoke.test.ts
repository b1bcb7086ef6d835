/**
 * Keeps the benchmark (bench/, `npm run bench`) from rotting: every workload runs once at
 * the tiny scale, for all three contenders, on local disk and on S3 (moto from the global
 * setup), through the same orchestrator and worker processes as the real run. It checks
 * the shape of the results and the properties that do not depend on timing (what the
 * re-save writes, that release copies pass no artifact byte through the client), never
 * the timings themselves.
 */
import { describe, expect, it } from "vitest";
import { CONTENDERS, SCALES, WORKLOADS, type StoreId } from "../../bench/src/config.js";
import { runBench, type BenchRun } from "../../bench/src/orchestrator.js";

const STORES: StoreId[] = ["local", "s3"];

/** The emulator variables global setup exported, so the bench does not start its own. */
function emulatorEnv(): Record<string, string> {
  if (!process.env.LAZYSCRIBE_TEST_S3_ENDPOINT) {
    throw new Error("LAZYSCRIBE_TEST_S3_ENDPOINT is not set: run this through Vitest's global setup (npm test) after `npm run tools`.");
  }
  const keep = /^(LAZYSCRIBE_TEST_|AWS_|GOOGLE_CLOUD_PROJECT$|AZURE_STORAGE_)/;
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => keep.test(e[0]) && e[1] !== undefined));
}

describe("benchmark smoke run", () => {
  let run: BenchRun;

  it("runs every workload for every contender at tiny scale on local disk and S3", async () => {
    run = await runBench({
      scale: "tiny",
      sizes: SCALES.tiny,
      rounds: 1,
      stores: STORES,
      env: emulatorEnv(),
      // Workers load the packages from their TypeScript sources, like the rest of the suite.
      nodeArgs: ["--conditions=lazyscribe-source"],
      jobTimeoutMs: 60_000,
    });
    const failures = run.cells
      .filter((c) => c.errors.length > 0 || c.unavailable)
      .map((c) => `${c.store} ${c.workload} ${c.contender}: ${c.unavailable ?? c.errors[0]}`);
    expect(failures).toEqual([]);
    expect(run.cells).toHaveLength(STORES.length * WORKLOADS.length * CONTENDERS.length);
    for (const cell of run.cells) expect(cell.results).toHaveLength(1);
  }, 180_000);

  it("reports each workload's numbers, the library's I/O counts and a verdict on every target", () => {
    const expected: Record<string, string[]> = {
      save: ["ms"],
      resave: ["ms"],
      open: ["ms", "openMs", "lookupMs"],
      stream: ["writeMs", "readMs", "bytes"],
      release: ["minimalMs", "promoteMs"],
    };
    for (const cell of run.cells) {
      const [result] = cell.results;
      for (const name of expected[cell.workload]!)
        expect(result!.metrics[name], `${cell.store} ${cell.workload} ${cell.contender} ${name}`).toBeGreaterThan(0);
      expect(result!.rssPeakBytes).toBeGreaterThan(0);
      if (cell.contender === "lib") expect(Object.keys(result!.counts ?? {}).length).toBeGreaterThan(0);
    }
    // 7 rows per store: save, resave, open, stream write and read, release minimal and promote.
    expect(run.rows).toHaveLength(STORES.length * 7);
    for (const row of run.rows) {
      expect(Object.keys(row.values).sort()).toEqual([...CONTENDERS].sort());
      expect(["met", "missed"]).toContain(row.target?.status);
    }
    expect(run.table.split("\n")).toHaveLength(2 + run.rows.length);
  });

  it("re-saves only the edited experiment's artifact and the manifest, and releases without artifact bytes through the client", () => {
    for (const store of STORES) {
      const resave = run.cells.find((c) => c.store === store && c.workload === "resave" && c.contender === "lib")!.results[0]!;
      const written = resave.counts!.resave!.keysWritten;
      expect(written).toHaveLength(2);
      expect(written).toContain(resave.info!.manifest);
      expect(written.some((k) => k.startsWith(`${String(resave.info!.experimentFolder)}/`))).toBe(true);

      const release = run.cells.find((c) => c.store === store && c.workload === "release" && c.contender === "lib")!.results[0]!;
      for (const phase of ["minimal", "promote"]) {
        const counts = release.counts![phase]!;
        expect(
          counts.artifactBytesRead + counts.artifactBytesWritten + counts.streamsRead + counts.streamsWritten,
          `${store} ${phase}`,
        ).toBe(0);
        expect(counts.calls.copy).toBe(SCALES.tiny.releaseArtifacts);
      }
    }
    const s3Save = run.cells.find((c) => c.store === "s3" && c.workload === "save" && c.contender === "lib")!.results[0]!;
    expect(s3Save.counts!.save!.requestsByMethod.PUT).toBe(SCALES.tiny.experiments * SCALES.tiny.artifactsPerExperiment + 1);
  });
});

describe("many-jobs scenarios smoke run", () => {
  it("runs the writers scenario at a tiny size on local disk: everything kept, nothing given up", async () => {
    const { runWriters } = await import("../../bench/src/writers-bench.js");
    const report = await runWriters(
      ["local"],
      { writers: 3, experiments: 2, repeatWriters: 2, repeatExperiments: 2, repeats: 1, python: false },
      () => undefined,
    );
    const [burst] = report.burst;
    expect(burst).toMatchObject({ store: "local", kept: 6, saveErrors: 0, failedWriters: 0, pendingLeft: 0 });
    expect(burst!.latencyMs.p50).toBeGreaterThan(0);
    expect(burst!.storageCallsPerSave).toBeGreaterThan(0);
    expect(report.repeat).toEqual([expect.objectContaining({ store: "local", runs: 1, giveUps: 0, lost: 0, pendingLeft: 0 })]);
    expect(report.table).toContain("| 3 × 2 | local disk | 6 / 6 | 0 |");
  }, 120_000);

  it("runs the size scenario at a tiny size on local disk", async () => {
    const { runSize } = await import("../../bench/src/size-bench.js");
    const report = await runSize({ experiments: [300], stores: ["local"], rounds: 1, pythonTimeoutMs: 60_000 }, () => undefined);
    const [row] = report.rows;
    expect(row).toMatchObject({ store: "local", experiments: 300 });
    for (const field of ["fileBytes", "parseMs", "openMs", "saveMs", "openPeakRssBytes", "savePeakRssBytes", "baselineRssBytes"] as const)
      expect(row![field], field).toBeGreaterThan(0);
    expect(row!.pythonOpenMs).toBeGreaterThan(0);
  }, 120_000);
});
