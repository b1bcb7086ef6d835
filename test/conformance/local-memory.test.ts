import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryStorage } from "@lazyscribe/core";
import { createLocalStorage } from "@lazyscribe/local";
import { runConformance } from "./index.js";

runConformance({
  name: "memory",
  setup: async () => ({ storage: createMemoryStorage({ name: `conformance-${process.pid}` }), root: "bucket" }),
});

runConformance({
  name: "local",
  setup: async () => {
    const root = await mkdtemp(join(tmpdir(), "lazyscribe-conformance-"));
    return { storage: createLocalStorage(), root, cleanup: () => rm(root, { recursive: true, force: true }) };
  },
});
