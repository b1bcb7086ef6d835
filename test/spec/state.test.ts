/** Transfer state (Python's pickling) and test_concurrency / test_handlers behaviours. */
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  Artifact,
  Project,
  UnknownHandlerError,
  getHandler,
  jsonHandler,
  registerHandler,
  resolveLocation,
  setClock,
  type ProjectState,
} from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

const frozen = new Date(Date.UTC(2025, 0, 20, 13, 23, 30));

function runWorker(state: ProjectState, from: number, to: number): Promise<ProjectState> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./state-worker.mjs", import.meta.url), {
      workerData: { state, from, to, frozen: frozen.getTime() },
      execArgv: ["--conditions=lazyscribe-source"],
    });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

describe("handlers", () => {
  it("json: default fname <slug(name)>-<stamp>.json, and write then read round-trips", async () => {
    const art = new Artifact({ name: "My Features", handler: "json", value: { a: [1, 2.5] }, createdAt: frozen });
    expect(art.fname).toBe("my-features-20250120132330.json");
    const text = await jsonHandler.encode(art.value, {});
    expect(text).toBe('{"a": [1, 2.5]}');
    expect(jsonHandler.decode(new TextEncoder().encode(String(text)), {})).toEqual({ a: [1, 2.5] });
  });

  it("json: a transfer-state round trip keeps every field", async () => {
    const art = new Artifact({ name: "x", handler: "json", value: [1, "é"], createdAt: frozen, writerOptions: { indent: 2 } });
    const back = await Artifact.fromState(structuredClone(await art.toState()));
    expect([back.name, back.fname, back.createdAt, back.version, back.dirty, back.writerOptions, back.value]).toEqual([
      art.name,
      art.fname,
      art.createdAt,
      art.version,
      art.dirty,
      art.writerOptions,
      art.value,
    ]);
  });

  it("a binary handler writes .bin-style files and round-trips through state", async () => {
    const art = new Artifact({ name: "blob", handler: "bytes", value: new Uint8Array([0, 255, 7]), createdAt: frozen });
    expect(art.fname).toBe("blob-20250120132330.bin");
    const back = await Artifact.fromState(structuredClone(await art.toState()));
    expect([...(back.value as Uint8Array)]).toEqual([0, 255, 7]);
  });

  it("lookup of json gives the JSON handler; an unknown alias gives UnknownHandlerError", () => {
    expect(getHandler("json")).toBe(jsonHandler);
    expect(() => getHandler("nope")).toThrow(UnknownHandlerError);
  });

  it("registering a malformed handler fails with a clear error", () => {
    expect(() =>
      registerHandler({ alias: "bad alias!", suffix: "x", binary: false, outputOnly: false, encode: (v) => String(v), decode: () => 1 }),
    ).toThrow(/alias/);
    expect(() =>
      registerHandler({ alias: "nodecode", suffix: "x", binary: false, outputOnly: false, encode: (v: unknown) => String(v) } as never),
    ).toThrow(/decode/);
  });

  it("an output-only handler warns once on log, save and load", async () => {
    registerHandler<string>({
      alias: "lossy",
      suffix: "txt",
      binary: false,
      outputOnly: true,
      encode: (v) => v.toUpperCase(),
      decode: (d) => new TextDecoder().decode(d),
    });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const project = await Project.open(`memory://lossy-${process.pid}/project.json`, { mode: "w" });
      const exp = await project.log("run", (e) => {
        e.logArtifact("shout", "hi", "lossy");
      });
      await project.save();
      expect(await exp.loadArtifact("shout")).toBe("HI");
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.includes('"shout"')).map((w) => w.replace(/.*it was (\w+).*|.*(loaded).*/, "$1$2"))).toEqual([
        "logged",
        "saved",
        "loaded",
      ]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});

describe.each(specBackends)("transfer state and concurrency on $name", (backend) => {
  let restore: () => void;
  let root: string;
  beforeEach(async () => {
    restore = setClock(() => frozen);
    root = await backend.freshRoot();
  });
  afterEach(() => restore());

  async function readText(url: string): Promise<string> {
    const { storage, path } = await resolveLocation(url);
    return new TextDecoder().decode(await storage.read(path));
  }

  it("a project with a dependency, artifacts and tests survives a state round trip", async () => {
    const up = await Project.open(`${root}/up.json`, { author: "ana" });
    const upstream = await up.log("features", () => {});
    await up.save();
    const project = await Project.open(`${root}/project.json`, { author: "ana" });
    await project.log("run", async (e) => {
      e.logMetric("m", 1.5);
      e.addDependency(upstream);
      e.logArtifact("a", { v: 1 }, "json");
      await e.logTest("t", (t) => t.logArtifact("ta", [1], "json"));
    });
    const restored = await Project.fromState(structuredClone(await project.toState()));
    expect(restored.toJSON()).toEqual(project.toJSON());
    expect([restored.fpath, restored.mode, restored.author, restored.protocol]).toEqual([
      project.fpath,
      project.mode,
      project.author,
      project.protocol,
    ]);
    expect(restored.experiments[0]!.artifacts[0]!.value).toEqual({ v: 1 });
    expect(restored.experiments[0]!.tests[0]!.artifacts[0]!.value).toEqual([1]);
    expect(JSON.stringify(await project.toState())).not.toMatch(/secret|credential/i);
  });

  it("100 experiments logged concurrently equal the sequential reference file", async () => {
    const sequential = await Project.open(`${root}/seq.json`, { author: "ana" });
    for (let i = 0; i < 100; i++) await sequential.log(`experiment ${i}`, (e) => e.logMetric("index", i));
    await sequential.save();
    const concurrent = await Project.open(`${root}/conc.json`, { author: "ana" });
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = w * 25; i < (w + 1) * 25; i++) await concurrent.log(`experiment ${i}`, (e) => e.logMetric("index", i));
      }),
    );
    await concurrent.save();
    const sortBySlug = (text: string) => (JSON.parse(text) as Array<{ slug: string }>).sort((a, b) => a.slug.localeCompare(b.slug));
    expect(sortBySlug(await readText(`${root}/conc.json`))).toEqual(sortBySlug(await readText(`${root}/seq.json`)));
  });

  it("100 tests logged concurrently into one experiment are all kept", async () => {
    const project = await Project.open(`${root}/project.json`, { author: "ana" });
    const exp = await project.log("run", async (e) => {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          e.logTest(`test ${i}`, async (t) => {
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            t.logMetric("i", i);
          }),
        ),
      );
    });
    expect(exp.tests.map((t) => t.name).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `test ${i}`).sort());
  });
});

