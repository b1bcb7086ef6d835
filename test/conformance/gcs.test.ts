import { createGcsStorage } from "@lazyscribe/gcs";
import { createTestBucket, deleteTestBucket, gcsTestSettings, rawGcsClient } from "../gcs/gcs-env.js";
import { runConformance } from "./index.js";

runConformance({
  name: "gcs",
  setup: async () => {
    const raw = rawGcsClient();
    const bucket = await createTestBucket(raw, "conf");
    const storage = createGcsStorage(gcsTestSettings());
    return {
      storage,
      root: bucket,
      cleanup: async () => {
        await storage.close();
        await deleteTestBucket(raw, bucket);
      },
    };
  },
});
