/**
 * The `lib` contender: each workload through this library's public API, on the built
 * packages (the worker runs them from `dist`), with the store wrapped by a {@link Meter}.
 * Also the fixture setup of each store, which every contender then reads.
 */
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import {
  createRelease,
  encodePythonJson,
  getStorage,
  minimalRepositoryFromRelease,
  Project,
  Repository,
  type Storage,
  type StorageSettings,
} from "@lazyscribe/core";
import { experimentName, resaveTarget, type StoreId } from "./config.js";
import { at, smallPayload, sizedPayload, streamChunks, type Fixtures, type Job, type JobResult } from "./jobs.js";
import { countHttpRequests, metered, Meter } from "./meter.js";

const AUTHOR = "bench";

/** Thrown when this library has no backend for a store yet; the orchestrator reports the cell as unavailable. */
export class BackendUnavailable extends Error {
  override name = "BackendUnavailable";
}

/** The backend settings of each store, for the emulators the environment points at. */
function settingsFor(store: StoreId, env: NodeJS.ProcessEnv): StorageSettings {
  switch (store) {
    case "local":
      // BENCH_LIB_LOCAL_FSYNC=0 measures the local backend without its fsync (not the default; for explaining the gap to node:fs).
      return { fsync: env.BENCH_LIB_LOCAL_FSYNC !== "0" };
    case "s3":
      // Endpoint and credentials from AWS_ENDPOINT_URL_S3 / AWS_*; moto ignores conditional copies, as in the test suites.
      return { emulatePreconditions: { copy: true, multipartIfMatch: true } };
    case "gs":
      // fake-gcs-server ignores preconditions on rewrites, as in the test suites (no copy here carries one).
      return { apiEndpoint: env.LAZYSCRIBE_TEST_GCS_ENDPOINT, projectId: env.GOOGLE_CLOUD_PROJECT, checkCopyPreconditions: true };
    case "az":
      return { connectionString: env.LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING };
  }
}

const PROTOCOL: Record<StoreId, string> = { local: "file", s3: "s3", gs: "gs", az: "az" };

/**
 * The library's store for `store`. Only `@lazyscribe/core` is imported up front; core loads
 * the one backend package the scheme needs on first use, as an application importing core
 * alone would (the `lazyscribe` package imports every backend and their SDKs, about 25 MiB
 * more resident memory).
 */
export async function libStorage(store: StoreId, env: NodeJS.ProcessEnv = process.env): Promise<Storage> {
  try {
    return await getStorage(PROTOCOL[store], settingsFor(store, env));
  } catch (err) {
    if (err instanceof Error && err.name === "BackendNotFoundError") throw new BackendUnavailable(err.message);
    throw err;
  }
}

/** Runs one `lib` job. */
export async function runLib(job: Job): Promise<JobResult> {
  const meter = new Meter();
  countHttpRequests(meter);
  const storage = metered(await libStorage(job.store), meter);
  try {
    switch (job.workload) {
      case "setup":
        return await setup(job, storage);
      case "save":
        return await save(job, storage, meter);
      case "resave":
        return await resave(job, storage, meter);
      case "open":
        return await open(job, storage, meter);
      case "stream":
        return await stream(job, storage, meter);
      case "release":
        return await release(job, storage, meter);
      default:
        throw new Error(`unknown workload ${String(job.workload)}`);
    }
  } finally {
    await storage.close?.();
  }
}

function result(metrics: Record<string, number>, counts: JobResult["counts"], info?: Record<string, unknown>): JobResult {
  return { metrics, rssPeakBytes: process.resourceUsage().maxRSS * 1024, counts, info };
}

/** BENCH_CONCURRENCY overrides the library's default of files written (or copied) at once; unset, its default is measured. */
function saveOptions(): { concurrency?: number } {
  const value = Number(process.env.BENCH_CONCURRENCY);
  return Number.isInteger(value) && value > 0 ? { concurrency: value } : {};
}

