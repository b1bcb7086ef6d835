/** Turns stored metric and parameter values into what the page shows. */
import { encodePythonJson, PyFloat } from "@lazyscribe/core";
import type { ReportValue } from "./report-data.js";

/**
 * A value as the page shows it: finite numbers stay numbers (so they can be
 * sorted and charted), non-finite ones and big integers become their Python
 * text, lists and dicts their compact Python JSON text.
 */
export function toReportValue(value: unknown): ReportValue {
  if (value instanceof PyFloat) return toReportValue(value.value);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value).replace(/^(-?)Infinity$/, "$1Infinity");
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "string" || typeof value === "boolean" || value === null) return value;
  if (value === undefined) return null;
  try {
    return encodePythonJson(value);
  } catch {
    return String(value);
  }
}

/** {@link toReportValue} over every entry of a record. */
export function toReportRecord(record: Record<string, unknown>): Record<string, ReportValue> {
  const out: Record<string, ReportValue> = {};
  for (const [key, value] of Object.entries(record)) out[key] = toReportValue(value);
  return out;
}
