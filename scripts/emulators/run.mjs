#!/usr/bin/env node
/**
 * For humans: starts the emulators, prints their env as `export K=V` lines, runs until Ctrl-C.
 *   node scripts/emulators/run.mjs [s3] [gcs] [azure]      (no names: all three)
 *   node scripts/emulators/run.mjs localstack              (LocalStack S3 instead; needs `npm run tools -- --localstack`)
 * Paste the exports into another shell (or `eval` them) to point tests or scripts at the emulators.
 */
import process from "node:process";
import { setInterval } from "node:timers";
import { pythonGcsEnv, startEmulators, startLocalstack } from "./emulators.mjs";

const names = process.argv.slice(2);
const { env, stop } = names.includes("localstack")
  ? await startLocalstack()
  : await startEmulators(names.length > 0 ? { only: names } : {});

// Single-quote values so the lines are safe to eval (the Azure connection string holds ';' and '=').
for (const [key, value] of Object.entries(env)) console.log(`export ${key}='${value}'`);
// Not exported above on purpose (it breaks @google-cloud/storage for Node; see gcsEnv in emulators.mjs).
if (env.LAZYSCRIBE_TEST_GCS_ENDPOINT) {
  for (const [key, value] of Object.entries(pythonGcsEnv(env.LAZYSCRIBE_TEST_GCS_ENDPOINT))) {
    console.log(`# for gcsfs / Python / Go GCS clients only: export ${key}='${value}'`);
  }
}
console.error("# emulators running; logs in .tools/logs/. Ctrl-C to stop.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  });
}
// The children keep no handle open in this process, so keep the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