/** Workload 1: a new project of N experiments × M small JSON artifacts, saved once. */
async function save(job: Job, storage: Storage, meter: Meter): Promise<JobResult> {
  const { experiments, artifactsPerExperiment } = job.sizes;
  meter.take();
  const t0 = performance.now();
  const project = await Project.open(at(job.root, "project.json"), { mode: "w", storage, author: AUTHOR });
  for (let i = 0; i < experiments; i++) {
    await project.log(experimentName(i), (e) => {
      e.logMetric("score", i / 7);
      e.logParameter("learning_rate", 0.01);
      e.tag("bench");
      for (let k = 0; k < artifactsPerExperiment; k++) e.logArtifact(`a${k}`, smallPayload(i, k), "json");
    });
  }
  await project.save(saveOptions());
  const ms = performance.now() - t0;
  const counts = meter.take();
  return result({ ms, dirtyArtifacts: experiments * artifactsPerExperiment }, { save: counts });
}

/** Workload 2: reopen in `w+`, edit one experiment, replace one of its artifacts, save. */
async function resave(job: Job, storage: Storage, meter: Meter): Promise<JobResult> {
  const location = job.inputs.project;
  if (!location) throw new Error("resave needs the project written by save");
  const target = resaveTarget(job.sizes);
  meter.take();
  const t0 = performance.now();
  const project = await Project.open(location, { mode: "w+", storage, author: AUTHOR });
  const experiment = project.get(target);
  experiment.logMetric("edited", 1);
  experiment.logArtifact("a0", smallPayload(-1, 0), "json", { overwrite: true });
  await project.save();
  const ms = performance.now() - t0;
  const counts = meter.take();
  return result({ ms }, { resave: counts }, { experimentFolder: experiment.path, manifest: project.path });
}

/** Workload 3: open a large project read-only and look experiments up by slug. */
async function open(job: Job, storage: Storage, meter: Meter): Promise<JobResult> {
  const { openProject, slugs } = job.inputs;
  if (!openProject || !slugs) throw new Error("open needs the fixture project and slugs");
  meter.take();
  const t0 = performance.now();
  const project = await Project.open(openProject, { mode: "r", storage, author: AUTHOR });
  const openMs = performance.now() - t0;
  let found = 0;
  for (const slug of slugs) if (project.get(slug).slug === slug) found++;
  const ms = performance.now() - t0;
  const counts = meter.take();
  if (found !== slugs.length) throw new Error(`found ${found} of ${slugs.length} slugs`);
  return result({ ms, openMs, lookupMs: ms - openMs, experiments: project.experiments.length }, { open: counts });
}

/** Workload 4: one large artifact written from a stream (bytes handler) and read back as a stream. */
async function stream(job: Job, storage: Storage, meter: Meter): Promise<JobResult> {
  const size = job.sizes.streamBytes;
  const location = at(job.root, "project.json");
  const project = await Project.open(location, { mode: "w", storage, author: AUTHOR });
  let sent = 0;
  const source = Readable.from(
    (function* () {
      for (const chunk of streamChunks(size)) {
        sent += chunk.length;
        yield chunk;
      }
    })(),
  );
  await project.log("stream", (e) => {
    e.logArtifact("blob", source, "bytes");
  });
  meter.take();
  let t0 = performance.now();
  await project.save();
  const writeMs = performance.now() - t0;
  const write = meter.take();
  const rssAfterWrite = process.resourceUsage().maxRSS * 1024;
  t0 = performance.now();
  const reader = await Project.open(location, { mode: "r", storage, author: AUTHOR });
  const body = await reader.get("stream").openArtifact("blob");
  let received = 0;
  for await (const chunk of body) received += (chunk as Buffer).length;
  const readMs = performance.now() - t0;
  const read = meter.take();
  if (sent !== size || received !== size) throw new Error(`streamed ${sent} bytes up and ${received} down, expected ${size}`);
  return result({ writeMs, readMs, bytes: size, rssAfterWrite }, { write, read });
}

