/**
 * Tables: boxed with cli-table3 on a terminal, whitespace-aligned plain text when piped,
 * and CSV or Markdown on request. Cells must already be terminal-safe text.
 */
import Table from "cli-table3";
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

/** Renders a table in the chosen format, ending with a newline. */
export function renderTable(data: TableData, format: TableFormat, colors: Colors): string {
  switch (format) {
    case "csv":
      return [data.head, ...data.rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
    case "md":
      return markdownTable(data);
    case "plain":
      return boxless(data);
    case "table":
      return boxed(data, colors);
  }
}

function aligned(data: TableData, row: string[]): Array<{ content: string; hAlign: "left" | "right" }> {
  return row.map((content, i) => ({ content, hAlign: data.rightAligned?.has(i) ? "right" : "left" }));
}

function boxed(data: TableData, colors: Colors): string {
  const table = new Table({
    head: aligned(
      data,
      data.head.map((h) => colors.bold(colors.cyan(h))),
    ) as unknown as string[],
    style: { head: [], border: [], compact: true },
  });
  for (const row of data.rows) table.push(aligned(data, row));
  return table.toString() + "\n";
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
