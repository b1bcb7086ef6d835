/**
 * Shared harness of the concurrency, crash and fault suites: the backends they run on, child
 * processes that import the BUILT packages (dist/), and the check that a project is whole.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Project, resolveLocation, type Experiment, type Storage, type StorageSettings } from "@lazyscribe/core";
import "@lazyscribe/local";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const NODE = process.execPath;

/** The dist entry of a workspace package (`packages/<dir>/dist/index.js`). */
export function distEntry(dir: string): string {
  return join(REPO_ROOT, "packages", dir, "dist", "index.js");
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Throws a clear error when a package the children import has no build, and warns when the build
 * is older than its sources (children would run stale code). `npm test` builds before vitest runs.
 */
export function requireBuilt(dirs: readonly string[]): void {
  const missing = dirs.filter((d) => !existsSync(distEntry(d)));
  if (missing.length > 0) {
    throw new Error(
      `These suites spawn node on the built packages, but ${missing.map((d) => `packages/${d}/dist/index.js`).join(", ")} ` +
        `does not exist. Build first: npx turbo run build --filter=lazyscribe${missing.some((d) => d !== "lazyscribe" && d !== "core" && d !== "local") ? " (and the cloud packages)" : ""}`,
    );
  }
  for (const d of dirs) {
    const src = join(REPO_ROOT, "packages", d, "src");
    if (existsSync(src) && newestMtime(src) > statSync(distEntry(d)).mtimeMs) {
      console.warn(`[harness] packages/${d}/dist is older than its src/: the child processes run the last build.`);
    }
  }
}

/** A store the suites run on. */
export interface Target {
  /** Display name. */
  name: "local" | "s3" | "gcs" | "azure";
  /** Its URL scheme. */
  scheme: "file" | "s3" | "gs" | "az";
  /** Workspace package dirs the child processes import, in order. */
  packages: string[];
  /** Why the target cannot run here, or null. */
  unavailable(): string | null;
  /** A fresh empty folder location (path or URL) without a trailing slash. */
  freshRoot(tag: string): Promise<string>;
  /** Backend settings for `Project.open(..., { storage })` in a child process (JSON). */
  settings(): StorageSettings | undefined;
  /** The store this process uses (one per target, so checks do not open a client each). */
  storage(): Promise<Storage>;
  /**
   * Backend settings that reach the store through `endpoint` (a fault proxy) instead, with each
   * request attempt bounded by `timeoutMs`, and with short retry backoff when `fastRetries`
   * (same number of tries); for clouds only.
   */
  settingsVia?(endpoint: string, options: { timeoutMs: number; fastRetries?: boolean }): StorageSettings;
  /** The emulator's origin, `http://127.0.0.1:port`; for clouds only. */
  upstream?(): string;
}

export const localTarget: Target = {
  name: "local",
  scheme: "file",
  packages: ["core", "local", "lazyscribe"],
  unavailable: () => null,
  freshRoot: async (tag) => mkdtemp(join(tmpdir(), `lazyscribe-${tag}-`)),
  settings: () => undefined,
  storage: async () => (await resolveLocation("project.json")).storage,
};

/** Why a backend package cannot be used yet: absent, or its entry does not register a backend yet. */
const packageMissing = (dir: string) => {
  const entry = join(REPO_ROOT, "packages", dir, "src", "index.ts");
  if (!existsSync(entry)) return `packages/${dir} does not exist yet`;
  return readFileSync(entry, "utf8").includes("registerBackend") ? null : `packages/${dir} registers no backend yet`;
};
const memo = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};

