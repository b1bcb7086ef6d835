/**
 * Structured-clone-safe state of experiments, tests and artifacts, for handing
 * work to worker threads or processes (Python's `__getstate__`/`__setstate__`).
 * Artifact values travel serialised by their handler; stores and credentials
 * never travel (W8): the receiving side supplies its own store.
 */
import { Artifact, type ArtifactState } from "../artifacts/artifact.js";
import type { Storage } from "../storage/protocol.js";
import { Experiment } from "./experiment.js";
import { Test } from "./experiment-test.js";

/** Transfer state of a test. */
export interface TestState {
  name: string;
  description: string | null;
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
  artifacts: ArtifactState[];
  path: string;
  readOnly: boolean;
}

/** Transfer state of an experiment (its upstream experiments travel with it). */
export interface ExperimentState {
  name: string;
  project: string;
  dir: string;
  author: string;
  lastUpdatedBy: string;
  metrics: Record<string, unknown>;
  parameters: Record<string, unknown>;
  createdAt: number;
  lastUpdated: number;
  dependencies: ExperimentState[];
  shortSlug: string;
  slug: string;
  tests: TestState[];
  artifacts: ArtifactState[];
  tags: string[];
  dirty: boolean;
  readOnly: boolean;
}

/** Serialises a test. */
export async function testToState(t: Test): Promise<TestState> {
  return {
    name: t.name,
    description: t.description,
    metrics: structuredClone(t.toJSON().metrics),
    parameters: structuredClone(t.toJSON().parameters),
    artifacts: await Promise.all(t.artifacts.map((a) => a.toState())),
    path: t.path,
    readOnly: t.readOnly,
  };
}

/** Serialises an experiment. */
export async function experimentToState(e: Experiment): Promise<ExperimentState> {
  const json = e.toJSON();
  return {
    name: e.name,
    project: e.project,
    dir: e.dir,
    author: e.author,
    lastUpdatedBy: e.lastUpdatedBy,
    metrics: structuredClone(json.metrics),
    parameters: structuredClone(json.parameters),
    createdAt: e.createdAt.getTime(),
    lastUpdated: e.lastUpdated.getTime(),
    dependencies: await Promise.all([...e.dependencies.values()].map(experimentToState)),
    shortSlug: e.shortSlug,
    slug: e.slug,
    tests: await Promise.all(e.tests.map(testToState)),
    artifacts: await Promise.all(e.artifacts.map((a) => a.toState())),
    tags: [...e.tags],
    dirty: e.dirty,
    readOnly: e.readOnly,
  };
}

/** Restores an experiment onto `storage`. */
export async function experimentFromState(s: ExperimentState, storage: Storage): Promise<Experiment> {
  const dependencies = new Map<string, Experiment>();
  for (const d of s.dependencies) {
    const up = await experimentFromState(d, storage);
    dependencies.set(up.shortSlug, up);
  }
  const tests = await Promise.all(
    s.tests.map(
      async (t) =>
        new Test({
          name: t.name,
          description: t.description,
          metrics: t.metrics,
          parameters: t.parameters,
          artifacts: await Promise.all(t.artifacts.map((a) => Artifact.fromState(a))),
          path: t.path,
          storage,
          readOnly: t.readOnly,
        }),
    ),
  );
  return new Experiment({
    name: s.name,
    project: s.project,
    storage,
    dir: s.dir,
    author: s.author,
    lastUpdatedBy: s.lastUpdatedBy,
    metrics: s.metrics,
    parameters: s.parameters,
    createdAt: new Date(s.createdAt),
    lastUpdated: new Date(s.lastUpdated),
    dependencies,
    shortSlug: s.shortSlug,
    slug: s.slug,
    tests,
    artifacts: await Promise.all(s.artifacts.map((a) => Artifact.fromState(a))),
    tags: s.tags,
    dirty: s.dirty,
    readOnly: s.readOnly,
  });
}
