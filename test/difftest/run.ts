/**
 * The differential test: random scenarios ({@link scenario}) run by the real Python
 * lazyscribe (one process per batch, python/difftest.py) and by this library with the
 * clock frozen, compared byte for byte; then each side re-saves the other's files in
 * `w+`, and nothing may change except what Python's re-save of its own files changes.
 *
 * Every difference is classified: a documented one (docs/compatibility.md, named by
 * its D-number) or a mismatch. The in-suite test and `npm run difftest` both use
 * {@link runDifftest}.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { decodePythonJson, defaultFileName, encodePythonJson, slugify } from "@lazyscribe/core";
import { scenario, slugOf, type ArtifactSpec, type ChangeSpec, type Scenario } from "./scenario.js";
import { tsResave, tsWrite } from "./typescript-side.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SCRIPT = fileURLToPath(new URL("./python/difftest.py", import.meta.url));
/** The venv's interpreter (`npm run tools`); LAZYSCRIBE_PYTHON overrides it. */
export const PYTHON = process.env.LAZYSCRIBE_PYTHON || join(REPO_ROOT, ".tools/venv/bin/python");

/** Clock of the re-saves. */
const RESAVE_AT = "2030-01-01T00:00:00";

/** What one scenario gave. */
export interface ScenarioResult {
  index: number;
  /** `identical`, `documented` (only documented differences) or `mismatch`. */
  verdict: "identical" | "documented" | "mismatch";
  /** Difference classes found (D-numbers for documented ones, names for mismatches). */
  classes: string[];
  /** Human-readable details of each mismatch. */
  details: string[];
}

/** Totals of a run. */
export interface DifftestSummary {
  seed: number;
  scenarios: number;
  identical: number;
  documented: number;
  mismatches: number;
  /** Scenarios per difference class. */
  byClass: Record<string, number>;
  results: ScenarioResult[];
  seconds: number;
}

type Files = Map<string, Buffer>;

async function snapshot(dir: string): Promise<Files> {
  const out: Files = new Map();
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else out.set(relative(dir, full), await readFile(full));
    }
  };
  await walk(dir);
  return out;
}

function runPython(phase: "write" | "resave", jobs: object[]): Array<{ outcomes?: string[]; crash?: string }> {
  const run = spawnSync(PYTHON, [SCRIPT], {
    input: encodePythonJson({ phase, jobs }),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    maxBuffer: 1 << 28,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`difftest.py exited with ${run.status}:\n${run.stderr.toString()}`);
  return decodePythonJson(run.stdout.toString()) as Array<{ outcomes?: string[]; crash?: string }>;
}

async function inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const home = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(home);
  }
}

const MANIFESTS: Array<{ kind: "project" | "repository"; path: string }> = [
  { kind: "project", path: "up/project.json" },
  { kind: "project", path: "proj/project.json" },
  { kind: "repository", path: "repo/repository.json" },
  { kind: "repository", path: "minimal/repository.json" },
];

/** Documented causes a scenario can show, decided from the scenario itself. */
function expectedDifferences(sc: Scenario): Set<string> {
  const out = new Set<string>();
  // D5: two files given the same name in one folder (Python writes the second over the first).
  const seen = new Map<string, string>();
  const claim = (folder: string, owner: string, a: ArtifactSpec, at: string) => {
    const key = `${folder}\u0000${a.fname ?? defaultFileName(a.name, utc(at), SUFFIX[a.handler])}`;
    // Only an overwrite of the same artifact may reuse its file; two experiments can share a slug (and folder).
    if (seen.has(key) && !(a.overwrite && seen.get(key) === `${owner}\u0000${a.name}`)) out.add("D5");
    seen.set(key, `${owner}\u0000${a.name}`);
  };
  const claimAll = (slug: string, owner: string, c: ChangeSpec, at: string) => {
    for (const a of c.artifacts) claim(slug, owner, a, at);
    // A test whose name slugifies to "" shares the experiment's folder, on both sides.
    for (const t of c.tests) for (const a of t.artifacts) claim(slugify(t.name) ? `${slug}/${slugify(t.name)}` : slug, owner, a, at);
  };
  const slugs = sc.experiments.map((e) => slugOf(e));
  sc.experiments.forEach((e, i) => claimAll(slugs[i]!, String(i), e, e.updated));
  // An edit changes the last experiment with the slug in the file's order (Python's project[slug], TypeScript's get):
  // the one updated last, and of those the one logged last.
  const newest = (slug: string) =>
    sc.experiments.reduce((best, e, i) => (slugs[i] === slug && (best < 0 || e.updated >= sc.experiments[best]!.updated) ? i : best), -1);
  for (const c of sc.edit?.changes ?? []) claimAll(c.slug, String(newest(c.slug)), c, c.at);
  (sc.edit?.add ?? []).forEach((e, i) => claimAll(slugOf(e), `add${i}`, e, e.updated));
  for (const v of sc.repository?.versions ?? []) claim(`repo/${v.name}`, "repo", v, v.at);
  // D14: an overwrite that changes an artifact's file name leaves the old file in Python only.
  if (sc.edit?.changes.some((c) => c.artifacts.some((a) => a.overwrite))) out.add("D14");
  // D16: an artifact named "." or ".." promoted into a repository (Python writes beside repository.json or above it).
  if (sc.repository?.promotions.some((p) => p.artifact === "." || p.artifact === "..")) out.add("D16");
  // D15: Python cannot build a minimal repository from a release with no artifacts.
  if (sc.repository?.release?.minimal) out.add("D15");
  return out;
}

