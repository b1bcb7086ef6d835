/** The selected experiments compared: a chart per metric, a parameter-vs-metric scatter, parallel coordinates, and the tests per metric. */
import type { ReportExperiment, ReportValue } from "../src/report-data.js";
import { experimentLabels, metricBarsOption, parallelOption, scatterOption, testMetricOption, type ChartSet } from "./charts.js";
import { append, el, select } from "./dom.js";

/** Most experiments drawn as series of the tests charts (each is a legend entry). */
const MAX_TEST_SERIES = 20;

/** Chosen axes of the scatter, kept across redraws. */
export interface ScatterChoice {
  x: string;
  y: string;
}

/** Draws the comparison of `selected` into `root`. */
export function renderCompare(
  root: HTMLElement,
  selected: readonly ReportExperiment[],
  charts: ChartSet,
  scatter: ScatterChoice,
  redraw: () => void,
): void {
  if (selected.length === 0) {
    root.append(el("p", { className: "empty", data: { testid: "compare-empty" } }, "Select experiments in the table to compare them."));
    return;
  }
  const labels = experimentLabels(selected);
  const metricNames = sortedKeys(selected.map((e) => e.metrics));
  const paramNames = sortedKeys(selected.map((e) => e.parameters));
  const numericMetrics = metricNames.filter((m) => selected.some((e) => typeof e.metrics[m] === "number"));
  const later = (container: HTMLElement, option: Parameters<ChartSet["mount"]>[1]) => queueMicrotask(() => charts.mount(container, option));

  root.append(el("p", { className: "muted" }, `${selected.length} experiment${selected.length === 1 ? "" : "s"} selected.`));

  // One chart per metric.
  const metricGrid = el("div", { className: "chart-grid" });
  root.append(el("h2", {}, "Metrics"), numericMetrics.length ? metricGrid : el("p", { className: "empty" }, "No numeric metric."));
  for (const m of numericMetrics) {
    const box = el("div", { className: "chart", data: { testid: "chart", chart: `metric:${m}` } });
    metricGrid.append(box);
    later(box, metricBarsOption(m, selected, labels));
  }

  // Parameter (or metric) against a metric.
  const xChoices = [
    ...paramNames.map((p) => ({ value: `p:${p}`, label: `parameter ${p}` })),
    ...metricNames.map((m) => ({ value: `m:${m}`, label: `metric ${m}` })),
  ];
  if (xChoices.length && numericMetrics.length) {
    if (!xChoices.some((c) => c.value === scatter.x)) scatter.x = xChoices[0]!.value;
    if (!numericMetrics.includes(scatter.y)) scatter.y = numericMetrics[0]!;
    const xValues = selected.map((e) => valueOf(e, scatter.x));
    const box = el("div", { className: "chart wide", data: { testid: "chart", chart: "scatter" } });
    root.append(
      el("h2", {}, "Parameter against metric"),
      el(
        "div",
        { className: "toolbar" },
        el(
          "label",
          {},
          "x ",
          select(xChoices, scatter.x, (v) => ((scatter.x = v), redraw()), { data: { testid: "scatter-x" } }),
        ),
        el(
          "label",
          {},
          "y ",
          select(
            numericMetrics.map((m) => ({ value: m, label: `metric ${m}` })),
            scatter.y,
            (v) => ((scatter.y = v), redraw()),
            { data: { testid: "scatter-y" } },
          ),
        ),
      ),
      box,
    );
    later(box, scatterOption(scatter.x.slice(2), xValues, scatter.y, selected, labels));
  }

  // Parallel coordinates of parameters then metrics.
  const dims = [
    ...paramNames.map((p) => ({ name: p, group: "parameter" as const, values: selected.map((e) => e.parameters[p]) })),
    ...metricNames.map((m) => ({ name: m, group: "metric" as const, values: selected.map((e) => e.metrics[m]) })),
  ];
  if (dims.length >= 2) {
    const box = el("div", { className: "chart wide tall", data: { testid: "chart", chart: "parallel" } });
    root.append(el("h2", {}, "Parameters and metrics"), box);
    later(box, parallelOption(dims, labels));
  }

  // Tests (sub-populations) per metric.
  const withTests = selected.filter((e) => e.tests.length > 0);
  if (withTests.length) {
    const shown = withTests.slice(0, MAX_TEST_SERIES);
    const shownLabels = experimentLabels(shown);
    const testNames = [...new Set(shown.flatMap((e) => e.tests.map((t) => t.name)))];
    const testMetrics = sortedKeys(shown.flatMap((e) => e.tests.map((t) => t.metrics)));
    const grid = el("div", { className: "chart-grid" });
    append(
      root,
      el("h2", {}, "Tests"),
      withTests.length > shown.length
        ? el("p", { className: "muted" }, `The first ${MAX_TEST_SERIES} of ${withTests.length} experiments with tests are drawn.`)
        : null,
      grid,
    );
    for (const m of testMetrics) {
      const series = shown.map((e, i) => ({
        label: shownLabels[i]!,
        values: testNames.map((name) => {
          const v = e.tests.find((t) => t.name === name)?.metrics[m];
          return typeof v === "number" ? v : null;
        }),
      }));
      if (!series.some((s) => s.values.some((v) => v !== null))) continue;
      const box = el("div", { className: "chart", data: { testid: "chart", chart: `test:${m}` } });
      grid.append(box);
      later(box, testMetricOption(m, testNames, series));
    }
  }
}

function valueOf(e: ReportExperiment, id: string): ReportValue | undefined {
  return id.startsWith("p:") ? e.parameters[id.slice(2)] : e.metrics[id.slice(2)];
}

function sortedKeys(records: ReadonlyArray<Record<string, unknown>>): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) keys.add(k);
  return [...keys].sort();
}
