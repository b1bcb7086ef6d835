/** What `import "lazyscribe"` registers: every plugin handler shared with Python, ready to use. */
import { describe, expect, it } from "vitest";
import {
  csvHandler,
  findHandler,
  handlerAliases,
  onnxHandler,
  parquetHandler,
  Repository,
  yamlHandler,
  type InferenceSession,
} from "./index.js";
import type { Table } from "apache-arrow";

describe("the lazyscribe package", () => {
  it("registers the yaml, csv, parquet and onnx handlers next to the built-in ones", () => {
    expect(handlerAliases()).toEqual(expect.arrayContaining(["json", "text", "bytes", "yaml", "csv", "parquet", "onnx"]));
    expect(findHandler("yaml")).toBe(yamlHandler);
    expect(findHandler("csv")).toBe(csvHandler);
    expect(findHandler("parquet")).toBe(parquetHandler);
    expect(findHandler("onnx")).toBe(onnxHandler);
  });

  it("logs and loads parquet tables and onnx models through a repository with no other import", async () => {
    const { readFileSync } = await import("node:fs");
    const model = readFileSync(new URL("../../onnx/fixtures/logistic-3.onnx", import.meta.url));
    const repo = await Repository.open(`memory://lazyscribe-${process.pid}/repository.json`);
    repo.logArtifact("model", model, "onnx");
    repo.logArtifact("features", [{ id: 1, plan: "plus" }], "parquet");
    await repo.save();
    const session = (await repo.loadArtifact("model")) as InferenceSession;
    expect(session.inputNames).toEqual(["features"]);
    const table = (await repo.loadArtifact("features")) as Table;
    expect(table.toArray().map((r) => r.toJSON())).toEqual([{ id: 1n, plan: "plus" }]);
  });
});
