/**
 * `lazyscribe compare <project> <slug>...`: experiments side by side, one row per parameter,
 * metric and test metric, differences highlighted and the best value of each metric marked.
 */
import type { Experiment } from "@lazyscribe/core";
import { terminalSafe } from "../render/sanitize.js";
import { displayValue, numericValue, sameValue } from "../render/values.js";
import { UsageError } from "../support/errors.js";
import { examples, type CommandModule } from "./command-module.js";
import { collectList } from "./parsers.js";

/** What a compared row holds. */
export type RowSection = "parameter" | "metric" | "test metric" | "test parameter";

/** One row of `compare --json`. */
export interface ComparedRowJSON {
  section: RowSection;
  /** The test's name for test rows, else `null`. */
  test: string | null;
  name: string;
  /** One value per experiment, in the order given; `null` where the experiment lacks it. */
  values: unknown[];
  /** True when the values differ (a missing value differs from any value). */
  changed: boolean;
  /** `higher` or `lower` when a direction was given for this metric, else `null`. */
  better: "higher" | "lower" | null;
  /** Indexes of the experiments holding the best value (empty without a direction or when all values are equal). */
  best: number[];
}

interface Row {
  section: RowSection;
  test: string | null;
  name: string;
  values: unknown[];
}

/** `compare`: experiments side by side. */
export const compareCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("compare")
      .summary("compare experiments side by side")
      .description(
        "Compare experiments side by side: parameters, metrics and test metrics as rows, one column per experiment. " +
          "Rows whose values differ are highlighted; with --higher-is-better/--lower-is-better the best value is marked *.",
      )
      .argument("<project>", "project.json path or URL")
      .argument("<slugs...>", "two or more slugs or short slugs")
      .option("--only-changed", "show only rows whose values differ")
      .option("--higher-is-better <metrics>", "metrics where the highest value is best (comma-separated, repeatable)", collectList)
      .option("--lower-is-better <metrics>", "metrics where the lowest value is best (comma-separated, repeatable)", collectList)
      .addHelpText(
        "after",
        examples(
          "lazyscribe compare runs/project.json baseline tuned-model --higher-is-better auc --lower-is-better loss",
          "lazyscribe compare s3://ml-runs/churn/project.json baseline tuned-model --only-changed --json",
        ),
      )
      .action(async (location, slugs, options, command) => {
        const ctx = runtime.contextFor(command);
        const higherIsBetter = options.higherIsBetter ?? [];
        const lowerIsBetter = options.lowerIsBetter ?? [];
        if (slugs.length < 2) throw new UsageError("compare needs at least two experiments.");
        const both = higherIsBetter.filter((m) => lowerIsBetter.includes(m));
        if (both.length > 0) throw new UsageError(`${both.join(", ")} cannot be both higher-is-better and lower-is-better.`);
        const project = await ctx.openProject(location);
        const experiments = slugs.map((s) => project.get(s));
        const direction = (name: string): "higher" | "lower" | null =>
          higherIsBetter.includes(name) ? "higher" : lowerIsBetter.includes(name) ? "lower" : null;

        const rows = collectRows(experiments).map((row): ComparedRowJSON => {
          const changed = row.values.some((v) => !sameValue(v, row.values[0]));
          const better = row.section === "metric" || row.section === "test metric" ? direction(row.name) : null;
          return {
            ...row,
            values: row.values.map((v) => v ?? null),
            changed,
            better,
            best: changed ? bestIndexes(row.values, better) : [],
          };
        });
        const shown = options.onlyChanged ? rows.filter((r) => r.changed) : rows;

        if (ctx.flags.json) {
          ctx.printJson({
            project: location,
            experiments: experiments.map((e) => ({ slug: e.slug, short_slug: e.shortSlug, name: e.name })),
            rows: shown,
          });
          return;
        }
        if (shown.length === 0) {
          ctx.note(
            options.onlyChanged ? "No differences: every parameter and metric is equal." : "The experiments have no parameters or metrics.",
          );
          return;
        }
        const c = ctx.colors;
        const headers = experiments.map((e) => terminalSafe(e.slug));
        const clashes = new Set(headers.filter((h, i) => headers.indexOf(h) !== i));
        const head = ["", "name", ...headers.map((h, i) => (clashes.has(h) ? `${h} (${i + 1})` : h))];
        const table = shown.map((row) => {
          const label = row.test === null ? terminalSafe(row.name) : `${terminalSafe(row.test)} / ${terminalSafe(row.name)}`;
          const cells = row.values.map((v, i) => {
            const text = v === null ? "-" : displayValue(v);
            if (row.best.includes(i)) return c.green(c.bold(`${text} *`));
            return row.changed ? c.yellow(text) : c.dim(text);
          });
          return [row.section, row.changed ? c.bold(label) : label, ...cells];
        });
        ctx.printTable({ head, rows: table, rightAligned: new Set(experiments.map((_, i) => i + 2)) });
      });
  },
};

/** Every parameter, metric, test parameter and test metric of the experiments, in a stable order. */
function collectRows(experiments: readonly Experiment[]): Row[] {
  const rows: Row[] = [];
  const add = (section: RowSection, test: string | null, pick: (e: Experiment) => Record<string, unknown> | undefined) => {
    const names = [...new Set(experiments.flatMap((e) => Object.keys(pick(e) ?? {})))].sort();
    for (const name of names) rows.push({ section, test, name, values: experiments.map((e) => pick(e)?.[name]) });
  };
  add("parameter", null, (e) => e.parameters);
  add("metric", null, (e) => e.metrics);
  // Tests are matched by name; a name logged twice in one experiment uses its last test.
  const testNames = [...new Set(experiments.flatMap((e) => e.tests.map((t) => t.name)))].sort();
  for (const test of testNames) {
    const lastTest = (e: Experiment) => [...e.tests].reverse().find((t) => t.name === test);
    add("test parameter", test, (e) => lastTest(e)?.parameters);
    add("test metric", test, (e) => lastTest(e)?.metrics);
  }
  return rows;
}

function bestIndexes(values: readonly unknown[], better: "higher" | "lower" | null): number[] {
  if (better === null) return [];
  const numbers = values.map((v) => numericValue(v)).map((n) => (n === undefined || Number.isNaN(n) ? undefined : n));
  const present = numbers.filter((n): n is number => n !== undefined);
  if (present.length === 0) return [];
  const best = better === "higher" ? Math.max(...present) : Math.min(...present);
  return numbers.flatMap((n, i) => (n === best ? [i] : []));
}
