/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use its DOM types.
/**
 * A hostile project: experiment names, tags, parameters, metrics, tests and artifact
 * names holding HTML, `</script>`, `javascript:` URLs, `<!--` and U+2028. In the report
 * file and in the live viewer they must show as text and never run.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { Project, Repository } from "lazyscribe";
import { renderReport, startViewer, type Viewer } from "@lazyscribe/report";
import { drawnCharts, launchChromium, recordedPage, rowNames, screenshot, setupOrFail, type PageRecord } from "./browser.js";
import { HOSTILE, hostileFixture } from "./fixtures.js";

let browser: Browser;
let dir: string;
let html: string;
let viewer: Viewer;

setupOrFail(async () => {
  browser = await launchChromium();
  dir = await hostileFixture();
  const project = await Project.open(join(dir, "project.json"), { mode: "r" });
  const repository = await Repository.open(join(dir, "repository.json"), { mode: "r" });
  html = await renderReport(project, { repository, title: HOSTILE.script });
  await writeFile(join(dir, "report.html"), html);
  viewer = await startViewer({
    project: join(dir, "project.json"),
    repository: join(dir, "repository.json"),
    title: HOSTILE.name,
    pollIntervalMs: 200,
  });
});
afterAll(async () => {
  await viewer?.close();
  await browser?.close();
});

/** Visits every view and checks that nothing from the data ran or became markup. */
async function checkEveryView(page: Page, record: PageRecord, label: string): Promise<void> {
  await page.waitForSelector('[data-testid="row"]');
  expect(await rowNames(page)).toEqual([HOSTILE.name, HOSTILE.script]);
  const tags = await page.$$eval('[data-testid="tag-filter"] option', (o) => o.map((x) => x.textContent));
  expect(tags).toEqual(expect.arrayContaining([HOSTILE.url, HOSTILE.script, HOSTILE.comment, HOSTILE.name]));
  await page.locator('[data-testid="open"]').first().click();
  const details = (await page.textContent('[data-testid="details"]')) ?? "";
  for (const text of [HOSTILE.name, HOSTILE.script, HOSTILE.url, HOSTILE.svg]) expect(details).toContain(text);
  // The parameter with U+2028/U+2029 comes through the JSON embedding unchanged.
  const cell = await page.$$eval(`[data-testid="row"] td[data-column="p:${HOSTILE.script}"]`, (c) => c.map((x) => x.textContent));
  expect(cell).toEqual([HOSTILE.url, HOSTILE.separators]);
  await screenshot(page, `hostile-${label}-experiments`);
  // Both are selected when the page opens, so the comparison draws them.
  await page.click('[data-testid="tab-compare"]');
  expect((await drawnCharts(page)).every((c) => c.drawn)).toBe(true);
  await page.click('[data-testid="tab-repository"]');
  expect(await page.textContent('[data-testid="versions"]')).toContain(HOSTILE.name);

  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(record.dialogs).toEqual([]);
  // No element the data could have made: images, SVG, frames, links, extra scripts.
  expect(await page.evaluate(() => document.querySelectorAll("img, svg, iframe, object, embed, a, form").length)).toBe(0);
  expect(await page.evaluate(() => document.querySelectorAll("script").length)).toBe(label === "live" ? 3 : 2);
  expect(record.errors).toEqual([]);
}

describe("a hostile project", () => {
  it("is embedded as inert JSON: the file holds only its own two script elements", () => {
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html).not.toContain(HOSTILE.script);
    expect(html).not.toContain(HOSTILE.comment);
    expect(html).not.toContain("\u2028");
    expect(html).toContain("default-src &#39;none&#39;");
  });

  it("shows as text and runs nothing in the report file", async () => {
    const { page, record } = await recordedPage(browser);
    const url = pathToFileURL(join(dir, "report.html")).href;
    await page.goto(url);
    expect(await page.title()).toBe(`${HOSTILE.script} · lazyscribe`);
    await checkEveryView(page, record, "file");
    expect(record.requests).toEqual([url]);
    await page.context().close();
  });

  it("shows as text and runs nothing in the live viewer", async () => {
    const { page, record } = await recordedPage(browser);
    await page.goto(viewer.url);
    await checkEveryView(page, record, "live");
    await page.context().close();
  });
});