const s3Emulation = () => (process.env.LAZYSCRIBE_TEST_S3_NATIVE_PRECONDITIONS === "1" ? {} : { copy: true, multipartIfMatch: true });
export const s3Target: Target = {
  name: "s3",
  scheme: "s3",
  packages: ["core", "local", "lazyscribe", "s3"],
  unavailable: () =>
    packageMissing("s3") ??
    (process.env.LAZYSCRIBE_TEST_S3_ENDPOINT ? null : "LAZYSCRIBE_TEST_S3_ENDPOINT is not set (global setup did not run)"),
  async freshRoot(tag) {
    const { createTestBucket, rawS3Client } = await import("../s3/s3-env.js");
    const client = rawS3Client();
    try {
      return `s3://${await createTestBucket(client, tag)}`;
    } finally {
      client.destroy();
    }
  },
  settings: () => ({ endpoint: process.env.LAZYSCRIBE_TEST_S3_ENDPOINT, emulatePreconditions: s3Emulation() }),
  storage: memo(async () => (await resolveLocation("s3://any/project.json", s3Target.settings())).storage),
  // The SDK's standard retry backoff is already short (100 ms base), so fastRetries changes nothing here.
  settingsVia: (endpoint, { timeoutMs }) => ({
    endpoint,
    emulatePreconditions: s3Emulation(),
    requestHandler: { connectionTimeout: timeoutMs, socketTimeout: timeoutMs },
  }),
  upstream: () => new URL(process.env.LAZYSCRIBE_TEST_S3_ENDPOINT!).origin,
};

