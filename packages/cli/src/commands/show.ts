/** `lazyscribe show <project> <slug>`: everything about one experiment. */
import { displayDate } from "../query/fields.js";
import { terminalSafe } from "../render/sanitize.js";
import { displaySize, displayValue } from "../render/values.js";
import type { CliContext } from "../support/context.js";
import { experimentDetail, type ArtifactFileJSON } from "../support/views.js";
import { examples, type CommandModule } from "./command-module.js";

/** `show`: one experiment in full. */
export const showCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("show")
      .summary("show one experiment in full")
      .description(
        "Show one experiment: its metrics, parameters, tags, dependencies, tests with their metrics, and artifacts " +
          "with handler, file and size. A short slug picks the newest experiment of that name.",
      )
      .argument("<project>", "project.json path or URL")
      .argument("<slug>", "the experiment's slug or short slug")
      .addHelpText(
        "after",
        examples(
          "lazyscribe show runs/project.json tuned-model",
          "lazyscribe show gs://ml-runs/churn/project.json tuned-model-20250301100000 --json",
        ),
      )
      .action(async (location, slug, _options, command) => {
        const ctx = runtime.contextFor(command);
        const project = await ctx.openProject(location);
        const experiment = project.get(slug);
        const detail = await experimentDetail(experiment);
        if (ctx.flags.json) {
          ctx.printJson({ project: location, experiment: detail });
          return;
        }
        const c = ctx.colors;
        const heading = (text: string) => ctx.print(`\n${c.bold(c.underline(text))}`);
        ctx.print(`${c.bold(terminalSafe(detail.name))}  ${c.dim(terminalSafe(detail.slug))}`);
        const facts: Array<[string, string]> = [
          ["short slug", detail.short_slug],
          ["author", detail.author],
          ["created", displayDate(experiment.createdAt)],
          ["last updated", `${displayDate(experiment.lastUpdated)} by ${detail.last_updated_by}`],
          ["tags", detail.tags.join(", ")],
          ["dependencies", detail.dependencies.join(", ")],
        ];
        for (const [key, value] of facts) ctx.print(`${c.dim(key.padEnd(13))}${terminalSafe(value) || c.dim("-")}`);
        section(ctx, heading, "Parameters", detail.parameters);
        section(ctx, heading, "Metrics", detail.metrics);
        if (detail.tests.length > 0) {
          heading("Tests");
          for (const test of detail.tests) {
            ctx.print(`${c.bold(terminalSafe(test.name))}${test.description ? `  ${c.dim(terminalSafe(test.description))}` : ""}`);
            const rows = [
              ...Object.entries(test.parameters).map(([k, v]) => ["parameter", terminalSafe(k), displayValue(v)]),
              ...Object.entries(test.metrics).map(([k, v]) => ["metric", terminalSafe(k), displayValue(v)]),
            ];
            if (rows.length > 0) ctx.printTable({ head: ["kind", "name", "value"], rows, rightAligned: new Set([2]) });
            if (test.artifacts.length > 0) artifactTable(ctx, test.artifacts);
          }
        }
        if (detail.artifacts.length > 0) {
          heading("Artifacts");
          artifactTable(ctx, detail.artifacts);
        }
      });
  },
};

function section(ctx: CliContext, heading: (text: string) => void, title: string, values: Record<string, unknown>): void {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  heading(title);
  ctx.printTable({
    head: ["name", "value"],
    rows: entries.map(([k, v]) => [terminalSafe(k), displayValue(v)]),
    rightAligned: new Set([1]),
  });
}

function artifactTable(ctx: CliContext, artifacts: readonly ArtifactFileJSON[]): void {
  ctx.printTable({
    head: ["artifact", "handler", "file", "size", "created"],
    rows: artifacts.map((a) => [
      terminalSafe(a.name),
      terminalSafe(a.handler),
      terminalSafe(a.fname),
      a.size === null ? ctx.colors.red("missing") : displaySize(a.size),
      a.created_at.replace("T", " "),
    ]),
    rightAligned: new Set([3]),
  });
}
