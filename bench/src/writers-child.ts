/**
 * One writer of the `writers` scenario, as its own OS process on the built packages:
 * opens the project in mode "a", logs `experiments` experiments (one small json artifact
 * each) and saves after every one, timing each save and counting what it sent. A save
 * that throws is counted and not repeated (the next save carries its experiment again).
 *
 *   node writers-child.js '<json: { store, location, writer, experiments }>'
 *
 * Prints one JSON line: { writer, latenciesMs, saveErrors, firstError, storageCalls, httpRequests }.
 */
import { Project, SaveError } from "@lazyscribe/core";
import type { StoreId } from "./config.js";
import { libStorage } from "./lib-workloads.js";
import { countHttpRequests, metered, Meter } from "./meter.js";

interface WriterConfig {
  store: StoreId;
  location: string;
  writer: number;
  experiments: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as WriterConfig;
  const meter = new Meter();
  countHttpRequests(meter);
  const storage = metered(await libStorage(config.store), meter);
  const project = await Project.open(config.location, { mode: "a", author: `writer-${config.writer}`, storage });
  meter.take();
  const latenciesMs: number[] = [];
  let saveErrors = 0;
  let firstError: string | undefined;
  let storageCalls = 0;
  let httpRequests = 0;
  for (let j = 0; j < config.experiments; j++) {
    await project.log(`w${config.writer}-e${j}`, (e) => {
      e.logMetric("j", j);
      e.logParameter("writer", config.writer);
      e.logArtifact("data", { writer: config.writer, j }, "json");
    });
    const started = performance.now();
    try {
      await project.save();
    } catch (err) {
      if (!(err instanceof SaveError)) throw err;
      saveErrors++;
      firstError ??= `${err.message}${err.cause instanceof Error ? ` (cause: ${err.cause.message})` : ""}`;
    }
    latenciesMs.push(performance.now() - started);
    const counts = meter.take();
    storageCalls += Object.values(counts.calls).reduce((a, b) => a + b, 0);
    httpRequests += counts.requests;
  }
  await storage.close?.();
  process.stdout.write(`${JSON.stringify({ writer: config.writer, latenciesMs, saveErrors, firstError, storageCalls, httpRequests })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) })}\n`);
    process.exit(1);
  },
);
