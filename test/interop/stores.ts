/**
 * The stores the interop suite runs on: local disk always, and each emulator bucket
 * once its backend package exists. Python reaches the buckets through s3fs, gcsfs and
 * adlfs pointed at the same emulators (see python/_interop.py).
 */
import { localStore, type InteropStore } from "./harness.js";

/** Local disk, then the bucket stores whose backends are available. */
export function interopStores(): InteropStore[] {
  return [localStore];
}
