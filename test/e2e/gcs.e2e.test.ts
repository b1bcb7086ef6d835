import { afterAll, beforeAll } from "vitest";
import { createTestBucket, gcsCheckCopyPreconditions, gcsEndpoint, rawGcsClient } from "../gcs/gcs-env.js";
import { runCloudEndToEnd } from "./cloud-suite.js";

// Made before STORAGE_EMULATOR_HOST is set below: the raw SDK would take `host:port` as its base URL.
const raw = rawGcsClient();

// The endpoint comes from the environment, as for users of an emulator: STORAGE_EMULATOR_HOST as
// `host:port`, the way gcsfs and fake-gcs-server spell it (global setup does not export it, because
// the raw SDK cannot use that form; the backend can).
let previous: string | undefined;
beforeAll(() => {
  previous = process.env.STORAGE_EMULATOR_HOST;
  process.env.STORAGE_EMULATOR_HOST = new URL(gcsEndpoint()).host;
});
afterAll(() => {
  if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
  else process.env.STORAGE_EMULATOR_HOST = previous;
});

runCloudEndToEnd({
  name: "gcs",
  protocol: "gs",
  makeBucket: () => createTestBucket(raw, "e2e"),
  // fake-gcs-server ignores ifGenerationMatch on rewrites; see gcs-env.ts.
  storage: { checkCopyPreconditions: gcsCheckCopyPreconditions() },
});
