import { createTestBucket, rawS3Client, s3Emulation } from "../s3/s3-env.js";
import { runCloudEndToEnd } from "./cloud-suite.js";

const raw = rawS3Client();

runCloudEndToEnd({
  name: "s3",
  protocol: "s3",
  makeBucket: () => createTestBucket(raw, "e2e"),
  // The endpoint and credentials come from the environment (AWS_ENDPOINT_URL_S3 ...), as for users.
  storage: { emulatePreconditions: s3Emulation() },
});
