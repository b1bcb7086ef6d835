/**
 * Reads what a report shows from a project and a repository: the manifests
 * already in memory, plus the stored size of every artifact file and the text
 * of text-handler repository versions (for diffs in the page).
 */
import {
  findHandler,
  isoSeconds,
  isStorageError,
  joinKey,
  loadReleases,
  parentKey,
  safeJoin,
  type Artifact,
  type Experiment,
  type Project,
  type Repository,
  type Storage,
} from "@lazyscribe/core";
import pLimit from "p-limit";
import type {
  ReportArtifact,
  ReportArtifactVersion,
  ReportData,
  ReportExperiment,
  ReportRelease,
  ReportRepository,
} from "./report-data.js";
import { toReportRecord } from "./values.js";

/** Options of {@link collectReportData}. */
export interface CollectOptions {
  /** A repository to show next to the project. */
  repository?: Repository;
  /** Page title. @default the project's location */
  title?: string;
  /** Read the stored size of every artifact file (one `stat` each). @default true */
  artifactSizes?: boolean;
  /** Largest repository version whose text is embedded for diffs, in bytes. @default 1 MiB */
  maxDiffTextBytes?: number;
  /** Largest total of embedded repository texts, in bytes. @default 32 MiB */
  maxTotalDiffTextBytes?: number;
  /** Store requests in flight at once. @default 16 */
  concurrency?: number;
}

type Limit = ReturnType<typeof pLimit>;

/**
 * Everything a report page shows about `project` (and `options.repository`), as plain JSON.
 *
 * @throws StorageError when the store fails for a reason other than a missing file.
 */
export async function collectReportData(project: Project, options: CollectOptions = {}): Promise<ReportData> {
  const limit = pLimit(options.concurrency ?? 16);
  const sizes = options.artifactSizes ?? true;
  const sizeOf = (key: string): Promise<number | null> => (sizes ? limit(() => storedSize(project.storage, key)) : Promise.resolve(null));
  const experiments = await Promise.all(project.experiments.map((e) => experimentData(e, sizeOf)));
  return {
    format: 1,
    title: options.title ?? project.fpath,
    generatedAt: new Date().toISOString(),
    project: { location: project.fpath, experiments },
    repository: options.repository ? await repositoryData(options.repository, limit, options) : null,
  };
}

async function experimentData(e: Experiment, sizeOf: (key: string) => Promise<number | null>): Promise<ReportExperiment> {
  return {
    name: e.name,
    slug: e.slug,
    shortSlug: e.shortSlug,
    author: e.author,
    lastUpdatedBy: e.lastUpdatedBy,
    createdAt: isoSeconds(e.createdAt),
    lastUpdated: isoSeconds(e.lastUpdated),
    tags: [...e.tags],
    metrics: toReportRecord(e.metrics),
    parameters: toReportRecord(e.parameters),
    dependencies: [...e.dependencies.values()].map((d) => `${d.project}|${d.slug}`),
    artifacts: await Promise.all(e.artifacts.map((a) => artifactData(a, e.path, sizeOf))),
    tests: await Promise.all(
      e.tests.map(async (t) => ({
        name: t.name,
        description: t.description,
        metrics: toReportRecord(t.metrics),
        parameters: toReportRecord(t.parameters),
        artifacts: await Promise.all(t.artifacts.map((a) => artifactData(a, t.path, sizeOf))),
      })),
    ),
  };
}

async function artifactData(a: Artifact, folder: string, sizeOf: (key: string) => Promise<number | null>): Promise<ReportArtifact> {
  const meta = a.toJSON();
  let size: number | null = null;
  try {
    size = await sizeOf(safeJoin(folder, a.fname, `file name of artifact "${a.name}"`));
  } catch (err) {
    // An unsafe file name in a manifest is shown without a size rather than followed.
    if (isStorageError(err)) throw err;
  }
  return { name: a.name, handler: a.handler, fname: a.fname, createdAt: meta.created_at, size };
}

async function repositoryData(repository: Repository, limit: Limit, options: CollectOptions): Promise<ReportRepository> {
  const maxText = options.maxDiffTextBytes ?? 1024 * 1024;
  let budget = options.maxTotalDiffTextBytes ?? 32 * 1024 * 1024;
  const storage = repository.storage;
  // Newest versions first claim the text budget: those are the diffs people look at.
  const order = [...repository.artifacts.keys()].sort(
    (i, j) => repository.artifacts[j]!.createdAt.getTime() - repository.artifacts[i]!.createdAt.getTime(),
  );
  const versions: ReportArtifactVersion[] = repository.artifacts.map((a) => {
    const meta = a.toJSON();
    return {
      name: a.name,
      version: a.version,
      handler: a.handler,
      fname: a.fname,
      createdAt: meta.created_at,
      expiry: meta.expiry,
      size: null,
      text: null,
    };
  });
  const stats = await Promise.all(
    repository.artifacts.map((a) =>
      limit(async () => {
        try {
          return await storedSize(storage, safeJoin(joinKey(repository.dir, a.name), a.fname, `file name of artifact "${a.name}"`));
        } catch (err) {
          if (isStorageError(err)) throw err;
          return null;
        }
      }),
    ),
  );
  stats.forEach((size, i) => (versions[i]!.size = size));
  const reads: Array<Promise<void>> = [];
  for (const i of order) {
    const a = repository.artifacts[i]!;
    const v = versions[i]!;
    const handler = findHandler(a.handler);
    // Unknown handlers are treated as binary: their bytes may be anything.
    if (!handler || handler.binary) v.textOmitted = "binary";
    else if (v.size === null) v.textOmitted = "unreadable";
    else if (v.size > maxText) v.textOmitted = "too-large";
    else if (v.size > budget) v.textOmitted = "budget";
    else {
      budget -= v.size;
      reads.push(
        limit(async () => {
          try {
            v.text = new TextDecoder().decode(await repository.readArtifactBytes(a.name, { version: a.version }));
          } catch {
            v.textOmitted = "unreadable";
          }
        }),
      );
    }
  }
  await Promise.all(reads);
  return { location: repository.fpath, versions, releases: await releasesData(repository) };
}

async function releasesData(repository: Repository): Promise<ReportRelease[]> {
  const key = releasesKey(repository);
  let text: string;
  try {
    text = new TextDecoder().decode(await repository.storage.read(key));
  } catch (err) {
    if (isStorageError(err, "NOT_FOUND")) return [];
    throw err;
  }
  return loadReleases(text, key)
    .map((r) => r.toJSON())
    .map((r) => ({ tag: r.tag, createdAt: r.created_at, artifacts: r.artifacts }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/** Key of the `releases.json` beside a repository (where `releaseFromConfig` writes). */
export function releasesKey(repository: Repository): string {
  return joinKey(parentKey(repository.path), "releases.json");
}

async function storedSize(storage: Storage, key: string): Promise<number | null> {
  return (await storage.stat(key))?.size ?? null;
}
