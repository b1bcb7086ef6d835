/**
 * `lazyscribe report` and `lazyscribe ui` through the real executable: the report file (on disk and in a bucket),
 * a missing project named in the error, and the live viewer answering, refusing foreign hosts and stopping on Ctrl-C.
 * The page itself is checked in a real browser by test/report/.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, requireBuiltCli, runCli, runJson, writeFixture, type Fixture } from "./harness.js";

let fixture: Fixture;
beforeAll(async () => {
  requireBuiltCli();
  fixture = await writeFixture(await mkdtemp(join(tmpdir(), "lazyscribe-cli-report-")));
});

describe("lazyscribe report", () => {
  it("writes one self-contained HTML file holding the project's experiments", async () => {
    const output = join(fixture.root, "report.html");
    const run = await runCli(["report", fixture.project, "-o", output, "--title", "Churn"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Wrote .*report\.html \(\d+ KB\)\.\n$/);
    const html = await readFile(output, "utf8");
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain("Tuned model");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
  });

  it("--json says what it wrote, and a bucket URL works as the output", async () => {
    const endpoint = process.env.LAZYSCRIBE_TEST_S3_ENDPOINT!;
    const s3 = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const bucket = `cli-report-${Date.now().toString(36)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const doc = await runJson(["report", fixture.project, "-o", `s3://${bucket}/reports/churn.html`]);
    expect(doc).toMatchObject({ project: fixture.project, repository: null, output: `s3://${bucket}/reports/churn.html` });
    const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "reports/churn.html" }));
    const html = await stored.Body!.transformToString();
    expect(Buffer.byteLength(html)).toBe(doc.bytes);
    expect(html).toContain("Tuned model");
  });

  it("a missing project is an error naming it, and nothing is written", async () => {
    const missing = join(fixture.root, "nowhere", "project.json");
    const output = join(fixture.root, "never.html");
    const run = await runCli(["report", missing, "-o", output]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(missing);
    await expect(readFile(output)).rejects.toThrow();
  });
});

describe("lazyscribe ui", () => {
  it("serves the page on 127.0.0.1, refuses other hosts and methods, and stops cleanly on Ctrl-C", async () => {
    const child = spawn(process.execPath, [BIN, "ui", fixture.project, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on("line", (line) => {
          const match = /on (http:\/\/127\.0\.0\.1:\d+\/?)/.exec(line);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`ui exited with ${code} before listening:\n${stderr}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Tuned model");
      expect((await fetch(url, { method: "POST" })).status).toBeGreaterThanOrEqual(400);
      const port = new URL(url).port;
      const foreign = await new Promise<number>((resolve, reject) => {
        // fetch() does not let a caller set Host, so speak HTTP/1.1 by hand, as a rebinding page's request would arrive.
        import("node:http").then(({ request }) => {
          const req = request({ host: "127.0.0.1", port, path: "/", headers: { host: `evil.example:${port}` } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        }, reject);
      });
      expect(foreign).toBe(403);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
  }, 60_000);

  it("a missing project is an error naming it", async () => {
    const missing = join(fixture.root, "nowhere", "project.json");
    const run = await runCli(["ui", missing, "--port", "0"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(missing);
  });
});
