import { createTestContainer, rawServiceClient } from "../azure/azure-env.js";
import { runCloudEndToEnd } from "./cloud-suite.js";

const raw = rawServiceClient();

runCloudEndToEnd({
  name: "azure",
  protocol: "az",
  makeBucket: () => createTestContainer(raw, "e2e"),
  // The account comes from the environment (AZURE_STORAGE_CONNECTION_STRING), as for users.
});
