/**
 * `lazyscribe report <project> [--repository <repository>] [-o report.html] [--title <title>]`: one
 * self-contained HTML file (no request leaves it; it opens from file:// offline).
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { renderReport } from "@lazyscribe/report";
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
      .option("-o, --output <file>", "file to write", "report.html")
      .option("--title <title>", "page title (default: the project's location)")
      .addHelpText(
        "after",
        examples(
          "lazyscribe report runs/project.json -o report.html",
          "lazyscribe report s3://ml-runs/project.json --repository s3://ml-runs/repository.json",
        ),
      )
      .action(async (location, options, command) => {
        const ctx = runtime.contextFor(command);
        const project = await ctx.openProject(location);
        const repository = options.repository ? await ctx.openRepository(options.repository) : undefined;
        const html = await renderReport(project, { repository, title: options.title });
        const path = resolve(options.output);
        await writeFile(path, html, "utf8");
        ctx.print(`Wrote ${path} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KB).`);
      });
  },
};
