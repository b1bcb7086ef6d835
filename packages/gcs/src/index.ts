/**
 * Google Cloud Storage backend for lazyscribe. Importing this package registers
 * it for `gs://bucket/key` URLs (`gcs://` is an alias core already folds into `gs`).
 *
 * @packageDocumentation
 */
import { registerBackend } from "@lazyscribe/core";
import { createGcsStorage } from "./gcs-storage.js";
import type { GcsStorageOptions } from "./options.js";

export { createGcsStorage, GcsStorage, GCS_PROTOCOL } from "./gcs-storage.js";
export type { GcsClientConfig, GcsClientSource, GcsStorageOptions, GcsStorageTuning } from "./options.js";

registerBackend({ protocol: "gs", create: (settings) => createGcsStorage(settings as GcsStorageOptions) });
