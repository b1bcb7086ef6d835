#!/usr/bin/env node
/**
 * For humans: starts the emulators, prints the variables to export as `export K='V'` lines, runs until Ctrl-C.
 *   node scripts/emulators/run.mjs [s3] [gcs] [azure]      (no names: all three)
 *   node scripts/emulators/run.mjs localstack              (LocalStack S3 instead; needs `npm run tools -- --localstack`)
 * In another shell, `eval "$(node scripts/emulators/run.mjs)"` (or paste the lines): then `s3://`, `gs://` and `az://`
 * URLs in this library, the AWS CLI and SDKs, gcsfs and the Azure SDKs all reach the emulators, and `npm test` uses
 * them instead of starting its own. The lines go to stdout; everything else to stderr.
 */
import process from "node:process";
import { setInterval } from "node:timers";
import { startEmulators, startLocalstack, userEnv } from "./emulators.mjs";

const names = process.argv.slice(2);
const { env, stop } = names.includes("localstack")
  ? await startLocalstack()
  : await startEmulators(names.length > 0 ? { only: names } : {});

// Single-quote values so the lines are safe to eval (the Azure connection string holds ';' and '=').
for (const [key, value] of Object.entries(userEnv(env))) console.log(`export ${key}='${value}'`);
if (env.LAZYSCRIBE_TEST_GCS_ENDPOINT) {
  console.log(
    "# your own @google-cloud/storage (Node) client: unset STORAGE_EMULATOR_HOST and pass { apiEndpoint: '" +
      `${env.LAZYSCRIBE_TEST_GCS_ENDPOINT}' }: the Node SDK takes that variable as its whole API base URL.`,
  );
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
