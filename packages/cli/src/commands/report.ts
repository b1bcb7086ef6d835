/**
 * `lazyscribe report <project> [--repository <repository>] [-o report.html] [--title <title>]`: one
 * self-contained HTML file (no request leaves it; it opens from file:// offline).
 */
import { renderReport } from "@lazyscribe/report";
import { terminalSafe } from "../render/sanitize.js";
import { examples, type CommandModule } from "./command-module.js";

/** `report`: the HTML report of a project (and repository). */
export const reportCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("report")
      .summary("write a self-contained HTML report")
      .description(
        "Write one HTML file showing a project's experiments (table, charts per metric, scatter, parallel coordinates, " +
          "tests, details) and, with --repository, its artifact versions, expiries, releases and diffs. Everything is " +
          "inlined: the file makes no request and opens offline.",
      )
      .argument("<project>", "project.json path or URL")
      .option("--repository <repository>", "repository.json path or URL to show too")
      .option("-o, --output <file>", "file to write: a path or a store URL (e.g. next to the project in its bucket)", "report.html")
      .option("--title <title>", "page title (default: the project's location)")
      .addHelpText(
        "after",
        examples(
          "lazyscribe report runs/project.json -o report.html",
          "lazyscribe report s3://ml-runs/project.json --repository s3://ml-runs/repository.json",
          "lazyscribe report s3://ml-runs/project.json -o s3://ml-runs/report.html",
        ),
      )
      .action(async (location, options, command) => {
        const ctx = runtime.contextFor(command);
        const project = await ctx.openProject(location);
        const repository = options.repository ? await ctx.openRepository(options.repository) : undefined;
        const html = await renderReport(project, { repository, title: options.title });
        // Through the storage protocol, so a bucket URL works as well as a path.
        const target = await ctx.resolve(options.output);
        await target.storage.write(target.path, html);
        const written = target.protocol === "file" ? target.path : options.output;
        const bytes = Buffer.byteLength(html);
        if (ctx.flags.json) {
          ctx.printJson({ project: location, repository: options.repository ?? null, output: written, bytes });
          return;
        }
        ctx.print(`Wrote ${terminalSafe(written)} (${(bytes / 1024).toFixed(0)} KB).`);
      });
  },
};
