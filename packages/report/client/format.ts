/** Display and comparison of report values. */
import type { ReportValue } from "../src/report-data.js";

const numberFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6, useGrouping: false });

/** A value as table text. */
export function formatValue(value: ReportValue | undefined): string {
  if (value === undefined || value === null) return value === null ? "None" : "";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : numberFormat.format(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  return value;
}

/** Bytes as `12.3 KB`. */
export function formatBytes(size: number | null): string {
  if (size === null) return "—";
  if (size < 1024) return `${size} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = size / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Orders values: missing last, numbers before text, numbers numerically, text by code point. */
export function compareValues(a: ReportValue | undefined, b: ReportValue | undefined): number {
  const missing = (v: ReportValue | undefined) => v === undefined || v === null;
  if (missing(a) || missing(b)) return missing(a) === missing(b) ? 0 : missing(a) ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `YYYY-MM-DDTHH:MM:SS` as epoch milliseconds (read as UTC, as lazyscribe writes it). */
export function timeOf(stamp: string): number {
  return Date.parse(`${stamp}Z`);
}

/** `YYYY-MM-DDTHH:MM:SS` as `YYYY-MM-DD HH:MM`. */
export function shortTime(stamp: string): string {
  return stamp.replace("T", " ").slice(0, 16);
}
