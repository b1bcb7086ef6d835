#!/usr/bin/env node
/**
 * Installs the storage emulators the tests run against into .tools/ (git-ignored):
 *   - .tools/venv                     Python venv from scripts/tools/requirements.txt (moto S3 server,
 *                                     Python lazyscribe + fsspec backends for interop tests)
 *   - .tools/bin/fake-gcs-server      built from source with `go install` (Go module proxy)
 *   - node_modules/azurite            root devDependency; only checked here, npm installs it
 *   - chromium, tmux                  Debian packages, with apt-get when missing (as root)
 *   - .tools/localstack-venv          only with --localstack: LocalStack (S3) without Docker
 *
 * Idempotent: each component writes a stamp keyed on its pinned version, so a warm run only
 * reads a few small files and exits. Exits non-zero, saying what is missing and how to get it,
 * when something cannot be installed.
 *
 * Usage: npm run tools [-- --localstack] [-- --force]   (or: node scripts/tools/install.mjs [--localstack] [--force])
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Bump here to change the fake-gcs-server build. v1.56.x carries the 2026 fixes to generation
// preconditions (ifGenerationMatch / ifGenerationNotMatch) that our GCS backend relies on.
export const FAKE_GCS_SERVER_VERSION = "v1.56.1";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TOOLS = join(ROOT, ".tools");
const STAMPS = join(TOOLS, "stamps");
const REQUIREMENTS = join(ROOT, "scripts", "tools", "requirements.txt");
const LOCALSTACK_REQUIREMENTS = join(ROOT, "scripts", "tools", "localstack-requirements.txt");
const FAKE_GCS_BIN = join(TOOLS, "bin", "fake-gcs-server");
const force = process.argv.includes("--force");
const withLocalstack = process.argv.includes("--localstack");

class MissingTool extends Error {}

/** Runs a command, streaming its output; throws MissingTool with `hint` if it fails. */
function run(cmd, args, hint, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env, cwd: ROOT });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit code ${r.status}`;
    throw new MissingTool(`\`${cmd} ${args.join(" ")}\` failed (${why}).\n${hint}`);
  }
}

/** Output of a quick probe command, or null when it is absent or fails. */
function probe(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

const stampPath = (name) => join(STAMPS, name);
const stampMatches = (name, key) => !force && existsSync(stampPath(name)) && readFileSync(stampPath(name), "utf8") === key;
function writeStamp(name, key) {
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(stampPath(name), key);
}

/** Creates venv `dir` from `requirements`; `stamp` names its stamp, `probeFile` a file that must exist inside it. */
function installVenv(stamp, dir, requirements, probeFile) {
  const python = process.env.PYTHON ?? "python3";
  // Key on the requirements and on the interpreter: a venv breaks when its base Python changes.
  const pyVersion = probe(python, ["-c", "import sys; print(sys.version)"]);
  if (pyVersion === null) {
    throw new MissingTool(
      `Python 3 not found as \`${python}\`. Install Python 3.11 (Debian: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.`,
    );
  }
  const key = createHash("sha256").update(readFileSync(requirements)).update(pyVersion).digest("hex");
  if (stampMatches(stamp, key) && existsSync(join(dir, probeFile))) return "up to date";

  console.log(`[tools] creating ${dir} (Python ${pyVersion.split(" ")[0]})`);
  rmSync(dir, { recursive: true, force: true }); // start clean so removed pins do not linger
  run(python, ["-m", "venv", dir], "The venv module is missing: on Debian, apt-get install python3-venv.");
  const pip = join(dir, "bin", "pip");
  const pipHint = `pip could not install ${requirements} from PyPI; check the network and the pins.`;
  run(pip, ["install", "--disable-pip-version-check", "-q", "--upgrade", "pip"], pipHint);
  run(pip, ["install", "--disable-pip-version-check", "-q", "-r", requirements], pipHint);
  writeStamp(stamp, key);
  return "installed";
}

function installFakeGcs() {
  const key = FAKE_GCS_SERVER_VERSION;
  if (stampMatches("fake-gcs-server", key) && existsSync(FAKE_GCS_BIN)) return "up to date";
  if (probe("go", ["version"]) === null) {
    throw new MissingTool(
      "Go not found on PATH; it is needed to build fake-gcs-server. Install Go >= 1.26 " +
        "(Debian: apt-get install golang-go, or the official tarball), then re-run `npm run tools`.",
    );
  }
  console.log(`[tools] building fake-gcs-server ${key} with go install (about a minute cold)`);
  run(
    "go",
    ["install", `github.com/fsouza/fake-gcs-server@${key}`],
    "go install could not fetch or build fake-gcs-server; check access to the Go module proxy.",
    // CGO off: a static binary, and no C compiler needed.
    { ...process.env, GOBIN: join(TOOLS, "bin"), CGO_ENABLED: "0" },
  );
  writeStamp("fake-gcs-server", key);
  return "installed";
}

/** Azurite is an npm devDependency; npm installs it, this only checks the pinned version is there. */
function checkAzurite() {
  const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const wanted = rootPkg.devDependencies?.azurite;
  const pkgFile = join(ROOT, "node_modules", "azurite", "package.json");
  const have = existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, "utf8")).version : null;
  if (have !== wanted) {
    throw new MissingTool(
      `azurite ${wanted} is not installed in node_modules (found ${have ?? "nothing"}). Run \`npm ci\` (or \`npm install\`) at the repo root.`,
    );
  }
  return `${have} (npm)`;
}

