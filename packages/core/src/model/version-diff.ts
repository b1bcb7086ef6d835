/**
 * Unified diffs formatted exactly as Python's `difflib.unified_diff(a, b)`
 * joined with `"\n"` (lazyscribe's `get_version_diff`).
 *
 * This is a faithful port of difflib's `SequenceMatcher` (no junk function,
 * `autojunk` on) and of `unified_diff`. A generic Myers diff (the `diff`
 * package used before) picks other hunks than difflib on common inputs, for
 * example inserting `{ "a": 2 },` in front of `[{ "a": 1 }]`, so the text
 * differed from Python's.
 */

/** Python's `str.splitlines()` separators. */
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** Splits text as Python's `str.splitlines()` does. */
export function pythonSplitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(PY_LINE_BREAK);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

type Tag = "replace" | "delete" | "insert" | "equal";
type Opcode = [tag: Tag, i1: number, i2: number, j1: number, j2: number];
type Block = [i: number, j: number, size: number];

/** difflib's `SequenceMatcher(None, a, b)` over lines. */
class SequenceMatcher {
  readonly #a: readonly string[];
  readonly #b: readonly string[];
  /** Line of `b` → its indices in `b`, ascending, popular lines removed (autojunk). */
  readonly #b2j = new Map<string, number[]>();

  constructor(a: readonly string[], b: readonly string[]) {
    this.#a = a;
    this.#b = b;
    b.forEach((line, j) => {
      const list = this.#b2j.get(line);
      if (list) list.push(j);
      else this.#b2j.set(line, [j]);
    });
    // autojunk: in inputs of 200 lines or more, lines that occur in more than 1% + 1 places are "popular".
    if (b.length >= 200) {
      const ntest = Math.floor(b.length / 100) + 1;
      for (const [line, list] of [...this.#b2j]) if (list.length > ntest) this.#b2j.delete(line);
    }
  }

  /** `find_longest_match`: the earliest longest matching block (no junk function, so no junk to absorb). */
  #longestMatch(alo: number, ahi: number, blo: number, bhi: number): Block {
    const a = this.#a;
    const b = this.#b;
    let [besti, bestj, bestsize] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.#b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    // Extend over equal lines on both ends (this is how popular lines get matched).
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) [besti, bestj, bestsize] = [besti - 1, bestj - 1, bestsize + 1];
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  }

  /** `get_matching_blocks`, adjacent blocks collapsed, ending with the `(len(a), len(b), 0)` sentinel. */
  matchingBlocks(): Block[] {
    const queue: Array<[number, number, number, number]> = [[0, this.#a.length, 0, this.#b.length]];
    const blocks: Block[] = [];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.#longestMatch(alo, ahi, blo, bhi);
      if (!k) continue;
      blocks.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    const collapsed: Block[] = [];
    let [i1, j1, k1] = [0, 0, 0];
    for (const [i2, j2, k2] of blocks) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1) collapsed.push([i1, j1, k1]);
        [i1, j1, k1] = [i2, j2, k2];
      }
    }
    if (k1) collapsed.push([i1, j1, k1]);
    collapsed.push([this.#a.length, this.#b.length, 0]);
    return collapsed;
  }

  /** `get_opcodes`. */
  opcodes(): Opcode[] {
    let [i, j] = [0, 0];
    const out: Opcode[] = [];
    for (const [ai, bj, size] of this.matchingBlocks()) {
      const tag: Tag | "" = i < ai && j < bj ? "replace" : i < ai ? "delete" : j < bj ? "insert" : "";
      if (tag) out.push([tag, i, ai, j, bj]);
      [i, j] = [ai + size, bj + size];
      if (size) out.push(["equal", ai, i, bj, j]);
    }
    return out;
  }

  /** `get_grouped_opcodes(n)`: hunks with up to `n` lines of context. */
  groupedOpcodes(n: number): Opcode[][] {
    const codes = this.opcodes();
    if (codes.length === 0) codes.push(["equal", 0, 1, 0, 1]);
    const first = codes[0]!;
    if (first[0] === "equal") codes[0] = ["equal", Math.max(first[1], first[2] - n), first[2], Math.max(first[3], first[4] - n), first[4]];
    const last = codes.at(-1)!;
    if (last[0] === "equal")
      codes[codes.length - 1] = ["equal", last[1], Math.min(last[2], last[1] + n), last[3], Math.min(last[4], last[3] + n)];
    const groups: Opcode[][] = [];
    let group: Opcode[] = [];
    for (const [tag, start1, i2, start2, j2] of codes) {
      let [i1, j1] = [start1, start2];
      if (tag === "equal" && i2 - i1 > 2 * n) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        groups.push(group);
        group = [];
        [i1, j1] = [Math.max(i1, i2 - n), Math.max(j1, j2 - n)];
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length && !(group.length === 1 && group[0]![0] === "equal")) groups.push(group);
    return groups;
  }
}

/** difflib's `_format_range_unified`. */
function range(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return String(start + 1);
  return `${length === 0 ? start : start + 1},${length}`;
}

/** The diff from text `a` to text `b`, or `""` when their lines are equal. */
export function pythonUnifiedDiff(a: string, b: string): string {
  const aLines = pythonSplitLines(a);
  const bLines = pythonSplitLines(b);
  const groups = new SequenceMatcher(aLines, bLines).groupedOpcodes(3);
  if (groups.length === 0) return "";
  const out = ["--- \n", "+++ \n"];
  for (const group of groups) {
    const first = group[0]!;
    const last = group.at(-1)!;
    out.push(`@@ -${range(first[1], last[2])} +${range(first[3], last[4])} @@\n`);
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === "equal") {
        for (const line of aLines.slice(i1, i2)) out.push(` ${line}`);
        continue;
      }
      if (tag === "replace" || tag === "delete") for (const line of aLines.slice(i1, i2)) out.push(`-${line}`);
      if (tag === "replace" || tag === "insert") for (const line of bLines.slice(j1, j2)) out.push(`+${line}`);
    }
  }
  return out.join("\n");
}
