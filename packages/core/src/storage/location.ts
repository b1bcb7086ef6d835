/**
 * Parsing of the locations users pass: plain paths, `file://` URLs and
 * `<scheme>://bucket/key` URLs. Unlike Python (W17), `#` and `?` are part of
 * the path, and a Windows drive letter is not taken as a scheme.
 */
import { posix } from "node:path";
import { InvalidArgumentError } from "../errors.js";

/** A parsed location: the URL scheme and the key inside that store. */
export interface ParsedLocation {
  /** `file`, `memory`, `s3`, `gs`, `az` (aliases such as `gcs` and `abfs` are normalised). */
  protocol: string;
  /** The key inside the store, fsspec style (`bucket/dir/file` for object stores). */
  path: string;
}

const SCHEME_ALIASES: Record<string, string> = { gcs: "gs", abfs: "az", abfss: "az", local: "file" };

/** Splits a location into protocol and key. A plain path means local disk. */
export function parseLocation(location: string): ParsedLocation {
  if (typeof location !== "string" || location.length === 0) {
    throw new InvalidArgumentError(`Expected a path or URL, got ${JSON.stringify(location)}.`);
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\/(.*)$/s.exec(location);
  if (!match) return { protocol: "file", path: normalise(location, "file") };
  const scheme = match[1]!.toLowerCase();
  const protocol = SCHEME_ALIASES[scheme] ?? scheme;
  return { protocol, path: normalise(match[2]!, protocol) };
}

function normalise(path: string, protocol: string): string {
  if (protocol === "file") return posix.normalize(path);
  const key = posix.normalize(path).replace(/^\/+/, "");
  return key === "." ? "" : key;
}

/** Formats a protocol and key back into a URL (`file` keys stay plain paths). */
export function formatLocation(protocol: string, path: string): string {
  return protocol === "file" ? path : `${protocol}://${path}`;
}
