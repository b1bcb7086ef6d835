/**
 * Runs the `lazyscribe` command line: parses, runs one command, prints errors, and returns the
 * exit code: 0 success, 1 failure, 2 usage error.
 */
import { CommanderError } from "@commander-js/extra-typings";
import { isLazyscribeError } from "@lazyscribe/core";
import "@lazyscribe/csv";
import "@lazyscribe/yaml";
import { createProgram, VERSION } from "./program.js";
import { terminalSafe } from "./render/sanitize.js";
import { colorsEnabled, makeColors } from "./render/colors.js";
import { errorJson, UsageError } from "./support/errors.js";
import type { CliIO } from "./support/context.js";
import { Runtime } from "./support/runtime.js";

/** Exit codes of the executable. */
export const ExitCode = { success: 0, failure: 1, usage: 2 } as const;

/** Runs one command line (`argv` without `node` and the script) and returns its exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "-V") {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.success;
  }
  const debug = argv.includes("--debug");
  const json = argv.includes("--json");
  const runtime = new Runtime(io, { jsonErrors: json });
  const program = createProgram(runtime);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.success;
  } catch (err) {
    return report(err, io, { debug, json, color: !argv.includes("--no-color") });
  } finally {
    await runtime.close();
  }
}

function report(err: unknown, io: CliIO, flags: { debug: boolean; json: boolean; color: boolean }): number {
  if (err instanceof CommanderError) {
    // commander has already printed its message (or the help / version).
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return ExitCode.success;
    return err.exitCode === 0 ? ExitCode.success : ExitCode.usage;
  }
  const usage = err instanceof UsageError;
  const code = usage ? ExitCode.usage : ExitCode.failure;
  const message = err instanceof Error ? err.message : String(err);
  const type = err instanceof Error ? err.name : "Error";
  if (flags.json) {
    io.stderr.write(errorJson(type, message, code));
  } else {
    const colors = makeColors(colorsEnabled({ isTTY: io.stderr.isTTY === true, env: io.env, flag: flags.color }));
    const known = isLazyscribeError(err);
    io.stderr.write(`${colors.red("error:")} ${terminalSafe(message)}${known ? "" : ` (${terminalSafe(type)})`}\n`);
    if (usage) io.stderr.write("(add --help for usage)\n");
    else if (!flags.debug && !known) io.stderr.write("(run with --debug for the stack trace)\n");
  }
  if (flags.debug && err instanceof Error && err.stack) io.stderr.write(`${terminalSafe(err.stack).replace(/\\n/g, "\n")}\n`);
  return code;
}

/** Runs the executable: `process.argv`, warnings as one-line notes, then exit with the code once output is flushed. */
export async function main(): Promise<void> {
  // Library warnings (an existing release tag, an empty diff) become one plain line instead of Node's format.
  // Runtime diagnostics meant for developers (MaxListenersExceededWarning from an SDK, Node's own DEPxxxx
  // deprecations in dependencies) only with --debug.
  const debug = process.argv.includes("--debug");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    const fromLibrary = warning.name === "LazyscribeWarning" || (warning.name === "DeprecationWarning" && !("code" in warning));
    if (fromLibrary || debug) process.stderr.write(`warning: ${terminalSafe(warning.message)}\n`);
  });
  const code = await runCli(process.argv.slice(2));
  await Promise.all([flush(process.stdout), flush(process.stderr)]);
  // Exit now: SDK connection pools could otherwise keep the process alive for seconds.
  process.exit(code);
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}
