/**
 * Regression tests for the mismatch classes the differential test found: each runs a
 * hand-written scenario through Python lazyscribe and this library (./run.ts: same
 * files byte for byte, then each side re-saves the other's), plus the behaviour itself.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseIsoTimestamp, parseVersionString, Project, PyFloat, Repository, setClock, stamp, UnsafePathError } from "@lazyscribe/core";
import "@lazyscribe/local";
import { PYTHON, runScenarios, type ScenarioResult } from "./run.js";
import type { ArtifactSpec, ExperimentSpec, Scenario } from "./scenario.js";

/** Python lazyscribe with its real clock: an experiment logged inside another. */
const NESTED_PY = `
import json
from lazyscribe import Project
project = Project("project.json", mode="w", author="a")
with project.log("outer"):
    with project.log("inner"):
        pass
print(json.dumps([e.name for e in project.experiments]))
`;

const roots: string[] = [];
afterAll(async () => Promise.all(roots.map((r) => rm(r, { recursive: true, force: true }))));

async function root(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "lazyscribe-regression-"));
  roots.push(dir);
  return dir;
}

const experiment = (over: Partial<ExperimentSpec>): ExperimentSpec => ({
  name: "run",
  at: "2025-01-20T13:23:30",
  updated: "2025-01-20T13:23:30",
  metrics: {},
  parameters: {},
  tags: [],
  artifacts: [],
  tests: [],
  dependencies: [],
  ...over,
});

const scenario = (over: Partial<Scenario>): Scenario => ({
  upstream: [],
  experiments: [experiment({})],
  save_at: "2025-01-20T13:24:00",
  edit: null,
  repository: null,
  ...over,
});

/** Runs scenarios through both libraries; every one must be byte-identical after both re-saves. */
async function expectIdentical(...scenarios: Scenario[]): Promise<ScenarioResult[]> {
  const results = await runScenarios(await root(), scenarios);
  for (const r of results) expect({ classes: r.classes, details: r.details }).toEqual({ classes: [], details: [] });
  return results;
}

const json = (name: string, value: unknown, extra: Partial<ArtifactSpec> = {}): ArtifactSpec => ({
  name,
  handler: "json",
  value,
  ...extra,
});

describe("class 1: json writer options", () => {
  it("a string indent indents as Python's json.dump does", async () => {
    await expectIdentical(
      scenario({
        experiments: [
          experiment({
            artifacts: [
              json("spaces", { k: 1, l: [1, 2] }, { writer: { indent: "  " } }),
              json("tab", { k: 1 }, { writer: { indent: "\t", sort_keys: true } }),
              json("empty", { k: [1] }, { writer: { indent: "" } }),
              json("bool", { k: 1 }, { writer: { indent: true } }),
            ],
          }),
        ],
      }),
    );
    const dir = await root();
    const restore = setClock(() => new Date("2025-01-20T13:23:30Z"));
    try {
      const project = await Project.open(join(dir, "project.json"), { mode: "w", author: "a" });
      await project.log("run", (e) => e.logArtifact("a", { k: 1 }, "json", { indent: "  ", fname: "a.json" }));
      await project.save();
      expect(await readFile(join(dir, "run-20250120132330", "a.json"), "utf8")).toBe('{\n  "k": 1\n}');
    } finally {
      restore();
    }
  });
});

describe("class 2: user keys are plain data", () => {
  it("metrics, parameters and test metrics named __proto__ are keys, as in Python", async () => {
    await expectIdentical(
      scenario({
        experiments: [
          experiment({
            // fromEntries defines own keys; an object literal's __proto__ would set the prototype.
            metrics: Object.fromEntries([
              ["__proto__", new PyFloat(100)],
              ["constructor", 1],
            ]),
            parameters: JSON.parse('{"__proto__": [1, 2], "toString": {"__proto__": true}}') as Record<string, unknown>,
            tests: [{ name: "t", description: null, metrics: JSON.parse('{"__proto__": 0.5}'), parameters: {}, artifacts: [] }],
            artifacts: [json("v", JSON.parse('{"__proto__": {"x": 1}}'))],
          }),
        ],
      }),
    );
  });

  it("logMetric('__proto__') adds a key and the project reopens", async () => {
    const dir = await root();
    const project = await Project.open(join(dir, "project.json"), { mode: "w", author: "a" });
    const exp = await project.log("run", (e) => {
      e.logMetric("__proto__", new PyFloat(100));
      e.logParameter("__proto__", [1, 2]);
    });
    expect(Object.keys(exp.metrics)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(exp.metrics)).toBe(Object.prototype);
    await project.save();
    const again = await Project.open(join(dir, "project.json"), { mode: "r" });
    expect(Object.keys(again.experiments[0]!.metrics)).toEqual(["__proto__"]);
    expect(Object.keys(again.experiments[0]!.parameters)).toEqual(["__proto__"]);
    expect(await readFile(join(dir, "project.json"), "utf8")).toContain('"__proto__": 100.0');
  });
});

