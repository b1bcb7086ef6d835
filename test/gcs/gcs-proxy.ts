/**
 * A recording, fault-injecting HTTP proxy in front of the GCS emulator: the
 * backend tests point the SDK at it to see what goes over the wire (methods,
 * query parameters such as ifGenerationMatch, bytes each way) and to answer
 * with errors the emulator never gives (401, 403, 429, 503), or to answer late.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request that went through the proxy. */
export interface ProxyRecord {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Request body bytes received from the client. */
  requestBytes: number;
  /** Response body bytes sent back to the client. */
  responseBytes: number;
  status: number;
}

/** A synthetic answer instead of forwarding, or (with `delayMs` alone) a late forward. */
export interface Fault {
  /** Answer with this status instead of forwarding. */
  status?: number;
  /** Forward (or answer with `status`) only after this many milliseconds. */
  delayMs?: number;
  /** GCS-style error reason, e.g. `rateLimitExceeded`. */
  reason?: string;
  message?: string;
}

/** A running proxy. */
export interface GcsProxy {
  /** The proxy's origin, to use as `apiEndpoint`. */
  url: string;
  records: ProxyRecord[];
  /** Request body bytes received so far, updated as they stream in. */
  receivedBytes: number;
  /** Decides per request whether to answer with a fault instead of forwarding. */
  fault: ((method: string, url: URL, headers: IncomingHttpHeaders) => Fault | undefined) | undefined;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `target` (an origin). */
export async function startGcsProxy(target: string): Promise<GcsProxy> {
  const targetUrl = new URL(target);
  const proxy: GcsProxy = { url: "", records: [], receivedBytes: 0, fault: undefined, close: async () => {} };
  const upstreamAgent = new Agent({ keepAlive: true });
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", proxy.url);
    const record: ProxyRecord = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      requestBytes: 0,
      responseBytes: 0,
      status: 0,
    };
    proxy.records.push(record);
    req.on("data", (chunk: Buffer) => {
      record.requestBytes += chunk.length;
      proxy.receivedBytes += chunk.length;
    });
    const fault = proxy.fault?.(record.method, url, req.headers);
    const answer = () => (fault?.status !== undefined ? answerWithFault(fault.status) : forward());
    const answerWithFault = (status: number) => {
      req.resume();
      req.on("end", () => {
        const body = JSON.stringify({
          error: {
            code: status,
            message: fault?.message ?? `injected ${status}`,
            errors: [{ reason: fault?.reason ?? "injected", message: fault?.message ?? `injected ${status}` }],
          },
        });
        record.status = status;
        record.responseBytes = Buffer.byteLength(body);
        res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.end(body);
      });
    };
    const forward = () => {
      const upstream = request(
        {
          // Its own pool: tests count the client's connections on Node's global agent.
          agent: upstreamAgent,
          host: targetUrl.hostname,
          port: targetUrl.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: targetUrl.host },
        },
        (reply) => {
          record.status = reply.statusCode ?? 0;
          const headers = { ...reply.headers };
          // Resumable upload sessions live at the Location the emulator returns; keep them on the proxy.
          if (typeof headers.location === "string") headers.location = headers.location.replace(targetUrl.origin, proxy.url);
          res.writeHead(reply.statusCode ?? 502, headers);
          reply.on("data", (chunk: Buffer) => (record.responseBytes += chunk.length));
          reply.pipe(res);
          // A client that hangs up mid-body leaves the reply paused on its socket: end it.
          res.on("close", () => {
            if (!reply.complete) reply.destroy();
          });
        },
      );
      upstream.on("error", () => res.destroy());
      req.pipe(upstream);
    };
    if (fault?.delayMs) {
      req.pause();
      const timer = setTimeout(answer, fault.delayMs);
      res.on("close", () => clearTimeout(timer));
    } else {
      answer();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      upstreamAgent.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
