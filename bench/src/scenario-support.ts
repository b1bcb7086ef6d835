/**
 * What the `writers` and `size` scenarios share: child processes that print one JSON
 * line, the emulators, a fresh location per run on each store, percentiles.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulators, type EmulatorName } from "../../scripts/emulators/emulators.mjs";
import type { StoreId } from "./config.js";
import { rawStore } from "./raw-store.js";

const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The command that runs a bench module (`writers-child`, `size-child`) as its own process. */
export function nodeModule(name: string): [string, string[]] {
  const file = fileURLToPath(new URL(FROM_SOURCE ? `./${name}.ts` : `./${name}.js`, import.meta.url));
  return [process.execPath, [...(FROM_SOURCE ? ["--import", "tsx"] : []), file]];
}

/** What a child printed and how it ended. */
export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last stdout line that parsed as JSON, or undefined. */
  result: Record<string, unknown> | undefined;
  stderr: string;
  ms: number;
}

/** Runs a child to its end (killed after `timeoutMs`). */
export function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr = (stderr + c).slice(-20_000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      let result: Record<string, unknown> | undefined;
      for (const line of stdout.trim().split("\n").reverse()) {
        try {
          result = JSON.parse(line) as Record<string, unknown>;
          break;
        } catch {
          // not the result line
        }
      }
      resolve({ code, signal, result, stderr, ms: performance.now() - started });
    });
  });
}

/** The stores' environment: the emulators this run started (or the caller's), and a stop function. */
export async function storeEnvironment(
  stores: readonly StoreId[],
  log: (line: string) => void,
): Promise<{ env: NodeJS.ProcessEnv; stop: () => Promise<void> }> {
  const clouds = stores.filter((s) => s !== "local");
  if (clouds.length === 0 || process.env.LAZYSCRIBE_TEST_S3_ENDPOINT) return { env: { ...process.env }, stop: async () => undefined };
  log(`starting emulators: ${clouds.join(", ")}`);
  const only = clouds.map((s) => ({ s3: "s3", gs: "gcs", az: "azure" })[s as "s3" | "gs" | "az"] as EmulatorName);
  const started = await startEmulators({ only });
  // This process writes fixtures and counts results through the SDKs too, which read their endpoints from process.env.
  Object.assign(process.env, started.env);
  return { env: { ...process.env }, stop: started.stop };
}

/** Makes fresh locations: a temp folder on local disk, a new bucket on a cloud store. */
export async function locationMaker(stores: readonly StoreId[], env: NodeJS.ProcessEnv): Promise<(store: StoreId, tag: string) => string> {
  const localRoot = await mkdtemp(join(tmpdir(), "lazyscribe-bench-"));
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  const buckets = new Map<StoreId, string>();
  for (const store of stores) {
    if (store === "local") continue;
    const bucket = `lazyscribe-bench-${id}`;
    await (await rawStore(store, env)).createBucket(bucket);
    buckets.set(store, `${store}://${bucket}`);
  }
  let n = 0;
  return (store, tag) => `${store === "local" ? localRoot : buckets.get(store)}/${tag}-${++n}`;
}

/** The `p`-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Milliseconds as text: `850 ms`, `3.2 s`. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "—";
  return value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`;
}
