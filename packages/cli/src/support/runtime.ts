/**
 * The glue between commander and the commands: one {@link CliContext} per run, built from the
 * root command's global options, and closed (with its stores) when the run ends.
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { CliContext, type CliIO, type GlobalFlags } from "./context.js";

/** Hands each command action its context. */
export class Runtime {
  /** The streams and environment of the run. */
  readonly io: CliIO;
  /** Usage errors are reported as one JSON line (the run has `--json`). */
  readonly jsonErrors: boolean;
  #context: CliContext | undefined;

  constructor(io: CliIO, { jsonErrors = false }: { jsonErrors?: boolean } = {}) {
    this.io = io;
    this.jsonErrors = jsonErrors;
  }

  /** The context of this run, built from `command`'s options and its parents' (the global flags). */
  contextFor(command: CommandUnknownOpts): CliContext {
    this.#context ??= new CliContext(this.io, globalFlags(command.optsWithGlobals()));
    return this.#context;
  }

  /** Releases the stores opened during the run. */
  async close(): Promise<void> {
    await this.#context?.stores.close();
  }
}

function globalFlags(opts: Record<string, unknown>): GlobalFlags {
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const storageOptions = opts.storageOptions;
  return {
    json: opts.json === true,
    color: opts.color !== false,
    debug: opts.debug === true,
    endpointUrl: text(opts.endpointUrl),
    region: text(opts.region),
    storageOptions: typeof storageOptions === "object" && storageOptions !== null ? (storageOptions as Record<string, unknown>) : undefined,
  };
}
