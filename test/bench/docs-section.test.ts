import { describe, expect, it } from "vitest";
import { mergeResultsSection, RESULTS_END, RESULTS_START } from "../../bench/src/docs-section.ts";

const HEADER = ["| Workload | Store | lazyscribe-ts |", "|---|---|---|"];
const section = (run: string, rows: string[]): string =>
  [RESULTS_START, "", run, "", "- Machine: x", "", ...HEADER, ...rows, "", RESULTS_END].join("\n");

describe("bench --update-docs results section", () => {
  const full = section("Run of 2026-11-26 23:38 UTC: scale `full`.", [
    "| 1 save | local disk | 754 ms |",
    "| 1 save | S3 (moto) | 3,473 ms |",
    "| 3 open | local disk | 542 ms |",
  ]);

  it("a run of every row replaces the section", () => {
    const again = section("Run of 2026-12-01 10:00 UTC: scale `full`.", [
      "| 1 save | local disk | 700 ms |",
      "| 1 save | S3 (moto) | 3,000 ms |",
      "| 3 open | local disk | 500 ms |",
    ]);
    expect(mergeResultsSection(full, again)).toBe(again);
  });

  it("a partial run replaces its rows and keeps the others, marked with the run they come from", () => {
    const partial = section("Run of 2026-12-01 10:00 UTC: scale `full`.", ["| 1 save | local disk | 700 ms |"]);
    const merged = mergeResultsSection(full, partial);
    expect(merged).toContain("| 1 save | local disk | 700 ms |");
    expect(merged).not.toContain("754 ms");
    expect(merged).toContain("| (run 1) 1 save | S3 (moto) | 3,473 ms |");
    expect(merged).toContain("| (run 1) 3 open | local disk | 542 ms |");
    expect(merged).toContain("(run 1) Run of 2026-11-26 23:38 UTC");
    expect(merged.indexOf("Run of 2026-12-01")).toBeLessThan(merged.indexOf("(run 1) Run of 2026-11-26"));
    // Rows stay grouped by workload, in the table's order.
    expect(merged.indexOf("1 save | S3")).toBeLessThan(merged.indexOf("3 open | local"));

    // Merging again keeps the earlier runs' rows and headers, renumbered.
    const third = section("Run of 2026-12-02 08:00 UTC: scale `small`.", ["| 3 open | local disk | 480 ms |"]);
    const twice = mergeResultsSection(merged, third);
    expect(twice).toContain("| 3 open | local disk | 480 ms |");
    expect(twice).toContain("| (run 1) 1 save | local disk | 700 ms |");
    expect(twice).toContain("| (run 2) 1 save | S3 (moto) | 3,473 ms |");
    expect(twice).toContain("(run 1) Run of 2026-12-01 10:00 UTC");
    expect(twice).toContain("(run 2) Run of 2026-11-26 23:38 UTC");
    expect(twice).not.toContain("542 ms");
  });

  it("an empty section takes the run as it is", () => {
    const partial = section("Run of 2026-12-01 10:00 UTC: scale `full`.", ["| 1 save | local disk | 700 ms |"]);
    expect(mergeResultsSection(`${RESULTS_START}\n${RESULTS_END}`, partial)).toBe(partial);
  });
});
