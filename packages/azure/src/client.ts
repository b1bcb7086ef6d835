/**
 * Building the `BlobServiceClient`: where the store is (options, then environment), the SDK
 * pipeline with our retry defaults, and connections that give up when the network goes quiet.
 */
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Duplex } from "node:stream";
import type { TokenCredential } from "@azure/identity";
import {
  BlobServiceClient,
  newPipeline,
  StorageSharedKeyCredential,
  type AnonymousCredential,
  type RequestPolicyFactory,
  type StoragePipelineOptions,
  type StorageRetryOptions,
} from "@azure/storage-blob";
import { StorageError } from "@lazyscribe/core";
import type { AzureStorageOptions } from "./options.js";

/** Our retry defaults: with a 6 s socket timeout, an unreachable endpoint fails in under 30 s. */
export const DEFAULT_RETRY_OPTIONS: StorageRetryOptions = { maxTries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 8000 };

/** The default idle timeout of a connection, in milliseconds. */
export const DEFAULT_SOCKET_TIMEOUT_MS = 6000;

type Credential = TokenCredential | StorageSharedKeyCredential | AnonymousCredential;

/** Where the store is, resolved without I/O. */
export type Target =
  | { kind: "client"; url: string; client: BlobServiceClient; secrets: string[] }
  | { kind: "url"; url: string; credential: Credential | undefined; secrets: string[] };

/**
 * Resolves options and environment to a target.
 * @throws StorageError `CONFIG_INVALID` when nothing names a store or a connection string is malformed.
 */
export function resolveTarget(options: AzureStorageOptions, env: NodeJS.ProcessEnv = process.env): Target {
  if (options.client) return { kind: "client", url: options.client.url, client: options.client, secrets: [] };
  if (options.connectionString) return fromConnectionString(options.connectionString, "the connectionString option");
  if (options.accountName || options.endpoint) return fromAccount(options.accountName, options.endpoint, options.credential);
  const connectionString = env.AZURE_STORAGE_CONNECTION_STRING;
  if (connectionString) return fromConnectionString(connectionString, "AZURE_STORAGE_CONNECTION_STRING");
  if (env.AZURE_STORAGE_ACCOUNT) return fromAccount(env.AZURE_STORAGE_ACCOUNT, undefined, options.credential);
  throw configError(
    "no Azure storage account configured",
    "Set AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT (signing in with DefaultAzureCredential), or pass `connectionString`, `accountName` or `client` in the storage options",
  );
}

function fromConnectionString(connectionString: string, where: string): Target {
  const secrets = connectionStringSecrets(connectionString);
  let parsed: BlobServiceClient;
  try {
    // Only parses: the throwaway client sends nothing. We keep its URL and credential and build our own pipeline.
    parsed = BlobServiceClient.fromConnectionString(connectionString);
  } catch {
    // The SDK's message can quote parts of the string; ours names only where it came from.
    throw configError(
      `${where} is not a valid Azure Storage connection string`,
      "Copy it again from the portal (Access keys) or use `az storage account show-connection-string`",
    );
  }
  return { kind: "url", url: parsed.url, credential: parsed.credential, secrets };
}

function fromAccount(accountName: string | undefined, endpoint: string | undefined, credential: Credential | undefined): Target {
  const url = endpoint ?? `https://${accountName}.blob.core.windows.net`;
  try {
    new URL(url);
  } catch {
    throw configError(
      `the endpoint ${JSON.stringify(stripQuery(url))} is not a URL`,
      "Pass the Blob service URL, e.g. https://<account>.blob.core.windows.net",
    );
  }
  const secrets = new URL(url).search ? [new URL(url).search.slice(1)] : [];
  return { kind: "url", url, credential, secrets };
}

/** The account key and SAS token of a connection string, so error text can be scrubbed of them. */
function connectionStringSecrets(connectionString: string): string[] {
  const secrets: string[] = [];
  for (const part of connectionString.split(";")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, eq).trim().toLowerCase();
    if (name === "accountkey" || name === "sharedaccesssignature") secrets.push(part.slice(eq + 1).trim());
  }
  return secrets.filter((s) => s.length > 0);
}

