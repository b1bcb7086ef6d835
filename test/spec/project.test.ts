/** Behaviours of Python's tests/test_project.py, test_registry.py and test_utils.py, on memory and local disk. */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  InvalidArgumentError,
  ManifestError,
  NotFoundError,
  Project,
  ReadOnlyError,
  Registry,
  SaveError,
  isoSeconds,
  now,
  resolveLocation,
  setClock,
} from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

const frozen = new Date(Date.UTC(2025, 0, 20, 13, 23, 30));
const FIXTURES = new URL("../../../shared/fixtures/upstream-python/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const text = new TextDecoder();

describe("now()", () => {
  it("returns UTC wall time whatever the process time zone", () => {
    // JS Dates are instants; the library clock reads them in UTC, so 13:23:30 UTC stays 13:23:30 in files.
    const restore = setClock(() => new Date("2025-01-20T13:23:30-05:00"));
    try {
      expect(isoSeconds(now())).toBe("2025-01-20T18:23:30");
    } finally {
      restore();
    }
  });
});

describe("Registry", () => {
  it("stores, searches, checks and refuses unknown keys", async () => {
    const registry = new Registry();
    const project = await Project.open(`memory://registry-${process.pid}/project.json`, { registry });
    registry.addProject("my-project", project);
    expect([...registry.projects]).toEqual([["my-project", project]]);
    expect(registry.search(project.path, "memory")).toBe("my-project");
    expect(registry.has("my-project")).toBe(true);
    expect(() => registry.get("nope")).toThrow(NotFoundError);
  });
});

describe.each(specBackends)("project on $name", (backend) => {
  let restore: () => void;
  let root: string;
  let clock: Date;
  beforeEach(async () => {
    clock = frozen;
    restore = setClock(() => clock);
    root = await backend.freshRoot();
  });
  afterEach(() => restore());

  const location = () => `${root}/project.json`;
  const open = (mode: "r" | "a" | "w" | "w+" = "a", extra: { registry?: Registry } = {}) =>
    Project.open(location(), { mode, author: "ana", ...extra });
  const stored = async (key = location()) => {
    const { storage, path } = await resolveLocation(key);
    return text.decode(await storage.read(path));
  };
  const put = async (key: string, body: string) => {
    const { storage, path } = await resolveLocation(key);
    await storage.write(path, body);
  };
  const exists = async (key: string) => {
    const { storage, path } = await resolveLocation(key);
    return (await storage.stat(path)) !== null;
  };

  it("logs an experiment: has/get by slug and short slug, toJSON, dirty, NotFoundError", async () => {
    const project = await open();
    await project.log("My experiment", (e) => e.logMetric("name", 0.5));
    expect(project.has("my-experiment")).toBe(true);
    expect(project.has("my-experiment-20250120132330")).toBe(true);
    expect(project.experiments).toHaveLength(1);
    expect(project.get("my-experiment")).toBe(project.get("my-experiment-20250120132330"));
    expect(project.toJSON()[0]!.metrics).toEqual({ name: 0.5 });
    expect(project.experiments[0]!.dirty).toBe(true);
    expect(() => project.get("nope")).toThrow(NotFoundError);
  });

  it("get returns the newest record among same-slug logs", async () => {
    const project = await open();
    await project.log("My experiment", () => {});
    const second = await project.log("My experiment", () => {});
    expect(project.get("my-experiment")).toBe(second);
    clock = new Date(0);
    await project.log("My experiment", () => {});
    clock = frozen;
    expect(project.get("my-experiment")).toBe(second);
  });

  it("refuses an invalid mode", async () => {
    await expect(Project.open(location(), { mode: "x" as "r" })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it("appends nothing when the log block throws", async () => {
    const project = await open();
    await expect(
      project.log("bad", () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(project.experiments).toHaveLength(0);
  });

  it("refuses to log in mode r before the block runs", async () => {
    await (await open()).save();
    const project = await open("r");
    let ran = false;
    await expect(project.log("x", () => void (ran = true))).rejects.toBeInstanceOf(ReadOnlyError);
    expect(ran).toBe(false);
    expect(project.has("x")).toBe(false);
    await expect(project.save()).rejects.toBeInstanceOf(ReadOnlyError);
  });

  it("saves the exact file Python writes and clears dirty", async () => {
    const project = await open();
    const exp = await project.log("My experiment", async (e) => {
      e.logMetric("name", 0.5);
      await e.logTest("My test", (t) => {
        t.logMetric("name-subpop", 0.3);
        t.logParameter("param", "value");
      });
    });
    await project.save();
    expect(exp.dirty).toBe(false);
    expect(await stored()).toBe(
      `[
    {
        "artifacts": [],
        "author": "ana",
        "created_at": "2025-01-20T13:23:30",
        "dependencies": [],
        "last_updated": "2025-01-20T13:23:30",
        "last_updated_by": "ana",
        "metrics": {
            "name": 0.5
        },
        "name": "My experiment",
        "parameters": {},
        "short_slug": "my-experiment",
        "slug": "my-experiment-20250120132330",
        "tags": [],
        "tests": [
            {
                "artifacts": [],
                "description": null,
                "metrics": {
                    "name-subpop": 0.3
                },
                "name": "My test",
                "parameters": {
                    "param": "value"
                }
            }
        ]
    }
]`,
    );
  });

  it("an unserialisable parameter gives SaveError and writes no file", async () => {
    const project = await open();
    await project.log("run", (e) => e.logParameter("model", () => 1));
    await expect(project.save()).rejects.toBeInstanceOf(SaveError);
    expect(await exists(location())).toBe(false);
  });

  it("an unserialisable artifact gives SaveError and writes no manifest", async () => {
    const project = await open();
    await project.log("run", (e) => {
      e.logArtifact("bad", { f: () => 1 }, "json");
    });
    await expect(project.save()).rejects.toBeInstanceOf(SaveError);
    expect(await exists(location())).toBe(false);
  });

  it("a failed save of a w+ project leaves the earlier file intact", async () => {
    const first = await open();
    await first.log("run", (e) => e.logMetric("m", 1));
    await first.save();
    const before = await stored();
    const project = await open("w+");
    project.get("run").logParameter("bad", Symbol("x"));
    await expect(project.save()).rejects.toBeInstanceOf(SaveError);
    expect(await stored()).toBe(before);
  });

  it("saves artifacts to dir/slug/fname and clears experiment and artifact flags", async () => {
    const project = await open();
    const exp = await project.log("run", (e) => {
      e.logArtifact("features", { a: [1, 2] }, "json");
      e.logArtifact("nested", [1], "json", { fname: "sub/dir/nested.json" });
    });
    await project.save();
    expect(await stored(`${root}/run-20250120132330/features-20250120132330.json`)).toBe('{"a": [1, 2]}');
    expect(await stored(`${root}/run-20250120132330/sub/dir/nested.json`)).toBe("[1]");
    expect(exp.dirty).toBe(false);
    expect(exp.artifacts.every((a) => !a.dirty)).toBe(true);
  });

  it("does not rewrite artifacts of read-only or clean experiments (deleted files stay deleted)", async () => {
    const project = await open();
    await project.log("run", (e) => {
      e.logArtifact("a", 1, "json");
    });
    await project.save();
    const file = `${root}/run-20250120132330/a-20250120132330.json`;
    const { storage, path } = await resolveLocation(file);
    await storage.delete(path);
    for (const mode of ["a", "w+"] as const) {
      const again = await open(mode);
      await again.save();
      expect(await exists(file)).toBe(false);
    }
    await project.save();
    expect(await exists(file)).toBe(false);
  });

  it("w+ loads editable experiments; editing sets dirty; save bumps last_updated_by", async () => {
    await put(location(), fixture("project.json"));
    const project = await open("w+");
    const exp = project.get("my-experiment");
    expect(exp.readOnly).toBe(false);
    expect(exp.lastUpdatedBy).toBe("root");
    expect(exp.dirty).toBe(false);
    exp.logMetric("new", 1);
    expect(exp.dirty).toBe(true);
    expect(isoSeconds(exp.lastUpdated)).toBe("2025-01-20T13:23:30");
    await project.save();
    expect(exp.lastUpdatedBy).toBe("ana");
    const saved = JSON.parse(await stored()) as Array<{ last_updated_by: string; metrics: object }>;
    expect(saved[0]!.last_updated_by).toBe("ana");
    expect(saved[0]!.metrics).toEqual({ name: 0.5, new: 1 });
  });

  it("r loads read-only experiments and tests", async () => {
    await put(location(), fixture("project.json"));
    const project = await open("r");
    const exp = project.get("my-experiment");
    expect(exp.readOnly).toBe(true);
    expect(exp.tests[0]!.readOnly).toBe(true);
    await expect(project.save()).rejects.toBeInstanceOf(ReadOnlyError);
  });

  it("loads every upstream fixture", async () => {
    for (const name of [
      "project.json",
      "merge_append.json",
      "merge_distinct.json",
      "merge_update.json",
      "project_with_test_artifacts.json",
    ]) {
      await put(`${root}/${name}`, fixture(name));
      const project = await Project.open(`${root}/${name}`, { mode: "r" });
      expect(project.experiments.length).toBeGreaterThan(0);
    }
  });

  it("resolves path-based dependencies, and registry-keyed ones", async () => {
    const upstreamLocation = `${root}/upstream.json`;
    const up = await Project.open(upstreamLocation, { author: "ana" });
    const feats = await up.log("set features", () => {});
    await up.save();
    const registry = new Registry();
    const down = await open("a", { registry });
    await down.log("model", (e) => e.addDependency(feats));
    await down.save();
    const reread = await open("r", { registry });
    const dep = reread.get("model").dependencies.get("set-features");
    expect(dep?.slug).toBe(feats.slug);

    const upReopened = await Project.open(upstreamLocation, { mode: "r", registry });
    registry.addProject("upstream-project", upReopened);
    const keyed = await Project.open(`${root}/keyed.json`, { author: "ana", registry });
    await keyed.log("model", (e) => e.addDependency(upReopened.get("set-features")));
    await keyed.save();
    expect(JSON.parse(await stored(`${root}/keyed.json`))[0].dependencies).toEqual([`upstream-project|${feats.slug}`]);
    const again = await Project.open(`${root}/keyed.json`, { mode: "r", registry });
    expect(again.get("model").dependencies.get("set-features")?.slug).toBe(feats.slug);
  });

  it("an experiment may depend on another in the same project, and the file reopens", async () => {
    const project = await open();
    const features = await project.log("features", () => {});
    await project.log("model", (e) => e.addDependency(features));
    await project.save();
    const reopened = await open("r");
    expect(reopened.get("model").dependencies.get("features")).toBe(reopened.get("features"));
  });

  it("loads the down-project fixture through the registry", async () => {
    await put(`${root}/up.json`, fixture("project.json"));
    await put(location(), fixture("down-project.json"));
    const registry = new Registry();
    const deps = JSON.parse(fixture("down-project.json"))[0].dependencies as string[];
    registry.addProject(deps[0]!.split("|")[0]!, await Project.open(`${root}/up.json`, { mode: "r" }));
    const project = await open("r", { registry });
    expect(project.experiments[0]!.dependencies.size).toBe(1);
  });

  it("merge: appended, distinct and updated experiments", async () => {
    await put(`${root}/base.json`, fixture("project.json"));
    for (const [name, expected] of [
      ["merge_append.json", 2],
      ["merge_distinct.json", 2],
    ] as const) {
      await put(`${root}/${name}`, fixture(name));
      const base = await Project.open(`${root}/base.json`, { mode: "r" });
      const other = await Project.open(`${root}/${name}`, { mode: "r" });
      const merged = base.merge(other);
      expect(merged.experiments).toHaveLength(expected);
      const created = merged.experiments.map((e) => e.createdAt.getTime());
      expect([...created].sort((a, b) => a - b)).toEqual(created);
    }
    await put(`${root}/merge_update.json`, fixture("merge_update.json"));
    const base = await Project.open(`${root}/base.json`, { mode: "r" });
    const update = await Project.open(`${root}/merge_update.json`, { mode: "r" });
    const merged = base.merge(update);
    const newest = Math.max(...update.experiments.map((e) => e.lastUpdated.getTime()));
    expect(merged.experiments.some((e) => e.lastUpdated.getTime() === newest)).toBe(true);
    expect(new Set(merged.experiments.map((e) => e.slug)).size).toBe(merged.experiments.length);
  });

  it("merge ties go to the later project, as Python does", async () => {
    const a = await open("w");
    const b = await open("w");
    const ea = await a.log("same", (e) => e.logMetric("from", "a"));
    const eb = await b.log("same", (e) => e.logMetric("from", "b"));
    expect(ea.lastUpdated.getTime()).toBe(eb.lastUpdated.getTime());
    expect(a.merge(b).experiments).toEqual([eb]);
  });

  it("filter returns the matching experiments", async () => {
    const project = await open();
    await project.log("a", (e) => e.logMetric("m", 1));
    await project.log("b", (e) => e.logMetric("m", 2));
    expect(project.filter((e) => (e.metrics.m as number) > 1).map((e) => e.name)).toEqual(["b"]);
  });

  it("saves test artifacts to dir/slug/test-slug/fname and loads them back clean", async () => {
    const project = await open();
    await project.log("run", async (e) => {
      await e.logTest("Region A", (t) => {
        t.logArtifact("sub", { v: 1 }, "json");
      });
    });
    await project.save();
    expect(await stored(`${root}/run-20250120132330/region-a/sub-20250120132330.json`)).toBe('{"v": 1}');
    expect(JSON.parse(await stored())[0].tests[0].artifacts[0].handler).toBe("json");
    const reread = await open("r");
    const test = reread.get("run").tests[0]!;
    expect(test.artifacts[0]!.dirty).toBe(false);
    expect(test.path).toBe(`${reread.dir}/run-20250120132330/region-a`);
    expect(await test.loadArtifact("sub")).toEqual({ v: 1 });
  });

  it("loads the fixture with test artifacts, and old tests without an artifacts key", async () => {
    await put(location(), fixture("project_with_test_artifacts.json"));
    const project = await open("r");
    const arts = project.experiments.flatMap((e) => e.tests.flatMap((t) => t.artifacts));
    expect(arts.length).toBeGreaterThan(0);
    expect(arts.every((a) => !a.dirty)).toBe(true);
    await put(`${root}/old.json`, fixture("project.json"));
    const old = await Project.open(`${root}/old.json`, { mode: "r" });
    expect(old.experiments[0]!.tests[0]!.artifacts).toEqual([]);
  });

  it("writes a test artifact added to a clean loaded experiment", async () => {
    const project = await open();
    await project.log("run", async (e) => {
      await e.logTest("t", () => {});
    });
    await project.save();
    const editable = await open("w+");
    const test = editable.get("run").tests[0]!;
    test.logArtifact("late", [1], "json");
    expect(editable.get("run").dirty).toBe(false);
    await editable.save();
    expect(await (await open("r")).get("run").tests[0]!.loadArtifact("late")).toEqual([1]);
  });

  it("rejects a malformed project.json with a ManifestError naming the entry, and changes nothing", async () => {
    await put(location(), '[{"name": "x", "created_at": "2025-01-01T00:00:00", "last_updated": "2025-01-01T00:00:00", "bogus": 1}]');
    const err = await open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect(String((err as Error).message)).toContain("entry 0");
    await put(location(), '[{"name": "x"}]');
    await expect(open()).rejects.toBeInstanceOf(ManifestError);
    await put(location(), "{not json");
    await expect(open()).rejects.toBeInstanceOf(ManifestError);
    expect(await stored()).toBe("{not json");
  });

  it("logs 100 concurrent experiments exactly once each, in created_at order", async () => {
    restore();
    restore = setClock(() => new Date());
    const project = await open();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        project.log(`exp ${i}`, async (e) => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          e.logMetric("i", i);
        }),
      ),
    );
    expect(project.experiments).toHaveLength(100);
    const times = project.experiments.map((e) => e.createdAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
