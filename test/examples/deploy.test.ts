/**
 * The deploy example (examples/deploy, `npm run example:deploy`) as a real subprocess on the
 * suite's S3 emulator: Python trains and releases a model and a feature table, the library
 * builds the minimal repository in a second bucket, the Node service loads them from there,
 * and its predictions must equal Python onnxruntime's to 1e-6 (the example checks it and
 * exits non-zero otherwise).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { requirePython } from "../interop/harness.js";
import { s3Endpoint } from "../s3/s3-env.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("examples/deploy", () => {
  it("runs end to end on the S3 emulator: Python release, minimal repository in the deployment bucket, Node predictions equal Python's", () => {
    requirePython();
    s3Endpoint();
    if (!existsSync(`${ROOT}packages/lazyscribe/dist/index.js`))
      throw new Error("The example imports the built lazyscribe: run `npx turbo run build --filter=lazyscribe` (npm test builds first).");
    const run = spawnSync(process.execPath, ["examples/deploy/run.mjs"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 240_000,
      env: process.env,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(run.stdout).not.toContain("starting the S3 emulator"); // it used the suite's emulator
    expect(run.stdout).toMatch(/release 1\.0\.0: \[\["churn-model",0\],\["features",0\]\]/);
    expect(run.stdout).toMatch(
      /the bucket holds: \S+\/churn\/churn-model\/churn-model-\d{14}\.onnx, \S+\/churn\/features\/features-\d{14}\.parquet, \S+\/churn\/repository\.json\n/,
    );
    const error = Number(/max prediction error: (\S+) over 8 predictions/.exec(run.stdout)?.[1]);
    console.log(`[deploy example] max prediction error ${error}`);
    expect(error).toBeLessThanOrEqual(1e-6);
    expect(run.stdout).toContain("bad rows: 400");
    expect(run.stdout).toContain("deploy example: OK");
  }, 300_000);
});
