import { createS3Storage } from "@lazyscribe/s3";
import { createTestBucket, deleteTestBucket, rawS3Client, s3Emulation, s3Endpoint } from "../s3/s3-env.js";
import { runConformance } from "./index.js";

runConformance({
  name: "s3",
  setup: async () => {
    const raw = rawS3Client();
    const bucket = await createTestBucket(raw, "conf");
    const storage = createS3Storage({ endpoint: s3Endpoint(), emulatePreconditions: s3Emulation() });
    return {
      storage,
      root: bucket,
      cleanup: async () => {
        await storage.close();
        await deleteTestBucket(raw, bucket);
        raw.destroy();
      },
    };
  },
});
