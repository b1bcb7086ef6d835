import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliSuite } from "./cli-suite.js";

runCliSuite({
  name: "local disk",
  freshRoot: () => mkdtemp(join(tmpdir(), "lazyscribe-cli-")),
  otherProtocolFolder: async () => `memory://cli-${process.pid}/serving`,
});
