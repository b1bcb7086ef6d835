import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestContainer, rawServiceClient } from "../azure/azure-env.js";
import { runCliSuite } from "./cli-suite.js";

const raw = rawServiceClient();

// The children reach azurite through AZURE_STORAGE_CONNECTION_STRING, exported by global setup.
runCliSuite({
  name: "azure",
  freshRoot: async () => `az://${await createTestContainer(raw, "cli")}`,
  otherProtocolFolder: () => mkdtemp(join(tmpdir(), "lazyscribe-cli-other-")),
});
