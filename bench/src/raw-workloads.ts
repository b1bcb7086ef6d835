/**
 * The `raw` contender: the least work that produces the same files, written straight
 * against node:fs or the cloud SDK (see raw-store.ts). It is the limit the library is
 * measured against: no preconditions, no merge on conflict, no format fidelity beyond
 * what the files need. Small files go 8 at a time, as the library's default.
 */
import { performance } from "node:perf_hooks";
import { experimentName, resaveTarget } from "./config.js";
import { at, smallPayload, streamChunks, type Job, type JobResult } from "./jobs.js";
import { countHttpRequests, Meter } from "./meter.js";
import { keyOf, pool, rawStore, readableOf, type RawStore } from "./raw-store.js";

/** The library's default; BENCH_CONCURRENCY sets both. */
const CONCURRENCY =
  Number.isInteger(Number(process.env.BENCH_CONCURRENCY)) && Number(process.env.BENCH_CONCURRENCY) > 0
    ? Number(process.env.BENCH_CONCURRENCY)
    : 8;
const AUTHOR = "bench";

interface ArtifactEntry {
  name: string;
  fname: string;
  created_at: string;
  expiry: null;
  handler: string;
  version: number;
}

interface ExperimentEntry {
  name: string;
  slug: string;
  short_slug: string;
  created_at: string;
  last_updated: string;
  metrics: Record<string, unknown>;
  artifacts: ArtifactEntry[];
  [key: string]: unknown;
}

function stamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace(/[-T:]/g, "");
}

const iso = (d: Date) => d.toISOString().slice(0, 19);

/** Runs one `raw` job. */
export async function runRaw(job: Job): Promise<JobResult> {
  const meter = new Meter();
  countHttpRequests(meter);
  const store = await rawStore(job.store);
  try {
    switch (job.workload) {
      case "save":
        return await save(job, store, meter);
      case "resave":
        return await resave(job, store, meter);
      case "open":
        return await open(job, store, meter);
      case "stream":
        return await stream(job, store, meter);
      case "release":
        return await release(job, store, meter);
      case "setup":
        throw new Error("setup is run by lib");
    }
  } finally {
    await store.close();
  }
}

function result(metrics: Record<string, number>, counts: JobResult["counts"]): JobResult {
  return { metrics, rssPeakBytes: process.resourceUsage().maxRSS * 1024, counts };
}

async function save(job: Job, store: RawStore, meter: Meter): Promise<JobResult> {
  const { experiments, artifactsPerExperiment } = job.sizes;
  const root = keyOf(job.root);
  meter.take();
  const t0 = performance.now();
  const entries: ExperimentEntry[] = [];
  const files: Array<[string, string]> = [];
  for (let i = 0; i < experiments; i++) {
    const now = new Date();
    const name = experimentName(i);
    const slug = `${name}-${stamp(now)}`;
    const artifacts: ArtifactEntry[] = [];
    for (let k = 0; k < artifactsPerExperiment; k++) {
      const fname = `a${k}-${stamp(now)}.json`;
      artifacts.push({ name: `a${k}`, fname, created_at: iso(now), expiry: null, handler: "json", version: 0 });
      files.push([at(root, slug, fname), JSON.stringify(smallPayload(i, k))]);
    }
    entries.push({
      name,
      slug,
      short_slug: name,
      author: AUTHOR,
      last_updated_by: AUTHOR,
      created_at: iso(now),
      last_updated: iso(now),
      metrics: { score: i / 7 },
      parameters: { learning_rate: 0.01 },
      tags: ["bench"],
      dependencies: [],
      tests: [],
      artifacts,
    });
  }
  await pool(CONCURRENCY, files, ([key, body]) => store.put(key, body));
  await store.put(at(root, "project.json"), JSON.stringify(entries, null, 4));
  const ms = performance.now() - t0;
  return result({ ms, dirtyArtifacts: files.length }, { save: meter.take() });
}

