/** Projects the report suites look at: one written by Python lazyscribe, a hostile one, and large ones. */
import { spawnSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Project, Repository, encodePythonJson } from "lazyscribe";
import { PYTHON, requirePython } from "../interop/harness.js";

/** A fresh temporary folder. */
export function freshFolder(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `lazyscribe-report-${label}-`));
}

/** Writes the project, repository and releases of python/write_fixture.py with the real Python lazyscribe. */
export async function pythonFixture(): Promise<string> {
  requirePython();
  const dir = await freshFolder("python");
  const script = fileURLToPath(new URL("./python/write_fixture.py", import.meta.url));
  const run = spawnSync(PYTHON, [script, dir], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`write_fixture.py failed:\n${run.stderr}`);
  return dir;
}

/** Markup and script that must show as text: each would run or inject if the page treated data as HTML. */
export const HOSTILE = {
  name: `<img src=x onerror="window.__pwned='name'">`,
  script: `</script><script>window.__pwned='script'</script>`,
  url: "javascript:window.__pwned='url'",
  svg: `<svg onload="window.__pwned='svg'"></svg>`,
  comment: "<!--",
  separators: "line\u2028separator\u2029end",
};

/** A project (and repository) whose every name and value is hostile markup. */
export async function hostileFixture(): Promise<string> {
  const dir = await freshFolder("hostile");
  const project = await Project.open(join(dir, "project.json"), { mode: "w", author: HOSTILE.name });
  await project.log(HOSTILE.name, async (exp) => {
    exp.logParameter(HOSTILE.script, HOSTILE.url);
    exp.logParameter("depth", 3);
    exp.logMetric(HOSTILE.svg, 0.5);
    exp.logMetric("auc", 0.7);
    exp.tag(HOSTILE.url, HOSTILE.script, HOSTILE.comment);
    exp.logArtifact(HOSTILE.name, { html: HOSTILE.script }, "json", { fname: "x<script>.json" });
    await exp.logTest(HOSTILE.script, HOSTILE.name, (t) => t.logMetric("auc", 0.6));
  });
  await project.log(HOSTILE.script, (exp) => {
    exp.logParameter("depth", 4);
    exp.logParameter(HOSTILE.script, HOSTILE.separators);
    exp.logMetric("auc", 0.8);
    exp.tag(HOSTILE.name);
  });
  await project.save();
  const repository = await Repository.open(join(dir, "repository.json"), { mode: "w" });
  repository.logArtifact(HOSTILE.name, `${HOSTILE.script}\n${HOSTILE.name}\n`, "text");
  await repository.save();
  return dir;
}

/** A project of `count` experiments (10 parameters, 5 metrics, 2 tags each) written as one manifest, with no artifact files. */
export async function largeFixture(count: number): Promise<string> {
  const dir = await freshFolder(`large-${count}`);
  const base = Date.UTC(2026, 0, 1);
  const entries = Array.from({ length: count }, (_, i) => {
    const created = new Date(base + i * 60_000).toISOString().slice(0, 19);
    const name = `run ${i}`;
    return {
      artifacts: [],
      author: `author-${i % 7}`,
      created_at: created,
      dependencies: [],
      last_updated: created,
      last_updated_by: `author-${i % 7}`,
      metrics: Object.fromEntries(Array.from({ length: 5 }, (_, m) => [`metric_${m}`, Math.round(Math.sin(i + m) * 1e6) / 1e6])),
      name,
      parameters: Object.fromEntries(
        Array.from({ length: 10 }, (_, p) => [`param_${p}`, p % 3 === 0 ? `choice-${(i + p) % 4}` : (i * (p + 1)) % 97]),
      ),
      short_slug: `run-${i}`,
      slug: `run-${i}-${created.replace(/[-:T]/g, "")}`,
      tags: [`group-${i % 10}`, i % 2 ? "odd" : "even"],
      tests: [],
    };
  });
  const { writeFile } = await import("node:fs/promises");
  await writeFile(join(dir, "project.json"), encodePythonJson(entries, { indent: 4, sortKeys: true }));
  return dir;
}
