/**
 * Fields of an experiment by name, shared by `--filter`, `--sort` and `--columns`:
 * `slug`, `short_slug`, `name`, `author`, `created`, `updated`, `updated_by`, `tags`,
 * `metric.<name>`, `param.<name>`, or a bare name looked up in the metrics, then the parameters.
 */
import { isoSeconds, type Experiment } from "@lazyscribe/core";
import { UsageError } from "../support/errors.js";

/** What a field holds, which decides how it is compared and shown. */
export type FieldValue =
  | { kind: "text"; value: string }
  | { kind: "date"; value: Date }
  | { kind: "tags"; value: readonly string[] }
  | { kind: "value"; value: unknown }
  | { kind: "missing" };

/** A parsed field reference. */
export interface Field {
  /** The name as typed (used as a column header). */
  label: string;
  /** Reads the field of one experiment. */
  read(experiment: Experiment): FieldValue;
}

const TEXT: Readonly<Record<string, (e: Experiment) => string>> = {
  slug: (e) => e.slug,
  short_slug: (e) => e.shortSlug,
  name: (e) => e.name,
  author: (e) => e.author,
  updated_by: (e) => e.lastUpdatedBy,
};
const TEXT_ALIASES: Readonly<Record<string, string>> = { short: "short_slug", "short-slug": "short_slug", last_updated_by: "updated_by" };
const DATES: Readonly<Record<string, (e: Experiment) => Date>> = {
  created: (e) => e.createdAt,
  updated: (e) => e.lastUpdated,
};
const DATE_ALIASES: Readonly<Record<string, string>> = { created_at: "created", date: "created", last_updated: "updated" };

const METRIC_PREFIXES = ["metric.", "metrics."];
const PARAM_PREFIXES = ["param.", "params.", "parameter.", "parameters."];

/** Parses a field name. */
export function parseField(label: string): Field {
  const name = label.trim();
  if (name === "") throw new UsageError("An empty field name was given; use a name such as auc, param.lr, tag, author or created.");
  const textKey = TEXT[name] ? name : TEXT_ALIASES[name];
  if (textKey) return { label: name, read: (e) => ({ kind: "text", value: TEXT[textKey]!(e) }) };
  const dateKey = DATES[name] ? name : DATE_ALIASES[name];
  if (dateKey) return { label: name, read: (e) => ({ kind: "date", value: DATES[dateKey]!(e) }) };
  if (name === "tag" || name === "tags") return { label: name, read: (e) => ({ kind: "tags", value: e.tags }) };
  const metric = stripPrefix(name, METRIC_PREFIXES);
  if (metric !== undefined) return { label: name, read: (e) => entry(e.metrics, metric) };
  const param = stripPrefix(name, PARAM_PREFIXES);
  if (param !== undefined) return { label: name, read: (e) => entry(e.parameters, param) };
  return {
    label: name,
    read: (e) => {
      const m = entry(e.metrics, name);
      return m.kind === "missing" ? entry(e.parameters, name) : m;
    },
  };
}

function stripPrefix(name: string, prefixes: readonly string[]): string | undefined {
  const prefix = prefixes.find((p) => name.startsWith(p) && name.length > p.length);
  return prefix ? name.slice(prefix.length) : undefined;
}

function entry(record: Record<string, unknown>, key: string): FieldValue {
  return Object.hasOwn(record, key) ? { kind: "value", value: record[key] } : { kind: "missing" };
}

/** A date field as the tables show it. */
export function displayDate(date: Date): string {
  return isoSeconds(date).replace("T", " ");
}
