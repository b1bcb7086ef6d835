/**
 * A fault-injecting HTTP reverse proxy on loopback, placed between a storage SDK and its emulator.
 * It forwards every request to `upstream` unchanged (headers included, so signatures still hold)
 * and, by a seeded schedule, answers some of them with a fault instead:
 *
 * - `status500`, `status503`: an error status, the request never reaches the store;
 * - `throttle`: the store's "slow down" answer (S3 503 SlowDown XML, GCS 429 JSON, Azure 503 ServerBusy XML);
 * - `resetBefore`: the connection is reset before the request reaches the store;
 * - `resetAfter`: the request reaches the store (a write lands) but the connection is reset before
 *   any of the response reaches the client: the outcome is ambiguous to the client;
 * - `truncate`: the store's status and headers are sent, then half the body, then a reset;
 * - `delay`: the request is forwarded after `delayMs`.
 *
 * Modes: `off` forwards everything; `transient` faults a request with probability `rate`, but never
 * the same operation (see operationId), method and URL, or upload (see uploadId) more than
 * `maxPerRequest` times in a row, so a client that retries gets through; `persistent` faults every request with the first of `kinds` (a `delay` then never
 * answers: a black hole). Only loopback is ever contacted; the proxy stops when closed.
 */
import { createHash } from "node:crypto";
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type FaultKind = "status500" | "status503" | "throttle" | "resetBefore" | "resetAfter" | "truncate" | "delay";
export const ALL_FAULTS: readonly FaultKind[] = ["status500", "status503", "throttle", "resetBefore", "resetAfter", "truncate", "delay"];
export type FaultMode = "off" | "transient" | "persistent";
export type Flavor = "s3" | "gcs" | "azure";

export interface FaultProxyOptions {
  /** The emulator's origin, `http://127.0.0.1:port`. */
  upstream: string;
  /** Which store's error bodies to imitate. */
  flavor: Flavor;
  /** Seed of the schedule. */
  seed: number;
  /** @default "off" */
  mode?: FaultMode;
  /** Share of requests faulted in transient mode. @default 0.25 */
  rate?: number;
  /** The faults to draw from. @default ALL_FAULTS */
  kinds?: readonly FaultKind[];
  /** In transient mode, faults in a row on one operation (see operationId). @default 1 */
  maxPerRequest?: number;
  /** In transient mode, faults in all on one method + URL (a resumed download is a new operation on the same URL). @default unbounded */
  maxPerUrl?: number;
  /** Delay of a `delay` fault, ms. @default 400 */
  delayMs?: number;
  /** Only requests with these methods are faulted. @default every method */
  methods?: readonly string[];
  /** Called for every request with what the proxy did to it (for debugging a schedule). */
  onRequest?: (entry: { method: string; url: string; operation: string; range?: string; fault: FaultKind | null }) => void;
}

