/** The raw contender on S3: the AWS SDK v3 (and lib-storage for streams) with its defaults. */
import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { drain, need, splitKey, type RawStore } from "./raw-store.js";

export class S3Raw implements RawStore {
  readonly client: S3Client;

  constructor(env: NodeJS.ProcessEnv) {
    this.client = new S3Client({
      endpoint: need(env, "LAZYSCRIBE_TEST_S3_ENDPOINT"),
      forcePathStyle: true,
      region: env.AWS_REGION ?? "us-east-1",
      credentials:
        env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
          ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
          : undefined,
    });
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const { bucket, path } = splitKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: path, Body: body }));
  }

  async get(key: string): Promise<Buffer> {
    const { bucket, path } = splitKey(key);
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: path }));
    return drain(out.Body as Readable);
  }

  /** lib-storage's multipart Upload with its defaults (5 MiB parts, 4 at a time). */
  async putStream(key: string, body: Readable): Promise<void> {
    const { bucket, path } = splitKey(key);
    await new Upload({ client: this.client, params: { Bucket: bucket, Key: path, Body: body } }).done();
  }

  async getStream(key: string): Promise<Readable> {
    const { bucket, path } = splitKey(key);
    const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: path }));
    return out.Body as Readable;
  }

  async copy(from: string, to: string): Promise<void> {
    const src = splitKey(from);
    const dst = splitKey(to);
    const source = `${src.bucket}/${src.path.split("/").map(encodeURIComponent).join("/")}`;
    await this.client.send(new CopyObjectCommand({ Bucket: dst.bucket, Key: dst.path, CopySource: source }));
  }

  async createBucket(name: string): Promise<void> {
    await this.client.send(new CreateBucketCommand({ Bucket: name }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const { bucket, path } = splitKey(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${path}/`, ContinuationToken: token }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) await this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