// Worker threads share no memory:// store, so this runs on local disk only.
describe("worker threads on local disk", () => {
  let restore: () => void;
  let root: string;
  beforeEach(async () => {
    restore = setClock(() => frozen);
    root = await specBackends.find((b) => b.name === "local")!.freshRoot();
  });
  afterEach(() => restore());

  async function readText(url: string): Promise<string> {
    const { storage, path } = await resolveLocation(url);
    return new TextDecoder().decode(await storage.read(path));
  }

  it("100 experiments from 4 worker threads, merged, equal the sequential reference file", async () => {
    const sequential = await Project.open(`${root}/seq/project.json`, { author: "ana" });
    for (let i = 0; i < 100; i++) {
      await sequential.log(`experiment ${i}`, async (exp) => {
        exp.logMetric("index", i);
        exp.logParameter("half", i / 2);
        exp.logArtifact("payload", { i }, "json");
      });
    }
    await sequential.save();
    const base = await Project.open(`${root}/par/project.json`, { author: "ana" });
    const state = await base.toState();
    const results = await Promise.all([0, 1, 2, 3].map((w) => runWorker(state, w * 25, (w + 1) * 25)));
    const parts = await Promise.all(results.map((s) => Project.fromState(s)));
    const merged = base.merge(...parts);
    await merged.save();
    const reference = (await readText(`${root}/seq/project.json`)).replaceAll("/seq/", "/par/");
    expect(await readText(`${root}/par/project.json`)).toBe(reference);
    expect(await (await Project.open(`${root}/par/project.json`, { mode: "r" })).get("experiment-42").loadArtifact("payload")).toEqual({
      i: 42,
    });
  }, 60_000);
});
