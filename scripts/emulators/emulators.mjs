/**
 * Starts local storage emulators for tests: moto (S3), fake-gcs-server (GCS), azurite (Azure Blob).
 * Each listens on a free 127.0.0.1 port; the returned env is what the SDKs (and our tests) read.
 * Install the tools first with `npm run tools` (scripts/tools/install.mjs).
 *
 * Children are killed by stop(), by a process 'exit' hook, and, on Linux, by the kernel when this
 * process dies any other way (SIGKILL, crash): they are started under `setpriv --pdeathsig`.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOOLS = join(ROOT, ".tools");
const LOGS = join(TOOLS, "logs");
const HOST = "127.0.0.1";

/** The fixed, public development account every Azurite install accepts. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Env for an S3-compatible endpoint (moto, LocalStack, MinIO...). AWS SDK v3 and botocore read AWS_ENDPOINT_URL_S3. */
export function s3Env(endpoint) {
  return {
    LAZYSCRIBE_TEST_S3_ENDPOINT: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: "us-east-1",
  };
}

/**
 * Env for a GCS emulator, for the test suites. STORAGE_EMULATOR_HOST is left out here on purpose: the Node SDK
 * (@google-cloud/storage 8, as 7) takes that variable verbatim as its JSON API base URL, with or without
 * `apiEndpoint`, which breaks a raw SDK client on fake-gcs-server; tests that build raw clients pass
 * `apiEndpoint: LAZYSCRIBE_TEST_GCS_ENDPOINT` instead. @lazyscribe/gcs itself honours STORAGE_EMULATOR_HOST
 * (see userEnv below); Python (gcsfs) child processes get it from pythonGcsEnv().
 */
export function gcsEnv(endpoint) {
  return {
    LAZYSCRIBE_TEST_GCS_ENDPOINT: endpoint,
    // Bucket creation needs a project id; without one the SDK tries to discover it from credentials.
    GOOGLE_CLOUD_PROJECT: "lazyscribe-test",
  };
}

/** Env for a Python child process talking to the GCS emulator (gcsfs wants the bare origin, no path). */
export function pythonGcsEnv(endpoint) {
  return {
    STORAGE_EMULATOR_HOST: endpoint,
    // gcsfs >= 2026 otherwise asks the gRPC storage-control API (over TLS, which fake-gcs-server lacks) for each
    // bucket's layout, and waits 60 s per bucket before falling back to the JSON API.
    GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT: "false",
  };
}

/**
 * The variables a person exports to point this library and their own tools at running emulators: the SDKs' own
 * variables (AWS_ENDPOINT_URL_S3 and test credentials; STORAGE_EMULATOR_HOST, which @lazyscribe/gcs, gcsfs and the
 * Python and Go clients read; AZURE_STORAGE_CONNECTION_STRING) plus the LAZYSCRIBE_TEST_* ones that make `npm test`
 * use these emulators instead of starting its own. Every value points at a loopback port, so nothing reaches a cloud.
 * @param {Record<string, string>} env the env of startEmulators() or startLocalstack()
 * @returns {Record<string, string>}
 */
export function userEnv(env) {
  const out = { ...env };
  if (env.LAZYSCRIBE_TEST_GCS_ENDPOINT) Object.assign(out, pythonGcsEnv(env.LAZYSCRIBE_TEST_GCS_ENDPOINT));
  return out;
}

/** Env for an Azure Blob endpoint given as a full connection string. */
export function azureEnv(connectionString) {
  return { LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING: connectionString, AZURE_STORAGE_CONNECTION_STRING: connectionString };
}

export function azuriteConnectionString(blobEndpoint) {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint}/${AZURITE_ACCOUNT};`;
}

/** Asks the OS for a free loopback port. Another process could grab it before the emulator binds; rare enough here. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Children still alive; the 'exit' hook kills them synchronously (async work cannot run there).
const live = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

// setpriv (util-linux) makes the kernel signal the child when we die, even on SIGKILL.
const hasSetpriv = process.platform === "linux" && spawnSync("setpriv", ["--help"], { stdio: "ignore" }).status === 0;

function launch(name, cmd, args, env = {}) {
  mkdirSync(LOGS, { recursive: true });
  const logFile = join(LOGS, `${name}.log`);
  const fd = openSync(logFile, "w"); // the child writes straight to the file: no pipe we would have to drain
  const [file, argv] = hasSetpriv ? ["setpriv", ["--pdeathsig", "SIGKILL", "--", cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { cwd: TOOLS, stdio: ["ignore", fd, fd], env: { ...process.env, ...env } });
  closeSync(fd);
  installExitHook();
  live.add(child);
  const proc = { name, child, logFile, spawnError: null };
  // A failed spawn (ENOENT...) emits 'error' and maybe no 'exit': settle on either.
  proc.exited = new Promise((resolve) => {
    child.once("exit", resolve);
    child.once("error", (err) => {
      proc.spawnError = err;
      resolve(null);
    });
  });
  proc.exited.then(() => live.delete(child));
  return proc;
}

function logTail(logFile, lines = 30) {
  if (!existsSync(logFile)) return "(no log)";
  return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** True once anything answers HTTP on the URL: any status means the server is up. */
function answers(url) {
  return new Promise((resolve) => {
    // agent: false so no keep-alive socket outlives the probe.
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function waitReady(proc, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.spawnError || proc.child.exitCode !== null || proc.child.signalCode !== null) {
      const why = proc.spawnError?.message ?? proc.child.exitCode ?? proc.child.signalCode;
      throw new Error(`${proc.name} exited (${why}) before answering on ${url}.
