#!/usr/bin/env node
/**
 * `npm run bench:open-floor`: what any eager open of a large project.json costs in Node, next to
 * `Project.open`, so the size targets (open within 1.5x of `JSON.parse`, peak RSS within 3x of the
 * file) can be read against a floor. Writes a project of N experiments (default 100,000, four small
 * fields each, as the size scenario) through the library, then times in fresh processes, best of R
 * (default 3), each after reading the file and decoding its bytes to text (timed apart):
 *   - `read`: nothing more (the process, the file's bytes and its text);
 *   - `JSON.parse`: the reference of the targets;
 *   - `split + JSON.parse`: the library's decoder without its checks (one `JSON.parse` per experiment, texts kept);
 *   - `JSON.parse + minimal model`: plus one object with two `Date`s per experiment, the smallest eager model;
 *   - `Project.open` (mode `r`; it reads the file itself, so the `read` row's time is taken off).
 * Needs `npm run build` first (the npm script builds the bench and what it uses).
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Project } from "@lazyscribe/core";
import "@lazyscribe/local";
import { appendSizeExperiments } from "./dist/size-bench.js";

const n = Number(process.env.BENCH_OPEN_FLOOR_EXPERIMENTS ?? 100_000);
const rounds = Number(process.env.BENCH_OPEN_FLOOR_ROUNDS ?? 3);

const VARIANTS = ["read", "JSON.parse", "split + JSON.parse", "JSON.parse + minimal model", "Project.open"];

/** One measurement in this (fresh) process: prints `{ readMs, ms, peakRssMiB }`. */
async function child(file, variant) {
  const started = performance.now();
  if (variant === "Project.open") {
    // Its own read included: the parent takes the `read` row's time off.
    const project = await Project.open(file, { mode: "r" });
    return { ms: performance.now() - started, peakRssMiB: process.resourceUsage().maxRSS / 1024, kept: project.experiments.length };
  }
  const text = new TextDecoder().decode(await readFile(file));
  const readMs = performance.now() - started;
  const t = performance.now();
  let kept = 0;
  if (variant === "JSON.parse") kept = JSON.parse(text).length;
  else if (variant === "split + JSON.parse") {
    const chunks = [];
    for (let at = "[\n    ".length; ;) {
      const end = text.indexOf("\n    }", at);
      if (end < 0) break;
      const chunk = text.slice(at, end + "\n    }".length);
      chunks.push([chunk, JSON.parse(chunk)]);
      at = end + "\n    }".length + ",\n    ".length;
    }
    kept = chunks.length;
  } else if (variant === "JSON.parse + minimal model") {
    const model = JSON.parse(text).map((e) => ({
      name: e.name,
      slug: e.slug,
      createdAt: new Date(`${e.created_at}Z`),
      lastUpdated: new Date(`${e.last_updated}Z`),
      metrics: e.metrics,
      parameters: e.parameters,
    }));
    kept = model.length;
  }
  return { readMs, ms: performance.now() - t, peakRssMiB: process.resourceUsage().maxRSS / 1024, kept };
}

async function writeProject(file) {
  const project = await Project.open(file, { mode: "w", author: "bench" });
  appendSizeExperiments(project, file, n);
  await project.save();
}

if (process.argv[2] === "--child") {
  process.stdout.write(`${JSON.stringify(await child(process.argv[3], process.argv[4]))}\n`);
} else {
  const dir = await mkdtemp(join(tmpdir(), "lazyscribe-open-floor-"));
  try {
    const file = join(dir, "project.json");
    await writeProject(file);
    const fileMiB = (await stat(file)).size / 2 ** 20;
    const self = fileURLToPath(import.meta.url);
    const best = new Map();
    for (let r = 0; r < rounds; r++) {
      for (const variant of VARIANTS) {
        const out = JSON.parse(execFileSync(process.execPath, [self, "--child", file, variant], { encoding: "utf8" }));
        if (variant !== "read" && out.kept !== n) throw new Error(`${variant} kept ${out.kept} of ${n} experiments`);
        const prev = best.get(variant);
        best.set(variant, {
          ms: Math.min(prev?.ms ?? Infinity, out.ms),
          readMs: Math.min(prev?.readMs ?? Infinity, out.readMs),
          peakRssMiB: Math.min(prev?.peakRssMiB ?? Infinity, out.peakRssMiB),
        });
      }
    }
    const readMs = best.get("read").readMs;
    const opened = best.get("Project.open");
    best.set("Project.open", { ...opened, ms: opened.ms - readMs, readMs: NaN, total: opened.ms });
    const parseMs = best.get("JSON.parse").ms;
    console.log(
      `project.json of ${n.toLocaleString("en")} experiments, ${fileMiB.toFixed(1)} MiB; ${process.version}; best of ${rounds} fresh processes`,
    );
    console.log("");
    console.log("| | time after the read | / JSON.parse | read + decode to text | peak RSS | peak RSS / file |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const variant of VARIANTS) {
      const b = best.get(variant);
      const ratio = variant === "read" ? "—" : `${(b.ms / parseMs).toFixed(2)}x`;
      const ms = variant === "read" ? "—" : `${Math.round(b.ms)} ms`;
      console.log(
        `| ${variant} | ${ms} | ${ratio} | ${Number.isNaN(b.readMs) ? "(in the open)" : `${Math.round(b.readMs)} ms`} | ${Math.round(b.peakRssMiB)} MiB | ${(b.peakRssMiB / fileMiB).toFixed(1)}x |`,
      );
    }
    console.log("");
    console.log(
      `Project.open took ${Math.round(opened.ms)} ms with its read; the table takes off the read row's ${Math.round(readMs)} ms.`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
