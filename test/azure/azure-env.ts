/**
 * The Azure test target: the connection string global setup produced (azurite by default, or
 * what LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING points at), raw SDK clients for checks that must
 * not go through the backend, and fresh containers.
 */
import { randomBytes } from "node:crypto";
import {
  BlobServiceClient,
  newPipeline,
  StorageSharedKeyCredential,
  type AnonymousCredential,
  type RequestPolicyFactory,
  type WebResource,
} from "@azure/storage-blob";

/** The connection string under test; throws (never skips) when global setup did not run. */
export function azureConnectionString(): string {
  const connectionString = process.env.LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING;
  if (!connectionString) {
    throw new Error(
      "LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING is not set: the Azure tests need azurite from test/support/global-setup.ts. " +
        "Run them with `npm test`, or `npx vitest run --globalSetup test/support/global-setup.ts <files>`.",
    );
  }
  return connectionString;
}

/** The account key of the connection string (to check it never leaks). */
export function azureAccountKey(): string {
  const match = /AccountKey=([^;]+)/.exec(azureConnectionString());
  if (!match?.[1]) throw new Error("the test connection string has no AccountKey");
  return match[1];
}

/** A raw SDK client on the test account. */
export function rawServiceClient(): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(azureConnectionString());
}

/** One request as the SDK sent it. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Bytes of request body (Content-Length). */
  requestBytes: number;
  /** Bytes of response body announced by Content-Length (0 when the request failed). */
  responseBytes: number;
  status?: number;
}

/** A client on the test account whose pipeline records every request (after serialisation, once per operation). */
export function recordingServiceClient(): { client: BlobServiceClient; sent: SentRequest[] } {
  const parsed = rawServiceClient();
  const sent: SentRequest[] = [];
  const recorder: RequestPolicyFactory = {
    create: (next) => ({
      sendRequest: async (request: WebResource) => {
        const headers: Record<string, string> = {};
        for (const h of request.headers.headersArray()) headers[h.name.toLowerCase()] = h.value;
        const entry: SentRequest = {
          method: request.method,
          url: request.url,
          headers,
          requestBytes: Number(headers["content-length"] ?? 0),
          responseBytes: 0,
        };
        sent.push(entry);
        const response = await next.sendRequest(request);
        entry.status = response.status;
        entry.responseBytes = Number(response.headers.get("content-length") ?? 0);
        return response;
      },
    }),
  };
  const pipeline = newPipeline(parsed.credential as StorageSharedKeyCredential | AnonymousCredential);
  pipeline.factories.push(recorder);
  return { client: new BlobServiceClient(parsed.url, pipeline), sent };
}

/** The account name and key of the test connection string, as an SDK credential. */
export function sharedKeyCredential(): StorageSharedKeyCredential {
  const credential = rawServiceClient().credential;
  if (!(credential instanceof StorageSharedKeyCredential)) throw new Error("the test connection string carries no account key");
  return credential;
}

/** A container name no other run uses (3-63 lowercase letters, digits, hyphens). */
export function randomContainerName(label = "t"): string {
  return `lazyscribe-${label}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** Creates a fresh container through the raw SDK and returns its name. */
export async function createTestContainer(client: BlobServiceClient = rawServiceClient(), label?: string): Promise<string> {
  const name = randomContainerName(label);
  await client.getContainerClient(name).create();
  return name;
}

/** Deletes a container (best effort: the emulator's state is thrown away anyway). */
export async function deleteTestContainer(client: BlobServiceClient, name: string): Promise<void> {
  await client
    .getContainerClient(name)
    .deleteIfExists()
    .catch(() => undefined);
}
