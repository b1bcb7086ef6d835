/**
 * Worker process of the `lib` and `raw` contenders: reads one {@link Job} as JSON on
 * stdin, runs it, prints one {@link JobResult} as JSON on the last line of stdout. A
 * failure prints `{"error": ...}` and exits 1; a store this library has no backend for
 * prints `{"unavailable": ...}`.
 */
import { text } from "node:stream/consumers";
import type { Job, JobResult } from "./jobs.js";

async function main(): Promise<void> {
  const job = JSON.parse(await text(process.stdin)) as Job;
  let out: JobResult;
  if (job.contender === "lib") {
    const { runLib } = await import("./lib-workloads.js");
    out = await runLib(job);
  } else if (job.contender === "raw") {
    const { runRaw } = await import("./raw-workloads.js");
    out = await runRaw(job);
  } else {
    throw new Error(`the Node worker runs lib and raw, not ${job.contender}`);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  // SDK clients can keep sockets alive for a while; the result is out, so leave now.
  () => process.exit(0),
  (err: unknown) => {
    const error = err instanceof Error ? err : new Error(String(err));
    const payload = error.name === "BackendUnavailable" ? { unavailable: error.message } : { error: error.stack ?? error.message };
    process.stdout.write(`${JSON.stringify(payload)}\n`);
    process.exit(error.name === "BackendUnavailable" ? 0 : 1);
  },
);
