/**
 * The live viewer: a read-only HTTP server on loopback serving the report page,
 * which polls it for changes. The server polls the manifests' version tokens
 * (one `stat` each) and re-reads the project and repository only when a token changed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  InvalidArgumentError,
  LazyscribeError,
  parentKey,
  joinKey,
  Project,
  Repository,
  resolveLocation,
  type Storage,
  type StorageSettings,
} from "@lazyscribe/core";
import { collectReportData, type CollectOptions } from "./collect.js";
import { contentSecurityPolicy, renderPage } from "./page.js";
import type { ReportData } from "./report-data.js";

/** Options of {@link startViewer}. */
export interface ViewerOptions extends Pick<CollectOptions, "title" | "artifactSizes" | "maxDiffTextBytes" | "maxTotalDiffTextBytes"> {
  /** Location of `project.json` (path or URL). */
  project: string;
  /** Location of a `repository.json` to show too. */
  repository?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** Extra names accepted in the `Host` header (for example a LAN name when `host` is `0.0.0.0`). */
  allowedHosts?: readonly string[];
  /** Milliseconds between checks of the manifests' version tokens. @default 1000 */
  pollIntervalMs?: number;
  /** A ready store, or settings for the project's backend, passed to `Project.open`. */
  storage?: Storage | StorageSettings;
  /** A ready store, or settings, for the repository's backend. @default `storage` */
  repositoryStorage?: Storage | StorageSettings;
}

/** Counters of what the viewer asked the store for. */
export interface ViewerStats {
  /** Version-token checks (one `stat` per manifest each). */
  polls: number;
  /** Full re-reads of the project and repository (the first load included). */
  loads: number;
}

/** A running viewer. */
export interface Viewer {
  /** The page's address, e.g. `http://127.0.0.1:4173/`. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** What was read so far. */
  readonly stats: Readonly<ViewerStats>;
  /** The error of the last failed poll or load, cleared by the next success. */
  readonly lastError: Error | null;
  /** Checks the version tokens now (as the poll timer does) and re-reads on a change; resolves when done. */
  refresh(): Promise<void>;
  /** Stops polling and the server; resolves when every connection is closed. */
  close(): Promise<void>;
}

/** The viewer could not start (the port is taken, the address cannot be bound). */
export class ViewerStartError extends LazyscribeError {}

interface Snapshot {
  token: string;
  data: ReportData;
  json: string;
}

/**
 * Starts the live viewer: loads the project (and repository), serves the page on
 * `host:port`, and polls for changes every `pollIntervalMs`.
 *
 * The server answers only `GET`/`HEAD` on `/`, `/api/version` and `/api/data`,
 * and refuses requests whose `Host` header names another host (DNS rebinding).
 *
 * @throws InvalidArgumentError for a bad port or interval; ViewerStartError when listening fails;
 *   the errors of `Project.open` / `Repository.open` when a manifest cannot be read.
 */
