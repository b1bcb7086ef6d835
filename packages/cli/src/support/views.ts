/**
 * The `--json` shapes of experiments and artifacts. Field names follow the manifests
 * (`snake_case`, `created_at` as `YYYY-MM-DDTHH:MM:SS`); they are documented in README.md and
 * only ever extended.
 */
import { formatLocation, isoSeconds, safeJoin, type Artifact, type Experiment, type Storage, type Test } from "@lazyscribe/core";
import pLimit from "p-limit";

// Sizes come from one stat per file; a bounded number at a time keeps large experiments polite to the store.
const statLimit = pLimit(16);

/** One experiment in `experiments --json`. */
export interface ExperimentSummaryJSON {
  slug: string;
  short_slug: string;
  name: string;
  author: string;
  created_at: string;
  last_updated: string;
  last_updated_by: string;
  tags: string[];
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

/** One artifact file in `show --json` and `versions --json`. */
export interface ArtifactFileJSON {
  name: string;
  handler: string;
  /** File name inside the owner's folder. */
  fname: string;
  /** URL or path of the file. */
  location: string;
  /** Size in bytes, or `null` when the file is missing from the store. */
  size: number | null;
  version: number;
  created_at: string;
  expiry: string | null;
}

/** One test in `show --json`. */
export interface TestJSON {
  name: string;
  description: string | null;
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
  artifacts: ArtifactFileJSON[];
}

/** The experiment in `show --json`. */
export interface ExperimentDetailJSON extends ExperimentSummaryJSON {
  /** Upstream experiments as `<project>|<slug>`. */
  dependencies: string[];
  artifacts: ArtifactFileJSON[];
  tests: TestJSON[];
}

/** The summary of an experiment. */
export function experimentSummary(e: Experiment): ExperimentSummaryJSON {
  return {
    slug: e.slug,
    short_slug: e.shortSlug,
    name: e.name,
    author: e.author,
    created_at: isoSeconds(e.createdAt),
    last_updated: isoSeconds(e.lastUpdated),
    last_updated_by: e.lastUpdatedBy,
    tags: [...e.tags],
    metrics: { ...e.metrics },
    parameters: { ...e.parameters },
  };
}

/** Everything about an experiment, with the size of each artifact file read from the store. */
export async function experimentDetail(e: Experiment): Promise<ExperimentDetailJSON> {
  const tests = await Promise.all(e.tests.map((t) => testDetail(e.storage, t)));
  return {
    ...experimentSummary(e),
    dependencies: e.toJSON().dependencies,
    artifacts: await artifactFiles(e.storage, e.path, e.artifacts),
    tests,
  };
}

async function testDetail(storage: Storage, t: Test): Promise<TestJSON> {
  return {
    name: t.name,
    description: t.description,
    metrics: { ...t.metrics },
    parameters: { ...t.parameters },
    artifacts: await artifactFiles(storage, t.path, t.artifacts),
  };
}

/** The files of artifacts kept in `folder`, with their sizes. */
export function artifactFiles(storage: Storage, folder: string, artifacts: readonly Artifact[]): Promise<ArtifactFileJSON[]> {
  return Promise.all(
    artifacts.map(async (a) => {
      const key = safeJoin(folder, a.fname, `file name of artifact "${a.name}"`);
      return {
        name: a.name,
        handler: a.handler,
        fname: a.fname,
        location: formatLocation(storage.protocol, key),
        size: (await statLimit(() => storage.stat(key)))?.size ?? null,
        version: a.version,
        created_at: isoSeconds(a.createdAt),
        expiry: a.expiry ? isoSeconds(a.expiry) : null,
      };
    }),
  );
}
