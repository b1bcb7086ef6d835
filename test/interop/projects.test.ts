/**
 * Projects written by Python lazyscribe, opened by TypeScript in every mode, changed
 * and saved, then read back by Python, and the same starting from TypeScript.
 * Includes dependencies (by path and through the registry), merges and byte fidelity.
 */
import { describe, expect, it } from "vitest";
import { ManifestError, Project, ReadOnlyError, Registry, slugify, stamp } from "@lazyscribe/core";
import { ADDED, downstream, EDITS, MAIN, UPSTREAM } from "./cases.js";
import {
  applyChanges,
  at,
  AUTHOR,
  canon,
  expectedValues,
  loadedValues,
  logExperiment,
  py,
  pyError,
  runPython,
  snapshot,
  snapshotDiff,
  tsReadProject,
  tsWriteProject,
  utc,
  wipe,
  type ExperimentSpec,
  type ProjectView,
} from "./harness.js";
import { interopStores } from "./stores.js";

const slugOf = (s: ExperimentSpec) => slugify(`${s.name}-${stamp(utc(s.at))}`);
const classes = (view: { classes: string[] }) => [...new Set(view.classes)];

describe.each(interopStores())("projects on $name", (store) => {
  const env = () => store.pythonEnv();
  const settings = () => store.settings?.();
  const pyWrite = (path: string, experiments: ExperimentSpec[], extra: object = {}) =>
    py<unknown[]>("project_ops", { op: "write", path, experiments, author: AUTHOR, save_at: "2025-01-01T00:00:00", ...extra }, env());
  const pyRead = (path: string, extra: object = {}) =>
    py<ProjectView & { save?: unknown }>("project_ops", { op: "read", path, ...extra }, env());
  const tsOpen = (path: string, mode: "r" | "a" | "w" | "w+", extra: { author?: string; registry?: Registry } = {}) =>
    Project.open(path, { mode, author: extra.author ?? AUTHOR, registry: extra.registry, storage: settings() });
  const tsWrite = (path: string, specs: ExperimentSpec[], registry?: Registry) =>
    tsWriteProject(path, specs, { registry, settings: settings() });

  it("Python writes; TypeScript reads every field and artifact in mode r, and cannot save", async () => {
    const path = `${await store.freshRoot()}/project.json`;
    const written = pyWrite(path, MAIN);
    const project = await tsOpen(path, "r");
    const view = await tsReadProject(project);
    expect(canon(view.experiments)).toBe(canon(written));
    expect(classes(view)).toEqual(["ReadOnlyExperiment"]);
    expect(view.test_classes.flat().every((c) => c === "ReadOnlyTest")).toBe(true);
    expect(canon(loadedValues(view))).toBe(canon(expectedValues(MAIN, slugOf)));
    // Spot checks of values a JSON.parse round trip would lose.
    const numbers = project.get("numbers").metrics;
    expect(numbers.int_2_53_plus_1).toBe(9007199254740993n);
    expect(numbers.nan).toBeNaN();
    expect(numbers.negative_infinity).toBe(-Infinity);
    expect(Object.is(numbers.float_negative_zero, -0)).toBe(true);
    await expect(project.save()).rejects.toThrow(ReadOnlyError);
    // Python reads its own file the same way.
    const pyView = pyRead(path);
    expect(canon(loadedValues(pyView))).toBe(canon(loadedValues(view)));
  });

  it("TypeScript writes; Python reads every field and artifact in mode r", async () => {
    const path = `${await store.freshRoot()}/project.json`;
    const written = await tsWrite(path, MAIN);
    const view = pyRead(path);
    expect(canon(view.experiments)).toBe(canon(written));
    expect(classes(view)).toEqual(["ReadOnlyExperiment"]);
    expect(canon(loadedValues(view))).toBe(canon(expectedValues(MAIN, slugOf)));
  });

  it("byte fidelity: the same project saved by each side gives identical files (manifest and artifacts)", async () => {
    const root = await store.freshRoot();
    pyWrite(`${root}/project.json`, MAIN);
    const fromPython = await snapshot(root);
    await wipe(root);
    await tsWrite(`${root}/project.json`, MAIN);
    const fromTs = await snapshot(root);
    expect([...fromTs.keys()]).toEqual([...fromPython.keys()]);
    expect(snapshotDiff(fromPython, fromTs)).toEqual([]);
    expect(fromTs.size).toBe(8); // the manifest, 5 experiment artifacts and 2 test artifacts
  });

  it("Python writes; TypeScript edits in mode w+; Python sees exactly the edits, and re-saving in Python changes no byte", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    pyWrite(path, MAIN);
    const project = await tsOpen(path, "w+", { author: "ts-editor" });
    expect(project.experiments.every((e) => !e.readOnly)).toBe(true);
    for (const edit of EDITS) await at(edit.at, () => applyChanges(project.get(edit.slug), edit, new Map(), settings()));
    await at("2025-02-03T00:00:00", () => project.save());
    const expected = project.toJSON();
    const reread = await tsReadProject(await tsOpen(path, "r"));

    const view = pyRead(path);
    expect(canon(view.experiments)).toBe(canon(expected));
    expect(canon(loadedValues(view))).toBe(canon(loadedValues(reread)));
    const edited = (view.experiments as Array<Record<string, never>>).find((e) => e.slug === "numbers-20250120132330") as unknown as {
      last_updated: string;
      last_updated_by: string;
      metrics: Record<string, unknown>;
      tags: string[];
    };
    expect(edited.last_updated).toBe("2025-02-01T12:00:00");
    expect(edited.last_updated_by).toBe("ts-editor");
    // float_one was 1.0 and is overwritten with the integer 7; added_later is the float 3.0.
    expect(canon(edited.metrics)).toContain('"added_later": 3.0,');
    expect(canon(edited.metrics)).toContain('"float_one": 7,');
    expect(edited.tags).toEqual(["baseline", "baseline", "é-tag", "😀", "edited"]);
    // Untouched experiments keep their author stamp.
    const untouched = (view.experiments as Array<{ slug: string; last_updated_by: string }>).find((e) =>
      e.slug.startsWith("parameters-and-tests"),
    );
    expect(untouched?.last_updated_by).toBe(AUTHOR);

    const before = await snapshot(root);
    const resaved = pyRead(path, { mode: "w+", save: true, load: false });
    expect(resaved.save).toBe("ok");
    expect(snapshotDiff(before, await snapshot(root))).toEqual([]);
  });

  it("TypeScript writes; Python edits in mode w+; TypeScript sees exactly the edits, and re-saving in TypeScript changes no byte", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    await tsWrite(path, MAIN);
    const result = py<{ outcomes: unknown[]; experiments: unknown[] }>(
      "project_ops",
      { op: "edit", path, mode: "w+", author: "py-editor", edits: EDITS, save_at: "2025-02-03T00:00:00" },
      env(),
    );
    expect(result.outcomes).toEqual(["ok", "ok"]);
    const project = await tsOpen(path, "w+");
    const view = await tsReadProject(project);
    expect(canon(view.experiments)).toBe(canon(result.experiments));
    expect(canon(loadedValues(view))).toBe(canon(loadedValues(pyRead(path))));
    expect(project.get("numbers").lastUpdatedBy).toBe("py-editor");
    expect(project.get("numbers").metrics.float_one).toBe(7);
    expect(project.get("artifacts").tags).toEqual(["only-tag"]);

    const before = await snapshot(root);
    await project.save();
    expect(snapshotDiff(before, await snapshot(root))).toEqual([]);
  });

  it("mode a both ways: existing experiments are read-only, a new one is appended, the other side reads both", async () => {
    const root = await store.freshRoot();
    const pyPath = `${root}/py/project.json`;
    const written = pyWrite(pyPath, MAIN);
    const project = await tsOpen(pyPath, "a");
    expect(() => project.get("numbers").logMetric("x", 1)).toThrow(ReadOnlyError);
    await logExperiment(project, ADDED, new Map(), settings());
    await project.save();
    const view = pyRead(pyPath);
    expect(canon(view.experiments)).toBe(canon(project.toJSON()));
    expect(canon(view.experiments.slice(0, MAIN.length))).toBe(canon(written));
    expect(canon(loadedValues(view))).toBe(canon(expectedValues([...MAIN, ADDED], slugOf)));

    const tsPath = `${root}/ts/project.json`;
    const tsWritten = await tsWrite(tsPath, MAIN);
    const result = py<{ outcomes: Array<{ error: { type: string } }>; experiments: unknown[] }>(
      "project_ops",
      { op: "edit", path: tsPath, mode: "a", edits: [EDITS[0]], add: [ADDED] },
      env(),
    );
    expect(result.outcomes[0]?.error.type).toBe("FrozenInstanceError");
    const reread = await tsReadProject(await tsOpen(tsPath, "r"));
    expect(canon(reread.experiments)).toBe(canon(result.experiments));
    expect(canon(reread.experiments.slice(0, MAIN.length))).toBe(canon(tsWritten));
    expect(canon(loadedValues(reread))).toBe(canon(expectedValues([...MAIN, ADDED], slugOf)));
  });

  it("mode w both ways: the other side's experiments are replaced", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    pyWrite(path, MAIN);
    const written = await tsWriteProject(path, [ADDED], { mode: "w", settings: settings() });
    expect(canon(pyRead(path).experiments)).toBe(canon(written));
    await tsWrite(path, MAIN);
    const replaced = pyWrite(path, [ADDED], { mode: "w" });
    expect(canon((await tsOpen(path, "r")).toJSON())).toBe(canon(replaced));
    expect(canon(replaced)).toBe(canon(written));
  });

  it("dependencies by project path, written by either side, resolve on the other", async () => {
    const root = await store.freshRoot();
    // Upstream inside the downstream project's folder: TypeScript refuses absolute dependency
    // paths outside the working directory and the project's folder (see the next test).
    const up = `${root}/upstream/project.json`;
    const down = `${root}/project.json`;
    pyWrite(up, UPSTREAM);
    const pyDown = pyWrite(down, downstream(up));
    const upKey = (await tsOpen(up, "r")).path;
    expect((pyDown[0] as { dependencies: string[] }).dependencies).toEqual([
      `${upKey}|feature-set-20250110100000`,
      `${upKey}|other-features-20250111100000`,
    ]);
    const fromPython = await snapshot(root);
    const tsView = await tsReadProject(await tsOpen(down, "r"));
    expect(canon(tsView.experiments)).toBe(canon(pyDown));
    expect(tsView.dependencies).toEqual({
      "model-20250112100000": {
        "feature-set": ["feature-set-20250110100000", upKey],
        "other-features": ["other-features-20250111100000", upKey],
      },
    });

    await wipe(root);
    await tsWrite(up, UPSTREAM);
    const tsDown = await tsWrite(down, downstream(up));
    expect(snapshotDiff(fromPython, await snapshot(root))).toEqual([]);
    const pyView = pyRead(down);
    expect(canon(pyView.experiments)).toBe(canon(tsDown));
    expect(pyView.dependencies).toEqual(tsView.dependencies);
  });

  // Local disk only: object stores have no absolute paths.
  if (store.name === "local")
    it("an absolute dependency path outside the project folder: Python follows it, TypeScript needs it registered", async () => {
      const root = await store.freshRoot();
      const up = `${root}/upstream/project.json`;
      const down = `${root}/downstream/project.json`;
      pyWrite(up, UPSTREAM);
      const pyDown = pyWrite(down, downstream(up));
      expect(pyRead(down).dependencies).toEqual({
        "model-20250112100000": {
          "feature-set": ["feature-set-20250110100000", up],
          "other-features": ["other-features-20250111100000", up],
        },
      });
      await expect(tsOpen(down, "r", { registry: new Registry() })).rejects.toThrow(
        /outside the working directory.*Register the upstream project/,
      );
      const registry = new Registry();
      registry.addProject(up, await tsOpen(up, "r"));
      expect(canon((await tsOpen(down, "r", { registry })).toJSON())).toBe(canon(pyDown));
    });

  it("dependencies through the registry: key|slug written by either side; without the registry both refuse the file", async () => {
    const root = await store.freshRoot();
    const up = `${root}/upstream/project.json`;
    const down = `${root}/downstream/project.json`;
    pyWrite(up, UPSTREAM);
    const pyDown = pyWrite(down, downstream(up), { registry: { "upstream-project": up } });
    expect((pyDown[0] as { dependencies: string[] }).dependencies).toEqual([
      "upstream-project|feature-set-20250110100000",
      "upstream-project|other-features-20250111100000",
    ]);
    const registry = new Registry();
    registry.addProject("upstream-project", await tsOpen(up, "r"));
    const tsView = await tsReadProject(await tsOpen(down, "r", { registry }));
    expect(canon(tsView.experiments)).toBe(canon(pyDown));
    expect(Object.keys(tsView.dependencies["model-20250112100000"] ?? {})).toEqual(["feature-set", "other-features"]);
    // Without the registry the key is taken as a path: TypeScript ManifestError; Python FileNotFoundError on
    // disk, on S3 s3fs's ValueError ("Attempt to open non key-like path": a bare bucket name), and on GCS
    // gcsfs's OSError ("Attempt to open a bucket").
    await expect(tsOpen(down, "r", { registry: new Registry() })).rejects.toThrow(ManifestError);
    const missing = pyError("project_ops", { op: "read", path: down }, env());
    expect(`${missing.type}: ${missing.message}`).toMatch(
      store.name === "s3"
        ? /^ValueError: Attempt to open non key-like path: upstream-project$/
        : store.name === "gcs"
          ? /^OSError: Attempt to open a bucket/
          : /^FileNotFoundError/,
    );

    const fromPython = await snapshot(root);
    await wipe(root);
    await tsWrite(up, UPSTREAM);
    const tsRegistry = new Registry();
    tsRegistry.addProject("upstream-project", await tsOpen(up, "r"));
    const tsDown = await tsWrite(down, downstream(up), tsRegistry);
    expect(snapshotDiff(fromPython, await snapshot(root))).toEqual([]);
    const pyView = pyRead(down, { registry: { "upstream-project": up } });
    expect(canon(pyView.experiments)).toBe(canon(tsDown));
    expect(pyView.dependencies).toEqual(tsView.dependencies);
  });

  it("merge across the two: projects written by each side merge to the same list on both sides", async () => {
    const root = await store.freshRoot();
    const p1 = `${root}/p1/project.json`;
    const p2 = `${root}/p2/project.json`;
    const newer: ExperimentSpec = { ...MAIN[1]!, updated: "2025-03-01T00:00:00", metrics: { auc: 0.95 } };
    pyWrite(p1, [MAIN[0]!, MAIN[1]!, MAIN[3]!]);
    await tsWrite(p2, [newer, ADDED, MAIN[3]!]);
    for (const order of [
      [p1, p2],
      [p2, p1],
    ]) {
      const pyMerged = py<unknown[]>("project_ops", { op: "merge", paths: order }, env());
      const [first, ...rest] = await Promise.all(order.map((p) => tsOpen(p, "w+")));
      const tsMerged = first!.merge(...rest).toJSON();
      expect(canon(tsMerged)).toBe(canon(pyMerged));
      expect(tsMerged.map((e) => e.slug)).toEqual([
        "numbers-20250120132330",
        "parameters-and-tests-20250121080000",
        "20250123000000",
        "added-later-20250202000000",
      ]);
      expect(tsMerged[1]?.last_updated).toBe("2025-03-01T00:00:00");
    }
    // The merged project saved by TypeScript reads back in Python as merged.
    const [a, b] = await Promise.all([tsOpen(p1, "w+"), tsOpen(p2, "w+")]);
    const merged = a.merge(b);
    await merged.save();
    expect(canon(pyRead(p1).experiments)).toBe(canon(merged.toJSON()));
  });

  it("runs the Python side in batches (one process, several ops)", () => {
    const results = runPython("naming", [
      { op: "names", names: ["a"], at: "2025-01-20T13:23:30" },
      { op: "names", names: ["b"], at: "2025-01-20T13:23:30" },
    ]);
    expect(results).toHaveLength(2);
  });
});
