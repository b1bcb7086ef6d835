/** Helpers to turn any {@link WriteBody} into bytes or a stream. */
import { Readable } from "node:stream";
import type { WriteBody } from "./protocol.js";

const encoder = new TextEncoder();

/** Reads a whole body into one buffer. */
export async function bodyToBytes(body: WriteBody): Promise<Uint8Array> {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/** Wraps a body as a Node stream without copying buffers. */
export function bodyToStream(body: WriteBody): Readable {
  // One encoding pass for a string, and a view (not a copy) of a Uint8Array: a 50 MB manifest costs one buffer.
  if (typeof body === "string") return Readable.from([Buffer.from(body, "utf8")]);
  if (body instanceof Uint8Array) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
  if (body instanceof Readable) return body;
  return Readable.from(body);
}

/** Drains a stream into one buffer. */
export async function streamToBytes(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  return bodyToBytes(stream as AsyncIterable<Uint8Array>);
}