describe("class 3: years before 1000", () => {
  it("slugs, file names and timestamps of years 999 and 5 match Python, and survive a re-save", async () => {
    await expectIdentical(
      scenario({
        experiments: [
          experiment({ at: "0999-01-02T03:04:05", updated: "0999-01-02T03:04:06", artifacts: [json("a", 1)] }),
          experiment({ name: "old", at: "0005-01-02T03:04:05", updated: "0005-01-02T03:04:05", artifacts: [json("b", 2)] }),
        ],
        save_at: "0999-01-02T03:04:07",
        repository: {
          versions: [{ ...json("m", 1), at: "0005-01-02T03:04:05" }],
          promotions: [],
          expiries: [{ name: "m", version: 0, expiry: "0005-01-02T03:04:09", at: "0005-01-02T03:04:06" }],
          save_at: "0005-01-02T03:04:10",
          release: null,
        },
      }),
    );
    expect(stamp(new Date("0999-01-02T03:04:05Z"))).toBe("9990102030405");
    expect(parseIsoTimestamp("0005-01-02T03:04:05").getUTCFullYear()).toBe(5);
    expect(parseVersionString("0099-12-31T23:59:59").getUTCFullYear()).toBe(99);
  });
});

describe("class 4: names that stay inside their folder", () => {
  const odd = ["C:a.json", "50%2e.json", "a\\b.json", "tab\tname.json", "line\nbreak.json"];

  it("custom file names, repository names and promoted names Python accepts are accepted", async () => {
    await expectIdentical(
      scenario({
        experiments: [
          experiment({ artifacts: [...odd.map((fname, i) => json(`a${i}`, i, { fname })), json("new\nline", 1), json("back\\slash", 2)] }),
        ],
        repository: {
          versions: [
            { ...json("a\tb", 1), at: "2025-01-20T13:25:00" },
            { ...json("C:drive", 1, { fname: "C:a.json" }), at: "2025-01-20T13:25:00" },
          ],
          promotions: [
            { slug: "run-20250120132330", artifact: "new\nline", at: "2025-01-20T13:26:00" },
            { slug: "run-20250120132330", artifact: "back\\slash", at: "2025-01-20T13:26:00" },
          ],
          expiries: [],
          save_at: "2025-01-20T13:27:00",
          release: { tag: "v1", at: "2025-01-20T13:28:00", minimal: true },
        },
      }),
    );
  });

  it("a repository.json with an entry that would leave its folder opens; only that entry's file is refused", async () => {
    const dir = await root();
    const entry = (name: string, fname: string) => ({
      created_at: "2025-01-20T13:23:30",
      expiry: null,
      fname,
      handler: "json",
      name,
      version: 0,
    });
    await writeFile(
      join(dir, "repository.json"),
      JSON.stringify([entry("ok", "ok.json"), entry("..", "x.json"), entry("bad", "../../x.json")]),
    );
    await writeFile(join(dir, "ok.json"), "1").catch(() => undefined);
    const repo = await Repository.open(join(dir, "repository.json"), { mode: "r" });
    expect(repo.artifacts).toHaveLength(3);
    await expect(repo.loadArtifact("bad")).rejects.toThrow(UnsafePathError);
    await expect(repo.loadArtifact("bad")).rejects.toThrow(/version 0 of artifact "bad"/);
    await expect(repo.loadArtifact("..")).rejects.toThrow(UnsafePathError);
  });
});

