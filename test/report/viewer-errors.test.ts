/**
 * The viewer's errors: bad options and a taken port fail with typed errors saying what
 * to do, and a manifest that cannot be read while the viewer runs keeps the last good
 * data on screen and reports the failure, until the file is readable again.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidArgumentError, Project } from "lazyscribe";
import { startViewer, ViewerStartError, type ReportData, type Viewer } from "@lazyscribe/report";
import { freshFolder } from "./fixtures.js";

const viewers: Viewer[] = [];
afterAll(async () => {
  await Promise.all(viewers.map((v) => v.close()));
});

async function smallProject(): Promise<string> {
  const dir = await freshFolder("errors");
  const project = await Project.open(join(dir, "project.json"), { mode: "w", author: "errors" });
  await project.log("only run", (exp) => exp.logMetric("auc", 0.5));
  await project.save();
  return join(dir, "project.json");
}

describe("viewer errors", () => {
  it("refuses a bad port or poll interval with InvalidArgumentError", async () => {
    const project = await smallProject();
    await expect(startViewer({ project, port: 70_000 })).rejects.toThrow(InvalidArgumentError);
    await expect(startViewer({ project, port: 1.5 })).rejects.toThrow(/Invalid port 1.5/);
    await expect(startViewer({ project, pollIntervalMs: 0 })).rejects.toThrow(InvalidArgumentError);
  });

  it("fails with ViewerStartError naming the address when the port is taken", async () => {
    const project = await smallProject();
    const first = await startViewer({ project });
    viewers.push(first);
    const error = await startViewer({ project, port: first.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ViewerStartError);
    expect((error as Error).message).toContain(`127.0.0.1:${first.port}`);
    expect((error as Error).message).toContain("--port");
  });

  it("keeps serving the last good data while the manifest cannot be parsed, and says so", async () => {
    const project = await smallProject();
    const viewer = await startViewer({ project, pollIntervalMs: 60_000 });
    viewers.push(viewer);
    const good = await readFile(project, "utf8");
    await writeFile(project, "[{ not json");
    await viewer.refresh();
    expect(viewer.lastError?.name).toBe("ManifestError");
    const version = (await (await fetch(`${viewer.url}api/version`)).json()) as { error: string | null };
    expect(version.error).toContain("is not valid JSON");
    const data = (await (await fetch(`${viewer.url}api/data`)).json()) as ReportData;
    expect(data.project.experiments.map((e) => e.name)).toEqual(["only run"]);

    await writeFile(project, good);
    await viewer.refresh();
    expect(viewer.lastError).toBeNull();
  });
});
