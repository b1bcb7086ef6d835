#!/usr/bin/env node
/**
 * Report benchmark: the file size of a report of 1,000 and 10,000 experiments, the time to
 * build it, and its render time in Chromium (navigation start to the first table rows drawn,
 * read from the page's `lazyscribe:table-visible` performance mark), median of several loads.
 *
 * Usage: npm run bench:report [-- --sizes 1000,10000 --runs 5]
 * Needs the built packages (the npm script builds them) and Chromium (apt-get install chromium,
 * or LAZYSCRIBE_CHROMIUM=/path/to/chrome).
 *
 * Each experiment has 10 parameters, 5 metrics, 2 tags and no artifact file, as in the test suite.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { encodePythonJson, Project } from "lazyscribe";
import { renderReport } from "@lazyscribe/report";
import { chromium } from "playwright-core";

const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,10000" }, runs: { type: "string", default: "5" } } });
const sizes = values.sizes.split(",").map(Number);
const runs = Number(values.runs);
const executablePath = process.env.LAZYSCRIBE_CHROMIUM || "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(`Chromium is missing at ${executablePath}: apt-get install -y chromium, or set LAZYSCRIBE_CHROMIUM.`);
  process.exit(1);
}

function manifest(count) {
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const created = new Date(base + i * 60_000).toISOString().slice(0, 19);
    return {
      artifacts: [],
      author: `author-${i % 7}`,
      created_at: created,
      dependencies: [],
      last_updated: created,
      last_updated_by: `author-${i % 7}`,
      metrics: Object.fromEntries(Array.from({ length: 5 }, (_, m) => [`metric_${m}`, Math.round(Math.sin(i + m) * 1e6) / 1e6])),
      name: `run ${i}`,
      parameters: Object.fromEntries(
        Array.from({ length: 10 }, (_, p) => [`param_${p}`, p % 3 === 0 ? `choice-${(i + p) % 4}` : (i * (p + 1)) % 97]),
      ),
      short_slug: `run-${i}`,
      slug: `run-${i}-${created.replace(/[-:T]/g, "")}`,
      tags: [`group-${i % 10}`, i % 2 ? "odd" : "even"],
      tests: [],
    };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
const rows = [];
try {
  for (const size of sizes) {
    const dir = await mkdtemp(join(tmpdir(), `lazyscribe-bench-report-${size}-`));
    try {
      await writeFile(join(dir, "project.json"), encodePythonJson(manifest(size), { indent: 4, sortKeys: true }));
      const started = performance.now();
      const project = await Project.open(join(dir, "project.json"), { mode: "r" });
      const html = await renderReport(project);
      const buildMs = performance.now() - started;
      const file = join(dir, "report.html");
      await writeFile(file, html);
      const bytes = (await stat(file)).size;
      const renders = [];
      for (let r = 0; r < runs; r++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        await page.goto(pathToFileURL(file).href);
        await page.waitForSelector('[data-testid="row"]');
        await page.waitForFunction(() => performance.getEntriesByName("lazyscribe:table-visible").length > 0);
        renders.push(await page.evaluate(() => performance.getEntriesByName("lazyscribe:table-visible")[0].startTime));
        await context.close();
      }
      rows.push({ size, bytes, buildMs, renderMs: median(renders), worstMs: Math.max(...renders) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}

console.log(`Report benchmark (Node ${process.version}, Chromium ${browser.version()}, ${runs} loads each)`);
console.log("| experiments | file size | build (Node) | render in Chromium, median | worst |");
console.log("|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.size.toLocaleString("en-US")} | ${(r.bytes / 1024 / 1024).toFixed(2)} MB | ${Math.round(r.buildMs)} ms | ${Math.round(r.renderMs)} ms | ${Math.round(r.worstMs)} ms |`,
  );
}
