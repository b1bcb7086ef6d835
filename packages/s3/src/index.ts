/**
 * Amazon S3 (and S3-compatible) backend for lazyscribe. Importing this package
 * registers it for `s3://bucket/key` URLs.
 *
 * @packageDocumentation
 */
import { registerBackend } from "@lazyscribe/core";
import type { S3StorageOptions } from "./options.js";
import { createS3Storage, S3_PROTOCOL } from "./s3-storage.js";

export { createS3Storage, S3Storage, S3_PROTOCOL } from "./s3-storage.js";
export type { S3PreconditionEmulation, S3StorageKnobs, S3StorageOptions } from "./options.js";

registerBackend({ protocol: S3_PROTOCOL, create: (settings) => createS3Storage(settings as S3StorageOptions) });
