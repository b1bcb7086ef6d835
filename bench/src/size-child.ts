/**
 * One measurement of the `size` scenario in a fresh process (so nothing is warm):
 *
 * - `parse`: reads project.json through the store, then times `JSON.parse` of its text
 *   (the reference the open is held to), and, separately, the read itself;
 * - `open`: times `Project.open(location, { mode: "r" })`, read included;
 * - `save`: opens in mode "a" (not timed), then times logging one experiment and `save()`;
 * - `baseline`: only stats the file, for the resident memory of the process itself.
 *
 *   node size-child.js '<json: { store, location, what }>'
 *
 * Prints one JSON line: { ms, readMs?, peakRssBytes }.
 */
import { Project, resolveLocation } from "@lazyscribe/core";
import type { StoreId } from "./config.js";
import { libStorage } from "./lib-workloads.js";

interface SizeConfig {
  store: StoreId;
  location: string;
  what: "baseline" | "parse" | "open" | "save";
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as SizeConfig;
  const storage = await libStorage(config.store);
  const { path } = await resolveLocation(config.location, storage);
  let ms: number;
  let readMs: number | undefined;
  if (config.what === "baseline") {
    const started = performance.now();
    await storage.stat(path);
    ms = performance.now() - started;
  } else if (config.what === "parse") {
    const readStarted = performance.now();
    const text = new TextDecoder().decode(await storage.read(path));
    readMs = performance.now() - readStarted;
    const started = performance.now();
    JSON.parse(text);
    ms = performance.now() - started;
  } else if (config.what === "open") {
    const started = performance.now();
    await Project.open(config.location, { mode: "r", storage });
    ms = performance.now() - started;
  } else {
    const project = await Project.open(config.location, { mode: "a", author: "bench-size", storage });
    const started = performance.now();
    await project.log(`one-more-${process.pid}`, (e) => {
      e.logMetric("auc", 0.9);
      e.logMetric("loss", 0.1);
      e.logParameter("lr", 0.01);
      e.logParameter("depth", 6);
    });
    await project.save();
    ms = performance.now() - started;
  }
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  await storage.close?.();
  process.stdout.write(`${JSON.stringify({ ms, readMs, peakRssBytes })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) })}\n`);
    process.exit(1);
  },
);
