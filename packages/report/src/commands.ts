/**
 * What the `lazyscribe report` and `lazyscribe ui` commands do, without the
 * argument parsing: the CLI package registers commands that call these.
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Project, Repository, type Storage, type StorageSettings } from "@lazyscribe/core";
import { renderReport } from "./render-report.js";
import { startViewer, type Viewer } from "./viewer.js";

/** Inputs of `lazyscribe report <project> [--repository <repository>] [-o report.html] [--title <title>]`. */
export interface ReportCommandOptions {
  /** Location of `project.json`. */
  project: string;
  /** Location of a `repository.json`. */
  repository?: string;
  /** File to write. @default "report.html" */
  output?: string;
  /** Page title. */
  title?: string;
  /** Store settings or a ready store for the project. */
  storage?: Storage | StorageSettings;
  /** Store settings or a ready store for the repository. @default `storage` */
  repositoryStorage?: Storage | StorageSettings;
}

/**
 * Writes the self-contained report file and returns its absolute path and size.
 * The project and repository are opened read-only.
 */
export async function runReportCommand(options: ReportCommandOptions): Promise<{ path: string; bytes: number }> {
  const project = await Project.open(options.project, { mode: "r", storage: options.storage });
  const repository = options.repository
    ? await Repository.open(options.repository, { mode: "r", storage: options.repositoryStorage ?? options.storage })
    : undefined;
  const html = await renderReport(project, { repository, title: options.title });
  const path = resolve(options.output ?? "report.html");
  await writeFile(path, html, "utf8");
  return { path, bytes: Buffer.byteLength(html) };
}

/** Inputs of `lazyscribe ui <project> [--repository <repository>] [--port N] [--host H]`. */
export interface UiCommandOptions {
  /** Location of `project.json`. */
  project: string;
  /** Location of a `repository.json`. */
  repository?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** Page title. */
  title?: string;
  /** Milliseconds between checks for changes. @default 1000 */
  pollIntervalMs?: number;
  /** Store settings or a ready store for the project. */
  storage?: Storage | StorageSettings;
  /** Store settings or a ready store for the repository. @default `storage` */
  repositoryStorage?: Storage | StorageSettings;
  /** Called once the viewer listens (the CLI prints the URL). */
  onListening?: (viewer: Viewer) => void;
  /** Stops the viewer when aborted. @default stops on SIGINT or SIGTERM (Ctrl-C) */
  signal?: AbortSignal;
}

/**
 * Runs the live viewer until `signal` aborts, or until SIGINT/SIGTERM when no
 * signal is given; resolves once the server is closed.
 */
export async function runUiCommand(options: UiCommandOptions): Promise<void> {
  const viewer = await startViewer({
    project: options.project,
    repository: options.repository,
    port: options.port,
    host: options.host,
    title: options.title,
    pollIntervalMs: options.pollIntervalMs,
    storage: options.storage,
    repositoryStorage: options.repositoryStorage,
  });
  options.onListening?.(viewer);
  await new Promise<void>((done) => {
    if (options.signal) {
      if (options.signal.aborted) return done();
      options.signal.addEventListener("abort", () => done(), { once: true });
      return;
    }
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await viewer.close();
}
