/** `lazyscribe experiments <project>` (alias `ls`): the experiments of a project as a table. */
import { Option } from "@commander-js/extra-typings";
import type { Experiment } from "@lazyscribe/core";
import { parseField, displayDate, type FieldValue } from "../query/fields.js";
import { parseFilter } from "../query/filter.js";
import { sortExperiments } from "../query/sort.js";
import { displayValue, numericValue } from "../render/values.js";
import { terminalSafe } from "../render/sanitize.js";
import type { TableFormat } from "../render/table.js";
import { experimentSummary } from "../support/views.js";
import { examples, type CommandModule } from "./command-module.js";
import { collect, positiveInteger } from "./parsers.js";

const FIXED_COLUMNS = ["short_slug", "name", "author", "created", "tags"];

/** `experiments` (alias `ls`): the experiments of a project. */
export const experimentsCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("experiments")
      .alias("ls")
      .summary("list the experiments of a project")
      .description(
        "List the experiments of a project: short slug, name, author, creation time, tags and one column per metric. " +
          "Fields for --filter, --sort and --columns: slug, short_slug, name, author, created, updated, tags, " +
          "metric.<name>, param.<name>, or a bare metric or parameter name.",
      )
      .argument("<project>", "project.json path or URL (file://, s3://, gs://, az://)")
      .option("-f, --filter <expr>", "keep experiments where <field><op><value> holds (=, !=, >, >=, <, <=, ~); repeatable", collect)
      .option("-s, --sort <field>", "sort by a field, -field for descending; repeatable", collect)
      .option("-c, --columns <fields>", "comma-separated columns instead of the default")
      .option("-n, --limit <n>", "show at most n experiments (after filtering and sorting)", positiveInteger)
      .addOption(new Option("--csv", "write CSV").conflicts(["md"]))
      .addOption(new Option("--md", "write a Markdown table"))
      .addHelpText(
        "after",
        examples(
          "lazyscribe ls runs/project.json",
          "lazyscribe ls s3://ml-runs/churn/project.json --filter 'auc>0.8' --filter tag=candidate --sort -auc --limit 5",
          "lazyscribe ls runs/project.json --columns name,param.learning_rate,auc --md",
        ),
      )
      .action(async (location, options, command) => {
        const ctx = runtime.contextFor(command);
        const project = await ctx.openProject(location);
        const filters = (options.filter ?? []).map(parseFilter);
        let chosen: Experiment[] = project.experiments.filter((e) => filters.every((f) => f.test(e)));
        if (options.sort) chosen = sortExperiments(chosen, options.sort);
        if (options.limit !== undefined) chosen = chosen.slice(0, options.limit);

        if (ctx.flags.json) {
          ctx.printJson({ project: location, experiments: chosen.map(experimentSummary) });
          return;
        }
        const metricNames = [...new Set(chosen.flatMap((e) => Object.keys(e.metrics)))].sort();
        const columns = options.columns
          ? options.columns
              .split(",")
              .map((c) => c.trim())
              .filter(Boolean)
              .map((label) => ({ label, field: parseField(label) }))
          : [
              ...FIXED_COLUMNS.map((label) => ({ label, field: parseField(label) })),
              ...metricNames.map((label) => ({ label, field: parseField(`metric.${label}`) })),
            ];
        const format: TableFormat = options.csv ? "csv" : options.md ? "md" : ctx.tableFormat;
        if (chosen.length === 0 && format !== "csv" && format !== "md") {
          ctx.note(
            project.experiments.length === 0 ? `${terminalSafe(location)} has no experiments.` : "No experiment matches the filters.",
          );
          return;
        }
        const rows = chosen.map((e) => columns.map(({ field }) => cell(field.read(e))));
        const numeric = new Set(
          columns.flatMap(({ field }, i) => (chosen.some((e) => numericValue(valueOf(field.read(e))) !== undefined) ? [i] : [])),
        );
        ctx.printTable({ head: columns.map((c) => terminalSafe(c.label)), rows, rightAligned: numeric }, format);
      });
  },
};

function cell(v: FieldValue): string {
  switch (v.kind) {
    case "missing":
      return "";
    case "text":
      return terminalSafe(v.value);
    case "date":
      return displayDate(v.value);
    case "tags":
      return v.value.map((t) => terminalSafe(t)).join(", ");
    case "value":
      return displayValue(v.value);
  }
}

function valueOf(v: FieldValue): unknown {
  return v.kind === "value" ? v.value : undefined;
}
