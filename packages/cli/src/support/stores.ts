/**
 * Stores for the locations on a command line. Each protocol gets one store per run, built from
 * the environment plus `--endpoint-url`, `--region` and `--storage-options`, so two locations in
 * one store (a deploy inside a bucket, a promotion between buckets) copy server-side.
 */
import { getStorage, parseLocation, type Storage, type StorageSettings } from "@lazyscribe/core";

/** The storage flags every command accepts. */
export interface StorageFlags {
  /** `--endpoint-url`: the S3, GCS or Azure Blob endpoint. */
  endpointUrl?: string;
  /** `--region`: the S3 region. */
  region?: string;
  /** `--storage-options`: backend settings as JSON, passed through as the library's `storage` option. */
  storageOptions?: Record<string, unknown>;
}

// Backends are imported on first use, so a command on local disk never loads a cloud SDK.
const BACKENDS: Readonly<Record<string, () => Promise<unknown>>> = {
  file: () => import("@lazyscribe/local"),
  s3: () => import("@lazyscribe/s3"),
  gs: () => import("@lazyscribe/gcs"),
  az: () => import("@lazyscribe/azure"),
};

/** The library's `storage` settings for one protocol under these flags. */
export function settingsFor(protocol: string, flags: StorageFlags): StorageSettings {
  const settings: Record<string, unknown> = { ...flags.storageOptions };
  if (flags.endpointUrl !== undefined) {
    if (protocol === "s3") settings.endpoint ??= flags.endpointUrl;
    if (protocol === "gs") settings.apiEndpoint ??= flags.endpointUrl;
    if (protocol === "az") settings.endpoint ??= flags.endpointUrl;
  }
  if (flags.region !== undefined && protocol === "s3") settings.region ??= flags.region;
  return settings;
}

/** A location resolved to its store. */
export interface ResolvedLocation {
  /** The location as typed. */
  location: string;
  /** Canonical protocol (`gcs` is `gs`, `abfs` is `az`). */
  protocol: string;
  /** Key inside the store. */
  path: string;
  /** The store, shared by every location of its protocol in this run. */
  storage: Storage;
}

/** The stores of one command-line run. */
export class Stores {
  readonly #flags: StorageFlags;
  readonly #stores = new Map<string, Promise<Storage>>();
  /** Stores built from settings for this run; the library's shared default stores are not ours to close. */
  readonly #owned = new Set<Promise<Storage>>();

  constructor(flags: StorageFlags) {
    this.#flags = flags;
  }

  /** The store of a protocol, created once. */
  forProtocol(protocol: string): Promise<Storage> {
    let store = this.#stores.get(protocol);
    if (!store) {
      const settings = settingsFor(protocol, this.#flags);
      store = (async () => {
        await BACKENDS[protocol]?.();
        return getStorage(protocol, settings);
      })();
      this.#stores.set(protocol, store);
      if (Object.keys(settings).length > 0) this.#owned.add(store);
    }
    return store;
  }

  /** Parses a location and returns it with its store. */
  async resolve(location: string): Promise<ResolvedLocation> {
    const { protocol, path } = parseLocation(location);
    return { location, protocol, path, storage: await this.forProtocol(protocol) };
  }

  /** Closes the stores this run created (their sockets would otherwise keep the process alive). */
  async close(): Promise<void> {
    const stores = await Promise.allSettled(this.#owned);
    await Promise.allSettled(stores.map((s) => (s.status === "fulfilled" ? s.value.close?.() : undefined)));
  }
}
