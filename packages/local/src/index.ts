/**
 * Local-disk backend for lazyscribe. Importing this package registers it for
 * plain paths and `file://` URLs.
 *
 * @packageDocumentation
 */
import { registerBackend } from "@lazyscribe/core";
import { createLocalStorage, type LocalStorageOptions } from "./local-storage.js";

export { createLocalStorage, LocalStorage, type LocalStorageOptions } from "./local-storage.js";

registerBackend({ protocol: "file", create: (settings) => createLocalStorage(settings as LocalStorageOptions) });
