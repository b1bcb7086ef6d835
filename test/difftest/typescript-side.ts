/**
 * The TypeScript half of the differential test: applies a scenario with this
 * library exactly as python/difftest.py applies it with Python lazyscribe, inside
 * the scenario's folder (the working directory while it runs, so every path is
 * relative and the same on both sides).
 */
import {
  clonePythonJson,
  createRelease,
  dumpReleases,
  isMarkedFloat,
  minimalRepositoryFromRelease,
  Project,
  PyFloat,
  Repository,
  setClock,
  type Experiment,
  type Test,
} from "@lazyscribe/core";
import "@lazyscribe/local";
import "@lazyscribe/yaml";
import "@lazyscribe/csv";
import { writeFile } from "node:fs/promises";
import type { ArtifactSpec, ChangeSpec, ExperimentSpec, Scenario } from "./scenario.js";

/** Author both sides write. */
export const AUTHOR = "difftest";

/** The Python exception a TypeScript error corresponds to (spec section 10). */
const PYTHON_NAMES: Record<string, string> = {
  InvalidArgumentError: "ValueError",
  NotFoundError: "KeyError",
  InvalidStateError: "RuntimeError",
};

/** An operation's outcome as the Python side reports it: "ok" or the exception type. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "ok";
  } catch (err) {
    const name = (err as Error)?.name ?? "Error";
    return PYTHON_NAMES[name] ?? name;
  }
}

const utc = (iso: string): Date => new Date(`${iso}Z`);

function freeze(iso: string): void {
  setClock(() => utc(iso));
}

/** A member of a decoded container, as the value Python holds: a float stays a float. */
function member(container: object, key: string): unknown {
  const value = (container as Record<string, unknown>)[key];
  if (typeof value === "number" && isMarkedFloat(container, key)) return new PyFloat(value);
  return clonePythonJson(value);
}

/** `{ columns: { name: values } }` as the csv handler's table. */
function tableOf(value: unknown): unknown {
  const cols = (value as { columns: Record<string, unknown[]> }).columns;
  const names = Object.keys(cols);
  const length = Math.max(0, ...names.map((n) => cols[n]!.length));
  return { columns: names, rows: Array.from({ length }, (_, r) => names.map((n) => member(cols[n]!, String(r)))) };
}

function valueOf(spec: ArtifactSpec): unknown {
  return spec.handler === "csv" ? tableOf(spec.value) : member(spec, "value");
}

function logArtifact(target: Experiment | Test, spec: ArtifactSpec): void {
  const options: Record<string, unknown> = { ...(spec.writer ?? {}) };
  if (spec.fname !== undefined) options.fname = spec.fname;
  if (spec.overwrite !== undefined) options.overwrite = spec.overwrite;
  target.logArtifact(spec.name, valueOf(spec), spec.handler, options);
}

async function applyChanges(exp: Experiment, spec: ChangeSpec, upstream: Project | null, outcomes: string[]): Promise<void> {
  for (const k of Object.keys(spec.metrics ?? {})) exp.logMetric(k, member(spec.metrics, k));
  for (const k of Object.keys(spec.parameters ?? {})) exp.logParameter(k, member(spec.parameters, k));
  if (spec.replace_tags) exp.replaceTags(...spec.replace_tags);
  if (spec.tags?.length) exp.tag(...spec.tags);
  for (const a of spec.artifacts ?? []) outcomes.push(await outcome(() => logArtifact(exp, a)));
  for (const slug of spec.dependencies ?? []) exp.addDependency(upstream!.get(slug));
  for (const t of spec.tests ?? []) {
    await exp.logTest(t.name, t.description ?? null, async (test) => {
      for (const k of Object.keys(t.metrics ?? {})) test.logMetric(k, member(t.metrics, k));
      for (const k of Object.keys(t.parameters ?? {})) test.logParameter(k, member(t.parameters, k));
      for (const a of t.artifacts ?? []) outcomes.push(await outcome(() => logArtifact(test, a)));
    });
  }
}

