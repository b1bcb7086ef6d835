/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use its DOM types.
/**
 * The live viewer in a real browser: the page it serves, a change saved to the
 * project appearing without a reload, version-token polling that re-reads nothing
 * when nothing changed, the read-only and Host-header rules, and Ctrl-C stopping
 * the `lazyscribe ui` process cleanly.
 */
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { Project } from "lazyscribe";
import { startViewer, type Viewer } from "@lazyscribe/report";
import { drawnCharts, launchChromium, recordedPage, rowNames, screenshot, setupOrFail } from "./browser.js";
import { pythonFixture } from "./fixtures.js";

let browser: Browser;
let dir: string;
let viewer: Viewer;

setupOrFail(async () => {
  browser = await launchChromium();
  dir = await pythonFixture();
  viewer = await startViewer({
    project: join(dir, "project.json"),
    repository: join(dir, "repository.json"),
    pollIntervalMs: 200,
    title: "Live churn model",
  });
});
afterAll(async () => {
  await viewer?.close();
  await browser?.close();
});

/** A raw HTTP request, so the Host header and method can be anything. */
function raw(
  method: string,
  path: string,
  host: string | null,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { port } = new URL(viewer.url);
  return new Promise((resolve, reject) => {
    const headers = host === null ? {} : { host };
    const req = request({ host: "127.0.0.1", port, method, path, headers, setHost: host !== null }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the live viewer", () => {
  it("listens on 127.0.0.1 and serves the report page, which draws its charts with no console error", async () => {
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const { page, record } = await recordedPage(browser);
    await page.goto(viewer.url);
    await page.waitForSelector('[data-testid="row"]');
    expect(await rowNames(page)).toEqual(["baseline", "deeper", "tuned", "boosted"]);
    await expect.poll(() => page.textContent('[data-testid="live-status"]')).toMatch(/^Live/);
    await page.click('[data-testid="tab-compare"]');
    expect((await drawnCharts(page)).every((c) => c.drawn)).toBe(true);
    expect(record.errors).toEqual([]);
    const origin = new URL(viewer.url).origin;
    expect(record.requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
    await page.context().close();
  });

  it("shows an experiment saved to the project without a reload, keeping the view's state", async () => {
    const { page, record } = await recordedPage(browser);
    await page.goto(viewer.url);
    await page.waitForSelector('[data-testid="row"]');
    await page.fill('[data-testid="filter"]', "tree");
    expect(await rowNames(page)).toEqual(["baseline", "deeper", "tuned"]);
    const loadsBefore = viewer.stats.loads;

    const project = await Project.open(join(dir, "project.json"), { mode: "a", author: "live-writer" });
    await project.log("live run", (exp) => {
      exp.logParameter("model", "tree");
      exp.logMetric("auc", 0.9);
    });
    await project.save();

    await expect.poll(() => rowNames(page), { timeout: 10_000 }).toEqual(["baseline", "deeper", "tuned", "live run"]);
    expect(viewer.stats.loads).toBe(loadsBefore + 1);
    expect(await page.inputValue('[data-testid="filter"]')).toBe("tree");
    // The filter box keeps the focus through the update, so typing goes on.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe("filter");
    await screenshot(page, "live");
    expect(record.errors).toEqual([]);
    await page.context().close();
  });

  it("polls the version tokens and re-reads nothing while nothing changes", async () => {
    await viewer.refresh();
    const before = { ...viewer.stats };
    // Wait for the poll timer (every 200 ms) to check five more times.
    await expect.poll(() => viewer.stats.polls, { timeout: 10_000 }).toBeGreaterThanOrEqual(before.polls + 5);
    await viewer.refresh();
    expect(viewer.stats.loads).toBe(before.loads);
  });

  it("answers only GET and HEAD on its own routes, and only to its own host names", async () => {
    const host = new URL(viewer.url).host;
    const port = new URL(viewer.url).port;
    const version = await raw("GET", "/api/version", host);
    expect(version.status).toBe(200);
    expect(JSON.parse(version.body)).toEqual({ token: expect.any(String), error: null });
    const data = await raw("GET", "/api/data", `localhost:${port}`);
    expect(JSON.parse(data.body).project.experiments.length).toBeGreaterThanOrEqual(4);
    const page = await raw("GET", "/", host);
    expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    expect((await raw("HEAD", "/", host)).body).toBe("");

    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await raw(method, "/", host);
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe("GET, HEAD");
    }
    expect((await raw("GET", "/project.json", host)).status).toBe(404);
    expect((await raw("GET", "/../project.json", host)).status).toBe(404);
    // DNS rebinding: a page on another name resolving to 127.0.0.1 sends its own Host.
    for (const evil of [`evil.example:${port}`, "evil.example", `127.0.0.1:${Number(port) + 1}`, null]) {
      const res = await raw("GET", "/api/data", evil);
      // Node's server itself answers 400 to an HTTP/1.1 request with no Host at all.
      expect(res.status, String(evil)).toBe(evil === null ? 400 : 403);
      expect(res.body).not.toContain("experiments");
    }
  });
});

describe("lazyscribe ui as a process", () => {
  it("stops cleanly on Ctrl-C (SIGINT): the server closes and the process exits with code 0", async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL("./ui-child.mjs", import.meta.url)), join(dir, "project.json")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await expect.poll(() => out, { timeout: 20_000 }).toContain('"url"');
    const url = (JSON.parse(out.split("\n")[0]!) as { url: string }).url;
    expect((await fetch(`${url}api/version`)).status).toBe(200);

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(err).toBe("");
    expect(out).toContain('{"stopped":true}');
    await expect(fetch(`${url}api/version`)).rejects.toThrow();
  });
});