async function resave(job: Job, store: RawStore, meter: Meter): Promise<JobResult> {
  if (!job.inputs.project) throw new Error("resave needs the project written by save");
  const manifest = keyOf(job.inputs.project);
  const root = manifest.slice(0, manifest.lastIndexOf("/"));
  const target = resaveTarget(job.sizes);
  meter.take();
  const t0 = performance.now();
  const entries = JSON.parse((await store.get(manifest)).toString("utf8")) as ExperimentEntry[];
  const entry = entries.findLast((e) => e.short_slug === target || e.slug === target);
  if (!entry) throw new Error(`no experiment ${target}`);
  const now = new Date();
  entry.metrics.edited = 1;
  entry.last_updated = iso(now);
  const fname = `a0-${stamp(now)}.json`;
  entry.artifacts = entry.artifacts.map((a) =>
    a.name === "a0" ? { name: "a0", fname, created_at: iso(now), expiry: null, handler: "json", version: 0 } : a,
  );
  await store.put(at(root, entry.slug, fname), JSON.stringify(smallPayload(-1, 0)));
  await store.put(manifest, JSON.stringify(entries, null, 4));
  const ms = performance.now() - t0;
  return result({ ms }, { resave: meter.take() });
}

async function open(job: Job, store: RawStore, meter: Meter): Promise<JobResult> {
  const { openProject, slugs } = job.inputs;
  if (!openProject || !slugs) throw new Error("open needs the fixture project and slugs");
  meter.take();
  const t0 = performance.now();
  const entries = JSON.parse((await store.get(keyOf(openProject))).toString("utf8")) as ExperimentEntry[];
  const bySlug = new Map<string, ExperimentEntry>();
  for (const e of entries) bySlug.set(e.slug, e);
  const openMs = performance.now() - t0;
  let found = 0;
  for (const slug of slugs) if (bySlug.get(slug)?.slug === slug) found++;
  const ms = performance.now() - t0;
  if (found !== slugs.length) throw new Error(`found ${found} of ${slugs.length} slugs`);
  return result({ ms, openMs, lookupMs: ms - openMs, experiments: entries.length }, { open: meter.take() });
}

async function stream(job: Job, store: RawStore, meter: Meter): Promise<JobResult> {
  const size = job.sizes.streamBytes;
  const key = at(keyOf(job.root), "stream", "blob.bin");
  meter.take();
  let t0 = performance.now();
  await store.putStream(key, readableOf(streamChunks(size)));
  const writeMs = performance.now() - t0;
  const write = meter.take();
  const rssAfterWrite = process.resourceUsage().maxRSS * 1024;
  t0 = performance.now();
  let received = 0;
  for await (const chunk of await store.getStream(key)) received += (chunk as Buffer).length;
  const readMs = performance.now() - t0;
  const read = meter.take();
  if (received !== size) throw new Error(`read ${received} bytes, expected ${size}`);
  return result({ writeMs, readMs, bytes: size, rssAfterWrite }, { write, read });
}

async function release(job: Job, store: RawStore, meter: Meter): Promise<JobResult> {
  const { releaseRepository, promoteProject, promoteExperiment } = job.inputs;
  if (!releaseRepository || !promoteProject || !promoteExperiment) throw new Error("release needs the fixtures");
  const repoKey = keyOf(releaseRepository);
  const repoDir = repoKey.slice(0, repoKey.lastIndexOf("/"));
  const versions = JSON.parse((await store.get(repoKey)).toString("utf8")) as ArtifactEntry[];
  const projectKey = keyOf(promoteProject);
  const projectDir = projectKey.slice(0, projectKey.lastIndexOf("/"));
  const experiment = (JSON.parse((await store.get(projectKey)).toString("utf8")) as ExperimentEntry[]).find(
    (e) => e.short_slug === promoteExperiment,
  );
  if (!experiment) throw new Error(`no experiment ${promoteExperiment}`);
  const root = keyOf(job.root);

  meter.take();
  let t0 = performance.now();
  const minimal = at(root, "minimal");
  await pool(CONCURRENCY, versions, (v) => store.copy(at(repoDir, v.name, v.fname), at(minimal, v.name, v.fname)));
  await store.put(at(minimal, "repository.json"), JSON.stringify(versions, null, 4));
  const minimalMs = performance.now() - t0;
  const minimalCounts = meter.take();

  // Each promotion is its own commit: copy the file, then rewrite the manifest.
  const target = at(root, "promoted");
  const promoted: ArtifactEntry[] = [];
  t0 = performance.now();
  for (const a of experiment.artifacts) {
    await store.copy(at(projectDir, experiment.slug, a.fname), at(target, a.name, a.fname));
    promoted.push({ ...a, version: 0 });
    await store.put(at(target, "repository.json"), JSON.stringify(promoted, null, 4));
  }
  const promoteMs = performance.now() - t0;
  return result({ minimalMs, promoteMs, artifacts: versions.length }, { minimal: minimalCounts, promote: meter.take() });
}
