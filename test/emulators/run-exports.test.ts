/**
 * `node scripts/emulators/run.mjs` prints the lines a person evals to point this library and their own SDK clients at
 * the emulators. This runs it as a person would: start it, eval exactly what it printed in a fresh shell with no other
 * cloud settings, and open `s3://`, `gs://` and `az://` projects through the library there; then check from outside
 * that the objects landed in those emulators (so nothing went to a real cloud).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { S3Client, CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
let runner: ChildProcess;
let printed: string[] = [];
const exported = (key: string): string => {
  const line = printed.find((l) => l.startsWith(`export ${key}=`));
  if (!line) throw new Error(`run.mjs printed no ${key}:\n${printed.join("\n")}`);
  return line.slice(`export ${key}='`.length, -1);
};

beforeAll(async () => {
  runner = spawn(process.execPath, [join(ROOT, "scripts", "emulators", "run.mjs")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  createInterface({ input: runner.stdout! }).on("line", (line) => lines.push(line));
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    runner.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("emulators running")) resolve();
    });
    runner.once("exit", (code) => reject(new Error(`run.mjs exited with ${code} before the emulators ran:\n${stderr}`)));
  });
  await new Promise((resolve) => setImmediate(resolve)); // let readline deliver the last stdout lines
  printed = lines;
}, 90_000);

afterAll(async () => {
  if (runner && runner.exitCode === null) {
    const exited = new Promise((resolve) => runner.once("exit", resolve));
    runner.kill("SIGINT");
    await exited;
  }
});

describe("scripts/emulators/run.mjs exports", () => {
  it("prints only export lines and comments on stdout, every value on a loopback address", () => {
    expect(printed.length).toBeGreaterThan(0);
    for (const line of printed) expect(line).toMatch(/^(export [A-Z0-9_]+='[^']*'|# .*)$/);
    for (const key of ["AWS_ENDPOINT_URL_S3", "STORAGE_EMULATOR_HOST", "LAZYSCRIBE_TEST_GCS_ENDPOINT", "LAZYSCRIBE_TEST_S3_ENDPOINT"]) {
      expect(new URL(exported(key)).hostname).toBe("127.0.0.1");
    }
    expect(exported("AZURE_STORAGE_CONNECTION_STRING")).toMatch(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("after eval in a fresh shell, s3://, gs:// and az:// projects open, save and reload through the library", async () => {
    // Buckets and the container first, from outside, with explicit endpoints.
    const s3 = new S3Client({
      endpoint: exported("AWS_ENDPOINT_URL_S3"),
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "exports-s3" }));
    const gcs = new Storage({ apiEndpoint: exported("LAZYSCRIBE_TEST_GCS_ENDPOINT"), projectId: "lazyscribe-test" });
    await gcs.createBucket("exports-gcs");
    const blobs = BlobServiceClient.fromConnectionString(exported("AZURE_STORAGE_CONNECTION_STRING"));
    await blobs.getContainerClient("exports-az").create();

    const dir = mkdtempSync(join(tmpdir(), "lazyscribe-exports-"));
    const script = join(dir, "use.mjs");
    writeFileSync(
      script,
      `import { Project } from ${JSON.stringify(join(ROOT, "packages", "lazyscribe", "dist", "index.js"))};
for (const url of ["s3://exports-s3/p/project.json", "gs://exports-gcs/p/project.json", "az://exports-az/p/project.json"]) {
  const project = await Project.open(url, { mode: "w", author: "exports" });
  await project.log("via " + url.split(":")[0], (exp) => exp.logMetric("auc", 0.5));
  await project.save();
  const again = await Project.open(url, { mode: "r" });
  console.log(url, [...again].map((e) => e.name).join(","));
}
`,
    );
    // A fresh shell: no inherited cloud settings at all, only what run.mjs printed.
    const shellEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir };
    const result = spawnSync("bash", ["-c", `set -e\neval "$(cat)"\nexec node ${JSON.stringify(script)}`], {
      input: printed.join("\n"),
      env: shellEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      "s3://exports-s3/p/project.json via s3",
      "gs://exports-gcs/p/project.json via gs",
      "az://exports-az/p/project.json via az",
    ]);

    // The objects are in the emulators this script was told about.
    const fromS3 = await s3.send(new GetObjectCommand({ Bucket: "exports-s3", Key: "p/project.json" }));
    expect(await fromS3.Body!.transformToString()).toContain('"via s3"');
    const [fromGcs] = await gcs.bucket("exports-gcs").file("p/project.json").download();
    expect(fromGcs.toString()).toContain('"via gs"');
    const fromAz = await blobs.getContainerClient("exports-az").getBlobClient("p/project.json").downloadToBuffer();
    expect(fromAz.toString()).toContain('"via az"');
  }, 90_000);
});
