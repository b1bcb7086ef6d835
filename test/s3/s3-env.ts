/**
 * The S3 test target: the endpoint global setup started (moto by default, or what
 * LAZYSCRIBE_TEST_S3_ENDPOINT points at), a raw SDK client for checks that must not go
 * through the backend, and fresh buckets.
 */
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { S3PreconditionEmulation } from "@lazyscribe/s3";

/** The S3 endpoint under test; throws (never skips) when global setup did not run. */
export function s3Endpoint(): string {
  const endpoint = process.env.LAZYSCRIBE_TEST_S3_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      "LAZYSCRIBE_TEST_S3_ENDPOINT is not set: the S3 tests need the emulators from test/support/global-setup.ts. " +
        "Run them with `npm test`, or `npx vitest run --globalSetup test/support/global-setup.ts <files>` (after `npm run tools`).",
    );
  }
  return endpoint;
}

/**
 * Capability overrides for the emulator. moto 5.2 ignores If-None-Match/If-Match on CopyObject
 * and If-Match on CompleteMultipartUpload, so the backend checks those itself there. Set
 * LAZYSCRIBE_TEST_S3_NATIVE_PRECONDITIONS=1 for a store that enforces them (AWS S3).
 */
export function s3Emulation(): S3PreconditionEmulation {
  return process.env.LAZYSCRIBE_TEST_S3_NATIVE_PRECONDITIONS === "1" ? {} : { copy: true, multipartIfMatch: true };
}

/** A raw SDK client on the test endpoint (path-style, env credentials). */
export function rawS3Client(): S3Client {
  return new S3Client({ endpoint: s3Endpoint(), forcePathStyle: true, region: process.env.AWS_REGION ?? "us-east-1" });
}

/** A bucket name no other run uses. */
export function randomBucketName(label = "t"): string {
  return `lazyscribe-${label}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** Creates a fresh bucket through the raw SDK and returns its name. */
export async function createTestBucket(client: S3Client = rawS3Client(), label?: string): Promise<string> {
  const bucket = randomBucketName(label);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Empties and deletes a bucket (best effort: emulator state is thrown away anyway). */
export async function deleteTestBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // leave it: the emulator is discarded at the end of the run
  }
}
