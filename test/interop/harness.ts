/**
 * The two halves of the interop suite: the real Python lazyscribe, driven through the
 * scripts in ./python (JSON on stdin, JSON on stdout), and the same operations done
 * with the TypeScript library. Both sides apply the same declarative specs
 * ({@link ExperimentSpec}, {@link VersionSpec}) at the same frozen clock, so their
 * files can be compared byte for byte.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  clonePythonJson,
  decodePythonJson,
  encodePythonJson,
  Experiment,
  Project,
  Repository,
  resolveLocation,
  setClock,
  type Registry,
  type Test,
} from "@lazyscribe/core";
import "@lazyscribe/local";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPTS = fileURLToPath(new URL("./python/", import.meta.url));

/** The venv's interpreter (`npm run tools`); LAZYSCRIBE_PYTHON overrides it for development. */
export const PYTHON = process.env.LAZYSCRIBE_PYTHON || join(REPO_ROOT, ".tools/venv/bin/python");

/** Author written by both sides, so `author` / `last_updated_by` never depend on the login name. */
export const AUTHOR = "interop";

/** Fails (never skips) with instructions when the venv is missing. */
export function requirePython(): void {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `The Python interop suite needs the project venv at ${PYTHON}, with lazyscribe and the fsspec backends. ` +
        "Run `npm run tools` (scripts/tools/install.mjs builds .tools/venv from scripts/tools/requirements.txt), or set LAZYSCRIBE_PYTHON.",
    );
  }
}

/** The scripts in ./python. */
export type PyScript = "project_ops" | "repository_ops" | "naming" | "plugin_formats" | "onnx_parquet";

/** One op's outcome in a Python script: a value, or the exception Python raised. */
export type PyResult = { ok: unknown } | { error: PyError };

/** A Python exception as reported by the scripts. */
export interface PyError {
  type: string;
  message: string;
  cause: { type: string; message: string } | null;
  trace: string;
}

