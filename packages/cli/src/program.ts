/** The root command: global options, help, and every command module registered in turn. */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { builtinCommands, examples, type CommandModule } from "./commands/index.js";
import { errorJson } from "./support/errors.js";
import type { Runtime } from "./support/runtime.js";

/** The version of this package. */
export const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** Builds the `lazyscribe` program with `commands` (the built-in ones by default). */
export function createProgram(runtime: Runtime, commands: readonly CommandModule[] = builtinCommands): Command {
  const program = new Command("lazyscribe")
    .description(
      "Look at and ship lazyscribe experiments and artifacts on local disk, S3, GCS and Azure. " +
        "Every location is a path or URL: ./project.json, file://…, s3://bucket/…, gs:// (gcs://), az:// (abfs://). " +
        "Credentials and endpoints come from the usual environment (AWS_*, GOOGLE_APPLICATION_CREDENTIALS, " +
        "STORAGE_EMULATOR_HOST, AZURE_STORAGE_CONNECTION_STRING ...).",
    )
    // Not commander's .version(): root options are recognised after the command too, and `expire --version` is taken.
    .option("-V", "print the version (so does --version as the only argument)")
    .option("--json", "write one JSON document to stdout (shapes in the @lazyscribe/cli README)")
    .option("--no-color", "no colours (NO_COLOR is honoured too)")
    .option("--endpoint-url <url>", "endpoint of the object store (S3, GCS JSON API, or Azure Blob service URL)")
    .option("--region <region>", "S3 region")
    .addOption(
      new Option("--storage-options <json>", "backend settings as a JSON object, passed to the library as `storage`").argParser(
        parseJsonObject,
      ),
    )
    .option("--debug", "print stack traces with errors")
    .addHelpText(
      "after",
      examples(
        "lazyscribe ls runs/project.json",
        "lazyscribe compare runs/project.json baseline tuned-model",
        "lazyscribe deploy registry/repository.json 1.0.0 s3://serving/models",
      ),
    );
  for (const command of commands) command.register(program, runtime);
  const output = {
    writeOut: (text: string) => runtime.io.stdout.write(text),
    writeErr: (text: string) => runtime.io.stderr.write(text),
    // Under --json a usage error is the same one-line JSON document as any other error.
    outputError: (text: string, write: (text: string) => void) =>
      write(runtime.jsonErrors ? errorJson("UsageError", text.replace(/^error: /, "").trim(), 2) : text),
  };
  // Every command gets the same output, error and exit behaviour (exit codes are decided in main).
  for (const command of [program, ...allCommands(program)]) {
    command.exitOverride();
    command.configureOutput(output);
    command.showHelpAfterError(runtime.jsonErrors ? false : "(add --help for usage)");
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c as unknown as Command, ...allCommands(c as unknown as Command)]);
}

function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object, for example \'{"region": "eu-west-1"}\'.');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError("expected a JSON object.");
  return parsed as Record<string, unknown>;
}
