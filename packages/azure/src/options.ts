import type { TokenCredential } from "@azure/identity";
import type {
  AnonymousCredential,
  BlobServiceClient,
  StoragePipelineOptions,
  StorageRetryOptions,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";

/**
 * Options of {@link createAzureStorage}, also what `Project.open("az://...", { storage })` passes through.
 *
 * The store is found in this order: a ready `client`; an explicit `connectionString`; an explicit
 * `accountName`/`endpoint` with `credential` (or `DefaultAzureCredential`); the environment variable
 * `AZURE_STORAGE_CONNECTION_STRING`; the environment variable `AZURE_STORAGE_ACCOUNT` with
 * `DefaultAzureCredential`.
 */
export interface AzureStorageOptions {
  /**
   * A ready client. It is used as is: the connection options, `retryOptions`, `clientOptions`
   * and `socketTimeoutMs` below do not apply to it.
   */
  client?: BlobServiceClient;
  /**
   * A storage account connection string (account key or SAS).
   * @default process.env.AZURE_STORAGE_CONNECTION_STRING, unless `accountName` or `endpoint` is given
   */
  connectionString?: string;
  /**
   * The storage account name; the endpoint becomes `https://<accountName>.blob.core.windows.net`.
   * @default process.env.AZURE_STORAGE_ACCOUNT
   */
  accountName?: string;
  /**
   * The Blob service URL, for other clouds, private endpoints or an emulator
   * (for example `http://127.0.0.1:10000/devstoreaccount1`).
   * @default `https://<accountName>.blob.core.windows.net`
   */
  endpoint?: string;
  /**
   * The credential used with `accountName`/`endpoint`.
   * @default new DefaultAzureCredential() from `@azure/identity`
   */
  credential?: TokenCredential | StorageSharedKeyCredential | AnonymousCredential;
  /**
   * The SDK's retry settings, merged over our defaults. The SDK retries network errors, 500 and 503
   * (which is how Azure throttles) with exponential backoff. `tryTimeoutInMs` is only a server-side
   * timeout; the client-side bound is `socketTimeoutMs`.
   * @default { maxTries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 8000 }
   */
  retryOptions?: StorageRetryOptions;
  /**
   * The SDK's other pipeline settings (proxy, keep-alive, user agent, token audience, HTTP client).
   * Its `retryOptions`, if any, sit below the top-level `retryOptions`.
   */
  clientOptions?: StoragePipelineOptions;
  /**
   * Destroys a connection that sends or receives nothing for this long, including while connecting.
   * The SDK then retries the request. With the default retry settings an unreachable endpoint fails
   * with `UNAVAILABLE` after about 4 × 6 s + 4 s of backoff, under 30 s. `0` disables it.
   * @default 6000
   */
  socketTimeoutMs?: number;
  /**
   * Block size of uploads. A body up to this size goes in one request; a larger one (or a stream
   * that turns out larger) is staged in blocks of this size and committed at the end.
   * @default 8 MiB
   */
  blockSize?: number;
  /**
   * Blocks uploaded in parallel. Peak memory of a streamed upload is about
   * `blockSize × (uploadConcurrency + 1)`, whatever the body's size.
   * @default 4
   */
  uploadConcurrency?: number;
  /**
   * Blobs asked for per List Blobs page (Azure's maximum is 5000).
   * @default 5000
   */
  listPageSize?: number;
  /**
   * How often `copy` checks a server-side copy that Azure did not finish at once (large blobs).
   * @default 1000
   */
  copyPollIntervalMs?: number;
}