async function logExperiment(project: Project, spec: ExperimentSpec, upstream: Project | null, outcomes: string[]): Promise<void> {
  freeze(spec.at);
  await project.log(spec.name, async (exp) => {
    freeze(spec.updated ?? spec.at);
    await applyChanges(exp, spec, upstream, outcomes);
  });
}

/** Runs one scenario in the working directory; returns the outcomes, as the Python side does. */
export async function tsWrite(sc: Scenario): Promise<string[]> {
  const outcomes: string[] = [];
  const restore = setClock(() => new Date());
  try {
    let upstream: Project | null = null;
    if (sc.upstream.length) {
      const up = await Project.open("up/project.json", { mode: "w", author: AUTHOR });
      for (const spec of sc.upstream) await logExperiment(up, spec, null, outcomes);
      freeze(sc.save_at);
      await up.save();
      upstream = await Project.open("up/project.json", { mode: "r" });
    }
    let project = await Project.open("proj/project.json", { mode: "w", author: AUTHOR });
    for (const spec of sc.experiments) await logExperiment(project, spec, upstream, outcomes);
    freeze(sc.save_at);
    outcomes.push(await outcome(() => project.save()));
    if (sc.edit) {
      project = await Project.open("proj/project.json", { mode: "w+", author: sc.edit.author });
      for (const change of sc.edit.changes) {
        freeze(change.at);
        outcomes.push(await outcome(() => applyChanges(project.get(change.slug), change, upstream, outcomes)));
      }
      for (const spec of sc.edit.add) await logExperiment(project, spec, upstream, outcomes);
      freeze(sc.edit.save_at);
      outcomes.push(await outcome(() => project.save()));
    }
    const r = sc.repository;
    if (r) {
      const repo = await Repository.open("repo/repository.json", { mode: "w" });
      for (const v of r.versions) {
        freeze(v.at);
        outcomes.push(
          await outcome(() =>
            repo.logArtifact(v.name, valueOf(v), v.handler, { ...(v.writer ?? {}), ...(v.fname !== undefined ? { fname: v.fname } : {}) }),
          ),
        );
      }
      if (r.promotions.length) {
        const source = await Project.open("proj/project.json", { mode: "r" });
        for (const p of r.promotions) {
          freeze(p.at);
          outcomes.push(await outcome(() => source.get(p.slug).promoteArtifact(repo, p.artifact)));
        }
      }
      for (const e of r.expiries) {
        freeze(e.at);
        outcomes.push(await outcome(() => repo.setArtifactExpiry(e.name, { version: e.version, expiry: e.expiry })));
      }
      freeze(r.save_at);
      outcomes.push(await outcome(() => repo.save()));
      if (r.release) {
        freeze(r.release.at);
        const release = r.release;
        try {
          const stored = await Repository.open("repo/repository.json", { mode: "r" });
          const made = createRelease(stored, release.tag);
          await writeFile("repo/releases.json", dumpReleases([made]));
          outcomes.push("ok");
          if (release.minimal) outcomes.push(await outcome(() => minimalRepositoryFromRelease("minimal", stored, made)));
        } catch (err) {
          outcomes.push(PYTHON_NAMES[(err as Error).name] ?? (err as Error).name);
        }
      }
    }
    return outcomes;
  } finally {
    restore();
  }
}

/** Opens each file in `w+` and saves it unchanged at clock `at`. */
export async function tsResave(files: Array<{ kind: "project" | "repository"; path: string }>, at: string): Promise<string[]> {
  const outcomes: string[] = [];
  const restore = setClock(() => new Date());
  try {
    for (const f of files) {
      freeze(at);
      outcomes.push(
        await outcome(async () =>
          f.kind === "project"
            ? (await Project.open(f.path, { mode: "w+", author: AUTHOR })).save()
            : (await Repository.open(f.path, { mode: "w+" })).save(),
        ),
      );
    }
    return outcomes;
  } finally {
    restore();
  }
}
