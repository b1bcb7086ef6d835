/**
 * The table from URL scheme to backend. Backends register a factory when their
 * package is imported; a scheme whose package is not loaded yet is imported on
 * first use, and a missing package gives an error that names it.
 */
import { BackendNotFoundError } from "../errors.js";
import { parseLocation } from "./location.js";
import { createMemoryStorage } from "./memory-storage.js";
import type { Storage } from "./protocol.js";

/** Backend settings passed through `open(..., { storage })`; each backend documents its own keys. */
export type StorageSettings = Readonly<Record<string, unknown>>;

/** What a backend package registers. */
export interface BackendFactory {
  /** The canonical protocol this backend serves (`file`, `s3`, `gs`, `az`, ...). */
  protocol: string;
  /** Creates a store from settings (`{}` means the ecosystem's defaults: env vars, default credentials). */
  create(settings: StorageSettings): Storage;
}

/** The package that provides each known scheme. */
export const BACKEND_PACKAGES: Readonly<Record<string, string>> = {
  file: "@lazyscribe/local",
  s3: "@lazyscribe/s3",
  gs: "@lazyscribe/gcs",
  az: "@lazyscribe/azure",
};

const factories = new Map<string, BackendFactory>([
  ["memory", { protocol: "memory", create: (settings) => createMemoryStorage(settings as { name?: string }) }],
]);
const defaults = new Map<string, Storage>();

/** Registers (or replaces) the backend of a protocol. Backend packages call this when imported. */
export function registerBackend(factory: BackendFactory): void {
  factories.set(factory.protocol, factory);
  defaults.delete(factory.protocol);
}

/** The protocols with a registered backend. */
export function registeredProtocols(): string[] {
  return [...factories.keys()];
}

async function factoryFor(protocol: string): Promise<BackendFactory> {
  const known = factories.get(protocol);
  if (known) return known;
  const pkg = BACKEND_PACKAGES[protocol];
  if (!pkg) {
    throw new BackendNotFoundError(
      `No storage backend for "${protocol}://" URLs. Known schemes: ${[...new Set([...factories.keys(), ...Object.keys(BACKEND_PACKAGES)])].join(", ")}; register your own with registerBackend().`,
    );
  }
  try {
    await import(pkg);
  } catch (cause) {
    throw new BackendNotFoundError(
      `"${protocol}://" URLs need the package ${pkg}, which could not be loaded. Install it with \`npm install ${pkg}\` (the \`lazyscribe\` package includes every backend).`,
      { cause },
    );
  }
  const loaded = factories.get(protocol);
  if (!loaded)
    throw new BackendNotFoundError(
      `${pkg} was imported but registered no "${protocol}" backend; check that its version matches @lazyscribe/core.`,
    );
  return loaded;
}

/**
 * Returns the store for a protocol: `storage` itself when it is a ready
 * {@link Storage}, a new store built from settings, or a shared default store.
 */
export async function getStorage(protocol: string, storage?: Storage | StorageSettings): Promise<Storage> {
  if (storage && isStorage(storage)) {
    if (storage.protocol !== protocol) {
      throw new BackendNotFoundError(
        `The storage given serves "${storage.protocol}://", but the location is "${protocol}://". Pass a matching store or settings.`,
      );
    }
    return storage;
  }
  const factory = await factoryFor(protocol);
  if (storage && Object.keys(storage).length > 0) return factory.create(storage);
  let shared = defaults.get(protocol);
  if (!shared) defaults.set(protocol, (shared = factory.create({})));
  return shared;
}

/** A location resolved to its store and key. */
export interface ResolvedLocation {
  /** The store. */
  storage: Storage;
  /** The key inside the store. */
  path: string;
}

/** Resolves a path or URL to its store and key. */
export async function resolveLocation(location: string, storage?: Storage | StorageSettings): Promise<ResolvedLocation> {
  const { protocol, path } = parseLocation(location);
  return { storage: await getStorage(protocol, storage), path };
}

/** True when `value` implements the {@link Storage} protocol. */
export function isStorage(value: unknown): value is Storage {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Storage).protocol === "string" &&
    typeof (value as Storage).write === "function" &&
    typeof (value as Storage).stat === "function"
  );
}
