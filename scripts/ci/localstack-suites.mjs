#!/usr/bin/env node
/**
 * Runs the S3 suites (backend, conformance, end to end) against LocalStack in host mode: starts it
 * (`npm run tools -- --localstack` installs it), points LAZYSCRIBE_TEST_S3_ENDPOINT at it, so Vitest's global setup
 * starts no moto, runs the suites, and stops LocalStack. Exits with Vitest's code.
 *
 * Usage: node scripts/ci/localstack-suites.mjs [extra vitest args]
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalstack } from "../emulators/emulators.mjs";

export const LOCALSTACK_SUITES = ["test/s3/", "test/conformance/s3.test.ts", "test/e2e/s3.e2e.test.ts"];

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { env, stop } = await startLocalstack({ timeoutMs: 120_000 });
console.log(`LocalStack S3 at ${env.LAZYSCRIBE_TEST_S3_ENDPOINT}`);
let code;
try {
  code = await new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "vitest"), ["run", ...LOCALSTACK_SUITES, ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    child.once("error", reject);
    child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
} finally {
  await stop();
}
process.exit(code);