const SUFFIX = { json: "json", yaml: "yaml", csv: "csv" } as const;
const utc = (iso: string): Date => new Date(`${iso}Z`);

function pyFilesHaveMinimal(files: Files): boolean {
  return [...files.keys()].some((k) => k.startsWith("minimal/"));
}

function text(b: Buffer | undefined): string {
  return b === undefined ? "(absent)" : JSON.stringify(b.toString("utf8").slice(0, 600));
}

/** Classifies the differing files of two snapshots. */
function compareFiles(a: Files, b: Files, allowed: Set<string>, label: string, classes: Set<string>, details: string[]): void {
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (x && y && x.equals(y)) continue;
    const area = path.split("/")[0]!;
    if (allowed.has("D5") || allowed.has("D16")) {
      classes.add(allowed.has("D5") ? "D5" : "D16");
      continue;
    }
    if (allowed.has("D14") && area === "proj" && x && !y && !path.endsWith("project.json")) {
      classes.add("D14");
      continue;
    }
    const kind = path.endsWith("project.json")
      ? "project.json"
      : path.endsWith("repository.json")
        ? "repository.json"
        : path.endsWith("releases.json")
          ? "releases.json"
          : !x || !y
            ? "file set"
            : "artifact file";
    classes.add(`${label}: ${kind}`);
    details.push(`${label}: ${path}\n  python:     ${text(x)}\n  typescript: ${text(y)}`);
  }
}

