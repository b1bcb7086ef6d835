import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestBucket, rawS3Client, s3Emulation } from "../s3/s3-env.js";
import { runCliSuite } from "./cli-suite.js";

const raw = rawS3Client();

// The children reach moto through AWS_ENDPOINT_URL_S3 and the AWS_* credentials global setup exported, as users' tools do.
runCliSuite({
  name: "s3",
  freshRoot: async () => `s3://${await createTestBucket(raw, "cli")}`,
  storage: { emulatePreconditions: s3Emulation() },
  otherProtocolFolder: () => mkdtemp(join(tmpdir(), "lazyscribe-cli-other-")),
});
