/**
 * A store that forwards to another one, except where told otherwise: a way to
 * observe or change what a backend is asked (count requests, log them, make a write
 * fail in a test) without writing out the whole protocol again.
 */
import type { Storage } from "./protocol.js";

/** The protocol's operations a {@link wrapStorage} wrapper may replace. */
export type StorageOverrides = Partial<Pick<Storage, "read" | "readStream" | "write" | "stat" | "list" | "delete" | "copy" | "close">>;

/**
 * Returns a store with the protocol, identity and capabilities of `inner` whose
 * operations are `overrides` where given and `inner`'s otherwise. An override that
 * wants the original behaviour calls `inner` itself.
 *
 * @example Count the writes a save makes
 * ```ts
 * let writes = 0;
 * const counted = wrapStorage(storage, {
 *   write: (key, body, options) => {
 *     writes++;
 *     return storage.write(key, body, options);
 *   },
 * });
 * const project = await Project.open("s3://bucket/runs/project.json", { storage: counted });
 * ```
 */
export function wrapStorage(inner: Storage, overrides: StorageOverrides): Storage {
  const close = overrides.close ?? (inner.close ? () => inner.close!() : undefined);
  return {
    protocol: inner.protocol,
    storeId: inner.storeId,
    capabilities: inner.capabilities,
    read: overrides.read ?? ((key, options) => inner.read(key, options)),
    readStream: overrides.readStream ?? ((key, options) => inner.readStream(key, options)),
    write: overrides.write ?? ((key, body, options) => inner.write(key, body, options)),
    stat: overrides.stat ?? ((key, options) => inner.stat(key, options)),
    list: overrides.list ?? ((prefix, options) => inner.list(prefix, options)),
    delete: overrides.delete ?? ((key, options) => inner.delete(key, options)),
    copy: overrides.copy ?? ((from, to, options) => inner.copy(from, to, options)),
    ...(close ? { close } : {}),
  };
}
