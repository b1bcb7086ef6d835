/** Behaviours of Python's tests/test_experiment.py, on memory and local disk. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ArtifactLoadError,
  ArtifactLogError,
  experimentLess,
  Project,
  ReadOnlyError,
  registerHandler,
  setClock,
  type ArtifactHandler,
} from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

const frozen = new Date(Date.UTC(2025, 0, 20, 13, 23, 30));

describe.each(specBackends)("experiment on $name", (backend) => {
  let restore: () => void;
  let root: string;
  beforeEach(async () => {
    restore = setClock(() => frozen);
    root = await backend.freshRoot();
  });
  afterEach(() => restore());

  const open = (mode: "r" | "a" | "w" | "w+" = "a") => Project.open(`${root}/project.json`, { mode, author: "ana" });

  it("has Python's defaults: dir, slugs, path, display string, dirty", async () => {
    const project = await open();
    const exp = await project.log("My experiment", () => {});
    expect(exp.dir).toBe(project.dir);
    expect(exp.shortSlug).toBe("my-experiment");
    expect(exp.slug).toBe("my-experiment-20250120132330");
    expect(exp.path).toBe(`${project.dir}/my-experiment-20250120132330`);
    expect(String(exp)).toContain("Experiment");
    expect(exp.dirty).toBe(true);
  });

  it("records metrics, parameters, tags and tests; tags append and replace", async () => {
    const project = await open();
    const exp = await project.log("run", async (e) => {
      e.logMetric("acc", 0.9);
      e.logParameter("features", ["a", "b"]);
      e.tag("first");
      e.tag("second", "third");
      await e.logTest("Region A", "desc", (t) => t.logMetric("acc", 0.5));
    });
    expect(exp.metrics).toEqual({ acc: 0.9 });
    expect(exp.parameters).toEqual({ features: ["a", "b"] });
    expect(exp.tags).toEqual(["first", "second", "third"]);
    exp.replaceTags("only");
    expect(exp.tags).toEqual(["only"]);
    exp.replaceTags();
    expect(exp.tags).toEqual([]);
    expect(exp.tests.map((t) => [t.name, t.description, t.metrics])).toEqual([["Region A", "desc", { acc: 0.5 }]]);
  });

  it("drops a test whose block throws", async () => {
    const project = await open();
    const exp = await project.log("run", () => {});
    await expect(
      exp.logTest("bad", () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(exp.tests).toEqual([]);
  });

  it("serialises to the exact 13-key object", async () => {
    const project = await open();
    const exp = await project.log("My experiment", async (e) => {
      e.logMetric("name", 0.5);
      await e.logTest("My test", (t) => t.logMetric("name-subpop", 0.3));
    });
    expect(exp.toJSON()).toEqual({
      artifacts: [],
      author: "ana",
      created_at: "2025-01-20T13:23:30",
      dependencies: [],
      last_updated: "2025-01-20T13:23:30",
      last_updated_by: "ana",
      metrics: { name: 0.5 },
      name: "My experiment",
      parameters: {},
      short_slug: "my-experiment",
      slug: "my-experiment-20250120132330",
      tags: [],
      tests: [{ artifacts: [], description: null, metrics: { "name-subpop": 0.3 }, name: "My test", parameters: {} }],
    });
  });

  it("lists a logged json artifact with Python's metadata and marks the experiment dirty", async () => {
    const project = await open();
    const exp = await project.log("run", (e) => {
      e.logArtifact("features", [1, 2], "json");
    });
    expect(exp.toJSON().artifacts).toEqual([
      {
        created_at: "2025-01-20T13:23:30",
        expiry: null,
        fname: "features-20250120132330.json",
        handler: "json",
        name: "features",
        version: 0,
      },
    ]);
    expect(exp.dirty).toBe(true);
  });

  it("refuses a duplicate artifact name unless overwrite is set", async () => {
    const project = await open();
    const exp = await project.log("run", (e) => {
      e.logArtifact("a", 1, "json");
    });
    expect(() => exp.logArtifact("a", 2, "json")).toThrow(ArtifactLogError);
    expect(exp.artifacts[0]!.value).toBe(1);
    exp.logArtifact("a", 3, "json", { overwrite: true });
    expect(exp.artifacts).toHaveLength(1);
    expect(exp.artifacts[0]!.value).toBe(3);
  });

  it("loads an artifact after save, and fails clearly for an unknown name", async () => {
    const project = await open();
    const exp = await project.log("run", (e) => {
      e.logArtifact("a", { x: [1, 2.5] }, "json");
    });
    await project.save();
    expect(await exp.loadArtifact("a")).toEqual({ x: [1, 2.5] });
    await expect(exp.loadArtifact("nope")).rejects.toBeInstanceOf(ArtifactLoadError);
  });

  it("fails validation when the stored environment differs (pickle-like handler)", async () => {
    let runtime = "3.11";
    const handler: ArtifactHandler<string> = {
      alias: "envtest",
      suffix: "txt",
      binary: false,
      outputOnly: false,
      environment: () => ({ python_version: runtime }),
      encode: (v) => v,
      decode: (d) => new TextDecoder().decode(d),
    };
    registerHandler(handler);
    const project = await open();
    const exp = await project.log("run", (e) => {
      e.logArtifact("m", "model", "envtest");
    });
    await project.save();
    expect(exp.toJSON().artifacts[0]).toMatchObject({ python_version: "3.11" });
    runtime = "2.7";
    const reopened = await open("r");
    await expect(reopened.get("run").loadArtifact("m")).rejects.toBeInstanceOf(ArtifactLoadError);
    expect(await reopened.get("run").loadArtifact("m", { validate: false })).toBe("model");
  });

  it("serialises a dependency as <project path>|<upstream slug>", async () => {
    const upstreamProject = await Project.open(`${root}/other-project.json`, { author: "ana" });
    const upstream = await upstreamProject.log("features", () => {});
    await upstreamProject.save();
    const project = await open();
    const exp = await project.log("model", (e) => e.addDependency(upstream));
    expect(exp.toJSON().dependencies).toEqual([`${upstreamProject.path}|features-20250120132330`]);
  });

  it("read-only experiments and tests refuse every mutation", async () => {
    const project = await open();
    await project.log("run", async (e) => {
      e.logMetric("m", 1);
      await e.logTest("t", () => {});
    });
    await project.save();
    const ro = (await open("a")).get("run");
    expect(ro.readOnly).toBe(true);
    expect(String(ro)).toContain("ReadOnlyExperiment");
    expect(() => ro.logMetric("m", 2)).toThrow(ReadOnlyError);
    expect(() => ro.logParameter("p", 2)).toThrow(ReadOnlyError);
    expect(() => ro.tag("x")).toThrow(ReadOnlyError);
    expect(() => ro.logArtifact("a", 1, "json")).toThrow(ReadOnlyError);
    await expect(ro.logTest("t2", () => {})).rejects.toBeInstanceOf(ReadOnlyError);
    expect(() => {
      ro.metrics.m = 5;
    }).toThrow(ReadOnlyError);
    const test = ro.tests[0]!;
    expect(() => test.logMetric("a", 1)).toThrow(ReadOnlyError);
    expect(() => test.logParameter("a", 1)).toThrow(ReadOnlyError);
    expect(() => test.logArtifact("a", 1, "json")).toThrow(ReadOnlyError);
    expect(() => test.logArtifact("a", 1, "json", { overwrite: true })).toThrow(ReadOnlyError);
    expect(ro.metrics).toEqual({ m: 1 });
  });

  it("keeps test artifacts on the test, under exp.path/slug(test name), and loads them after save", async () => {
    const project = await open();
    let testPath = "";
    const exp = await project.log("run", async (e) => {
      await e.logTest("Region A", (t) => {
        t.logArtifact("sub", [1], "json");
        expect(() => t.logArtifact("sub", [2], "json")).toThrow(ArtifactLogError);
        t.logArtifact("sub", [3], "json", { overwrite: true });
        testPath = t.path;
      });
    });
    expect(testPath).toBe(`${exp.path}/region-a`);
    expect(exp.tests[0]!.toJSON().artifacts).toEqual([
      { created_at: "2025-01-20T13:23:30", expiry: null, fname: "sub-20250120132330.json", handler: "json", name: "sub", version: 0 },
    ]);
    await project.save();
    expect(await exp.tests[0]!.loadArtifact("sub")).toEqual([3]);
    await expect(exp.tests[0]!.loadArtifact("nope")).rejects.toBeInstanceOf(ArtifactLoadError);
  });

  it("compares experiments in Python's order", async () => {
    const project = await open();
    const a = await project.log("same", () => {});
    restore();
    restore = setClock(() => new Date(frozen.getTime() + 5000));
    a.logMetric("x", 1);
    const later = await project.log("other", () => {});
    expect(experimentLess(project.experiments[0]!, later)).toBe(true);
    expect(experimentLess(later, project.experiments[0]!)).toBe(false);
  });
});
