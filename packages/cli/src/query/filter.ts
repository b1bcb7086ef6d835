/**
 * `--filter` expressions: `<field><op><value>` with `=`/`==`, `!=`, `>`, `>=`, `<`, `<=` and `~`
 * (contains, case-insensitive). `tag=x` keeps experiments tagged `x`; dates compare as times
 * (`created>=2025-03-01`); metrics and parameters compare as numbers when both sides are numbers.
 * Several filters must all hold.
 */
import { parseIsoTimestamp, type Experiment } from "@lazyscribe/core";
import { UsageError } from "../support/errors.js";
import { displayValue, numericValue } from "../render/values.js";
import { parseField, type Field, type FieldValue } from "./fields.js";

/** A comparison operator. */
export type Operator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~";

/** A parsed filter. */
export interface Filter {
  /** The expression as typed. */
  text: string;
  /** True when the experiment passes. */
  test(experiment: Experiment): boolean;
}

const EXPRESSION = /^\s*([^<>=!~]+?)\s*(>=|<=|!=|==|=|>|<|~)\s*(.*?)\s*$/s;

/** Parses one `--filter` expression. */
export function parseFilter(text: string): Filter {
  const m = EXPRESSION.exec(text);
  if (!m || m[3] === undefined)
    throw new UsageError(
      `Invalid filter ${JSON.stringify(text)}: expected <field><op><value>, for example auc>0.8, lr=0.01 or tag=candidate.`,
    );
  const field = parseField(m[1]!);
  const op = (m[2] === "==" ? "=" : m[2]) as Operator;
  const operand = m[3];
  const compare = comparator(field, op, operand, text);
  return { text, test: (e) => compare(field.read(e)) };
}

function comparator(field: Field, op: Operator, operand: string, text: string): (v: FieldValue) => boolean {
  let date: Date | undefined;
  const asDate = () => {
    try {
      return (date ??= parseIsoTimestamp(operand, "date"));
    } catch {
      throw new UsageError(
        `Invalid filter ${JSON.stringify(text)}: ${JSON.stringify(operand)} is not a date such as 2025-03-01 or 2025-03-01T10:00:00.`,
      );
    }
  };
  const number = operand.trim() === "" ? Number.NaN : Number(operand);
  return (v) => {
    switch (v.kind) {
      case "missing":
        return op === "!=";
      case "tags":
        if (op === "=") return v.value.includes(operand);
        if (op === "!=") return !v.value.includes(operand);
        if (op === "~") return v.value.some((t) => contains(t, operand));
        throw new UsageError(`Invalid filter ${JSON.stringify(text)}: tags support =, != and ~ only.`);
      case "date":
        if (op === "~") return contains(v.value.toISOString(), operand);
        return ordered(op, v.value.getTime() - asDate().getTime());
      case "text":
        if (op === "~") return contains(v.value, operand);
        return ordered(op, v.value < operand ? -1 : v.value > operand ? 1 : 0);
      case "value": {
        const n = numericValue(v.value);
        if (op === "~") return contains(displayValue(v.value), operand);
        if (n !== undefined && !Number.isNaN(number)) return ordered(op, n - number);
        const shown = typeof v.value === "string" ? v.value : displayValue(v.value);
        if (op === "=" || op === "!=") return (shown === operand) === (op === "=");
        return ordered(op, shown < operand ? -1 : shown > operand ? 1 : 0);
      }
    }
  };
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function ordered(op: Exclude<Operator, "~">, difference: number): boolean {
  if (Number.isNaN(difference)) return op === "!=";
  switch (op) {
    case "=":
      return difference === 0;
    case "!=":
      return difference !== 0;
    case ">":
      return difference > 0;
    case ">=":
      return difference >= 0;
    case "<":
      return difference < 0;
    case "<=":
      return difference <= 0;
  }
}
