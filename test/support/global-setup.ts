/**
 * Vitest globalSetup: starts the storage emulators (moto S3, fake-gcs-server, azurite) once per run
 * and stops them at the end. It creates no buckets; suites make their own.
 *
 * A service whose LAZYSCRIBE_TEST_* variable is already set is not started: the suite runs against
 * what that variable points at (e.g. LocalStack, see localstack/README.md), with the SDK variables
 * filled in from it where the user has not set them.
 *
 * Env reaches the tests through process.env: globalSetup runs in the main process before any worker
 * is created, and `pool: "forks"` workers inherit the main process's environment.
 */
import type { TestProject } from "vitest/node";
import { azureEnv, gcsEnv, s3Env, startEmulators, type EmulatorName } from "../../scripts/emulators/emulators.mjs";

const USER_SET: Record<EmulatorName, { variable: string; env: (value: string) => Record<string, string> }> = {
  s3: { variable: "LAZYSCRIBE_TEST_S3_ENDPOINT", env: s3Env },
  gcs: { variable: "LAZYSCRIBE_TEST_GCS_ENDPOINT", env: gcsEnv },
  azure: { variable: "LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING", env: azureEnv },
};

export default async function setup(_project: TestProject): Promise<() => Promise<void>> {
  // Exported by `eval "$(node scripts/emulators/run.mjs)"`; the suites get the endpoint from LAZYSCRIBE_TEST_GCS_ENDPOINT
  // and set STORAGE_EMULATOR_HOST themselves where they test it: raw @google-cloud/storage clients break under it.
  delete process.env.STORAGE_EMULATOR_HOST;
  const toStart: EmulatorName[] = [];
  for (const [name, { variable, env }] of Object.entries(USER_SET) as [EmulatorName, (typeof USER_SET)[EmulatorName]][]) {
    const value = process.env[variable];
    if (!value) {
      toStart.push(name);
      continue;
    }
    // The user's own settings (e.g. real credentials or region) win over our test defaults.
    for (const [key, v] of Object.entries(env(value))) process.env[key] ??= v;
  }

  if (toStart.length === 0) return async () => {};
  const emulators = await startEmulators({ only: toStart });
  // Emulator values override any stray AWS_ENDPOINT_URL_S3 etc., so tests never reach a real cloud by accident.
  Object.assign(process.env, emulators.env);
  return emulators.stop;
}