export interface FaultProxy {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  readonly port: number;
  /** Faults injected so far, by kind. */
  readonly injected: Record<FaultKind, number>;
  /** Requests seen so far. */
  requests(): number;
  /** Total faults injected so far. */
  faults(): number;
  /** Switches the schedule. */
  configure(
    options: Partial<Pick<FaultProxyOptions, "mode" | "rate" | "kinds" | "maxPerRequest" | "maxPerUrl" | "delayMs" | "methods">>,
  ): void;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOP_BY_HOP = new Set(["expect", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

function throttleBody(flavor: Flavor): { status: number; type: string; body: string } {
  switch (flavor) {
    case "s3":
      return {
        status: 503,
        type: "application/xml",
        body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>FAULTPROXY</RequestId><HostId>fault-proxy</HostId></Error>',
      };
    case "gcs":
      return {
        status: 429,
        type: "application/json",
        body: JSON.stringify({
          error: {
            code: 429,
            message: "The rate of change requests to the object is too high.",
            errors: [{ reason: "rateLimitExceeded" }],
          },
        }),
      };
    case "azure":
      return {
        status: 503,
        type: "application/xml",
        body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>The server is busy.</Message></Error>',
      };
  }
}

function errorBody(flavor: Flavor, status: 500 | 503): { type: string; body: string } {
  if (flavor === "gcs")
    return {
      type: "application/json",
      body: JSON.stringify({ error: { code: status, message: "Backend Error", errors: [{ reason: "backendError" }] } }),
    };
  const code =
    status === 500 ? (flavor === "s3" ? "InternalError" : "InternalError") : flavor === "s3" ? "ServiceUnavailable" : "ServerBusy";
  return {
    type: "application/xml",
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>Injected by the fault proxy.</Message></Error>`,
  };
}

/**
 * What identifies one SDK operation across its retries: the SDKs' invocation ids (AWS
 * `amz-sdk-invocation-id`, Azure `x-ms-client-request-id`, GCS `gccl-invocation-id/` in
 * `x-goog-api-client`), else the method and URL (which concurrent writers of one key share).
 */
function operationId(req: IncomingMessage): string {
  const h = req.headers;
  const gcs = /gccl-invocation-id\/([\w-]+)/.exec(String(h["x-goog-api-client"] ?? ""))?.[1];
  const id = h["amz-sdk-invocation-id"] ?? h["x-ms-client-request-id"] ?? gcs;
  return `${req.method} ${req.url} ${typeof id === "string" ? id : ""}`;
}

/**
 * What identifies one upload across its retries when the SDK gives each attempt a new
 * invocation id (GCS `File.save()` opens a new upload for each): its URL and body, the
 * multipart boundary (new for each attempt) taken out. `undefined` for a request without a body.
 */
function uploadId(req: IncomingMessage, body: Buffer): string | undefined {
  if (body.length === 0) return undefined;
  const boundary = /boundary=("?)([^";]+)\1/.exec(String(req.headers["content-type"] ?? ""))?.[2];
  const hash = createHash("sha256");
  if (boundary) for (const part of body.toString("latin1").split(boundary)) hash.update(part, "latin1");
  else hash.update(body);
  return `${req.method} ${req.url} body ${hash.digest("hex")}`;
}

/** Starts a proxy on an ephemeral loopback port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(upstream.hostname))
    throw new Error(`the fault proxy forwards to loopback only, not ${upstream.hostname}`);
  const random = mulberry32(options.seed);
  let mode: FaultMode = options.mode ?? "off";
  let rate = options.rate ?? 0.25;
  let kinds: readonly FaultKind[] = options.kinds ?? ALL_FAULTS;
  let maxPerRequest = options.maxPerRequest ?? 1;
  let maxPerUrl = options.maxPerUrl ?? Infinity;
  const perUrl = new Map<string, number>();
  let delayMs = options.delayMs ?? 400;
  let methods = options.methods;
  const injected = Object.fromEntries(ALL_FAULTS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const inARow = new Map<string, number>();
  const sockets = new Set<Socket>();
  let requests = 0;
  let proxyOrigin = "";

  function decide(req: IncomingMessage, body: Buffer): FaultKind | null {
    if (mode === "off" || (methods && !methods.includes(req.method ?? ""))) return null;
    if (mode === "persistent") return kinds[0] ?? null;
    const url = `${req.method} ${req.url}`;
    // Counted per operation, and also per URL and per upload: some retries carry a new invocation
    // id (GCS File.save() opens a new upload for each; a backend's own resend of a cut answer is a
    // new SDK operation). Faulted only while every count is below the bound.
    const counted = [operationId(req), url, uploadId(req, body)].filter((k): k is string => k !== undefined);
    if (counted.some((k) => (inARow.get(k) ?? 0) >= maxPerRequest) || (perUrl.get(url) ?? 0) >= maxPerUrl || random() >= rate) {
      for (const k of counted) inARow.delete(k);
      return null;
    }
    for (const k of counted) inARow.set(k, (inARow.get(k) ?? 0) + 1);
    perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
    let kind = kinds[Math.floor(random() * kinds.length)]!;
    // A HEAD response has no body to cut: cut the connection instead.
    if (kind === "truncate" && req.method === "HEAD") kind = "resetAfter";
    return kind;
  }

  function reset(res: ServerResponse): void {
    res.socket?.resetAndDestroy();
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, fault: FaultKind | null): void {
    const headers: IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    if (req.headers["transfer-encoding"]) headers["content-length"] = String(body.length);
    const upstreamReq = request(
      { host: upstream.hostname.replace(/^\[|\]$/g, ""), port: upstream.port, method: req.method, path: req.url, headers, agent: false },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on("data", (c: Buffer) => chunks.push(c));
        upstreamRes.on("error", () => reset(res));
        upstreamRes.on("end", () => {
          if (fault === "resetAfter") return reset(res);
          const data = Buffer.concat(chunks);
          const outHeaders: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(upstreamRes.headers)) {
            if (v === undefined || HOP_BY_HOP.has(k)) continue;
            // Resumable-upload and media links name the emulator: send the client back through us.
            outHeaders[k] = k === "location" && typeof v === "string" ? v.replace(upstream.origin, proxyOrigin) : v;
          }
          if (req.method !== "HEAD") outHeaders["content-length"] = String(data.length);
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, outHeaders);
          if (fault === "truncate" && data.length > 0) {
            res.write(data.subarray(0, Math.floor(data.length / 2)), () => setTimeout(() => reset(res), 5));
            return;
          }
          if (fault === "truncate") return reset(res);
          res.end(req.method === "HEAD" ? undefined : data);
        });
      },
    );
    upstreamReq.on("error", () => reset(res));
    upstreamReq.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const fault = decide(req, body);
    if (fault) injected[fault]++;
    options.onRequest?.({
      method: req.method ?? "",
      url: req.url ?? "",
      operation: operationId(req),
      range: (req.headers.range ?? req.headers["x-ms-range"]) as string | undefined,
      fault,
    });
    switch (fault) {
      case "status500":
      case "status503": {
        const status = fault === "status500" ? 500 : 503;
        const e = errorBody(options.flavor, status);
        res.writeHead(status, { "content-type": e.type, "content-length": Buffer.byteLength(e.body) });
        res.end(e.body);
        return;
      }
      case "throttle": {
        const t = throttleBody(options.flavor);
        res.writeHead(t.status, { "content-type": t.type, "content-length": Buffer.byteLength(t.body) });
        res.end(t.body);
        return;
      }
      case "resetBefore":
        return reset(res);
      case "delay":
        if (mode === "persistent") return; // a black hole: the client's timeout must end it
        await new Promise((r) => setTimeout(r, delayMs));
        return forward(req, res, body, null);
      default:
        return forward(req, res, body, fault);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => reset(res));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  proxyOrigin = `http://127.0.0.1:${port}`;
  return {
    url: proxyOrigin,
    port,
    injected,
    requests: () => requests,
    faults: () => Object.values(injected).reduce((a, b) => a + b, 0),
    configure(next) {
      if (next.mode !== undefined) mode = next.mode;
      if (next.rate !== undefined) rate = next.rate;
      if (next.kinds !== undefined) kinds = next.kinds;
      if (next.maxPerRequest !== undefined) maxPerRequest = next.maxPerRequest;
      if ("maxPerUrl" in next) maxPerUrl = next.maxPerUrl ?? Infinity;
      if (next.delayMs !== undefined) delayMs = next.delayMs;
      if ("methods" in next) methods = next.methods;
      inARow.clear();
      perUrl.clear();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
