/**
 * What the benchmark runs: workloads, stores, contenders, and the sizes of each scale.
 * `full` is the sizes and the default of `npm run bench`; `small` and `tiny` are
 * for development and the smoke test. Every size can also be set on its own (see
 * {@link sizesFromEnv}).
 */

/** The five workloads of the issue, in run order (`resave` edits what `save` wrote). */
export const WORKLOADS = ["save", "resave", "open", "stream", "release"] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** Local disk, then the three emulators. */
export const STORES = ["local", "s3", "gs", "az"] as const;
export type StoreId = (typeof STORES)[number];

/** This library, Python lazyscribe 2.2 through fsspec, and the raw SDK / node:fs doing the minimum work. */
export const CONTENDERS = ["lib", "python", "raw"] as const;
export type ContenderId = (typeof CONTENDERS)[number];

export const CONTENDER_LABEL: Record<ContenderId, string> = {
  lib: "lazyscribe-ts",
  python: "Python lazyscribe",
  raw: "raw SDK",
};

export const STORE_LABEL: Record<StoreId, string> = {
  local: "local disk",
  s3: "S3 (moto)",
  gs: "GCS (fake-gcs-server)",
  az: "Azure (Azurite)",
};

/** Sizes of one run. */
export interface Sizes {
  /** Workloads 1-2: experiments in the saved project. */
  experiments: number;
  /** Workloads 1-2: JSON artifacts per experiment. */
  artifactsPerExperiment: number;
  /** Workload 3: experiments in the project that is opened. */
  openExperiments: number;
  /** Workload 3: experiments looked up by slug. */
  lookups: number;
  /** Workload 4: bytes of the streamed artifact. */
  streamBytes: number;
  /** Workload 5: artifacts in the release (and promoted). */
  releaseArtifacts: number;
  /** Workload 5: approximate bytes of each of those artifacts. */
  releaseArtifactBytes: number;
}

const MiB = 1024 * 1024;

export const SCALES: Record<"full" | "small" | "tiny", Sizes> = {
  full: {
    experiments: 200,
    artifactsPerExperiment: 5,
    openExperiments: 10_000,
    lookups: 1_000,
    streamBytes: 1024 * MiB,
    releaseArtifacts: 100,
    releaseArtifactBytes: 64 * 1024,
  },
  small: {
    experiments: 40,
    artifactsPerExperiment: 5,
    openExperiments: 2_000,
    lookups: 200,
    streamBytes: 64 * MiB,
    releaseArtifacts: 20,
    releaseArtifactBytes: 16 * 1024,
  },
  tiny: {
    experiments: 5,
    artifactsPerExperiment: 2,
    openExperiments: 50,
    lookups: 10,
    streamBytes: 1 * MiB,
    releaseArtifacts: 5,
    releaseArtifactBytes: 1024,
  },
};

export type ScaleName = keyof typeof SCALES;

/**
 * The sizes of `scale`, with single sizes overridden by environment variables:
 * BENCH_EXPERIMENTS, BENCH_ARTIFACTS, BENCH_OPEN_EXPERIMENTS, BENCH_LOOKUPS,
 * BENCH_STREAM_MIB, BENCH_RELEASE_ARTIFACTS, BENCH_RELEASE_ARTIFACT_KIB.
 */
export function sizesFromEnv(scale: ScaleName, env: NodeJS.ProcessEnv = process.env): Sizes {
  const base = SCALES[scale];
  if (!base) throw new Error(`Unknown BENCH_SCALE "${scale}": use ${Object.keys(SCALES).join(", ")}.`);
  const num = (name: string, fallback: number, factor = 1): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return Math.round(fallback * factor);
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}".`);
    return Math.round(value * factor);
  };
  return {
    experiments: num("BENCH_EXPERIMENTS", base.experiments),
    artifactsPerExperiment: num("BENCH_ARTIFACTS", base.artifactsPerExperiment),
    openExperiments: num("BENCH_OPEN_EXPERIMENTS", base.openExperiments),
    lookups: num("BENCH_LOOKUPS", base.lookups),
    streamBytes: num("BENCH_STREAM_MIB", base.streamBytes / MiB, MiB),
    releaseArtifacts: num("BENCH_RELEASE_ARTIFACTS", base.releaseArtifacts),
    releaseArtifactBytes: num("BENCH_RELEASE_ARTIFACT_KIB", base.releaseArtifactBytes / 1024, 1024),
  };
}

/** The experiment `resave` edits: found by its short slug (`exp-<n>`), unique in the project. */
export function resaveTarget(sizes: Sizes): string {
  return `exp-${Math.floor(sizes.experiments / 2)}`;
}

/** Name of experiment `i` in workloads 1-2 (its short slug too). */
export function experimentName(i: number): string {
  return `exp-${i}`;
}
