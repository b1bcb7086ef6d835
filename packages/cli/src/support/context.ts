/**
 * What every command receives: the output streams with their colour and format decisions,
 * the stores of this run, and the opening rules of the command line (read commands open in
 * mode `r` and refuse a missing manifest instead of showing an empty one).
 */
import { encodePythonJson, formatLocation, NotFoundError, Project, Repository, type Storage } from "@lazyscribe/core";
import { colorsEnabled, makeColors, type Colors } from "../render/colors.js";
import { renderTable, type TableData, type TableFormat } from "../render/table.js";
import { toJsonValue } from "../render/values.js";
import { Stores, type ResolvedLocation, type StorageFlags } from "./stores.js";

/** The options every command accepts (defined once on the root command). */
export interface GlobalFlags extends StorageFlags {
  /** `--json`: one JSON document on stdout instead of text. */
  json: boolean;
  /** `--no-color` turns this off. */
  color: boolean;
  /** `--debug`: print stacks with errors. */
  debug: boolean;
}

/** The streams and environment of a run. */
export interface CliIO {
  /** Data and tables. */
  stdout: NodeJS.WriteStream;
  /** Errors, warnings, notes and progress. */
  stderr: NodeJS.WriteStream;
  /** Decides colours (`NO_COLOR`, `FORCE_COLOR`, `TERM`). */
  env: NodeJS.ProcessEnv;
}

/** The run-time services a command's action uses. */
export class CliContext {
  /** The global options of this run. */
  readonly flags: GlobalFlags;
  /** The streams and environment of this run. */
  readonly io: CliIO;
  /** Colours for stdout. */
  readonly colors: Colors;
  /** Colours for stderr. */
  readonly errorColors: Colors;
  /** Stores of this run. */
  readonly stores: Stores;

  constructor(io: CliIO, flags: GlobalFlags) {
    this.io = io;
    this.flags = flags;
    this.colors = makeColors(colorsEnabled({ isTTY: io.stdout.isTTY === true, env: io.env, flag: flags.color }));
    this.errorColors = makeColors(colorsEnabled({ isTTY: io.stderr.isTTY === true, env: io.env, flag: flags.color }));
    this.stores = new Stores(flags);
  }

  /** Boxed tables on a terminal, plain aligned text when piped. */
  get tableFormat(): TableFormat {
    return this.io.stdout.isTTY ? "table" : "plain";
  }

  /** Writes text to stdout. */
  print(text: string): void {
    this.io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Writes a table to stdout in `format` (default: {@link CliContext.tableFormat}). */
  printTable(data: TableData, format: TableFormat = this.tableFormat): void {
    const colors = format === "table" ? this.colors : makeColors(false);
    this.io.stdout.write(renderTable(data, format, colors, this.io.stdout.isTTY ? this.io.stdout.columns : undefined));
  }

  /** Writes a note for people to stderr (never mixed into data on stdout). */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /**
   * Writes one JSON document to stdout: non-ASCII and control characters escaped as `\uXXXX`
   * (safe to print to a terminal), big integers exact, NaN and infinities as strings.
   */
  printJson(data: unknown): void {
    this.io.stdout.write(`${encodePythonJson(toJsonValue(data), { indent: 2, ensureAscii: true })}\n`);
  }

  /** Resolves a location to its store. */
  resolve(location: string): Promise<ResolvedLocation> {
    return this.stores.resolve(location);
  }

  /**
   * Opens an existing project read-only. Unlike the library (where mode `r` on a missing file
   * gives an empty project, as in Python) a missing `project.json` is an error naming it.
   */
  async openProject(location: string): Promise<Project> {
    const { storage, protocol, path } = await this.resolve(location);
    await mustExist(storage, protocol, path, "project");
    return Project.open(location, { mode: "r", storage });
  }

  /** Opens an existing repository (mode `r` to read, `w+` to change it); a missing `repository.json` is an error. */
  async openRepository(location: string, mode: "r" | "w+" = "r"): Promise<Repository> {
    const { storage, protocol, path } = await this.resolve(location);
    await mustExist(storage, protocol, path, "repository");
    return Repository.open(location, { mode, storage });
  }
}

async function mustExist(storage: Storage, protocol: string, path: string, what: "project" | "repository"): Promise<void> {
  if ((await storage.stat(path)) !== null) return;
  const file = what === "project" ? "project.json" : "repository.json";
  throw new NotFoundError(
    `No ${what} at ${formatLocation(protocol, path)}: the file does not exist. Pass the path or URL of an existing ${file}; ` +
      `for an object store, check the bucket name, --endpoint-url and credentials.`,
  );
}