/** Workload 5: a minimal repository from a release, and promoting every artifact of an experiment. */
async function release(job: Job, storage: Storage, meter: Meter): Promise<JobResult> {
  const { releaseRepository, promoteProject, promoteExperiment } = job.inputs;
  if (!releaseRepository || !promoteProject || !promoteExperiment) throw new Error("release needs the fixtures");
  const repository = await Repository.open(releaseRepository, { mode: "r", storage });
  const tagged = createRelease(repository, "bench");
  meter.take();
  let t0 = performance.now();
  const minimal = await minimalRepositoryFromRelease(at(job.root, "minimal"), repository, tagged, saveOptions());
  const minimalMs = performance.now() - t0;
  const minimalCounts = meter.take();
  if (minimal.artifacts.length !== tagged.artifacts.length) throw new Error("the minimal repository lost versions");

  const project = await Project.open(promoteProject, { mode: "r", storage, author: AUTHOR });
  const experiment = project.get(promoteExperiment);
  const target = await Repository.open(at(job.root, "promoted", "repository.json"), { mode: "w+", storage });
  meter.take();
  t0 = performance.now();
  for (const artifact of experiment.artifacts) await experiment.promoteArtifact(target, artifact.name);
  const promoteMs = performance.now() - t0;
  const promoteCounts = meter.take();
  if (target.artifacts.length !== experiment.artifacts.length) throw new Error("promotion lost artifacts");
  return result({ minimalMs, promoteMs, artifacts: tagged.artifacts.length }, { minimal: minimalCounts, promote: promoteCounts });
}

/** `YYYYMMDDHHMMSS` of a UTC date, as lazyscribe stamps slugs and file names. */
function stamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace(/[-T:]/g, "");
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/**
 * The fixtures of one store, written once per run with this library and read by every
 * contender: the large project of workload 3, and the repository and the experiment of
 * workload 5.
 */
async function setup(job: Job, storage: Storage): Promise<JobResult> {
  const { openExperiments, lookups, releaseArtifacts, releaseArtifactBytes } = job.sizes;
  const t0 = performance.now();

  // Workload 3: about 7 MB of manifest, generated as text (its artifact entries name no files; nothing loads them).
  const template = await Project.open("memory://bench-template/project.json", { mode: "w", author: AUTHOR });
  await template.log("template", (e) => {
    e.logArtifact("model", { weights: [1, 2, 3] }, "json");
  });
  const artifactTemplate = template.toJSON()[0]!.artifacts;
  const base = Date.UTC(2025, 2, 1, 9, 0, 0);
  const entries = [];
  const slugs: string[] = [];
  const stride = Math.max(1, Math.floor(openExperiments / lookups));
  for (let i = 0; i < openExperiments; i++) {
    const created = new Date(base + i * 1000);
    const name = `run-${String(i).padStart(5, "0")}`;
    const slug = `${name}-${stamp(created)}`;
    if (i % stride === stride - 1 && slugs.length < lookups) slugs.push(slug);
    entries.push({
      artifacts: artifactTemplate.map((a) => ({ ...a, created_at: iso(created), fname: `${a.name}-${stamp(created)}.json` })),
      author: AUTHOR,
      created_at: iso(created),
      dependencies: [],
      last_updated: iso(created),
      last_updated_by: AUTHOR,
      metrics: { accuracy: Math.round(5000 + (i % 5000)) / 10000, loss: Math.round(10000 / (i + 3)) / 10000 },
      name,
      parameters: {},
      short_slug: name,
      slug,
      tags: [],
      tests: [],
    });
  }
  const openProject = at(job.root, "open", "project.json");
  const text = encodePythonJson(entries, { indent: 4, sortKeys: true });
  const { path: openKey } = { path: openProject.replace(/^[a-z0-9]+:\/\//, "") };
  await storage.write(openKey, text, { contentType: "application/json" });

  // Workload 5: a repository of single versions, and one experiment holding artifacts to promote.
  const releaseRepository = at(job.root, "release", "repository.json");
  const repository = await Repository.open(releaseRepository, { mode: "w+", storage });
  for (let i = 0; i < releaseArtifacts; i++)
    repository.logArtifact(`model-${String(i).padStart(4, "0")}`, sizedPayload(i, releaseArtifactBytes), "json");
  await repository.save();
  const promoteProject = at(job.root, "promote", "project.json");
  const project = await Project.open(promoteProject, { mode: "w", storage, author: AUTHOR });
  await project.log("release-source", (e) => {
    for (let i = 0; i < releaseArtifacts; i++)
      e.logArtifact(`art-${String(i).padStart(4, "0")}`, sizedPayload(i, releaseArtifactBytes), "json");
  });
  await project.save();

  const fixtures: Fixtures = { openProject, slugs, releaseRepository, promoteProject, promoteExperiment: "release-source" };
  return result({ ms: performance.now() - t0, openProjectBytes: Buffer.byteLength(text) }, undefined, { ...fixtures });
}
