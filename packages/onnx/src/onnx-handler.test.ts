/**
 * The onnx handler against the real onnxruntime-node, with a model recorded from Python
 * (fixtures/logistic-3.onnx: test/interop/python/onnx_models.py `logistic_model([0.5, -1.25, 2.0], 0.1)`)
 * and the predictions Python's onnxruntime 1.32 gave for it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ArtifactLoadError, findHandler, InvalidArgumentError, Project, Repository, resolveLocation, SaveError } from "@lazyscribe/core";
import { createOnnxSession, modelProtoProblem, onnxHandler, type InferenceSession } from "./index.js";

const MODEL = new Uint8Array(readFileSync(new URL("../fixtures/logistic-3.onnx", import.meta.url)));
const INPUTS = [
  [0, 0, 0],
  [1, 2, 3],
  [-1.5, 0.25, 4],
];
/** Python: onnx_models.predict(model, INPUTS) with onnxruntime 1.32.0. */
const PYTHON_OUTPUTS = [0.5249791741371155, 0.9836975336074829, 0.9991224408149719];

let counter = 0;
const fresh = () => `memory://onnx-${process.pid}-${++counter}`;

async function predict(session: InferenceSession, rows: number[][]): Promise<number[]> {
  const { Tensor } = await import("onnxruntime-node");
  const features = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
  const out = await session.run({ [session.inputNames[0]!]: features });
  return Array.from(out[session.outputNames[0]!]!.data as Float32Array);
}

describe("the onnx handler", () => {
  it("is registered as lazyscribe-onnx's handler: alias onnx, suffix onnx, binary, no manifest fields", () => {
    expect(findHandler("onnx")).toBe(onnxHandler);
    expect(onnxHandler).toMatchObject({ alias: "onnx", suffix: "onnx", binary: true, outputOnly: false });
    expect(onnxHandler.environment).toBeUndefined();
  });

  it("logs model bytes and loads them as an InferenceSession whose predictions equal Python's to 1e-6", async () => {
    const path = `${fresh()}/project.json`;
    const project = await Project.open(path, { mode: "w", author: "t" });
    await project.log("model", (exp) => void exp.logArtifact("model", MODEL, "onnx"));
    await project.save();
    const entry = project.experiments[0]!.toJSON().artifacts[0]!;
    expect(Object.keys(entry).sort()).toEqual(["created_at", "expiry", "fname", "handler", "name", "version"]);
    expect(entry.fname).toMatch(/^model-\d{14}\.onnx$/);

    const loaded = await (await Project.open(path, { mode: "r" })).experiments[0]!.loadArtifact("model");
    const session = loaded as InferenceSession;
    expect(session.inputNames).toEqual(["features"]);
    expect(session.outputNames).toEqual(["probability"]);
    const outputs = await predict(session, INPUTS);
    outputs.forEach((v, i) => expect(Math.abs(v - PYTHON_OUTPUTS[i]!)).toBeLessThan(1e-6));
  });

  it('reads the bytes with { as: "bytes" }, unchanged, and passes sessionOptions to onnxruntime', async () => {
    const repo = await Repository.open(`${fresh()}/repository.json`);
    repo.logArtifact("model", MODEL.buffer.slice(0), "onnx");
    await repo.save();
    const bytes = (await repo.loadArtifact("model", { readOptions: { as: "bytes" } })) as Uint8Array;
    expect(Buffer.from(bytes).equals(Buffer.from(MODEL))).toBe(true);
    const session = (await repo.loadArtifact("model", {
      readOptions: { sessionOptions: { intraOpNumThreads: 1, graphOptimizationLevel: "disabled" } },
    })) as InferenceSession;
    expect((await predict(session, INPUTS.slice(1, 2)))[0]).toBeCloseTo(PYTHON_OUTPUTS[1]!, 6);
    await expect(createOnnxSession(MODEL, { executionProviders: ["no-such-provider"] })).rejects.toThrow(/no-such-provider/);
  });

  it("refuses values that are not ONNX model bytes before anything is stored", async () => {
    const bad: Array<[unknown, RegExp]> = [
      ["model.onnx", /got string/],
      [{ graph: {} }, /got Object/],
      [null, /got null/],
      [new TextEncoder().encode('{"not": "onnx"}'), /not an ONNX model/],
      [MODEL.subarray(0, MODEL.byteLength - 7), /truncated/],
      [new Uint8Array(0), /empty/],
    ];
    for (const [value, message] of bad) {
      expect(() => onnxHandler.encode(value, {}), String(message)).toThrow(InvalidArgumentError);
      expect(() => onnxHandler.encode(value, {})).toThrow(message);
    }
    expect(() => onnxHandler.encode(MODEL, { save_as_external_data: true })).toThrow(/no writer options/);

    const root = fresh();
    const project = await Project.open(`${root}/project.json`, { mode: "w", author: "t" });
    await project.log("bad", (exp) => void exp.logArtifact("model", "model.onnx", "onnx"));
    const err = await project.save().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaveError);
    expect((err as Error).message).toMatch(/onnx handler logs a model's bytes/);
    const { storage, path } = await resolveLocation(root);
    const stored: string[] = [];
    for await (const entry of storage.list(`${path}/`)) stored.push(entry.key);
    expect(stored).toEqual([]);
  });

  it("checks the protobuf structure of ModelProto: ir_version and graph present, wire format whole", () => {
    expect(modelProtoProblem(MODEL)).toBeNull();
    expect(modelProtoProblem(Uint8Array.of(0x08, 0x08))).toBe("it has no graph");
    expect(modelProtoProblem(Uint8Array.of(0x3a, 0x00))).toBe("it has no ir_version field");
    expect(modelProtoProblem(Uint8Array.of(0x08, 0x08, 0x3a, 0x05, 0x00))).toMatch(/runs past the end/);
    expect(modelProtoProblem(Uint8Array.of(0x0b))).toMatch(/wire type 3/);
    expect(modelProtoProblem(Uint8Array.of(0x08, 0xff))).toMatch(/cut off/);
  });

  it("rejects unknown reader options, and wraps a corrupt stored model in ArtifactLoadError", async () => {
    const repo = await Repository.open(`${fresh()}/repository.json`);
    repo.logArtifact("model", MODEL, "onnx");
    await repo.save();
    await expect(repo.loadArtifact("model", { readOptions: { load_external_data: false } })).rejects.toThrow(
      /takes "as" and "sessionOptions"/,
    );
    await expect(repo.loadArtifact("model", { readOptions: { as: "proto" } })).rejects.toThrow(/"session" or "bytes"/);
    await repo.storage.write(repo.fileKey(repo.artifacts[0]!), Uint8Array.of(1, 2, 3));
    const err = await repo.loadArtifact("model").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArtifactLoadError);
    expect((err as Error).message).toMatch(/could not be decoded by the "onnx" handler/);
  });
});
