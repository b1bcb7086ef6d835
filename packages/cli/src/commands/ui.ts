/**
 * `lazyscribe ui <project> [--repository <repository>] [--port N] [--host H]`: the report page served
 * live on 127.0.0.1, refreshed when the project or repository changes in the store; Ctrl-C stops it.
 */
import { runUiCommand } from "@lazyscribe/report";
import { examples, type CommandModule } from "./command-module.js";
import { nonNegativeInteger, positiveInteger } from "./parsers.js";

/** `ui`: the live, read-only viewer. */
export const uiCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("ui")
      .summary("serve a live view of a project on 127.0.0.1")
      .description(
        "Serve the report page of a project (and repository) on a local, read-only web server that refreshes when " +
          "the project or repository changes in the store. It answers only GET requests addressed to its own host. " +
          "Ctrl-C stops it.",
      )
      .argument("<project>", "project.json path or URL")
      .option("--repository <repository>", "repository.json path or URL to show too")
      .option("-p, --port <port>", "port to listen on (0: any free port)", nonNegativeInteger, 4173)
      .option("--host <address>", "address to listen on", "127.0.0.1")
      .option("--interval <ms>", "milliseconds between checks for changes", positiveInteger, 1000)
      .option("--title <title>", "page title (default: the project's location)")
      .addHelpText(
        "after",
        examples(
          "lazyscribe ui runs/project.json",
          "lazyscribe ui gs://ml-runs/project.json --repository gs://ml-runs/repository.json --port 8080",
        ),
      )
      .action(async (location, options, command) => {
        const ctx = runtime.contextFor(command);
        // Fail with the CLI's clear error when there is no project (or repository) there.
        await ctx.openProject(location);
        if (options.repository) await ctx.openRepository(options.repository);
        const repository = options.repository ? await ctx.resolve(options.repository) : undefined;
        await runUiCommand({
          project: location,
          repository: options.repository,
          port: options.port,
          host: options.host,
          title: options.title,
          pollIntervalMs: options.interval,
          storage: (await ctx.resolve(location)).storage,
          repositoryStorage: repository?.storage,
          onListening: (viewer) => ctx.print(`Viewing ${location} on ${viewer.url} (read-only; Ctrl-C stops).`),
        });
      });
  },
};
