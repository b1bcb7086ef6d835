/** The experiments table as data: columns, filtering, sorting and "only what differs". Pure functions. */
import type { ReportExperiment, ReportValue } from "../src/report-data.js";
import { compareValues, shortTime } from "./format.js";

/** One table column. */
export interface Column {
  /** Stable id: `name`, `created`, ..., `p:<parameter>`, `m:<metric>`. */
  id: string;
  /** Header text. */
  label: string;
  /** Group shown in the column chooser. */
  group: "experiment" | "parameter" | "metric";
  /** The cell's value, for sorting and comparing. */
  value(e: ReportExperiment): ReportValue | undefined;
  /** The cell's text. */
  text?(e: ReportExperiment): string;
  /** May "only what differs" hide it. */
  comparable: boolean;
}

const FIXED: Column[] = [
  { id: "name", label: "Name", group: "experiment", value: (e) => e.name, comparable: false },
  {
    id: "created",
    label: "Created",
    group: "experiment",
    value: (e) => e.createdAt,
    text: (e) => shortTime(e.createdAt),
    comparable: false,
  },
  { id: "author", label: "Author", group: "experiment", value: (e) => e.author, comparable: true },
  { id: "tags", label: "Tags", group: "experiment", value: (e) => e.tags.join(", "), comparable: true },
  {
    id: "updated",
    label: "Last updated",
    group: "experiment",
    value: (e) => e.lastUpdated,
    text: (e) => shortTime(e.lastUpdated),
    comparable: false,
  },
  { id: "updatedBy", label: "Updated by", group: "experiment", value: (e) => e.lastUpdatedBy, comparable: true },
  { id: "slug", label: "Slug", group: "experiment", value: (e) => e.slug, comparable: false },
  { id: "artifacts", label: "Artifacts", group: "experiment", value: (e) => e.artifacts.length, comparable: true },
  { id: "tests", label: "Tests", group: "experiment", value: (e) => e.tests.length, comparable: true },
];

/** Columns shown before the user chooses. */
export const DEFAULT_FIXED = new Set(["name", "created", "author", "tags"]);
/** Most parameter and metric columns shown by default (the chooser adds the rest). */
export const DEFAULT_DATA_COLUMNS = 40;

/** Every column for these experiments: fixed ones, then parameters, then metrics, by name. */
export function columnsFor(experiments: readonly ReportExperiment[]): Column[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const e of experiments) {
    for (const k of Object.keys(e.parameters)) params.add(k);
    for (const k of Object.keys(e.metrics)) metrics.add(k);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [
    ...FIXED,
    ...[...params]
      .sort(byName)
      .map<Column>((k) => ({ id: `p:${k}`, label: k, group: "parameter", value: (e) => e.parameters[k], comparable: true })),
    ...[...metrics]
      .sort(byName)
      .map<Column>((k) => ({ id: `m:${k}`, label: k, group: "metric", value: (e) => e.metrics[k], comparable: true })),
  ];
}

/** Every tag used, sorted. */
export function tagsOf(experiments: readonly ReportExperiment[]): string[] {
  const tags = new Set<string>();
  for (const e of experiments) for (const t of e.tags) tags.add(t);
  return [...tags].sort();
}

/** Lower-cased text a filter query is matched against, per experiment. */
export function searchText(e: ReportExperiment): string {
  const values = [...Object.entries(e.parameters), ...Object.entries(e.metrics)].map(([k, v]) => `${k}=${String(v)}`);
  return [e.name, e.slug, e.author, ...e.tags, ...values].join("\n").toLowerCase();
}

/** Indexes of the experiments matching a text query (all words, any order) and a tag (empty: any). */
export function filterIndexes(
  experiments: readonly ReportExperiment[],
  haystacks: readonly string[],
  query: string,
  tag: string,
): number[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const out: number[] = [];
  experiments.forEach((e, i) => {
    if (tag && !e.tags.includes(tag)) return;
    const text = haystacks[i]!;
    if (words.every((w) => text.includes(w))) out.push(i);
  });
  return out;
}

/** Sorts indexes by a column, stable, missing values last in both directions. */
export function sortIndexes(
  indexes: number[],
  experiments: readonly ReportExperiment[],
  column: Column | undefined,
  descending: boolean,
): number[] {
  if (!column) return indexes;
  const keyed = indexes.map((i) => ({ i, v: column.value(experiments[i]!) }));
  keyed.sort((a, b) => {
    const missingA = a.v === undefined || a.v === null;
    const missingB = b.v === undefined || b.v === null;
    if (missingA || missingB) return missingA === missingB ? a.i - b.i : missingA ? 1 : -1;
    const c = compareValues(a.v, b.v);
    return (descending ? -c : c) || a.i - b.i;
  });
  return keyed.map((k) => k.i);
}

/** Ids of the comparable columns whose value is the same for every experiment in `scope`. */
export function constantColumns(
  columns: readonly Column[],
  experiments: readonly ReportExperiment[],
  scope: readonly number[],
): Set<string> {
  const same = new Set<string>();
  for (const c of columns) {
    if (!c.comparable) continue;
    const first = JSON.stringify(scope.length ? (c.value(experiments[scope[0]!]!) ?? null) : null);
    if (scope.every((i) => JSON.stringify(c.value(experiments[i]!) ?? null) === first)) same.add(c.id);
  }
  return same;
}