export async function startViewer(options: ViewerOptions): Promise<Viewer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`Invalid port ${String(options.port)}: use an integer from 0 to 65535 (0 picks a free port).`);
  const interval = options.pollIntervalMs ?? 1000;
  if (!Number.isFinite(interval) || interval < 50)
    throw new InvalidArgumentError(`Invalid poll interval ${String(options.pollIntervalMs)}: use at least 50 milliseconds.`);
  const host = options.host ?? "127.0.0.1";

  const stats: ViewerStats = { polls: 0, loads: 0 };
  let lastError: Error | null = null;

  const projectAt = await resolveLocation(options.project, options.storage);
  const repositoryAt = options.repository
    ? await resolveLocation(options.repository, options.repositoryStorage ?? options.storage)
    : undefined;
  const watched = [{ storage: projectAt.storage, key: projectAt.path }];
  if (repositoryAt) {
    watched.push({ storage: repositoryAt.storage, key: repositoryAt.path });
    watched.push({ storage: repositoryAt.storage, key: joinKey(parentKey(repositoryAt.path), "releases.json") });
  }

  const currentToken = async (): Promise<string> => {
    stats.polls++;
    const versions = await Promise.all(watched.map(async ({ storage, key }) => (await storage.stat(key))?.version ?? "absent"));
    return JSON.stringify(versions);
  };
  const load = async (token: string): Promise<Snapshot> => {
    stats.loads++;
    const project = await Project.open(options.project, { mode: "r", storage: projectAt.storage });
    const repository =
      options.repository && repositoryAt
        ? await Repository.open(options.repository, { mode: "r", storage: repositoryAt.storage })
        : undefined;
    const data = await collectReportData(project, {
      repository,
      title: options.title,
      artifactSizes: options.artifactSizes,
      maxDiffTextBytes: options.maxDiffTextBytes,
      maxTotalDiffTextBytes: options.maxTotalDiffTextBytes,
    });
    return { token, data, json: JSON.stringify(data) };
  };

  // The token is read before the manifests: a save landing during a load shows up as a change at the next poll.
  let snapshot = await load(await currentToken());

  let checking: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    checking ??= (async () => {
      try {
        const token = await currentToken();
        if (token !== snapshot.token) snapshot = await load(token);
        lastError = null;
      } catch (err) {
        // Keep serving the last good data; the page shows the error.
        lastError = err instanceof Error ? err : new Error(String(err));
      } finally {
        checking = null;
      }
    })();
    return checking;
  };
  const timer = setInterval(() => void refresh(), interval);
  timer.unref();

  let actualPort = port;
  const allowed = () => allowedHostHeaders(host, actualPort, options.allowedHosts ?? []);
  const server = createServer((req, res) => {
    handle(req, res, {
      allowedHosts: allowed(),
      page: () =>
        renderPage(snapshot.data, { versionUrl: "/api/version", dataUrl: "/api/data", intervalMs: interval, token: snapshot.token }),
      version: () => JSON.stringify({ token: snapshot.token, error: lastError ? lastError.message : null }),
      data: () => snapshot.json,
    });
  });
  server.keepAliveTimeout = 5_000;
  try {
    await listen(server, port, host);
  } catch (cause) {
    clearInterval(timer);
    throw new ViewerStartError(
      `The viewer could not listen on ${host}:${port}: ${(cause as Error).message}. Choose another port (--port) or 0 for a free one.`,
      { cause },
    );
  }
  actualPort = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;

  return {
    url: `http://${shownHost}:${actualPort}/`,
    port: actualPort,
    stats,
    get lastError() {
      return lastError;
    },
    refresh,
    close: async () => {
      clearInterval(timer);
      await checking;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** `Host` header values this server answers to: loopback names, the bound address and `extra`, with the port. */
export function allowedHostHeaders(host: string, port: number, extra: readonly string[]): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (host !== "0.0.0.0" && host !== "::") names.add(host.includes(":") ? `[${host}]` : host);
  for (const name of extra) names.add(name.toLowerCase());
  return new Set([...names].map((n) => `${n.toLowerCase()}:${port}`));
}

interface Routes {
  allowedHosts: Set<string>;
  page(): string;
  version(): string;
  data(): string;
}

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
};

function handle(req: IncomingMessage, res: ServerResponse, routes: Routes): void {
  const reply = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body), ...extra });
    res.end(req.method === "HEAD" ? undefined : body);
  };
  const hostHeader = (req.headers.host ?? "").toLowerCase();
  if (!routes.allowedHosts.has(hostHeader)) {
    return reply(403, "text/plain; charset=utf-8", "This viewer answers only requests addressed to its own loopback address.\n");
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    return reply(405, "text/plain; charset=utf-8", "The viewer is read-only: only GET and HEAD are allowed.\n", { Allow: "GET, HEAD" });
  }
  const path = (req.url ?? "/").split("?")[0];
  try {
    switch (path) {
      case "/":
      case "/index.html":
        return reply(200, "text/html; charset=utf-8", routes.page(), { "Content-Security-Policy": contentSecurityPolicy(true) });
      case "/api/version":
        return reply(200, "application/json; charset=utf-8", routes.version());
      case "/api/data":
        return reply(200, "application/json; charset=utf-8", routes.data());
      default:
        return reply(404, "text/plain; charset=utf-8", "Not found.\n");
    }
  } catch (err) {
    return reply(500, "text/plain; charset=utf-8", `The viewer failed: ${(err as Error).message}\n`);
  }
}
