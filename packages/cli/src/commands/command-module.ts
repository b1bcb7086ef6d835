/**
 * The shape of a command module. Each command lives in one module under `commands/` that
 * exports a {@link CommandModule}; `commands/index.ts` lists them, in help order. Adding a
 * command (for example `report` from another package) is one module and one line there.
 */
import type { Command } from "@commander-js/extra-typings";
import type { Runtime } from "../support/runtime.js";

/** One top-level command (it may have subcommands). */
export interface CommandModule {
  /** Adds the command to `program`; actions get their context from `runtime.contextFor(command)`. */
  register(program: Command, runtime: Runtime): void;
}

/** The `Example:` block appended to a command's help. */
export function examples(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}
