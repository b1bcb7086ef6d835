/**
 * Unified diffs formatted as Python's `difflib.unified_diff(a, b)` joined with
 * `"\n"` (lazyscribe's `get_version_diff`). Hunks come from the `diff` package;
 * on inputs where difflib's matcher picks other hunks the text can differ.
 */
import { structuredPatch } from "diff";

/** Python's `str.splitlines()` separators. */
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Splits text as Python's `str.splitlines()` does. */
export function pythonSplitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(PY_LINE_BREAK);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function range(start: number, length: number): string {
  if (length === 1) return String(start);
  return `${length === 0 ? start : start},${length}`;
}

/** The diff from text `a` to text `b`, or `""` when their lines are equal. */
export function pythonUnifiedDiff(a: string, b: string): string {
  const aLines = pythonSplitLines(a);
  const bLines = pythonSplitLines(b);
  const toText = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
  const patch = structuredPatch("", "", toText(aLines), toText(bLines), "", "", { context: 3 });
  if (patch.hunks.length === 0) return "";
  const out = ["--- \n", "+++ \n"];
  for (const hunk of patch.hunks) {
    // jsdiff already gives the line before an empty range, as difflib prints it.
    out.push(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@\n`);
    for (const line of hunk.lines) if (!line.startsWith("\\")) out.push(line);
  }
  return out.join("\n");
}