/**
 * Debian packages the suites drive: Chromium (the report's browser tests, through playwright-core) and tmux (the
 * command line's pseudo-terminal test). Installed with apt-get when missing and we are root; otherwise a clear hint.
 */
function installSystemPackages() {
  const wanted = [
    ["chromium", "chromium"],
    ["tmux", "tmux"],
  ].filter(([command]) => probe("sh", ["-c", `command -v ${command}`]) === null);
  if (wanted.length === 0) return "chromium, tmux present";
  const names = wanted.map(([, pkg]) => pkg);
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || probe("sh", ["-c", "command -v apt-get"]) === null) {
    throw new MissingTool(
      `${names.join(" and ")} not found. Install them (Debian: sudo apt-get install ${names.join(" ")}), then re-run \`npm run tools\`.`,
    );
  }
  console.log(`[tools] installing ${names.join(", ")} with apt-get`);
  const hint = `apt-get could not install ${names.join(" ")}; check access to the Debian package mirror.`;
  run("apt-get", ["update", "-qq"], hint);
  run("apt-get", ["install", "-y", "-qq", ...names], hint, { ...process.env, DEBIAN_FRONTEND: "noninteractive" });
  return `installed ${names.join(", ")}`;
}

const steps = [
  ["system packages", installSystemPackages],
  ["python venv (moto, lazyscribe)", () => installVenv("venv", join(TOOLS, "venv"), REQUIREMENTS, "bin/moto_server")],
  [`fake-gcs-server ${FAKE_GCS_SERVER_VERSION}`, installFakeGcs],
  ["azurite", checkAzurite],
];
if (withLocalstack) {
  const dir = join(TOOLS, "localstack-venv");
  steps.push([
    "localstack venv (optional)",
    () => installVenv("localstack-venv", dir, LOCALSTACK_REQUIREMENTS, "bin/localstack-supervisor"),
  ]);
}
const failures = [];
for (const [name, step] of steps) {
  try {
    const status = step();
    console.log(`[tools] ${name}: ${status}`);
  } catch (err) {
    if (!(err instanceof MissingTool)) throw err;
    failures.push(`- ${name}: ${err.message}`);
  }
}
if (failures.length > 0) {
  console.error(`[tools] missing tools:\n${failures.join("\n")}`);
  process.exit(1);
}
