/** The raw contender on Azure Blob Storage: @azure/storage-blob with its defaults. */
import type { Readable } from "node:stream";
import { BlobServiceClient } from "@azure/storage-blob";
import { drain, need, splitKey, type RawStore } from "./raw-store.js";

export class AzureRaw implements RawStore {
  readonly client: BlobServiceClient;

  constructor(env: NodeJS.ProcessEnv) {
    this.client = BlobServiceClient.fromConnectionString(need(env, "LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING"));
  }

  #blob(key: string) {
    const { bucket, path } = splitKey(key);
    return this.client.getContainerClient(bucket).getBlockBlobClient(path);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    await this.#blob(key).upload(bytes, bytes.byteLength);
  }

  async get(key: string): Promise<Buffer> {
    const out = await this.#blob(key).download();
    return drain(out.readableStreamBody as Readable);
  }

  /** uploadStream with 8 MiB blocks, 4 at a time (the SDK's usual example settings). */
  async putStream(key: string, body: Readable): Promise<void> {
    await this.#blob(key).uploadStream(body, 8 * 1024 * 1024, 4);
  }

  async getStream(key: string): Promise<Readable> {
    const out = await this.#blob(key).download();
    return out.readableStreamBody as Readable;
  }

  async copy(from: string, to: string): Promise<void> {
    const poller = await this.#blob(to).beginCopyFromURL(this.#blob(from).url);
    await poller.pollUntilDone();
  }

  async createBucket(name: string): Promise<void> {
    await this.client.getContainerClient(name).create();
  }

  async deletePrefix(prefix: string): Promise<void> {
    const { bucket, path } = splitKey(prefix);
    const container = this.client.getContainerClient(bucket);
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: `${path}/` })) names.push(blob.name);
    for (let i = 0; i < names.length; i += 256) {
      await Promise.all(names.slice(i, i + 256).map((name) => container.deleteBlob(name).catch(() => undefined)));
    }
  }

  async close(): Promise<void> {}
}
