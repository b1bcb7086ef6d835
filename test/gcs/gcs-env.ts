/**
 * The GCS test target: the fake-gcs-server global setup started (or what
 * LAZYSCRIBE_TEST_GCS_ENDPOINT points at), a raw SDK client for checks that must
 * not go through the backend, and fresh buckets.
 */
import { randomBytes } from "node:crypto";
import { Storage } from "@google-cloud/storage";

/** The GCS JSON API origin under test; throws (never skips) when global setup did not run. */
export function gcsEndpoint(): string {
  const endpoint = process.env.LAZYSCRIBE_TEST_GCS_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      "LAZYSCRIBE_TEST_GCS_ENDPOINT is not set: the GCS tests need the emulators from test/support/global-setup.ts. " +
        "Run them with `npm test`, or `npx vitest run --globalSetup test/support/global-setup.ts <files>` (after `npm run tools`).",
    );
  }
  return endpoint;
}

/**
 * Capability override for the emulator: fake-gcs-server (v1.56.1) ignores `ifGenerationMatch` on
 * `rewriteTo`, so the backend checks a copy's destination precondition itself there. Set
 * LAZYSCRIBE_TEST_GCS_NATIVE_PRECONDITIONS=1 for a store that enforces it (real GCS).
 */
export function gcsCheckCopyPreconditions(): boolean {
  return process.env.LAZYSCRIBE_TEST_GCS_NATIVE_PRECONDITIONS !== "1";
}

/** Backend settings for the test endpoint, as `Project.open(url, { storage })` would pass them. */
export function gcsTestSettings(): { apiEndpoint: string; projectId: string; checkCopyPreconditions: boolean } {
  return {
    apiEndpoint: gcsEndpoint(),
    projectId: process.env.GOOGLE_CLOUD_PROJECT ?? "lazyscribe-test",
    checkCopyPreconditions: gcsCheckCopyPreconditions(),
  };
}

/** A raw SDK client on the test endpoint. */
export function rawGcsClient(): Storage {
  return new Storage({ apiEndpoint: gcsEndpoint(), projectId: process.env.GOOGLE_CLOUD_PROJECT ?? "lazyscribe-test" });
}

/** A bucket name no other run uses. */
export function randomBucketName(label = "t"): string {
  return `lazyscribe-${label}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** Creates a fresh bucket through the raw SDK and returns its name. */
export async function createTestBucket(client: Storage = rawGcsClient(), label?: string): Promise<string> {
  const bucket = randomBucketName(label);
  await client.createBucket(bucket);
  return bucket;
}

/** Empties and deletes a bucket (best effort: emulator state is thrown away anyway). */
export async function deleteTestBucket(client: Storage, bucket: string): Promise<void> {
  try {
    await client.bucket(bucket).deleteFiles({ force: true });
    await client.bucket(bucket).delete();
  } catch {
    // leave it: the emulator is discarded at the end of the run
  }
}
