/**
 * Options of the GCS backend: either a ready `@google-cloud/storage` client or
 * that SDK's own `StorageOptions`, plus the few knobs this backend adds.
 */
import type { Storage as GoogleCloudStorage, StorageOptions as GoogleCloudStorageOptions } from "@google-cloud/storage";

/** Knobs of the GCS backend itself, valid with a ready client and with SDK options alike. */
export interface GcsStorageTuning {
  /**
   * Bodies up to this many bytes are sent in one request (a multipart upload);
   * larger bodies, and streams that turn out larger, use a resumable upload.
   * A stream body is buffered up to this size to decide.
   * @default 8388608 (8 MiB)
   */
  singleRequestMaxBytes?: number;
  /**
   * Size of each request of a resumable upload, and so the most the SDK buffers
   * per upload. A multiple of 256 KiB, as GCS requires.
   * @default 8388608 (8 MiB)
   */
  chunkSize?: number;
  /**
   * The longest one step may wait on the network without progress, the SDK's own
   * retries included: a metadata request (stat, delete, a list page, a copy round),
   * opening a read, a single-request upload, or a pause in a resumable upload while
   * bytes are waiting to go. Past it the call fails with `UNAVAILABLE`. Also the
   * default of the SDK's per-request `timeout` when this backend creates the client.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Check a copy's destination precondition with a metadata read before the
   * rewrite, as well as sending `ifGenerationMatch` with it. Only for emulators
   * that ignore preconditions on `rewriteTo` (fake-gcs-server up to at least
   * v1.56.1); the check is not atomic there. Real GCS enforces the native
   * precondition, so leave this off against it.
   * @default false
   */
  checkCopyPreconditions?: boolean;
}

/** A ready client: its endpoint, credentials, timeouts and retry settings are used as they are. */
export interface GcsClientSource {
  /** The `Storage` client from `@google-cloud/storage` to use. */
  client: GoogleCloudStorage;
}

/**
 * The SDK's own `StorageOptions` (`projectId`, `keyFilename`, `credentials`,
 * `authClient`, `apiEndpoint`, `universeDomain`, `retryOptions`, `timeout`, ...).
 * Without credentials the SDK uses Application Default Credentials. Without
 * `apiEndpoint`, `STORAGE_EMULATOR_HOST` is honoured when set (as `host:port`,
 * `http://host:port` or `http://host:port/storage/v1`). As in the SDK, a custom
 * endpoint gets no credentials unless `useAuthWithCustomEndpoint: true`.
 *
 * `retryOptions` are the SDK's: `autoRetry`, `maxRetries` (`0` here means no
 * retries; the SDK alone would read it as its default 3), `retryDelayMultiplier`,
 * `maxRetryDelay` (seconds, at least 1), `totalTimeout` (seconds) and `idempotencyStrategy` (default
 * `RetryConditional`: writes, copies and deletes are retried only when they carry
 * a generation precondition, which makes them safe to repeat).
 */
export type GcsClientConfig = GoogleCloudStorageOptions & {
  /** Not allowed together with SDK options; pass one or the other. */
  client?: undefined;
};

/**
 * Options of {@link createGcsStorage}: a ready client or the SDK's config, plus
 * {@link GcsStorageTuning}. `{}` means Application Default Credentials against
 * `https://storage.googleapis.com` (or `STORAGE_EMULATOR_HOST`).
 *
 * @example
 * ```ts
 * createGcsStorage({ projectId: "my-project", keyFilename: "/secrets/sa.json" });
 * createGcsStorage({ client: new Storage(), chunkSize: 16 * 1024 * 1024 });
 * ```
 */
export type GcsStorageOptions = GcsStorageTuning & (GcsClientSource | GcsClientConfig);

/** Defaults of {@link GcsStorageTuning}. */
export const GCS_DEFAULTS = {
  singleRequestMaxBytes: 8 * 1024 * 1024,
  chunkSize: 8 * 1024 * 1024,
  timeoutMs: 30_000,
  checkCopyPreconditions: false,
} as const satisfies Required<GcsStorageTuning>;

/** The JSON API origin the SDK talks to when nothing else is configured. */
export const DEFAULT_GCS_ENDPOINT = "https://storage.googleapis.com";

/**
 * Turns `STORAGE_EMULATOR_HOST` (or an `apiEndpoint`) into an origin without a
 * trailing slash or `/storage/v1`. A value without a scheme gets `http://`, as
 * gcsfs and the Go client read it.
 */
export function normaliseEndpoint(value: string, defaultScheme: "http" | "https"): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${defaultScheme}://${value}`;
  return withScheme.replace(/\/+$/, "").replace(/\/storage\/v1$/, "");
}
