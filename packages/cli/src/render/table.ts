/**
 * Tables: boxed with cli-table3 on a terminal, whitespace-aligned plain text when piped,
 * and CSV or Markdown on request. Cells must already be terminal-safe text.
 */
import Table from "cli-table3";
import stringWidth from "string-width";
import type { Colors } from "./colors.js";

/** A table to print: a header row and body rows of text cells. */
export interface TableData {
  head: string[];
  rows: string[][];
  /** Columns aligned right (numbers). */
  rightAligned?: ReadonlySet<number>;
}

/** The text formats a table can be written in. */
export type TableFormat = "table" | "plain" | "csv" | "md";

const BLANK = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/**
 * Renders a table in the chosen format, ending with a newline. A boxed table wider than
 * `maxWidth` (the terminal's columns) wraps its widest columns to fit.
 */
export function renderTable(data: TableData, format: TableFormat, colors: Colors, maxWidth?: number): string {
  switch (format) {
    case "csv":
      return [data.head, ...data.rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
    case "md":
      return markdownTable(data);
    case "plain":
      return boxless(data);
    case "table":
      return boxed(data, colors, maxWidth);
  }
}

function aligned(data: TableData, row: string[]): Array<{ content: string; hAlign: "left" | "right" }> {
  return row.map((content, i) => ({ content, hAlign: data.rightAligned?.has(i) ? "right" : "left" }));
}

function boxed(data: TableData, colors: Colors, maxWidth: number | undefined): string {
  const render = (colWidths?: number[]) => {
    const table = new Table({
      head: aligned(
        data,
        data.head.map((h) => colors.bold(colors.cyan(h))),
      ) as unknown as string[],
      style: { head: [], border: [], compact: true },
      ...(colWidths ? { colWidths, wordWrap: true } : {}),
    });
    for (const row of data.rows) table.push(aligned(data, row));
    return `${table.toString()}\n`;
  };
  const natural = render();
  if (maxWidth === undefined || widest(natural) <= maxWidth) return natural;
  const widths = fitColumns(data, maxWidth);
  return widths ? render(widths) : natural;
}

/**
 * Column widths (padding included) that fit `maxWidth`, taken from the widest columns first, or
 * `undefined` when even the narrowest allowed widths do not fit (then nothing is shortened).
 */
function fitColumns(data: TableData, maxWidth: number): number[] | undefined {
  const widths = data.head.map((_, i) => Math.max(...[data.head[i] ?? "", ...data.rows.map((r) => r[i] ?? "")].map(widest)) + 2);
  // The first column (the key people copy, a slug or a name) keeps its width; a header never wraps; no
  // column goes below 12 characters unless it is narrower already. cli-table3 wraps at spaces and
  // shortens a longer word with "…", which is why the key column is never narrowed.
  const floors = data.head.map((h, i) => (i === 0 ? widths[0]! : Math.min(widths[i]!, Math.max(widest(h) + 2, 12))));
  const budget = maxWidth - (widths.length + 1); // one border character per column, plus the last
  if (floors.reduce((a, b) => a + b, 0) > budget) return undefined;
  for (let excess = widths.reduce((a, b) => a + b, 0) - budget; excess > 0; excess--) {
    let i = -1;
    for (let j = 0; j < widths.length; j++) if (widths[j]! > floors[j]! && (i < 0 || widths[j]! > widths[i]!)) i = j;
    widths[i]!--;
  }
  return widths;
}

function widest(text: string): number {
  return Math.max(0, ...text.split("\n").map((line) => stringWidth(line)));
}

function boxless(data: TableData): string {
  const table = new Table({
    head: aligned(data, data.head) as unknown as string[],
    chars: BLANK,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0, compact: true },
  });
  for (const row of data.rows) table.push(aligned(data, row));
  const lines = table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
  return lines.join("\n") + "\n";
}

function csvCell(cell: string): string {
  return /[",\n\r]/.test(cell) || cell !== cell.trim() ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function markdownTable(data: TableData): string {
  const cell = (text: string) => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|") || " ";
  const lines = [
    `| ${data.head.map(cell).join(" | ")} |`,
    `| ${data.head.map((_, i) => (data.rightAligned?.has(i) ? "---:" : "---")).join(" | ")} |`,
    ...data.rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ];
  return lines.join("\n") + "\n";
}
