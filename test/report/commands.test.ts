/** What `lazyscribe report` runs: the file it writes, from a project with and without a repository. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Project } from "lazyscribe";
import { runReportCommand, type ReportData } from "@lazyscribe/report";
import { freshFolder } from "./fixtures.js";

function embeddedData(html: string): ReportData {
  const match = /<script type="application\/json" id="lazyscribe-data">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error("no data element in the page");
  return JSON.parse(match[1]!) as ReportData;
}

describe("runReportCommand", () => {
  it("writes the report file and says where and how big", async () => {
    const dir = await freshFolder("command");
    const project = await Project.open(join(dir, "project.json"), { mode: "w", author: "cli" });
    await project.log("run", (exp) => exp.logMetric("auc", 0.75));
    await project.save();
    const output = join(dir, "out", "..", "report.html");
    const written = await runReportCommand({ project: join(dir, "project.json"), output, title: "From the CLI" });
    expect(written.path).toBe(join(dir, "report.html"));
    const html = await readFile(written.path, "utf8");
    expect(written.bytes).toBe(Buffer.byteLength(html));
    const data = embeddedData(html);
    expect(data.title).toBe("From the CLI");
    expect(data.repository).toBeNull();
    expect(data.project.experiments.map((e) => [e.name, e.metrics.auc, e.author])).toEqual([["run", 0.75, "cli"]]);
  });

  it("renders an empty project (no project.json yet) rather than failing", async () => {
    const dir = await freshFolder("command-empty");
    const written = await runReportCommand({ project: join(dir, "project.json"), output: join(dir, "empty.html") });
    expect(embeddedData(await readFile(written.path, "utf8")).project.experiments).toEqual([]);
  });
});