--- ${proc.logFile} (tail) ---
${logTail(proc.logFile)}`);
    }
    if (await answers(url)) return;
    if (Date.now() > deadline) {
      throw new Error(`${proc.name} did not answer on ${url} within ${timeoutMs} ms.
--- ${proc.logFile} (tail) ---
${logTail(proc.logFile)}`);
    }
    await sleep(100);
  }
}

async function stopProc(proc) {
  if (proc.spawnError || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill("SIGTERM");
  const timedOut = await Promise.race([proc.exited.then(() => false), sleep(5000).then(() => true)]);
  if (timedOut) {
    proc.child.kill("SIGKILL");
    await proc.exited;
  }
}

function requireFile(path, what) {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}. Run \`npm run tools\` first.`);
  return path;
}

const EMULATORS = {
  async s3() {
    const port = await freePort();
    const bin = requireFile(join(TOOLS, "venv", "bin", "moto_server"), "moto_server");
    const proc = launch("s3-moto", bin, ["-H", HOST, "-p", String(port)], { PYTHONUNBUFFERED: "1" });
    const endpoint = `http://${HOST}:${port}`;
    return { proc, url: `${endpoint}/`, env: s3Env(endpoint) };
  },
  async gcs() {
    const port = await freePort();
    const bin = requireFile(join(TOOLS, "bin", "fake-gcs-server"), "fake-gcs-server");
    const endpoint = `http://${HOST}:${port}`;
    // public-host / external-url: resumable-upload Location headers and media links point back here,
    // not at storage.googleapis.com or 0.0.0.0.
    const args = ["-scheme", "http", "-host", HOST, "-port", String(port), "-backend", "memory"];
    args.push("-public-host", `${HOST}:${port}`, "-external-url", endpoint, "-log-level", "warn");
    const proc = launch("gcs-fake-gcs-server", bin, args);
    return { proc, url: `${endpoint}/storage/v1/b`, env: gcsEnv(endpoint) };
  },
  async azure() {
    const port = await freePort();
    const main = requireFile(join(ROOT, "node_modules", "azurite", "dist", "src", "blob", "main.js"), "azurite (npm devDependency)");
    // --loose: ignore headers azurite does not implement instead of failing; --skipApiVersionCheck: newer SDKs
    // send x-ms-version values this azurite does not know yet. No --location: it conflicts with in-memory mode.
    const args = [main, "--blobHost", HOST, "--blobPort", String(port), "--inMemoryPersistence"];
    args.push("--skipApiVersionCheck", "--disableTelemetry", "--loose");
    const proc = launch("azure-azurite", process.execPath, args);
    const endpoint = `http://${HOST}:${port}`;
    return { proc, url: `${endpoint}/${AZURITE_ACCOUNT}?comp=list`, env: azureEnv(azuriteConnectionString(endpoint)) };
  },
  // LocalStack in host mode (no Docker), S3 only. Optional: install with `npm run tools -- --localstack`.
  async localstack() {
    const port = await freePort();
    const python = requireFile(join(TOOLS, "localstack-venv", "bin", "python"), "LocalStack venv (npm run tools -- --localstack)");
    const root = join(TOOLS, "localstack-fs");
    rmSync(root, { recursive: true, force: true }); // fresh state each start, like the in-memory emulators
    const endpoint = `http://${HOST}:${port}`;
    const proc = launch("s3-localstack", python, ["-m", "localstack.runtime.main"], {
      SERVICES: "s3",
      GATEWAY_LISTEN: `${HOST}:${port}`,
      LOCALSTACK_HOST: `${HOST}:${port}`,
      FILESYSTEM_ROOT: root,
      PERSISTENCE: "0",
      GATEWAY_SERVER: "hypercorn", // the default (twisted) server needs service_identity, not in the runtime extra
      DNS_ADDRESS: "0", // no DNS server: it probes upstream resolvers we cannot reach
      SKIP_SSL_CERT_DOWNLOAD: "1", // use a self-signed cert instead of downloading one
      DISABLE_EVENTS: "1", // no analytics
      PYTHONUNBUFFERED: "1",
    });
    return { proc, url: `${endpoint}/_localstack/health`, env: s3Env(endpoint) };
  },
};

async function startSet(names, timeoutMs) {
  const started = [];
  const stop = async () => {
    await Promise.all(started.map((s) => stopProc(s.proc)));
  };
  // allSettled, not all: on a failure, wait for every start to settle so stop() sees all children.
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const s = await EMULATORS[name]();
      started.push(s);
      await waitReady(s.proc, s.url, timeoutMs);
    }),
  );
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    await stop(); // do not leave the ones that did start running
    throw failed.reason;
  }
  return { env: Object.assign({}, ...started.map((s) => s.env)), stop };
}

/**
 * Starts the selected emulators (all by default) in parallel and waits until each answers.
 * @param {{ only?: ("s3" | "gcs" | "azure")[], timeoutMs?: number }} [options]
 * @returns {Promise<{ env: Record<string, string>, stop: () => Promise<void> }>}
 */
export async function startEmulators({ only = ["s3", "gcs", "azure"], timeoutMs = 60_000 } = {}) {
  for (const name of only) {
    if (!["s3", "gcs", "azure"].includes(name)) throw new Error(`unknown emulator "${name}" (expected s3, gcs or azure)`);
  }
  return startSet(only, timeoutMs);
}

/**
 * Starts LocalStack (S3 only) in host mode, without Docker; env has the same S3 variables as moto's.
 * Needs `npm run tools -- --localstack` first.
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ env: Record<string, string>, stop: () => Promise<void> }>}
 */
export async function startLocalstack({ timeoutMs = 60_000 } = {}) {
  return startSet(["localstack"], timeoutMs);
}
