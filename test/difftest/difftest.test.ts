/**
 * The differential test in the suite: a fixed seed and number of scenarios, run by
 * Python lazyscribe and this library and compared byte for byte (see ./run.ts).
 * `npm run difftest -- --n 2000 --seed S` runs more. A mismatch fails with the
 * scenario shrunk by fast-check and the differing files.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PYTHON, runDifftest, scenarioText, shrink } from "./run.js";

const SEED = Number(process.env.LAZYSCRIBE_DIFFTEST_SEED ?? 20261201);
const SCENARIOS = Number(process.env.LAZYSCRIBE_DIFFTEST_N ?? 40);

describe("differential test against Python lazyscribe", () => {
  it(`${SCENARIOS} random scenarios (seed ${SEED}) give the same files, or only documented differences`, { timeout: 240_000 }, async () => {
    if (!existsSync(PYTHON)) throw new Error(`The differential test needs the project venv at ${PYTHON}: run \`npm run tools\`.`);
    const summary = await runDifftest({ n: SCENARIOS, seed: SEED });
    const failing = summary.results.filter((r) => r.verdict === "mismatch");
    let report = "";
    if (failing.length) {
      const small = await shrink(SEED, failing[0]!.index);
      report =
        `${failing.length} of ${summary.scenarios} scenarios mismatch (${failing.map((f) => `#${f.index}: ${f.classes.join(", ")}`).join("; ")}).\n` +
        (small ? `Shrunk scenario:\n${scenarioText(small.scenario)}\n${small.result.details.join("\n")}` : failing[0]!.details.join("\n"));
    }
    expect(report).toBe("");
    // The run must mostly be byte-identical; documented differences are the exception.
    expect(summary.identical).toBeGreaterThan(summary.scenarios / 2);
  });
});
