/** `--sort <field>` (`-field` for descending): numbers numerically, dates by time, text by code point; missing values last. */
import type { Experiment } from "@lazyscribe/core";
import { numericValue, displayValue } from "../render/values.js";
import { parseField, type FieldValue } from "./fields.js";

/** Sorts experiments by the fields in order; each may start with `-` for descending. */
export function sortExperiments(experiments: readonly Experiment[], keys: readonly string[]): Experiment[] {
  const parsed = keys.map((key) => {
    const descending = key.startsWith("-");
    return { field: parseField(descending ? key.slice(1) : key), descending };
  });
  return [...experiments].sort((a, b) => {
    for (const { field, descending } of parsed) {
      const order = compareValues(field.read(a), field.read(b), descending);
      if (order !== 0) return order;
    }
    return 0;
  });
}

function compareValues(a: FieldValue, b: FieldValue, descending: boolean): number {
  if (a.kind === "missing" || b.kind === "missing") return a.kind === b.kind ? 0 : a.kind === "missing" ? 1 : -1;
  const sign = descending ? -1 : 1;
  const ka = sortKey(a);
  const kb = sortKey(b);
  if (typeof ka === "number" && typeof kb === "number") return sign * (ka - kb || 0);
  const sa = String(ka);
  const sb = String(kb);
  return sign * (sa < sb ? -1 : sa > sb ? 1 : 0);
}

function sortKey(v: Exclude<FieldValue, { kind: "missing" }>): number | string {
  switch (v.kind) {
    case "date":
      return v.value.getTime();
    case "text":
      return v.value;
    case "tags":
      return v.value.join(",");
    case "value":
      return numericValue(v.value) ?? displayValue(v.value);
  }
}
