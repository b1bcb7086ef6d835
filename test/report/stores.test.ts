/**
 * The report and the viewer on every store: local disk and the S3 (moto), GCS
 * (fake-gcs-server) and Azure (Azurite) emulators. A report is rendered from a
 * project and repository at a bucket URL (artifact sizes and version texts read
 * from the bucket), and the viewer polls the bucket: a saved experiment shows up,
 * and nothing is re-read while nothing changes. (The browser checks run on local
 * disk in the other report suites; the page is the same.)
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Project, Repository, type StorageSettings } from "lazyscribe";
import { renderReport, startViewer, type ReportData } from "@lazyscribe/report";
import { createTestContainer, rawServiceClient } from "../azure/azure-env.js";
import { createTestBucket as createGcsBucket, gcsTestSettings, rawGcsClient } from "../gcs/gcs-env.js";
import { createTestBucket as createS3Bucket, rawS3Client, s3Emulation } from "../s3/s3-env.js";

interface Target {
  name: string;
  /** A fresh folder location, without a trailing slash. */
  root(): Promise<string>;
  storage(): StorageSettings | undefined;
}

const targets: Target[] = [
  { name: "local disk", root: () => mkdtemp(join(tmpdir(), "lazyscribe-report-store-")), storage: () => undefined },
  {
    name: "s3",
    root: async () => `s3://${await createS3Bucket(rawS3Client(), "report")}/runs`,
    storage: () => ({ emulatePreconditions: s3Emulation() }),
  },
  { name: "gcs", root: async () => `gs://${await createGcsBucket(rawGcsClient(), "report")}/runs`, storage: () => gcsTestSettings() },
  { name: "azure", root: async () => `az://${await createTestContainer(rawServiceClient(), "report")}/runs`, storage: () => ({}) },
];

/** The data embedded in a report page. */
function embeddedData(html: string): ReportData {
  const match = /<script type="application\/json" id="lazyscribe-data">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error("no data element in the page");
  return JSON.parse(match[1]!) as ReportData;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

describe.each(targets)("the report and the viewer on $name", (target) => {
  it("render a project and repository stored there, and the viewer follows a save", async () => {
    const root = await target.root();
    const storage = target.storage();
    const projectUrl = `${root}/project.json`;
    const repositoryUrl = `${root}/repository.json`;
    const project = await Project.open(projectUrl, { mode: "w", author: "store-test", storage });
    for (const [name, lr, auc] of [
      ["first", 0.1, 0.7],
      ["second", 0.05, 0.8],
    ] as const) {
      await project.log(name, (exp) => {
        exp.logParameter("learning_rate", lr);
        exp.logMetric("auc", auc);
        exp.logArtifact("notes", `notes of ${name}\n`, "text");
      });
    }
    await project.save();
    const repository = await Repository.open(repositoryUrl, { mode: "w", storage });
    repository.logArtifact("config", '{"depth": 3}\n', "text");
    await repository.save();

    const read = await Project.open(projectUrl, { mode: "r", storage });
    const readRepository = await Repository.open(repositoryUrl, { mode: "r", storage });
    const data = embeddedData(await renderReport(read, { repository: readRepository }));
    expect(data.project.location).toBe(projectUrl);
    expect(data.project.experiments.map((e) => [e.name, e.parameters.learning_rate, e.metrics.auc])).toEqual([
      ["first", 0.1, 0.7],
      ["second", 0.05, 0.8],
    ]);
    expect(data.project.experiments.map((e) => e.artifacts[0]!.size)).toEqual([15, 16]);
    expect(data.repository!.versions.map((v) => [v.name, v.version, v.size, v.text])).toEqual([["config", 0, 13, '{"depth": 3}\n']]);

    const viewer = await startViewer({ project: projectUrl, repository: repositoryUrl, storage, pollIntervalMs: 200 });
    try {
      const before = await getJson<ReportData>(`${viewer.url}api/data`);
      expect(before.project.experiments).toHaveLength(2);
      await viewer.refresh();
      await viewer.refresh();
      expect(viewer.stats.loads).toBe(1);

      const writer = await Project.open(projectUrl, { mode: "a", author: "store-test", storage });
      await writer.log("third", (exp) => exp.logMetric("auc", 0.9));
      await writer.save();
      await expect
        .poll(async () => (await getJson<ReportData>(`${viewer.url}api/data`)).project.experiments.map((e) => e.name), { timeout: 15_000 })
        .toEqual(["first", "second", "third"]);
      expect(viewer.stats.loads).toBe(2);
      expect(viewer.lastError).toBeNull();
    } finally {
      await viewer.close();
    }
  });
});
