/**
 * The stores the spec suites run against. Each gives a fresh root location per
 * call, so tests never see each other's files.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@lazyscribe/local";

/** A store the domain suites run on. */
export interface SpecBackend {
  /** Display name. */
  name: string;
  /** A fresh, empty folder location (path or URL) without a trailing slash. */
  freshRoot(): Promise<string>;
}

let counter = 0;

/** memory:// and local disk, the stores every spec suite covers. */
export const specBackends: SpecBackend[] = [
  { name: "memory", freshRoot: async () => `memory://spec-${process.pid}-${++counter}` },
  { name: "local", freshRoot: async () => mkdtemp(join(tmpdir(), "lazyscribe-spec-")) },
];
