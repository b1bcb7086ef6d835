/**
 * Options of the S3 backend: the AWS SDK's own client config (or a ready
 * client), plus the few knobs this backend adds for multipart transfers.
 */
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";

/**
 * Preconditions this backend checks itself because the endpoint ignores the
 * header. AWS S3 enforces every one natively, so leave this unset there.
 *
 * These are capability overrides for S3-compatible stores and emulators. moto
 * 5.2 ignores `If-None-Match`/`If-Match` on CopyObject and `If-Match` on
 * CompleteMultipartUpload; the test suites set both switches for it.
 */
export interface S3PreconditionEmulation {
  /**
   * Conditional `copy`: "only if absent" becomes a multipart copy completed with
   * `If-None-Match: *` (atomic where CompleteMultipartUpload honours it); "only if
   * version X" checks the destination's ETag just before CopyObject (not atomic:
   * a writer that slips in between the check and the copy is overwritten).
   * @default false
   */
  copy?: boolean;
  /**
   * Conditional multipart `write` with `ifMatch`: the destination's ETag is
   * checked just before CompleteMultipartUpload (not atomic, as above).
   * @default false
   */
  multipartIfMatch?: boolean;
}

/** The knobs this backend adds to the SDK's configuration. */
export interface S3StorageKnobs {
  /**
   * Size of each part when a stream (or a body above this size) is uploaded
   * with multipart upload. Memory held by one upload is about
   * `partSize * queueSize`. S3 needs at least 5 MiB and allows 10,000 parts, so
   * with the default a stream of unknown length can be up to about 80 GiB; when
   * `contentLength` is given the part size grows to fit.
   * @default 8388608 (8 MiB)
   */
  partSize?: number;
  /**
   * Parts uploaded (or copied) in parallel by one multipart transfer.
   * @default 4
   */
  queueSize?: number;
  /**
   * Objects larger than this are copied with UploadPartCopy instead of a single
   * CopyObject, which S3 refuses above 5 GiB. Lower it only to exercise the
   * multipart-copy path in tests.
   * @default 5368709120 (5 GiB)
   */
  multipartCopyThreshold?: number;
  /**
   * Size of each UploadPartCopy range in a multipart copy (5 MiB to 5 GiB).
   * @default 536870912 (512 MiB)
   */
  multipartCopyPartSize?: number;
  /**
   * Preconditions to check in the client because the endpoint ignores them.
   * @default {} (the endpoint enforces every precondition, as AWS S3 does)
   */
  emulatePreconditions?: S3PreconditionEmulation;
  /**
   * Identity of the store, for deciding whether a copy between two S3 stores can
   * be server-side. Computed from the endpoint by default (`s3:aws` for AWS, which
   * copies across regions; `s3:<origin>` for a custom endpoint); a store built
   * from a ready `client` gets an identity of its own unless this is set.
   */
  storeId?: string;
}

/**
 * Options of {@link createS3Storage}, the `storage` settings of `s3://` URLs:
 * either a ready `S3Client`, or the SDK's own `S3ClientConfig` (region,
 * credentials, endpoint, `maxAttempts`, `retryMode`, `requestHandler`, ...), plus
 * {@link S3StorageKnobs}. With neither, the SDK's default chain applies
 * (environment, shared config files, SSO, instance roles).
 *
 * Defaults this backend adds to a config it builds a client from:
 *
 * - `endpoint`: `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (as the SDK reads them),
 *   unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
 * - `forcePathStyle: true` when an endpoint is set (LocalStack, moto, MinIO...).
 * - `region: "us-east-1"` when an endpoint is set and no region is configured.
 * - `followRegionRedirects: true`.
 * - `maxAttempts: 3` (the SDK's standard retry mode, with backoff, on throttling and
 *   transient network errors).
 * - `requestHandler: { connectionTimeout: 5000, socketTimeout: 30000 }` (ms): a connection
 *   not established within 5 s, or a socket silent for 30 s, fails the attempt, so an
 *   unreachable endpoint fails with `UNAVAILABLE` after about 16 s (3 attempts).
 */
export type S3StorageOptions = S3StorageKnobs & ((S3ClientConfig & { client?: undefined }) | { client: S3Client });
