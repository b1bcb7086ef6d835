/**
 * `npm run difftest -- --n 2000 --seed S`: runs the differential test on more
 * scenarios than the suite does and prints the figures (scenarios, byte-identical,
 * documented differences and mismatches by class). `--shrink` shrinks the first
 * mismatch and prints it; `--keep` keeps the scenario folders. Exits 1 on any mismatch.
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { runDifftest, scenarioText, shrink } from "./run.js";
import { scenario } from "./scenario.js";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "200" },
    seed: { type: "string", default: String(Date.now() % 2 ** 31) },
    shrink: { type: "boolean", default: false },
    show: { type: "string" },
    only: { type: "string" },
  },
});
const n = Number(values.n);
const seed = Number(values.seed);
if (values.show !== undefined) {
  // Prints scenario `--show i` of the seed, as both sides receive it.
  const i = Number(values.show);
  console.log(scenarioText(fc.sample(scenario, { numRuns: i + 1, seed })[i]!));
  process.exit(0);
}
// --only 3,17 reruns just those scenarios of the seed.
const only = values.only?.split(",").map(Number);
const summary = await runDifftest({ n, seed, only });
console.log(`seed ${seed}: ${summary.scenarios} scenarios in ${summary.seconds.toFixed(1)} s`);
console.log(`  byte-identical (after both re-saves): ${summary.identical}`);
console.log(`  documented differences only:          ${summary.documented}`);
console.log(`  mismatches:                           ${summary.mismatches}`);
for (const [cls, count] of Object.entries(summary.byClass).sort()) console.log(`    ${cls}: ${count}`);
const failing = summary.results.filter((r) => r.verdict === "mismatch");
for (const r of failing.slice(0, 5)) console.log(`\nscenario ${r.index}: ${r.classes.join(", ")}\n${r.details.slice(0, 4).join("\n")}`);
if (failing.length && values.shrink) {
  const small = await shrink(seed, failing[0]!.index);
  if (small) console.log(`\nshrunk scenario:\n${scenarioText(small.scenario)}\n${small.result.details.join("\n")}`);
}
process.exitCode = failing.length ? 1 : 0;
