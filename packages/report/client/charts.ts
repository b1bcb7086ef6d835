/**
 * Charts, drawn by ECharts on canvas. Only the chart types and components used
 * are bundled (echarts/core). Tooltips use ECharts' rich-text mode, drawn on the
 * canvas, so names from the project never become HTML.
 */
import { BarChart, ParallelChart, ScatterChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { ReportArtifactVersion, ReportExperiment, ReportRelease, ReportValue } from "../src/report-data.js";
import { formatValue, timeOf } from "./format.js";

echarts.use([
  BarChart,
  ScatterChart,
  ParallelChart,
  GridComponent,
  TooltipComponent,
  ParallelComponent,
  TitleComponent,
  LegendComponent,
  MarkLineComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

type Option = echarts.EChartsCoreOption;

const TOOLTIP = { trigger: "item", renderMode: "richText", confine: true } as const;
const PALETTE = ["#3b6fd8", "#e0822d", "#2e9e6a", "#c4455a", "#7b5cc4", "#8c6d31", "#d16ba5", "#4a9bb0", "#9aa33b", "#6b7280"];

/** The charts on screen, disposed together and resized with the window. */
export class ChartSet {
  #charts: echarts.ECharts[] = [];

  /** Draws `option` into `container`. */
  mount(container: HTMLElement, option: Option): echarts.ECharts {
    const chart = echarts.init(container, undefined, { renderer: "canvas" });
    chart.setOption({ color: PALETTE, animation: false, textStyle: { fontFamily: "system-ui, sans-serif" }, ...option });
    this.#charts.push(chart);
    return chart;
  }

  /** Resizes every chart to its container. */
  resize(): void {
    for (const c of this.#charts) c.resize();
  }

  /** Disposes every chart. */
  dispose(): void {
    for (const c of this.#charts) c.dispose();
    this.#charts = [];
  }
}

/** Axis labels for experiments: the name, with the creation time where names repeat. */
export function experimentLabels(experiments: readonly ReportExperiment[]): string[] {
  const counts = new Map<string, number>();
  for (const e of experiments) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  return experiments.map((e) => ((counts.get(e.name) ?? 0) > 1 ? `${e.name} (${e.createdAt.replace("T", " ")})` : e.name));
}

/** An axis minimum below the data: 0 for data from 0 up, else a tenth of the range under the smallest value. */
function paddedMin({ min, max }: { min: number; max: number }): number {
  if (min >= 0 && min <= (max - min) * 2) return 0;
  const pad = (max - min) * 0.1 || Math.abs(min) * 0.1 || 1;
  return Number((min - pad).toPrecision(3));
}

const numeric = (v: ReportValue | undefined): number | null => (typeof v === "number" ? v : null);

/** Above this many experiments a metric is drawn as dots (bars and their labels would crowd). */
const MAX_BARS = 50;

/** One metric across experiments: bars, or dots for many experiments. */
export function metricBarsOption(metric: string, experiments: readonly ReportExperiment[], labels: readonly string[]): Option {
  const many = labels.length > MAX_BARS;
  const values = experiments.map((e) => numeric(e.metrics[metric]));
  return {
    title: { text: metric, left: 8, top: 4, textStyle: { fontSize: 13 } },
    grid: { left: 56, right: 16, top: 36, bottom: many ? 64 : 56 },
    tooltip: TOOLTIP,
    xAxis: {
      type: "category",
      data: labels,
      axisLabel: { rotate: labels.length > 4 ? 30 : 0, width: 110, overflow: "truncate", interval: many ? "auto" : 0, hideOverlap: true },
    },
    // Bars start a tenth of the range below the smallest value, so the smallest one still shows.
    yAxis: { type: "value", min: paddedMin },
    dataZoom: labels.length > 40 ? [{ type: "inside" }, { type: "slider", height: 14, bottom: 4 }] : [],
    series: [
      many
        ? { type: "scatter", name: metric, data: values, symbolSize: 3, large: true }
        : { type: "bar", name: metric, data: values, barMaxWidth: 36 },
    ],
  };
}

/** Values of one dimension, as numbers when all present ones are numbers, else as categories. */
function dimension(values: ReadonlyArray<ReportValue | undefined>): { kind: "value" } | { kind: "category"; categories: string[] } {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.every((v) => typeof v === "number")) return { kind: "value" };
  return { kind: "category", categories: [...new Set(present.map((v) => formatValue(v)))].sort() };
}

/** A parameter (x) against a metric (y), one point per experiment. */
export function scatterOption(
  xName: string,
  xValues: ReadonlyArray<ReportValue | undefined>,
  yName: string,
  experiments: readonly ReportExperiment[],
  labels: readonly string[],
): Option {
  const x = dimension(xValues);
  const points = experiments
    .map((e, i) => {
      const xv = xValues[i];
      const yv = numeric(e.metrics[yName]);
      if (xv === undefined || xv === null || yv === null) return null;
      return { name: labels[i], value: [x.kind === "value" ? xv : formatValue(xv), yv] };
    })
    .filter((p) => p !== null);
  return {
    grid: { left: 64, right: 24, top: 24, bottom: 48 },
    tooltip: {
      ...TOOLTIP,
      formatter: (p: { name: string; value: unknown[] }) => `${p.name}\n${xName}: ${String(p.value[0])}\n${yName}: ${String(p.value[1])}`,
    },
    xAxis:
      x.kind === "value"
        ? { type: "value", name: xName, nameLocation: "middle", nameGap: 28, scale: true }
        : { type: "category", name: xName, nameLocation: "middle", nameGap: 28, data: x.categories },
    yAxis: { type: "value", name: yName, scale: true },
    series: [{ type: "scatter", data: points, symbolSize: 9 }],
  };
}

/** Parameters and metrics as parallel axes, one line per experiment. */
export function parallelOption(
  dimensions: ReadonlyArray<{ name: string; group: "parameter" | "metric"; values: ReadonlyArray<ReportValue | undefined> }>,
  labels: readonly string[],
): Option {
  const dims = dimensions.map((d) => ({ ...d, shape: dimension(d.values) }));
  const axes = dims.map((d, i) => ({
    dim: i,
    name: d.group === "metric" ? `${d.name} (metric)` : d.name,
    nameTextStyle: { width: 110, overflow: "truncate" },
    ...(d.shape.kind === "category" ? { type: "category", data: d.shape.categories } : { type: "value", scale: true }),
  }));
  const rows = labels.map((label, i) => ({
    name: label,
    value: dims.map((d) => {
      const v = d.values[i];
      if (v === undefined || v === null) return "-";
      return d.shape.kind === "value" ? v : formatValue(v);
    }),
  }));
  return {
    parallel: { left: 48, right: 96, top: 48, bottom: 32, parallelAxisDefault: { nameLocation: "end", nameGap: 16 } },
    parallelAxis: axes,
    tooltip: TOOLTIP,
    series: [{ type: "parallel", data: rows, lineStyle: { width: 1.5, opacity: rows.length > 200 ? 0.25 : 0.7 }, smooth: false }],
  };
}

/** One metric of the tests: test names on x, one bar series per experiment. */
export function testMetricOption(
  metric: string,
  tests: readonly string[],
  series: ReadonlyArray<{ label: string; values: Array<number | null> }>,
): Option {
  return {
    title: { text: metric, left: 8, top: 4, textStyle: { fontSize: 13 } },
    legend: { type: "scroll", bottom: 0, textStyle: { width: 140, overflow: "truncate" } },
    grid: { left: 56, right: 16, top: 36, bottom: 64 },
    tooltip: TOOLTIP,
    xAxis: { type: "category", data: [...tests], axisLabel: { width: 110, overflow: "truncate", interval: 0 } },
    yAxis: { type: "value", min: paddedMin },
    series: series.map((s) => ({ type: "bar", name: s.label, data: s.values, barMaxWidth: 28 })),
  };
}

/** Artifact versions on a time axis (one row per artifact), their expiries, and releases as vertical lines. */
export function timelineOption(versions: readonly ReportArtifactVersion[], releases: readonly ReportRelease[], now: number): Option {
  const names = [...new Set(versions.map((v) => v.name))].sort();
  const live = versions.filter((v) => !v.expiry || timeOf(v.expiry) > now);
  const expired = versions.filter((v) => v.expiry && timeOf(v.expiry) <= now);
  const point = (v: ReportArtifactVersion) => ({ name: `${v.name} v${v.version}`, value: [timeOf(v.createdAt), v.name, v.version] });
  return {
    legend: { top: 0 },
    grid: { left: 16, right: 32, top: 32, bottom: 56, containLabel: true },
    tooltip: { ...TOOLTIP, formatter: (p: { name: string; seriesName: string }) => `${p.name}\n${p.seriesName}` },
    xAxis: { type: "time" },
    yAxis: { type: "category", data: names, axisLabel: { width: 140, overflow: "truncate" } },
    dataZoom: [{ type: "inside" }, { type: "slider", height: 14, bottom: 8 }],
    series: [
      {
        type: "scatter",
        name: "version",
        symbolSize: 12,
        data: live.map(point),
        label: {
          show: versions.length <= 60,
          position: "top",
          formatter: (p: { value: unknown[] }) => `v${String(p.value[2])}`,
          fontSize: 10,
        },
        markLine: {
          symbol: "none",
          lineStyle: { type: "dashed", color: "#7b5cc4" },
          label: { formatter: (p: { name: string }) => p.name, color: "#7b5cc4" },
          data: releases.map((r) => ({ name: r.tag, xAxis: timeOf(r.createdAt) })),
        },
      },
      { type: "scatter", name: "expired version", symbolSize: 12, itemStyle: { color: "#9ca3af" }, data: expired.map(point) },
      {
        type: "scatter",
        name: "expiry",
        symbol: "triangle",
        symbolSize: 10,
        itemStyle: { color: "#c4455a" },
        data: versions
          .filter((v) => v.expiry)
          .map((v) => ({ name: `${v.name} v${v.version} expires ${v.expiry}`, value: [timeOf(v.expiry!), v.name, v.version] })),
      },
    ],
  };
}
