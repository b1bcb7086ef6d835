import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestBucket, gcsEndpoint, gcsTestSettings, rawGcsClient } from "../gcs/gcs-env.js";
import { runCliSuite } from "./cli-suite.js";

const raw = rawGcsClient();

// The children reach fake-gcs-server through STORAGE_EMULATOR_HOST, the variable Google's tools read.
runCliSuite({
  name: "gcs",
  freshRoot: async () => `gs://${await createTestBucket(raw, "cli")}`,
  storage: gcsTestSettings(),
  env: { STORAGE_EMULATOR_HOST: gcsEndpoint() },
  otherProtocolFolder: () => mkdtemp(join(tmpdir(), "lazyscribe-cli-other-")),
});
