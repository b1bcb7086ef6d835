/**
 * The results section of docs/performance.md, between its `bench:results` markers: one header block per run whose
 * rows are shown, then one Markdown table. A run that measured only some workloads or stores replaces those rows and
 * keeps every other row, with the header of the run that measured it, so `--update-docs` never wipes figures it did
 * not produce.
 */

export const RESULTS_START = "<!-- bench:results:start -->";
export const RESULTS_END = "<!-- bench:results:end -->";

/** A table row's identity: its first two cells (workload and store). */
const ROW_RUN = /^\| \(run (\d+)\) /;
const rowKey = (line: string): string =>
  line
    .replace(ROW_RUN, "| ")
    .split("|")
    .slice(1, 3)
    .map((c) => c.trim())
    .join("|");
const isTableLine = (line: string): boolean => line.startsWith("|");
const RUN_LINE = /^(\(run \d+\) )?Run of .+?:/;

interface ParsedSection {
  /** Header blocks in order, each starting with its "Run of ..." line. */
  runs: string[][];
  header: string[];
  /** Rows with the index of the run block they came from. */
  rows: Array<{ line: string; run: number }>;
}

function parse(section: string): ParsedSection {
  const out: ParsedSection = { runs: [], header: [], rows: [] };
  let current: string[] | null = null;
  for (const line of section.split("\n")) {
    if (line === RESULTS_START || line === RESULTS_END) continue;
    if (isTableLine(line)) {
      if (out.header.length < 2) out.header.push(line);
      else {
        // Rows of earlier runs start with "(run N)", N their header's position; the others are the latest run's (0).
        const tagged = ROW_RUN.exec(line);
        out.rows.push({ line: line.replace(ROW_RUN, "| "), run: tagged ? Number(tagged[1]) : 0 });
      }
      continue;
    }
    if (RUN_LINE.test(line)) {
      current = [line.replace(/^\(run \d+\) /, "")];
      out.runs.push(current);
    } else if (current && line.trim() !== "" && !line.startsWith("Rows marked")) current.push(line);
  }
  return out;
}

/**
 * Merges a new run's section (header lines and a complete table of what it measured) into the existing section.
 * @param existing the current text between (and including) the markers, or "" when there is none
 * @param fresh this run's section, markers included
 * @returns the merged section, markers included
 */
export function mergeResultsSection(existing: string, fresh: string): string {
  const next = parse(fresh);
  if (next.runs.length !== 1 || next.header.length < 2) throw new Error("a fresh results section needs one run header and a table");
  const old = parse(existing);
  const measured = new Set(next.rows.map((r) => rowKey(r.line)));
  const kept = old.rows.filter((r) => !measured.has(rowKey(r.line)));
  if (kept.length === 0) return fresh;

  // Runs still shown: the new one first (index 0), then each older one that still owns a row.
  const runs: string[][] = [next.runs[0]!];
  const renumber = new Map<number, number>();
  for (const r of kept) {
    if (!renumber.has(r.run)) {
      renumber.set(r.run, runs.length);
      runs.push(old.runs[r.run] ?? ["Run of an earlier date: (no header kept)"]);
    }
  }
  // Keep the table's order: rows of the new run where they were, kept rows after the new rows of their workload.
  const rows = [...next.rows.map((r) => ({ line: r.line, run: 0 })), ...kept.map((r) => ({ line: r.line, run: renumber.get(r.run)! }))];
  const order = [...new Set([...old.rows, ...next.rows].map((r) => rowKey(r.line).split("|")[0]))];
  rows.sort((a, b) => order.indexOf(rowKey(a.line).split("|")[0]) - order.indexOf(rowKey(b.line).split("|")[0]));

  const lines = [RESULTS_START, ""];
  runs.forEach((block, i) => lines.push(`${i === 0 ? "" : `(run ${i}) `}${block[0]}`, "", ...block.slice(1), ""));
  lines.push("Rows marked (run N) come from that earlier run; the others from the latest.", "");
  lines.push(...next.header);
  for (const r of rows) lines.push(r.run === 0 ? r.line : r.line.replace(/^\| /, `| (run ${r.run}) `));
  lines.push("", RESULTS_END);
  return lines.join("\n");
}