describe("class 5: documented or matched differences", () => {
  it("an experiment logged inside another in the same millisecond sorts after it, as with Python's microsecond clock", async () => {
    const python = spawnSync(PYTHON, ["-c", NESTED_PY], { cwd: await root(), encoding: "utf8" });
    expect(python.stderr).toBe("");
    expect(python.stdout.trim()).toBe('["outer", "inner"]');
    let sameMillisecond = 0;
    for (let run = 0; run < 200 && sameMillisecond < 3; run++) {
      const project = await Project.open(join(await root(), "project.json"), { mode: "w", author: "a" });
      await project.log("outer", async () => {
        await project.log("inner", () => {});
      });
      const [first, second] = project.experiments;
      expect([first!.name, second!.name]).toEqual(["outer", "inner"]);
      if (first!.createdAt.getTime() === second!.createdAt.getTime()) sameMillisecond++;
    }
    expect(sameMillisecond).toBeGreaterThan(0);
  });

  it("under a frozen clock the two tie, and the one appended first stays first, as in Python", async () => {
    const restore = setClock(() => new Date("2025-01-20T13:23:30Z"));
    try {
      const project = await Project.open(join(await root(), "project.json"), { mode: "w", author: "a" });
      await project.log("outer", async () => {
        await project.log("inner", () => {});
      });
      expect(project.experiments.map((e) => e.name)).toEqual(["inner", "outer"]);
    } finally {
      restore();
    }
  });

  it("addDependency changes neither last_updated nor the unsaved state (Python's dependencies[k] = up)", async () => {
    const dir = await root();
    const restore = setClock(() => new Date("2025-01-20T13:23:30Z"));
    try {
      const up = await Project.open(join(dir, "up.json"), { mode: "w", author: "a" });
      await up.log("up", () => {});
      await up.save();
      const project = await Project.open(join(dir, "project.json"), { mode: "w", author: "a" });
      await project.log("run", () => {});
      await project.save();
      const edit = await Project.open(join(dir, "project.json"), { mode: "w+", author: "b" });
      setClock(() => new Date("2025-01-20T14:00:00Z"));
      const exp = edit.get("run");
      exp.addDependency(up.get("up"));
      expect(exp.dirty).toBe(false);
      expect(exp.lastUpdated.toISOString()).toBe("2025-01-20T13:23:30.000Z");
      await edit.save();
      const saved = JSON.parse(await readFile(join(dir, "project.json"), "utf8")) as Array<Record<string, unknown>>;
      expect(saved[0]!.dependencies).toEqual([`${join(dir, "up.json")}|up-20250120132330`]);
      expect(saved[0]!.last_updated_by).toBe("a");
    } finally {
      restore();
    }
    await expectIdentical(
      scenario({
        upstream: [experiment({ name: "feature build" })],
        edit: {
          author: "second",
          changes: [
            { ...experiment({}), slug: "run-20250120132330", at: "2025-01-20T13:30:00", dependencies: ["feature-build-20250120132330"] },
          ],
          add: [],
          save_at: "2025-01-20T13:31:00",
        },
      }),
    );
  });

  it("overwriting a stored artifact rewrites its file in place and leaves no file that no manifest names", async () => {
    const [r] = await runScenarios(await root(), [
      scenario({
        experiments: [experiment({ artifacts: [json("f", 1, { fname: "f.json" }), json("g", 1)] })],
        edit: {
          author: "b",
          changes: [
            {
              ...experiment({}),
              slug: "run-20250120132330",
              at: "2025-01-20T13:40:00",
              artifacts: [json("f", 2, { fname: "f.json", overwrite: true }), json("g", 2, { overwrite: true })],
            },
          ],
          add: [],
          save_at: "2025-01-20T13:41:00",
        },
      }),
    ]);
    // Same bytes as Python everywhere, except that Python keeps g's replaced file (D14).
    expect(r!.classes).toEqual(["D14"]);
    expect(r!.details).toEqual([]);
    const dir = await root();
    const restore = setClock(() => new Date("2025-01-20T13:23:30Z"));
    try {
      let project = await Project.open(join(dir, "project.json"), { mode: "w", author: "a" });
      await project.log("run", (e) => {
        e.logArtifact("f", 1, "json", { fname: "f.json" });
        e.logArtifact("g", 1, "json");
      });
      await project.save();
      project = await Project.open(join(dir, "project.json"), { mode: "w+", author: "a" });
      setClock(() => new Date("2025-01-20T13:40:00Z"));
      project.get("run").logArtifact("f", 2, "json", { fname: "f.json", overwrite: true });
      project.get("run").logArtifact("g", 2, "json", { overwrite: true });
      await project.save();
      expect((await readdir(join(dir, "run-20250120132330"))).sort()).toEqual(["f.json", "g-20250120134000.json"]);
      expect(await readFile(join(dir, "run-20250120132330", "f.json"), "utf8")).toBe("2");
    } finally {
      restore();
    }
  });

  it("of two versions with the same file name in one second, the later always gets -2", async () => {
    for (let run = 0; run < 5; run++) {
      const dir = await root();
      const restore = setClock(() => new Date("2025-01-20T13:23:30Z"));
      try {
        const repo = await Repository.open(join(dir, "repository.json"), { mode: "w" });
        for (let i = 0; i < 4; i++) repo.logArtifact("m", { i }, "json");
        await repo.save();
        expect(repo.artifacts.map((a) => [a.version, a.fname])).toEqual([
          [0, "m-20250120132330.json"],
          [1, "m-20250120132330-2.json"],
          [2, "m-20250120132330-3.json"],
          [3, "m-20250120132330-4.json"],
        ]);
        expect(await repo.loadArtifact("m", { version: 3 })).toEqual({ i: 3 });
      } finally {
        restore();
      }
    }
  });
});
