/**
 * The stores the interop suite runs on: local disk, and each emulator bucket whose
 * backend package exists. Python reaches the buckets through s3fs, gcsfs and adlfs
 * pointed at the same emulators (python/_interop.py builds their storage options from
 * the variables test/support/global-setup.ts exports). A bucket store whose emulator
 * variables are missing fails its tests with instructions; it is never skipped.
 */
import "@lazyscribe/azure";
import "@lazyscribe/gcs";
import "@lazyscribe/s3";
import { azureConnectionString, createTestContainer, rawServiceClient } from "../azure/azure-env.js";
import { pythonGcsEnv } from "../../scripts/emulators/emulators.mjs";
import { createTestBucket as createGcsBucket, gcsEndpoint, rawGcsClient } from "../gcs/gcs-env.js";
import { createTestBucket, rawS3Client, s3Endpoint } from "../s3/s3-env.js";
import { localStore, type InteropStore } from "./harness.js";

let counter = 0;
const buckets = new Map<string, Promise<string>>();

/** One bucket per store and test file, a fresh prefix per root. */
function bucketRoot(kind: string, create: () => Promise<string>): () => Promise<string> {
  return async () => {
    let bucket = buckets.get(kind);
    if (!bucket) buckets.set(kind, (bucket = create()));
    return `${kind}://${await bucket}/interop-${process.pid}-${++counter}`;
  };
}

/** S3 on moto (or LAZYSCRIBE_TEST_S3_ENDPOINT); the TypeScript side uses the backend's env defaults. */
export const s3Store: InteropStore = {
  name: "s3",
  freshRoot: bucketRoot("s3", async () => {
    s3Endpoint();
    return createTestBucket(rawS3Client(), "interop");
  }),
  pythonEnv: () => ({ LAZYSCRIBE_TEST_S3_ENDPOINT: s3Endpoint() }),
};

/** Azure Blob on azurite (or LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING); Python through adlfs with the connection string. */
export const azureStore: InteropStore = {
  name: "azure",
  freshRoot: bucketRoot("az", async () => {
    azureConnectionString();
    return createTestContainer(rawServiceClient(), "interop");
  }),
  pythonEnv: () => ({ LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING: azureConnectionString() }),
};

/**
 * GCS on fake-gcs-server (or LAZYSCRIBE_TEST_GCS_ENDPOINT). The TypeScript side reaches it the
 * way a user would, through STORAGE_EMULATOR_HOST, set only after the raw SDK client made the
 * bucket (that client would take the variable verbatim as its base URL); Python through gcsfs.
 */
export const gcsStore: InteropStore = {
  name: "gcs",
  freshRoot: bucketRoot("gs", async () => {
    const bucket = await createGcsBucket(rawGcsClient(), "interop");
    process.env.STORAGE_EMULATOR_HOST = gcsEndpoint();
    return bucket;
  }),
  pythonEnv: () => pythonGcsEnv(gcsEndpoint()),
};

/** Local disk, then each emulator bucket. */
export function interopStores(): InteropStore[] {
  return [localStore, s3Store, gcsStore, azureStore];
}