/** Runs scenarios `0 .. n-1` of `seed` through both libraries and compares them. */
export async function runDifftest(options: { n: number; seed: number; keep?: boolean; only?: number[] }): Promise<DifftestSummary> {
  const started = Date.now();
  const all = fc.sample(scenario, { numRuns: options.only ? Math.max(...options.only) + 1 : options.n, seed: options.seed });
  const scenarios = options.only ? options.only.map((i) => all[i]!) : all;
  const base = await mkdtemp(join(tmpdir(), "lazyscribe-difftest-"));
  try {
    const results = await runScenarios(base, scenarios);
    const byClass: Record<string, number> = {};
    for (const r of results) for (const c of r.classes) byClass[c] = (byClass[c] ?? 0) + 1;
    return {
      seed: options.seed,
      scenarios: results.length,
      identical: results.filter((r) => r.verdict === "identical").length,
      documented: results.filter((r) => r.verdict === "documented").length,
      mismatches: results.filter((r) => r.verdict === "mismatch").length,
      byClass,
      results,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    if (!options.keep) await rm(base, { recursive: true, force: true });
  }
}

/** Runs and compares a list of scenarios under `base`. */
export async function runScenarios(base: string, scenarios: Scenario[]): Promise<ScenarioResult[]> {
  const dirs = scenarios.map((_, i) => join(base, String(i)));
  for (const d of dirs) for (const side of ["py", "ts"]) await mkdir(join(d, side), { recursive: true });
  // One scenario's text is what both sides read: the same floats, integers and key order.
  const texts = scenarios.map((s) => encodePythonJson(s));
  const pyWrite = runPython(
    "write",
    dirs.map((d, i) => ({ root: join(d, "py"), scenario: decodePythonJson(texts[i]!) })),
  );
  const tsOutcomes: Array<string[] | string> = [];
  for (const [i, d] of dirs.entries()) {
    try {
      tsOutcomes.push(await inDir(join(d, "ts"), () => tsWrite(decodePythonJson(texts[i]!) as Scenario)));
    } catch (err) {
      tsOutcomes.push(`${(err as Error).name}: ${(err as Error).message}`);
    }
  }
  // Re-saves: Python its own files and TypeScript's, TypeScript Python's.
  const resaveJobs: object[] = [];
  const existing: Array<Array<{ kind: "project" | "repository"; path: string }>> = [];
  for (const d of dirs) {
    await cp(join(d, "py"), join(d, "py-by-py"), { recursive: true });
    await cp(join(d, "py"), join(d, "py-by-ts"), { recursive: true });
    await cp(join(d, "ts"), join(d, "ts-by-py"), { recursive: true });
    const py = await snapshot(join(d, "py"));
    const files = MANIFESTS.filter((m) => py.has(m.path));
    existing.push(files);
    resaveJobs.push({ root: join(d, "py-by-py"), files, at: RESAVE_AT }, { root: join(d, "ts-by-py"), files, at: RESAVE_AT });
  }
  const pyResave = runPython("resave", resaveJobs);
  const results: ScenarioResult[] = [];
  for (const [i, d] of dirs.entries()) {
    const classes = new Set<string>();
    const details: string[] = [];
    const allowed = expectedDifferences(scenarios[i]!);
    const py = pyWrite[i]!;
    const ts = tsOutcomes[i]!;
    if (py.crash) {
      classes.add("python crash");
      details.push(`python crashed: ${py.crash}`);
    } else if (typeof ts === "string") {
      classes.add("typescript crash");
      details.push(`typescript crashed: ${ts}`);
    } else if (
      allowed.has("D15") &&
      py.outcomes!.at(-1) === "FileNotFoundError" &&
      ts.at(-1) === "ok" &&
      JSON.stringify(py.outcomes!.slice(0, -1)) === JSON.stringify(ts.slice(0, -1)) &&
      !pyFilesHaveMinimal(await snapshot(join(d, "py")))
    ) {
      classes.add("D15");
      await rm(join(d, "ts", "minimal"), { recursive: true, force: true });
      await rm(join(d, "ts-by-py", "minimal"), { recursive: true, force: true });
    } else if (allowed.has("D16") && JSON.stringify(py.outcomes) !== JSON.stringify(ts)) {
      classes.add("D16");
    } else if (JSON.stringify(py.outcomes) !== JSON.stringify(ts)) {
      classes.add("outcome");
      details.push(`outcomes differ:\n  python:     ${JSON.stringify(py.outcomes)}\n  typescript: ${JSON.stringify(ts)}`);
    }
    const pyFiles = await snapshot(join(d, "py"));
    const tsFiles = await snapshot(join(d, "ts"));
    compareFiles(pyFiles, tsFiles, allowed, "write", classes, details);

    let tsResaveOutcomes: string[];
    try {
      tsResaveOutcomes = await inDir(join(d, "py-by-ts"), () => tsResave(existing[i]!, RESAVE_AT));
    } catch (err) {
      tsResaveOutcomes = [`crash ${(err as Error).message}`];
    }
    const pyOwn = pyResave[2 * i]!;
    const pyOfTs = pyResave[2 * i + 1]!;
    if (JSON.stringify(pyOwn.outcomes) !== JSON.stringify(tsResaveOutcomes)) {
      classes.add("re-save outcome");
      details.push(
        `re-save of Python's files:\n  python:     ${JSON.stringify(pyOwn.outcomes)}\n  typescript: ${JSON.stringify(tsResaveOutcomes)}`,
      );
    }
    const pyByPy = await snapshot(join(d, "py-by-py"));
    compareFiles(pyByPy, await snapshot(join(d, "py-by-ts")), allowed, "TypeScript re-save of Python's files", classes, details);
    // Python's re-save of TypeScript's files may change only what it changes in its own.
    const tsByPy = await snapshot(join(d, "ts-by-py"));
    const expected: Files = new Map();
    for (const path of new Set([...tsFiles.keys(), ...tsByPy.keys()])) {
      const changedInOwn = !(pyFiles.get(path)?.equals(pyByPy.get(path) ?? Buffer.alloc(0)) ?? false);
      const same = pyFiles.get(path) && tsFiles.get(path)?.equals(pyFiles.get(path)!);
      const want = same && changedInOwn ? pyByPy.get(path) : changedInOwn && tsByPy.has(path) ? tsByPy.get(path) : tsFiles.get(path);
      if (want) expected.set(path, want);
    }
    if (JSON.stringify(pyOfTs.outcomes) !== JSON.stringify(pyOwn.outcomes)) {
      classes.add("re-save outcome");
      details.push(
        `Python re-saving TypeScript's files: ${JSON.stringify(pyOfTs.outcomes)} (own files: ${JSON.stringify(pyOwn.outcomes)})`,
      );
    }
    compareFiles(expected, tsByPy, allowed, "Python re-save of TypeScript's files", classes, details);
    const documentedOnly = [...classes].every((c) => /^D\d+$/.test(c));
    results.push({
      index: i,
      verdict: classes.size === 0 ? "identical" : documentedOnly ? "documented" : "mismatch",
      classes: [...classes].sort(),
      details,
    });
  }
  return results;
}

/** A scenario's text for a report (what both sides were given). */
export function scenarioText(s: Scenario): string {
  return encodePythonJson(s, { indent: 1 });
}

/** Shrinks a failing scenario of `seed` (index `index`) with fast-check and returns the smallest one found. */
export async function shrink(seed: number, index: number): Promise<{ scenario: Scenario; result: ScenarioResult } | null> {
  let last: { scenario: Scenario; result: ScenarioResult } | null = null;
  const base = await mkdtemp(join(tmpdir(), "lazyscribe-difftest-shrink-"));
  let k = 0;
  try {
    await fc.check(
      fc.asyncProperty(scenario, async (s) => {
        const [result] = await runScenarios(join(base, String(k++)), [s]);
        if (result!.verdict !== "mismatch") return true;
        last = { scenario: s, result: result! };
        return false;
      }),
      { seed, path: String(index), numRuns: 1, endOnFailure: false, maxSkipsPerRun: 0 },
    );
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  return last;
}
