/**
 * Without onnxruntime-node: a real Node process in a folder where @lazyscribe/onnx and
 * @lazyscribe/core resolve but onnxruntime-node does not (this package's sources are
 * copied there, run through tsx), so the import fails the way it does in a user's project.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const CORE = fileURLToPath(new URL("../../core", import.meta.url));
const TSX = import.meta.resolve("tsx");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function projectWithoutRuntime(): string {
  const dir = mkdtempSync(join(tmpdir(), "lazyscribe-onnx-no-runtime-"));
  dirs.push(dir);
  const scope = join(dir, "node_modules", "@lazyscribe");
  mkdirSync(join(scope, "onnx"), { recursive: true });
  cpSync(join(PACKAGE, "src"), join(scope, "onnx", "src"), { recursive: true });
  cpSync(join(PACKAGE, "fixtures"), join(dir, "fixtures"), { recursive: true });
  cpSync(join(PACKAGE, "package.json"), join(scope, "onnx", "package.json"));
  symlinkSync(CORE, join(scope, "core"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  return dir;
}

const SCRIPT = `
import { readFileSync } from "node:fs";
import { Repository } from "@lazyscribe/core";
import { OnnxRuntimeUnavailableError } from "@lazyscribe/onnx";
const repo = await Repository.open("memory://no-runtime/repository.json");
repo.logArtifact("model", readFileSync("fixtures/logistic-3.onnx"), "onnx");
await repo.save();
const bytes = await repo.loadArtifact("model", { readOptions: { as: "bytes" } });
try {
  await repo.loadArtifact("model");
  console.log(JSON.stringify({ loaded: true }));
} catch (err) {
  console.log(JSON.stringify({
    bytes: bytes.byteLength,
    name: err.name,
    causeName: err.cause?.name,
    causeIsTyped: err.cause instanceof OnnxRuntimeUnavailableError,
    message: err.message,
  }));
}
`;

describe("the onnx handler without onnxruntime-node", () => {
  it("logs and reads bytes, and loading a session fails with OnnxRuntimeUnavailableError saying how to install it", () => {
    const dir = projectWithoutRuntime();
    writeFileSync(join(dir, "main.ts"), SCRIPT);
    const run = spawnSync(process.execPath, ["--conditions=lazyscribe-source", "--import", TSX, "main.ts"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    expect(result).toMatchObject({ bytes: 252, name: "ArtifactLoadError", causeName: "OnnxRuntimeUnavailableError", causeIsTyped: true });
    expect(result.message).toContain("needs the optional peer dependency onnxruntime-node, which is not installed");
    expect(result.message).toContain("npm install onnxruntime-node");
    expect(result.message).toContain("ONNXRUNTIME_NODE_INSTALL=skip");
    expect(result.message).toContain('{ readOptions: { as: "bytes" } }');
  });
});
