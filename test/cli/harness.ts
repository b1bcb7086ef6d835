/**
 * Runs the real `lazyscribe` executable (node_modules/.bin/lazyscribe, the file `npx lazyscribe`
 * runs) in child processes, and writes the fixture projects and repositories the suites read.
 */
import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Project, Repository, setClock, type StorageSettings } from "lazyscribe";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The linked executable, as npm installs it. */
export const BIN = `${REPO_ROOT}node_modules/.bin/lazyscribe`;

/** Fails (never skips) when the executable or its build is missing. */
export function requireBuiltCli(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm ci\` in the repository root so npm links the lazyscribe bin.`);
  const dist = fileURLToPath(new URL("../../packages/cli/dist/main.js", import.meta.url));
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` (npm test builds every package first).`);
  if (!realpathSync(BIN).endsWith("bin/lazyscribe.js")) throw new Error(`${BIN} does not point at a lazyscribe bin file.`);
}

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Extra environment (merged over the test process's, which holds the emulator settings). */
  env?: Record<string, string | undefined>;
  /** Working directory. */
  cwd?: string;
}

/** Runs `lazyscribe <args>` in a child process (stdout and stderr are pipes, so not terminals). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, cwd: options.cwd ?? REPO_ROOT, maxBuffer: 64 << 20, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs a command that must succeed and print JSON; returns the parsed document. */
export async function runJson<T = Record<string, unknown>>(args: readonly string[], options?: RunOptions): Promise<T> {
  const run = await runCli([...args, "--json"], options);
  if (run.code !== 0) throw new Error(`lazyscribe ${args.join(" ")} --json exited with ${run.code}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** Runs a command that must succeed; returns its stdout. */
export async function runOk(args: readonly string[], options?: RunOptions): Promise<string> {
  const run = await runCli(args, options);
  if (run.code !== 0) throw new Error(`lazyscribe ${args.join(" ")} exited with ${run.code}:\n${run.stderr}`);
  return run.stdout;
}

/** The name of the experiment written to try to take over the terminal. */
export const HOSTILE_NAME = "Evil \u001b[2J\u001b[31mred\u001b[0m\r\nforged row\u0007\u009b1m";
/** Its tag: an OSC window-title sequence. */
export const HOSTILE_TAG = "x\u001b]0;pwned\u0007";

/** What {@link writeFixture} wrote. */
export interface Fixture {
  project: string;
  repository: string;
  /** Folder of both. */
  root: string;
}

const at = (iso: string) => new Date(`${iso}Z`);

/**
 * Writes under `root` a project with three experiments (the third with a hostile name, unless
 * `hostile` is false), tests and
 * artifacts, and an empty folder for a repository. Times are fixed, so output is predictable.
 */
export async function writeFixture(root: string, storage: StorageSettings = {}, { hostile = true } = {}): Promise<Fixture> {
  let clock = at("2025-03-01T09:00:00");
  const restore = setClock(() => new Date(clock.getTime()));
  try {
    const project = await Project.open(`${root}/runs/project.json`, { mode: "w", author: "ana", storage });
    clock = at("2025-03-01T10:00:00");
    const baseline = await project.log("Baseline", async (e) => {
      e.logParameter("learning_rate", 0.1);
      e.logParameter("optimizer", "sgd");
      e.logMetric("auc", 0.81);
      e.logMetric("loss", 0.42);
      e.tag("baseline");
      e.logArtifact("features", { columns: ["age", "income"], scale: 1 }, "json", { indent: 4 });
      await e.logTest("young customers", "age < 30", (t) => t.logMetric("auc", 0.74));
    });
    clock = at("2025-03-02T11:30:00");
    await project.log("Tuned model", async (e) => {
      e.logParameter("learning_rate", 0.03);
      e.logParameter("optimizer", "sgd");
      e.logMetric("auc", 0.87);
      e.logMetric("loss", 0.35);
      e.tag("candidate", "tuned");
      e.addDependency(baseline);
      e.logArtifact("features", { columns: ["age", "income", "tenure"], scale: 2 }, "json", { indent: 4 });
      e.logArtifact("notes", "trained on March data\n", "text");
      await e.logTest("young customers", "age < 30", (t) => t.logMetric("auc", 0.79));
    });
    clock = at("2025-03-03T08:15:00");
    if (hostile) {
      await project.log(HOSTILE_NAME, async (e) => {
        e.logMetric("auc", 0.5);
        e.tag(HOSTILE_TAG);
      });
    }
    await project.save();
    // A text artifact with two versions in the repository, for diffs.
    const repository = await Repository.open(`${root}/registry/repository.json`, { mode: "w+", storage });
    clock = at("2025-03-01T12:00:00");
    repository.logArtifact("config", "lr: 0.1\nlayers: 2\nactivation: relu\n", "text");
    await repository.save();
    clock = at("2025-03-02T12:00:00");
    repository.logArtifact("config", "lr: 0.03\nlayers: 2\nactivation: gelu\n", "text");
    await repository.save();
  } finally {
    restore();
  }
  return { project: `${root}/runs/project.json`, repository: `${root}/registry/repository.json`, root };
}
