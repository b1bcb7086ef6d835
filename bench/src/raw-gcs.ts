/** The raw contender on GCS: @google-cloud/storage with its defaults. */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Storage as GcsClient } from "@google-cloud/storage";
import { need, splitKey, type RawStore } from "./raw-store.js";

export class GcsRaw implements RawStore {
  readonly client: GcsClient;

  constructor(env: NodeJS.ProcessEnv) {
    // apiEndpoint, not STORAGE_EMULATOR_HOST (see scripts/emulators/emulators.mjs); a custom endpoint needs no credentials.
    this.client = new GcsClient({
      apiEndpoint: need(env, "LAZYSCRIBE_TEST_GCS_ENDPOINT"),
      projectId: env.GOOGLE_CLOUD_PROJECT ?? "lazyscribe-test",
    });
  }

  #file(key: string) {
    const { bucket, path } = splitKey(key);
    return this.client.bucket(bucket).file(path);
  }

  /** A simple (single-request) upload, as `save` does for small bodies without `resumable`. */
  async put(key: string, body: string | Uint8Array): Promise<void> {
    await this.#file(key).save(typeof body === "string" ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
      resumable: false,
    });
  }

  async get(key: string): Promise<Buffer> {
    const [data] = await this.#file(key).download();
    return data;
  }

  /** createWriteStream with its defaults (a resumable upload, CRC32C/MD5 validation). */
  async putStream(key: string, body: Readable): Promise<void> {
    await pipeline(body, this.#file(key).createWriteStream());
  }

  /** createReadStream with its defaults (hash validation on). */
  async getStream(key: string): Promise<Readable> {
    return this.#file(key).createReadStream();
  }

  async copy(from: string, to: string): Promise<void> {
    const { bucket, path } = splitKey(to);
    await this.#file(from).copy(this.client.bucket(bucket).file(path));
  }

  async createBucket(name: string): Promise<void> {
    await this.client.createBucket(name);
  }

  async deletePrefix(prefix: string): Promise<void> {
    const { bucket, path } = splitKey(prefix);
    await this.client.bucket(bucket).deleteFiles({ prefix: `${path}/`, force: true });
  }

  async close(): Promise<void> {}
}