const azureConnection = () => process.env.LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING ?? "";
const azureBlobEndpoint = () => /BlobEndpoint=([^;]+)/.exec(azureConnection())?.[1] ?? "";
export const azureTarget: Target = {
  name: "azure",
  scheme: "az",
  packages: ["core", "local", "lazyscribe", "azure"],
  unavailable: () =>
    packageMissing("azure") ??
    (azureBlobEndpoint() ? null : "LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING (with a BlobEndpoint) is not set (global setup did not run)"),
  async freshRoot(tag) {
    const { createTestContainer } = await import("../azure/azure-env.js");
    return `az://${await createTestContainer(undefined, tag)}`;
  },
  settings: () => ({ connectionString: azureConnection() }),
  storage: memo(async () => (await resolveLocation("az://any/project.json", azureTarget.settings())).storage),
  // The proxy keeps the account's path (`/devstoreaccount1`): only the origin changes.
  settingsVia: (endpoint, { timeoutMs, fastRetries }) => ({
    connectionString: azureConnection().replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=${endpoint}${new URL(azureBlobEndpoint()).pathname}`),
    socketTimeoutMs: timeoutMs,
    ...(fastRetries ? { retryOptions: { retryDelayInMs: 100, maxRetryDelayInMs: 400 } } : {}),
  }),
  upstream: () => new URL(azureBlobEndpoint()).origin,
};

const gcsEndpoint = () => process.env.LAZYSCRIBE_TEST_GCS_ENDPOINT ?? "";
const gcsProject = () => process.env.GOOGLE_CLOUD_PROJECT ?? "lazyscribe-test";
export const gcsTarget: Target = {
  name: "gcs",
  scheme: "gs",
  packages: ["core", "local", "lazyscribe", "gcs"],
  unavailable: () => packageMissing("gcs") ?? (gcsEndpoint() ? null : "LAZYSCRIBE_TEST_GCS_ENDPOINT is not set (global setup did not run)"),
  // The emulator needs no credentials: create the bucket with one JSON API call.
  async freshRoot(tag) {
    const bucket = `lazyscribe-${tag}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
    const res = await fetch(`${gcsEndpoint()}/storage/v1/b?project=${gcsProject()}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: bucket }),
    });
    if (!res.ok) throw new Error(`creating the GCS bucket ${bucket} failed: HTTP ${res.status} ${await res.text()}`);
    return `gs://${bucket}`;
  },
  settings: () => ({ apiEndpoint: gcsEndpoint(), projectId: gcsProject() }),
  storage: memo(async () => (await resolveLocation("gs://any/project.json", gcsTarget.settings())).storage),
  // `timeout` bounds one SDK request; the backend's `timeoutMs` bounds a whole step with the SDK's retries
  // (whose backoff starts at 1 s: async-retry refuses a maxRetryDelay under 1 s).
  settingsVia: (endpoint, { timeoutMs, fastRetries }) => ({
    apiEndpoint: endpoint,
    projectId: gcsProject(),
    timeout: timeoutMs,
    timeoutMs: 10_000,
    ...(fastRetries ? { retryOptions: { maxRetryDelay: 1, retryDelayMultiplier: 1 } } : {}),
  }),
  upstream: () => new URL(gcsEndpoint()).origin,
};

/** Every target the suites cover; the cloud ones report themselves unavailable until their package exists. */
export const targets: Target[] = [localTarget, s3Target, gcsTarget, azureTarget];

/**
 * Opens `location` in mode "r" and loads every artifact (passing each value to `check`) of the
 * experiments `skip` does not exclude. Throws on the first defect.
 */
export async function verifyProject(
  location: string,
  settings?: StorageSettings | Storage,
  concurrency = 8,
  check?: (experiment: Experiment, artifact: string, value: unknown) => void,
  skip?: (experiment: Experiment) => boolean,
): Promise<{ experiments: number; artifacts: number; names: string[] }> {
  const project = await Project.open(location, { mode: "r", storage: settings });
  const jobs: Array<() => Promise<void>> = [];
  for (const e of project.experiments) {
    if (skip?.(e)) continue;
    for (const a of e.artifacts) {
      jobs.push(async () => {
        let value: unknown;
        try {
          value = await e.loadArtifact(a.name);
        } catch (err) {
          throw new Error(`experiment ${e.slug} artifact ${a.name} (${a.fname}) does not load: ${(err as Error).message}`, { cause: err });
        }
        check?.(e, a.name, value);
      });
    }
  }
  await pool(jobs, concurrency);
  return { experiments: project.experiments.length, artifacts: jobs.length, names: project.experiments.map((e) => e.name) };
}

/** Runs async jobs, at most `concurrency` at once. */
export async function pool(jobs: ReadonlyArray<() => Promise<unknown>>, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

/** What a finished child left. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout lines that parse as JSON objects. */
  messages: Array<Record<string, unknown>>;
}

/** A running child, with its JSON stdout lines as they arrive. */
export interface RunningChild {
  child: ChildProcess;
  /** Resolves when the child has printed a JSON line with `{ event }`. */
  waitFor(event: string, timeoutMs: number): Promise<Record<string, unknown>>;
  done: Promise<ChildResult>;
}

/** Spawns `command args`, parsing stdout JSON lines; killed with SIGKILL after `timeoutMs` (the timer starts at spawn). */
export function startChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string; stdin?: boolean },
): RunningChild {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd ?? REPO_ROOT,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let partial = "";
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{ event: string; resolve: (m: Record<string, unknown>) => void }> = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf("\n")) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (!line.startsWith("{")) continue;
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        messages.push(message);
        for (const w of waiters.filter((w) => w.event === message.event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message);
        }
      } catch {
        // a line cut by a kill: ignore
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, messages });
    });
  });
  return {
    child,
    done,
    waitFor: (event, timeoutMs) =>
      new Promise((resolve, reject) => {
        const seen = messages.find((m) => m.event === event);
        if (seen) return resolve(seen);
        const t = setTimeout(
          () => reject(new Error(`child did not report "${event}" within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)),
          timeoutMs,
        );
        const settle = (m: Record<string, unknown>) => {
          clearTimeout(t);
          resolve(m);
        };
        waiters.push({ event, resolve: settle });
        void done.then((r) => {
          clearTimeout(t);
          if (!messages.some((m) => m.event === event)) {
            reject(new Error(`child exited (${r.code ?? r.signal}) before reporting "${event}"; stderr: ${r.stderr.slice(-2000)}`));
          }
        });
      }),
  };
}

/** A seeded PRNG (mulberry32): the same seed gives the same schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Raw bytes of a key, or null when absent. */
export async function readText(location: string, settings?: StorageSettings): Promise<string | null> {
  const { storage, path } = await resolveLocation(location, settings);
  if (!(await storage.stat(path))) return null;
  return new TextDecoder().decode(await storage.read(path));
}

/** Prints one line of figures, so the run log carries them. */
export function report(suite: string, figures: Record<string, unknown>): void {
  console.log(
    `[${suite}] ${Object.entries(figures)
      .map(([k, v]) => `${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(1) : String(v)}`)
      .join(" ")}`,
  );
}
