#!/usr/bin/env node
/**
 * `npm run bench:json`: how fast a project.json of N experiments (default 100,000) decodes with
 *   - plain `JSON.parse` (the floor: loses Python's float marks and big integers),
 *   - `JSON.parse` with a reviver reading each number's source text (Node 22+: `context.source`), which keeps
 *     `1.0` a float and big integers exact, but cannot read `NaN`/`Infinity`,
 *   - the library's exact decoder (`decodePythonJson`), and
 *   - what `Project.open` uses (`decodeManifestText`: `JSON.parse` per experiment, the exact decoder where needed).
 * Prints the best of R rounds (default 5) for each. Needs `npm run build` first.
 */
import { performance } from "node:perf_hooks";
import { decodePythonJson, encodePythonJson, isMarkedFloat, markFloat, PyFloat } from "@lazyscribe/core";

const n = Number(process.env.BENCH_JSON_EXPERIMENTS ?? 100_000);
const rounds = Number(process.env.BENCH_JSON_ROUNDS ?? 5);

const experiments = Array.from({ length: n }, (_, i) => ({
  artifacts: [],
  author: "bench",
  created_at: "2026-12-01T10:00:00",
  dependencies: [],
  last_updated: "2026-12-01T10:00:00",
  last_updated_by: "bench",
  // One experiment in ten holds an integral float (written `1.0`), which only the exact decoder keeps.
  metrics: { auc: 0.5 + (i % 1000) / 2000, loss: i % 10 === 0 ? new PyFloat(1) : 0.25 + (i % 7) / 10, step: i },
  name: `experiment ${i}`,
  parameters: { lr: 0.01, depth: i % 12, optimizer: "adam" },
  project: "project.json",
  short_slug: `experiment-${i}`,
  slug: `experiment-${i}-20261201100000`,
  tags: ["bench"],
  tests: [],
}));
const text = encodePythonJson(experiments, { indent: 4, sortKeys: true });

/** A reviver that keeps Python's number kinds by reading each number's source text (Node 22+). */
function pythonNumbers(key, value, context) {
  if (typeof value !== "number" || context?.source === undefined) return value;
  const source = context.source;
  if (/[.eE]/.test(source)) {
    if (Number.isInteger(value)) markFloat(this, key); // the holder carries the mark, as the exact decoder's output does
    return value;
  }
  return Number.isSafeInteger(value) ? value : BigInt(source);
}

const { decodeManifestText } = await import("../packages/core/dist/model/manifest-text.js").catch(() => ({}));
const contenders = [
  ["JSON.parse", () => JSON.parse(text)],
  ["JSON.parse + source-text reviver", () => JSON.parse(text, pythonNumbers)],
  ["decodePythonJson (exact)", () => decodePythonJson(text)],
  ...(decodeManifestText ? [["decodeManifestText (Project.open)", () => decodeManifestText(text, false)]] : []),
];

// Same answers where it matters: the float mark on `loss` survives the reviver and the exact decoder.
const viaReviver = JSON.parse(text, pythonNumbers);
if (!isMarkedFloat(viaReviver[0].metrics, "loss") || !isMarkedFloat(decodePythonJson(text)[0].metrics, "loss"))
  throw new Error("the reviver lost the float mark of 1.0");

console.log(
  `project.json: ${n.toLocaleString("en")} experiments, ${(Buffer.byteLength(text) / 2 ** 20).toFixed(1)} MiB; Node ${process.version}; best of ${rounds}`,
);
const floor = [];
for (const [name, decode] of contenders) {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    globalThis.gc?.();
    const t = performance.now();
    decode();
    best = Math.min(best, performance.now() - t);
  }
  floor.push(best);
  console.log(`${name.padEnd(36)} ${best.toFixed(0).padStart(6)} ms  ${(best / floor[0]).toFixed(2)}x JSON.parse`);
}