/** Runs `ops` through `test/interop/python/<script>.py`; returns one result per op. */
export function runPython(script: PyScript, ops: object[], env: Record<string, string> = {}): PyResult[] {
  requirePython();
  const run = spawnSync(PYTHON, [join(SCRIPTS, `${script}.py`)], {
    input: encodePythonJson({ ops }),
    cwd: SCRIPTS,
    env: { ...process.env, ...env, PYTHONPATH: SCRIPTS, PYTHONDONTWRITEBYTECODE: "1" },
    maxBuffer: 1 << 28,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${script}.py exited with ${run.status}:\n${run.stderr.toString()}`);
  return decodePythonJson(run.stdout.toString()) as PyResult[];
}

/** Runs one op and returns its value, failing with Python's traceback if it raised. */
export function py<T = unknown>(script: PyScript, op: object, env?: Record<string, string>): T {
  const [result] = runPython(script, [op], env);
  if (result && "ok" in result) return result.ok as T;
  const err = (result as { error: PyError }).error;
  throw new Error(`Python ${script} ${JSON.stringify((op as { op: string }).op)} raised ${err.type}: ${err.message}\n${err.trace}`);
}

/** Runs one op that is expected to raise; returns the Python exception. */
export function pyError(script: PyScript, op: object, env?: Record<string, string>): PyError {
  const [result] = runPython(script, [op], env);
  if (result && "error" in result) return result.error;
  throw new Error(`Python ${script} was expected to raise, but returned ${encodePythonJson((result as { ok: unknown }).ok)}`);
}

/**
 * Canonical text of JSON data: sorted keys, Python number forms. Float marks are kept, so
 * `1.0` and `1` stay different, and NaN equals NaN (unlike `toEqual` on parsed values).
 */
export function canon(value: unknown): string {
  return encodePythonJson(value, { sortKeys: true, indent: 1 });
}

// ---------------------------------------------------------------------------------------
// Stores

/** A store both sides can reach: local disk, or an emulator bucket. */
export interface InteropStore {
  name: string;
  /** A fresh, empty folder location (path or URL), no trailing slash. */
  freshRoot(): Promise<string>;
  /** Extra environment for the Python scripts (for example STORAGE_EMULATOR_HOST). */
  pythonEnv(): Record<string, string>;
  /** Storage settings for the TypeScript side (`undefined`: the backend's defaults). */
  settings?(): Record<string, unknown> | undefined;
}

/** Local disk: a fresh temporary folder per root. */
export const localStore: InteropStore = {
  name: "local",
  freshRoot: async () => mkdtemp(join(tmpdir(), "lazyscribe-interop-")),
  pythonEnv: () => ({}),
};

/** Every file under `root` as relative path → bytes. */
export async function snapshot(root: string): Promise<Map<string, Uint8Array>> {
  const { storage, path } = await resolveLocation(root);
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const files = new Map<string, Uint8Array>();
  const keys: string[] = [];
  for await (const entry of storage.list(prefix)) keys.push(entry.key);
  keys.sort();
  for (const key of keys) files.set(key.slice(prefix.length), await storage.read(key));
  return files;
}

/** Deletes every file under `root`. */
export async function wipe(root: string): Promise<void> {
  const { storage, path } = await resolveLocation(root);
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const keys: string[] = [];
  for await (const entry of storage.list(prefix)) keys.push(entry.key);
  for (const key of keys) await storage.delete(key);
}

/** Reads one file (path or URL) as text. */
export async function readText(location: string): Promise<string> {
  const { storage, path } = await resolveLocation(location);
  return new TextDecoder().decode(await storage.read(path));
}

/** Reads one file (path or URL) as bytes. */
export async function readBytes(location: string): Promise<Uint8Array> {
  const { storage, path } = await resolveLocation(location);
  return storage.read(path);
}

/** Writes one file (path or URL). */
export async function writeFile(location: string, body: string | Uint8Array): Promise<void> {
  const { storage, path } = await resolveLocation(location);
  await storage.write(path, body);
}

// ---------------------------------------------------------------------------------------
// Specs shared by both sides

/** An artifact to log. `value` is JSON data (for `csv`: `{ columns: { name: values } }`). */
export interface ArtifactSpec {
  name: string;
  handler: string;
  value: unknown;
  fname?: string;
  /** Writer options, named as Python's writer keywords (`indent`, `sort_keys`, ...). */
  writer?: Record<string, unknown>;
  overwrite?: boolean;
}

/** A test to log inside an experiment. */
export interface TestSpec {
  name: string;
  description?: string | null;
  metrics?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  artifacts?: ArtifactSpec[];
}

/** Changes applied to an experiment (when logging it, or later in mode `w+`). */
export interface ChangeSpec {
  metrics?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  tags?: string[];
  replace_tags?: string[];
  artifacts?: ArtifactSpec[];
  tests?: TestSpec[];
  dependencies?: Array<{ project: string; slug: string }>;
}

/** An experiment to log: created at `at`, changed at `updated` (default `at`). */
export interface ExperimentSpec extends ChangeSpec {
  name: string;
  at: string;
  updated?: string;
}

/** An edit of an existing experiment, found by slug, at clock `at`. */
export interface EditSpec extends ChangeSpec {
  slug: string;
  at: string;
}

/** A version logged into a repository at clock `at`. */
export interface VersionSpec {
  name: string;
  handler: string;
  value: unknown;
  at: string;
  fname?: string;
  writer?: Record<string, unknown>;
}

/** An expiry set on a repository version. */
export interface ExpirySpec {
  name: string;
  version: number;
  expiry: string;
  at?: string;
}

/** `2025-01-20T13:23:30` (naive UTC) as a Date. */
export const utc = (iso: string): Date => new Date(`${iso}Z`);

/** Runs `fn` with the library clock frozen at `iso`. */
export async function at<T>(iso: string, fn: () => T | Promise<T>): Promise<T> {
  const restore = setClock(() => utc(iso));
  try {
    return await fn();
  } finally {
    restore();
  }
}

/** Converts a spec value into what the TypeScript handler takes (hook for plugin handlers). */
export type ValueAdapter = (spec: ArtifactSpec) => unknown;
const adapters = new Map<string, ValueAdapter>();

/** Registers how specs of `handler` become TypeScript values. */
export function adaptValues(handler: string, adapter: ValueAdapter): void {
  adapters.set(handler, adapter);
}

function tsValue(spec: ArtifactSpec): unknown {
  return (adapters.get(spec.handler) ?? ((s) => clonePythonJson(s.value)))(spec);
}

function logArtifactInto(target: Experiment | Test, spec: ArtifactSpec): void {
  const options: Record<string, unknown> = { ...(spec.writer ?? {}) };
  if (spec.fname !== undefined) options.fname = spec.fname;
  if (spec.overwrite !== undefined) options.overwrite = spec.overwrite;
  target.logArtifact(spec.name, tsValue(spec), spec.handler, options);
}

/** Applies a change spec with the TypeScript library (same order as project_ops.py). */
export async function applyChanges(
  exp: Experiment,
  spec: ChangeSpec,
  upstream: Map<string, Project>,
  settings?: Record<string, unknown>,
): Promise<void> {
  for (const [k, v] of Object.entries(spec.metrics ?? {})) exp.logMetric(k, clonePythonJson(v));
  for (const [k, v] of Object.entries(spec.parameters ?? {})) exp.logParameter(k, clonePythonJson(v));
  if (spec.replace_tags) exp.replaceTags(...spec.replace_tags);
  if (spec.tags?.length) exp.tag(...spec.tags);
  for (const a of spec.artifacts ?? []) logArtifactInto(exp, a);
  for (const dep of spec.dependencies ?? []) {
    let project = upstream.get(dep.project);
    if (!project) {
      project = await Project.open(dep.project, { mode: "r", storage: settings });
      upstream.set(dep.project, project);
    }
    exp.addDependency(project.get(dep.slug));
  }
  for (const t of spec.tests ?? []) {
    await exp.logTest(t.name, t.description ?? null, (test) => {
      for (const [k, v] of Object.entries(t.metrics ?? {})) test.logMetric(k, clonePythonJson(v));
      for (const [k, v] of Object.entries(t.parameters ?? {})) test.logParameter(k, clonePythonJson(v));
      for (const a of t.artifacts ?? []) logArtifactInto(test, a);
    });
  }
}

/** Logs an experiment spec into a TypeScript project at the spec's clocks. */
export async function logExperiment(
  project: Project,
  spec: ExperimentSpec,
  upstream = new Map<string, Project>(),
  settings?: Record<string, unknown>,
): Promise<Experiment> {
  const restore = setClock(() => utc(spec.at));
  try {
    return await project.log(spec.name, async (exp) => {
      setClock(() => utc(spec.updated ?? spec.at));
      await applyChanges(exp, spec, upstream, settings);
    });
  } finally {
    restore();
  }
}

/** Options of {@link tsWriteProject}. */
export interface TsWriteOptions {
  mode?: "w" | "a" | "w+";
  registry?: Registry;
  settings?: Record<string, unknown>;
  saveAt?: string;
}

/** TypeScript counterpart of project_ops.py `write`: logs specs and saves; returns the manifest objects. */
export async function tsWriteProject(location: string, specs: ExperimentSpec[], options: TsWriteOptions = {}): Promise<unknown[]> {
  const project = await Project.open(location, {
    mode: options.mode ?? "w",
    author: AUTHOR,
    registry: options.registry,
    storage: options.settings,
  });
  const upstream = new Map<string, Project>();
  for (const spec of specs) await logExperiment(project, spec, upstream, options.settings);
  await at(options.saveAt ?? "2025-01-01T00:00:00", () => project.save());
  return project.toJSON();
}

/** TypeScript counterpart of repository_ops.py `write`. */
export async function tsWriteRepository(
  location: string,
  versions: VersionSpec[],
  expiries: ExpirySpec[] = [],
  mode: "w" | "w+" = "w",
  settings?: Record<string, unknown>,
): Promise<Repository> {
  const repo = await Repository.open(location, { mode, storage: settings });
  for (const v of versions) {
    await at(v.at, () => {
      const options: Record<string, unknown> = { ...(v.writer ?? {}) };
      if (v.fname !== undefined) options.fname = v.fname;
      repo.logArtifact(v.name, tsValue(v), v.handler, options);
    });
  }
  for (const e of expiries)
    await at(e.at ?? "2025-01-01T00:00:00", () => repo.setArtifactExpiry(e.name, { version: e.version, expiry: e.expiry }));
  await repo.save();
  return repo;
}

/** What the TypeScript side reads from a project, shaped like project_ops.py `read`. */
export interface ProjectView {
  experiments: unknown[];
  classes: string[];
  test_classes: string[][];
  dependencies: Record<string, Record<string, [string, string]>>;
  artifacts: Record<string, { experiment: Record<string, unknown>; tests: Array<Record<string, unknown>> }>;
}

async function loadAll(target: Experiment | Test): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const a of target.artifacts) {
    try {
      out[a.name] = { value: await target.loadArtifact(a.name) };
    } catch (err) {
      out[a.name] = { error: { type: (err as Error).name, message: (err as Error).message } };
    }
  }
  return out;
}

/** Reads a project with the TypeScript library: every field, dependency and artifact. */
export async function tsReadProject(project: Project): Promise<ProjectView> {
  const view: ProjectView = { experiments: project.toJSON(), classes: [], test_classes: [], dependencies: {}, artifacts: {} };
  for (const e of project.experiments) {
    view.classes.push(e.readOnly ? "ReadOnlyExperiment" : "Experiment");
    view.test_classes.push(e.tests.map((t) => (t.readOnly ? "ReadOnlyTest" : "Test")));
    view.dependencies[e.slug] = Object.fromEntries([...e.dependencies].map(([k, up]) => [k, [up.slug, up.project]]));
    view.artifacts[e.slug] = { experiment: await loadAll(e), tests: await Promise.all(e.tests.map((t) => loadAll(t))) };
  }
  return view;
}

/** Only the values of a view's artifact loads (drops Python's traceback and paths). */
export function loadedValues(view: { artifacts: Record<string, unknown> }): unknown {
  const strip = (r: unknown): unknown => {
    const rec = r as { value?: unknown; error?: { type: string } };
    return "value" in rec ? { value: rec.value } : { error: rec.error?.type };
  };
  const out: Record<string, unknown> = {};
  for (const [slug, a] of Object.entries(
    view.artifacts as Record<string, { experiment: Record<string, unknown>; tests: Array<Record<string, unknown>> }>,
  )) {
    out[slug] = {
      experiment: Object.fromEntries(Object.entries(a.experiment).map(([k, v]) => [k, strip(v)])),
      tests: a.tests.map((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, strip(v)]))),
    };
  }
  return out;
}

/** The artifact values a list of specs should load back as, shaped like {@link loadedValues}. */
export function expectedValues(
  specs: ExperimentSpec[],
  slugOf: (spec: ExperimentSpec) => string,
  decode: (a: ArtifactSpec) => unknown = (a) => a.value,
): unknown {
  const out: Record<string, unknown> = {};
  for (const s of specs) {
    out[slugOf(s)] = {
      experiment: Object.fromEntries((s.artifacts ?? []).map((a) => [a.name, { value: decode(a) }])),
      tests: (s.tests ?? []).map((t) => Object.fromEntries((t.artifacts ?? []).map((a) => [a.name, { value: decode(a) }]))),
    };
  }
  return out;
}

/** Lists the differing files of two snapshots: `{ path, a, b }` with texts (or sizes for binary files). */
export function snapshotDiff(
  a: Map<string, Uint8Array>,
  b: Map<string, Uint8Array>,
): Array<{ path: string; a: string | null; b: string | null }> {
  const out: Array<{ path: string; a: string | null; b: string | null }> = [];
  const text = (x: Uint8Array | undefined) => (x === undefined ? null : new TextDecoder().decode(x));
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (x && y && Buffer.compare(Buffer.from(x), Buffer.from(y)) === 0) continue;
    out.push({ path, a: text(x), b: text(y) });
  }
  return out;
}
