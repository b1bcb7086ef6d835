/**
 * Handlers that exist on one side only: Python's `pickle` (TypeScript carries its
 * metadata and bytes) and TypeScript's `bytes` and `text` (Python cannot open a
 * project or repository that names them: its loader fails on an unknown alias, spec 1.4).
 */
import { describe, expect, it } from "vitest";
import { ArtifactLoadError, Project, Repository } from "@lazyscribe/core";
import { at, AUTHOR, canon, py, pyError, readBytes, tsWriteRepository, type ExperimentSpec } from "./harness.js";
import { interopStores } from "./stores.js";

const PICKLED: ExperimentSpec[] = [
  {
    name: "Pickled",
    at: "2025-01-20T13:23:30",
    artifacts: [
      { name: "model", handler: "pickle", value: { weights: [1, 2.5], name: "é" } },
      { name: "meta", handler: "json", value: { kind: "meta" } },
    ],
    tests: [{ name: "Slice", artifacts: [{ name: "slice-model", handler: "pickle", value: [1, 2, 3] }] }],
  },
];

describe.each(interopStores())("one-sided handlers on $name", (store) => {
  const env = () => store.pythonEnv();
  const settings = () => store.settings?.();

  it("pickle written by Python: TypeScript loads the project, refuses to decode, returns the raw bytes, and keeps the metadata on save", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    const written = py<unknown[]>("project_ops", { op: "write", path, experiments: PICKLED, author: AUTHOR }, env());
    const raw = py<{ raw: Record<string, string> }>("project_ops", { op: "read", path, raw: true }, env()).raw;

    const project = await Project.open(path, { mode: "r", storage: settings() });
    expect(canon(project.toJSON())).toBe(canon(written));
    const exp = project.get("pickled");
    expect(exp.artifacts[0]?.toJSON()).toMatchObject({ handler: "pickle", python_version: expect.stringMatching(/^3\.\d+$/) });
    await expect(exp.loadArtifact("model")).rejects.toThrow(ArtifactLoadError);
    await expect(exp.loadArtifact("model")).rejects.toThrow(/"pickle" handler, which is not registered.*readArtifactBytes\("model"\)/);
    await expect(exp.loadArtifact("model", { validate: false })).rejects.toThrow(ArtifactLoadError);
    const bytes = await exp.readArtifactBytes("model");
    expect(Buffer.from(bytes).toString("base64")).toBe(raw["pickled-20250120132330/model"]);
    expect(bytes[0]).toBe(0x80); // pickle protocol marker
    expect(await exp.loadArtifact("meta")).toEqual({ kind: "meta" });
    const testBytes = await exp.tests[0]!.readArtifactBytes("slice-model");
    expect(testBytes[0]).toBe(0x80);
    await expect(exp.tests[0]!.loadArtifact("slice-model")).rejects.toThrow(/not registered/);

    // Edit the experiment holding the pickles and save: entries and files stay as Python wrote them.
    const pickleFile = `${root}/pickled-20250120132330/${exp.artifacts[0]!.fname}`;
    const before = await readBytes(pickleFile);
    const editable = await Project.open(path, { mode: "w+", author: "ts-editor", storage: settings() });
    await at("2025-02-01T00:00:00", () => {
      editable.get("pickled").logMetric("after", 1);
      editable.get("pickled").logArtifact("ts-json", [1], "json");
    });
    await editable.save();
    expect(Buffer.compare(Buffer.from(await readBytes(pickleFile)), Buffer.from(before))).toBe(0);
    const view = py<{
      experiments: Array<{ artifacts: unknown[]; tests: Array<{ artifacts: unknown[] }> }>;
      artifacts: Record<string, { experiment: Record<string, unknown>; tests: Array<Record<string, unknown>> }>;
    }>("project_ops", { op: "read", path }, env());
    expect(canon(view.experiments)).toBe(canon(editable.toJSON()));
    expect(canon(view.experiments[0]?.artifacts[0])).toBe(canon((written[0] as { artifacts: unknown[] }).artifacts[0]));
    const loaded = view.artifacts["pickled-20250120132330"]!;
    expect(canon(loaded.experiment.model)).toBe(canon({ value: { weights: [1, 2.5], name: "é" } }));
    expect(canon(loaded.experiment["ts-json"])).toBe(canon({ value: [1] }));
    expect(canon(loaded.tests[0]?.["slice-model"])).toBe(canon({ value: [1, 2, 3] }));
  });

  it("pickle versions in a repository: TypeScript adds a version and saves, Python still loads the pickle", async () => {
    const root = await store.freshRoot();
    const path = `${root}/repository.json`;
    const written = py<unknown[]>(
      "repository_ops",
      { op: "write", path, versions: [{ name: "model", handler: "pickle", value: { v: 0 }, at: "2025-01-20T00:00:00" }] },
      env(),
    );
    const repo = await Repository.open(path, { mode: "r", storage: settings() });
    expect(canon(repo.toJSON())).toBe(canon(written));
    await expect(repo.loadArtifact("model", { version: 0 })).rejects.toThrow(/not registered/);
    expect((await repo.readArtifactBytes("model", { version: 0 }))[0]).toBe(0x80);
    await tsWriteRepository(path, [{ name: "model", handler: "json", value: { v: 1 }, at: "2025-01-21T00:00:00" }], [], "w+", settings());
    const view = py<{ artifacts: unknown[]; versions: Array<{ load: { value?: unknown } }> }>(
      "repository_ops",
      { op: "read", path },
      env(),
    );
    expect(canon(view.artifacts[0])).toBe(canon(written[0]));
    expect(canon(view.versions.map((v) => v.load.value))).toBe(canon([{ v: 0 }, { v: 1 }]));
  });

  it("bytes and text written by TypeScript: Python cannot open the project or repository at all (ValueError naming the alias)", async () => {
    const root = await store.freshRoot();
    const path = `${root}/project.json`;
    const project = await Project.open(path, { mode: "w", author: AUTHOR, storage: settings() });
    await at("2025-01-20T13:23:30", () =>
      project.log("Binary", (e) => {
        e.logArtifact("blob", new Uint8Array([0, 1, 2, 255]), "bytes");
        e.logArtifact("notes", "héllo\n", "text");
      }),
    );
    await project.save();
    const projectError = pyError("project_ops", { op: "read", path }, env());
    expect(projectError).toMatchObject({
      type: "ValueError",
      message: "No handler available with the name bytes in `artifact_type` group.",
    });
    // The TypeScript side itself reads both back.
    const reread = await Project.open(path, { mode: "r", storage: settings() });
    expect([...((await reread.get("binary").loadArtifact("blob")) as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect(await reread.get("binary").loadArtifact("notes")).toBe("héllo\n");

    const textOnly = `${root}/text/project.json`;
    const p2 = await Project.open(textOnly, { mode: "w", author: AUTHOR, storage: settings() });
    await p2.log("Text", (e) => void e.logArtifact("notes", "x", "text"));
    await p2.save();
    expect(pyError("project_ops", { op: "read", path: textOnly }, env()).message).toBe(
      "No handler available with the name text in `artifact_type` group.",
    );

    const repoPath = `${root}/repo/repository.json`;
    const repo = await Repository.open(repoPath, { mode: "w", storage: settings() });
    repo.logArtifact("blob", new Uint8Array([1]), "bytes");
    await repo.save();
    expect(pyError("repository_ops", { op: "read", path: repoPath }, env())).toMatchObject({
      type: "ValueError",
      message: expect.stringContaining("bytes"),
    });
  });
});
