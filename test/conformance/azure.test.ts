import { createAzureStorage } from "@lazyscribe/azure";
import { azureConnectionString, createTestContainer, deleteTestContainer, rawServiceClient } from "../azure/azure-env.js";
import { runConformance } from "./index.js";

runConformance({
  name: "azure",
  setup: async () => {
    const raw = rawServiceClient();
    const container = await createTestContainer(raw, "conf");
    // 1000 per page (Azure's default is 5000), so the "more than one page" case really pages.
    const storage = createAzureStorage({ connectionString: azureConnectionString(), listPageSize: 1000 });
    return {
      storage,
      root: container,
      cleanup: async () => {
        await storage.close();
        await deleteTestContainer(raw, container);
      },
    };
  },
});
