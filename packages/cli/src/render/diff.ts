/**
 * Unified diffs of two artifact versions for people: hunks from the `diff` package, with
 * removed and added lines coloured and, inside a changed pair of lines, the changed words
 * highlighted. Without colours the output is a plain unified diff.
 */
import { diffWordsWithSpace, structuredPatch, type StructuredPatchHunk } from "diff";
import type { Colors } from "./colors.js";
import { terminalSafe } from "./sanitize.js";

/** File contents are untrusted: control characters are shown as escapes, tabs kept. */
const safeLine = (text: string) => terminalSafe(text, { keepTabs: true });

/** One side of a diff: label and text. */
export interface DiffSide {
  label: string;
  text: string;
}

/** The hunks between two texts (`context` unchanged lines around each change). */
export function diffHunks(from: DiffSide, to: DiffSide, context: number): StructuredPatchHunk[] {
  return structuredPatch(from.label, to.label, from.text, to.text, undefined, undefined, { context }).hunks;
}

/** The hunks as a unified diff; `""` when the texts are equal. */
export function renderUnifiedDiff(from: DiffSide, to: DiffSide, hunks: StructuredPatchHunk[], colors: Colors): string {
  if (hunks.length === 0) return "";
  const out = [colors.bold(`--- ${terminalSafe(from.label)}`), colors.bold(`+++ ${terminalSafe(to.label)}`)];
  for (const hunk of hunks) {
    out.push(colors.cyan(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`));
    const lines = hunk.lines.filter((l) => !l.startsWith("\\"));
    for (let i = 0; i < lines.length;) {
      if (lines[i]!.startsWith(" ")) {
        out.push(` ${safeLine(lines[i]!.slice(1))}`);
        i++;
        continue;
      }
      const removed: string[] = [];
      const added: string[] = [];
      while (i < lines.length && lines[i]!.startsWith("-")) removed.push(lines[i++]!.slice(1));
      while (i < lines.length && lines[i]!.startsWith("+")) added.push(lines[i++]!.slice(1));
      out.push(...changedBlock(removed, added, colors));
    }
  }
  return out.join("\n") + "\n";
}

/** A block of removed then added lines; words are compared when both sides are present. */
function changedBlock(removed: string[], added: string[], colors: Colors): string[] {
  if (!colors.isColorSupported || removed.length === 0 || added.length === 0) {
    return [...removed.map((l) => colors.red(`-${safeLine(l)}`)), ...added.map((l) => colors.green(`+${safeLine(l)}`))];
  }
  const parts = diffWordsWithSpace(removed.join("\n"), added.join("\n"));
  const side = (keep: "removed" | "added", paint: (s: string) => string, strong: (s: string) => string, sign: string) => {
    let text = "";
    for (const part of parts) {
      if (part.added && keep === "removed") continue;
      if (part.removed && keep === "added") continue;
      const changed = part.added || part.removed;
      // Split on newlines so each output line gets its own sign and colour.
      text += part.value
        .split("\n")
        .map((piece) => (changed ? strong(safeLine(piece)) : paint(safeLine(piece))))
        .join("\n");
    }
    return text.split("\n").map((line) => paint(sign) + line);
  };
  const inverseRed = (s: string) => colors.inverse(colors.red(s));
  const inverseGreen = (s: string) => colors.inverse(colors.green(s));
  return [...side("removed", colors.red, inverseRed, "-"), ...side("added", colors.green, inverseGreen, "+")];
}

function range(start: number, lines: number): string {
  return lines === 1 ? String(start) : `${start},${lines}`;
}
