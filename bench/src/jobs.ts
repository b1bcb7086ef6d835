/**
 * The protocol between the orchestrator and its worker processes (Node for `lib` and
 * `raw`, Python for `python`): one job as JSON on stdin, one result as JSON on the last
 * line of stdout. Every measured job runs in a fresh process, so peak RSS is the job's
 * own and no contender warms another's caches. The payload helpers here are mirrored
 * by python/bench_worker.py, so all three contenders write the same values.
 */
import type { Counts } from "./meter.js";
import type { ContenderId, Sizes, StoreId, WorkloadId } from "./config.js";

/** Inputs a job needs that an earlier job (or the fixture setup) produced. */
export interface JobInputs {
  /** `resave`: the `project.json` location the same contender's `save` wrote this round. */
  project?: string;
  /** `open`: the 10,000-experiment `project.json`. */
  openProject?: string;
  /** `open`: the slugs to look up. */
  slugs?: string[];
  /** `release`: the read-only repository to release. */
  releaseRepository?: string;
  /** `release`: the project whose experiment holds the artifacts to promote. */
  promoteProject?: string;
  /** `release`: short slug of that experiment. */
  promoteExperiment?: string;
}

/** One job: a measured workload, or the fixture setup of a store (`setup`, run by `lib`). */
export interface Job {
  workload: WorkloadId | "setup";
  contender: ContenderId;
  store: StoreId;
  /** Folder of this job (a path for local disk, `<scheme>://bucket/prefix` otherwise), no trailing slash. */
  root: string;
  sizes: Sizes;
  inputs: JobInputs;
}

/** What a worker prints. Times are milliseconds of the measured phases only. */
export interface JobResult {
  /** Timings and other numbers (`ms`, `writeMs`, `readMs`, `minimalMs`, `promoteMs`, `bytes`...). */
  metrics: Record<string, number>;
  /** Peak resident set size of the worker process, in bytes. */
  rssPeakBytes: number;
  /** What passed through the client, per measured phase (`lib` and `raw` only). */
  counts?: Record<string, Counts>;
  /** Anything else (fixture locations for `setup`, checks). */
  info?: Record<string, unknown>;
}

/** What `setup` returns in `info`. */
export interface Fixtures {
  openProject: string;
  slugs: string[];
  releaseRepository: string;
  promoteProject: string;
  promoteExperiment: string;
}

/** Joins a job root and a relative path. */
export function at(root: string, ...parts: string[]): string {
  return [root.replace(/\/+$/, ""), ...parts].join("/");
}

/** The small JSON value of artifact `k` of experiment `i` (workloads 1-2). About 200 bytes. */
export function smallPayload(i: number, k: number): Record<string, unknown> {
  return {
    experiment: i,
    artifact: k,
    label: `experiment ${i} artifact ${k}`,
    values: Array.from({ length: 16 }, (_, j) => i * 31 + k * 7 + j),
  };
}

/** A JSON value of about `bytes` bytes (workload 5). */
export function sizedPayload(n: number, bytes: number): Record<string, unknown> {
  return { index: n, data: "abcdefghijklmnopqrstuvwxyz0123456789".repeat(Math.ceil(bytes / 36)).slice(0, bytes) };
}

/** Chunk size of the streamed source and of the reads in workload 4. */
export const STREAM_CHUNK = 1024 * 1024;

/** A deterministic 1 MiB pattern, yielded again and again (never mutated) up to `total` bytes. */
export function* streamChunks(total: number): Generator<Buffer> {
  const pattern = Buffer.alloc(STREAM_CHUNK);
  for (let i = 0; i < STREAM_CHUNK; i++) pattern[i] = (i * 131 + (i >> 10)) & 0xff;
  let sent = 0;
  while (sent < total) {
    const n = Math.min(STREAM_CHUNK, total - sent);
    yield n === STREAM_CHUNK ? pattern : pattern.subarray(0, n);
    sent += n;
  }
}

/** Peak RSS of this process in bytes (`maxRSS` is in KiB). */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