/** `scheme://host/path` of a URL without query (a SAS) or fragment. */
export function stripQuery(url: string): string {
  return url.replace(/[?#].*$/s, "").replace(/\/+$/, "");
}

/** Pipeline settings: the SDK's own options with our retry defaults underneath. */
export function pipelineOptions(options: AzureStorageOptions): StoragePipelineOptions {
  return {
    ...options.clientOptions,
    retryOptions: { ...DEFAULT_RETRY_OPTIONS, ...options.clientOptions?.retryOptions, ...options.retryOptions },
  };
}

/** Builds a client on our pipeline: SDK policies plus connections with an idle timeout. */
export function buildClient(
  url: string,
  credential: Credential,
  options: StoragePipelineOptions,
  agents: IdleTimeoutAgents | undefined,
): BlobServiceClient {
  const pipeline = newPipeline(credential, options);
  // A core-http style policy factory runs after serialisation and before the retry policy, once per
  // operation; the agent it sets is used by every try.
  if (agents) pipeline.factories.push(agents.policy());
  return new BlobServiceClient(url, pipeline);
}

/** Loads `DefaultAzureCredential` on first use: `@azure/identity` is large and connection strings do not need it. */
export async function defaultCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}

/**
 * HTTP(S) agents whose sockets are destroyed with `ETIMEDOUT` after `timeoutMs` without traffic,
 * connecting included. The SDK retries `ETIMEDOUT`; a download stream resumes from its offset.
 */
export class IdleTimeoutAgents {
  readonly #timeoutMs: number;
  readonly #keepAlive: boolean;
  readonly #agents = new Map<string, HttpAgent>();

  /** `keepAlive`: pool connections (the SDK's `keepAliveOptions.enable`, true unless turned off). */
  constructor(timeoutMs: number, keepAlive = true) {
    this.#timeoutMs = timeoutMs;
    this.#keepAlive = keepAlive;
  }

  /** A request policy factory that gives each request one of these agents, unless something (a proxy) set one already. */
  policy(): RequestPolicyFactory {
    return {
      create: (next) => ({
        sendRequest: (request) => {
          // Not `request.keepAlive`: @azure/core-http-compat 2.x fills it with `disableKeepAlive` (inverted), so it reads
          // false by default and every request would open a new connection.
          request.agent ??= this.#agentFor(request.url, this.#keepAlive);
          return next.sendRequest(request);
        },
      }),
    };
  }

  /** Closes every pooled connection. */
  destroy(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #agentFor(url: string, keepAlive: boolean): HttpAgent {
    const secure = url.startsWith("https:");
    const id = `${secure ? "https" : "http"}:${keepAlive}`;
    let agent = this.#agents.get(id);
    if (!agent) {
      // `timeout` here keeps the socket timeout armed when a kept-alive socket is reused (Node resets it to the agent's).
      const settings = { keepAlive, timeout: this.#timeoutMs };
      agent = secure ? new HttpsAgent(settings) : new HttpAgent(settings);
      this.#arm(agent);
      this.#agents.set(id, agent);
    }
    return agent;
  }

  #arm(agent: HttpAgent): void {
    const create = agent.createConnection.bind(agent);
    const timeoutMs = this.#timeoutMs;
    agent.createConnection = (...args: Parameters<HttpAgent["createConnection"]>): Duplex | null | undefined => {
      const socket = create(...args);
      socket?.once("timeout", () => {
        const idle = Object.values(agent.freeSockets).some((list) => list?.includes(socket as never));
        // A pooled idle socket just closes; one in use fails its request with a code the SDK retries.
        socket.destroy(idle ? undefined : Object.assign(new Error(`no network traffic for ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
      });
      return socket;
    };
  }
}

function configError(message: string, hint: string): StorageError {
  return new StorageError(message, { code: "CONFIG_INVALID", operation: "connect", protocol: "az", key: "", hint });
}
