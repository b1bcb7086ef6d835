/** How stored values look in tables, and how they are made safe for `--json`. */
import { PyFloat } from "@lazyscribe/core";
import { terminalSafe } from "./sanitize.js";

/** A metric, parameter or field value as table text: numbers to 6 significant digits, structures as compact JSON. */
export function displayValue(value: unknown): string {
  if (value === undefined) return "";
  if (value instanceof PyFloat) return displayValue(value.value);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return terminalSafe(value);
  if (value === null || typeof value === "boolean") return String(value);
  return terminalSafe(JSON.stringify(toJsonValue(value)));
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(n)) return String(n);
  const text = String(Number(n.toPrecision(6)));
  return text;
}

/** A number for comparisons, or `undefined` when the value is not numeric. */
export function numericValue(value: unknown): number | undefined {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return undefined;
}

/**
 * The value as plain JSON data for `--json`: `PyFloat` unwrapped, non-finite numbers as the
 * strings `"NaN"`, `"Infinity"` and `"-Infinity"` (JSON has no literal for them), `bigint` kept
 * (the writer prints its digits exactly).
 */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof PyFloat) return toJsonValue(value.value);
  if (typeof value === "number") return Number.isFinite(value) ? value : formatNumber(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}

/** Equality of two stored values (structures compared as JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) return na === nb || (Number.isNaN(na) && Number.isNaN(nb));
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(toJsonValue(value), (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

/** Bytes as `1.2 MB` (decimal units), or `missing` when the file is absent. */
export function displaySize(size: number | null): string {
  if (size === null) return "missing";
  if (size < 1000) return `${size} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = size;
  let unit = "B";
  for (const u of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${unit}`;
}
