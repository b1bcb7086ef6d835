/**
 * Azure Blob Storage backend for lazyscribe. Importing this package registers it for `az://`
 * URLs (and `abfs://`/`abfss://`, which core reads as `az://`): `az://container/path/to/blob`.
 *
 * @packageDocumentation
 */
import { registerBackend } from "@lazyscribe/core";
import { createAzureStorage } from "./azure-storage.js";
import type { AzureStorageOptions } from "./options.js";

export { AzureStorage, createAzureStorage } from "./azure-storage.js";
export type { AzureStorageOptions } from "./options.js";

/** The URL scheme this package serves. */
export const AZURE_PROTOCOL = "az";

registerBackend({ protocol: AZURE_PROTOCOL, create: (settings) => createAzureStorage(settings as AzureStorageOptions) });
