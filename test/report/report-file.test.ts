/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use its DOM types.
/**
 * The report file in a real browser (Chromium, from file://): the rows of a project
 * written by Python lazyscribe, sorting, filtering, the column chooser, "only what
 * differs", selection, every chart drawn, the details and the repository with its
 * diff; no console error and no request but the file itself. Screenshots of each
 * view go to test-output/screenshots/.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { Project, Repository } from "lazyscribe";
import { renderReport } from "@lazyscribe/report";
import { columnTexts, drawnCharts, launchChromium, recordedPage, rowNames, screenshot, setupOrFail, type PageRecord } from "./browser.js";
import { freshFolder, largeFixture, pythonFixture } from "./fixtures.js";

let browser: Browser;
let dir: string;
let fileUrl: string;

setupOrFail(async () => {
  browser = await launchChromium();
  dir = await pythonFixture();
  const project = await Project.open(join(dir, "project.json"), { mode: "r" });
  const repository = await Repository.open(join(dir, "repository.json"), { mode: "r" });
  const file = join(dir, "report.html");
  await writeFile(file, await renderReport(project, { repository, title: "Churn model" }));
  fileUrl = pathToFileURL(file).href;
});
afterAll(async () => {
  await browser?.close();
});

async function openReport(size?: { width: number; height: number }): Promise<{ page: Page; record: PageRecord }> {
  const opened = await recordedPage(browser, size);
  await opened.page.goto(fileUrl);
  await opened.page.waitForSelector('[data-testid="row"]');
  return opened;
}

function expectQuiet(record: PageRecord): void {
  expect(record.errors).toEqual([]);
  // The only request is the file itself: scripts, styles, fonts and data are inline.
  expect(record.requests).toEqual([fileUrl]);
}

describe("the report file", () => {
  it("shows every experiment Python lazyscribe wrote, with parameters and metrics", async () => {
    const { page, record } = await openReport();
    expect(await rowNames(page)).toEqual(["baseline", "deeper", "tuned", "boosted"]);
    expect(await columnTexts(page, "m:auc")).toEqual(["0.71", "0.78", "0.83", "0.81"]);
    expect(await columnTexts(page, "p:model")).toEqual(["tree", "tree", "tree", "gbm"]);
    expect(await columnTexts(page, "tags")).toEqual(["baseline", "candidate", "candidate, best", "candidate"]);
    expect(await page.title()).toBe("Churn model · lazyscribe");
    await screenshot(page, "experiments");
    expectQuiet(record);
    await page.context().close();
  });

  it("sorts by a column both ways and filters by text and by tag", async () => {
    const { page, record } = await openReport();
    const sortBy = (id: string) => page.click(`[data-testid="sort"][data-column="${id}"]`);
    await sortBy("m:auc");
    expect(await rowNames(page)).toEqual(["baseline", "deeper", "boosted", "tuned"]);
    await sortBy("m:auc");
    expect(await rowNames(page)).toEqual(["tuned", "boosted", "deeper", "baseline"]);
    await sortBy("name");
    expect(await rowNames(page)).toEqual(["baseline", "boosted", "deeper", "tuned"]);

    await page.fill('[data-testid="filter"]', "gbm");
    expect(await rowNames(page)).toEqual(["boosted"]);
    await page.fill('[data-testid="filter"]', "depth=6");
    expect(await rowNames(page)).toEqual(["deeper", "tuned"]);
    await page.fill('[data-testid="filter"]', "no such run");
    expect(await rowNames(page)).toEqual([]);
    await page.fill('[data-testid="filter"]', "");
    await page.selectOption('[data-testid="tag-filter"]', "candidate");
    expect(await rowNames(page)).toEqual(["boosted", "deeper", "tuned"]);
    await page.selectOption('[data-testid="tag-filter"]', "best");
    expect(await rowNames(page)).toEqual(["tuned"]);
    expect(await page.textContent('[data-testid="row-count"]')).toContain("1 of 4 shown");
    expectQuiet(record);
    await page.context().close();
  });

  it("hides what is equal with 'only what differs', over the selection, and chooses columns", async () => {
    const { page, record } = await openReport();
    const headers = () => page.$$eval('[data-testid="sort"]', (b) => b.map((x) => (x as HTMLElement).dataset.column));
    expect(await headers()).toEqual(["name", "created", "author", "tags", "p:depth", "p:learning_rate", "p:model", "m:auc", "m:loss"]);
    await page.check('[data-testid="only-differs"]');
    // All four are selected at first, and one author wrote them all.
    expect(await headers()).toEqual(["name", "created", "tags", "p:depth", "p:learning_rate", "p:model", "m:auc", "m:loss"]);
    // Only deeper and tuned: same model and depth; learning rate, tags and metrics differ.
    await page.click('[data-testid="clear-selection"]');
    const rows = page.locator('[data-testid="row"]');
    await rows.nth(1).locator('[data-testid="row-select"]').check();
    await rows.nth(2).locator('[data-testid="row-select"]').check();
    expect(await headers()).toEqual(["name", "created", "tags", "p:learning_rate", "m:auc", "m:loss"]);
    await page.uncheck('[data-testid="only-differs"]');
    expect(await headers()).toContain("p:model");

    await page.click('[data-testid="column-chooser"] summary');
    await page.uncheck('[data-testid="column-toggle"][data-column="p:model"]');
    await page.check('[data-testid="column-toggle"][data-column="slug"]');
    const after = await headers();
    expect(after).not.toContain("p:model");
    expect(after).toContain("slug");
    expect(await page.textContent('[data-testid="tab-compare"]')).toBe("Compare (2)");
    expectQuiet(record);
    await page.context().close();
  });

  it("opens an experiment's details: artifacts with handler, file and size, tags, author, times, tests", async () => {
    const { page, record } = await openReport();
    await page.locator('[data-testid="row"]').nth(2).locator('[data-testid="open"]').click();
    const details = page.locator('[data-testid="details"]');
    await expect.poll(() => details.locator("h2").textContent()).toBe("tuned");
    const text = (await details.textContent()) ?? "";
    expect(text).toContain("python-author");
    expect(text).toContain("candidate");
    expect(text).toContain("young customers");
    const artifact = await details.locator('[data-testid="artifacts"] tbody tr').first().locator("td").allTextContents();
    expect(artifact[0]).toBe("features");
    expect(artifact[1]).toBe("json");
    expect(artifact[2]).toMatch(/^features-\d{14}\.json$/);
    expect(artifact[3]).toMatch(/^\d+ B$/);
    await screenshot(page, "details");
    expectQuiet(record);
    await page.context().close();
  });

  it("draws one chart per metric, the scatter, parallel coordinates and the tests for the selection", async () => {
    const { page, record } = await openReport();
    await page.click('[data-testid="tab-compare"]');
    const charts = await drawnCharts(page);
    expect(charts.map((c) => c.chart).sort()).toEqual(["metric:auc", "metric:loss", "parallel", "scatter", "test:auc"]);
    expect(charts.filter((c) => !c.drawn)).toEqual([]);
    await page.selectOption('[data-testid="scatter-x"]', "p:learning_rate");
    expect((await drawnCharts(page)).every((c) => c.drawn)).toBe(true);
    await screenshot(page, "compare", true);
    expectQuiet(record);
    await page.context().close();
  });

  it("shows the repository: versions on a timeline, expiries, releases and the diff between two versions", async () => {
    const { page, record } = await openReport();
    await page.click('[data-testid="tab-repository"]');
    const charts = await drawnCharts(page);
    expect(charts).toEqual([{ chart: "timeline", drawn: true }]);
    const versions = await page
      .locator('[data-testid="versions"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)));
    expect(versions.map((v) => `${v[0]} v${v[1]}`)).toEqual(["features v0", "thresholds v0", "features v1", "thresholds v1"]);
    expect(versions[1]![5]).toContain("(expired)");
    expect(versions[2]![7]).toBe("1.0.0, 1.1.0");
    expect(await page.locator('[data-testid="releases"] li').allTextContents()).toEqual([
      expect.stringMatching(/^1\.1\.0 .*features v1, thresholds v1$/),
      expect.stringMatching(/^1\.0\.0 .*features v1, thresholds v0$/),
    ]);
    const diff = page.locator('[data-testid="diff"]');
    expect(await diff.locator(".add").allTextContents()).toEqual(['+        "income",\n', '+        "tenure"\n']);
    expect(await diff.locator(".del").allTextContents()).toEqual(['-        "income"\n']);
    await page.selectOption('[data-testid="diff-artifact"]', "thresholds");
    expect(await page.locator('[data-testid="diff"] .add').allTextContents()).toContain('+    "loss": 0.45\n');
    await screenshot(page, "repository", true);
    expectQuiet(record);
    await page.context().close();
  });

  it("stays usable in a narrow window: the table scrolls inside its box and the details stack below", async () => {
    const { page, record } = await openReport({ width: 420, height: 800 });
    const table = await page.locator('[data-testid="experiments-table"]').boundingBox();
    const details = await page.locator('[data-testid="details"]').boundingBox();
    expect(table!.width).toBeLessThanOrEqual(420);
    expect(details!.y).toBeGreaterThan(table!.y + table!.height - 1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshot(page, "narrow");
    expectQuiet(record);
    await page.context().close();
  });
});

describe("a report of an empty project", () => {
  it("opens with an empty table, says so, and has nothing to compare", async () => {
    const empty = await freshFolder("empty");
    const project = await Project.open(join(empty, "project.json"), { mode: "r" });
    const file = join(empty, "report.html");
    await writeFile(file, await renderReport(project));
    const { page, record } = await recordedPage(browser);
    await page.goto(pathToFileURL(file).href);
    await expect.poll(() => page.textContent('[data-testid="experiments-table"]')).toContain("No experiment matches.");
    expect(await page.textContent(".detail-pane")).toContain("This project has no experiments.");
    await page.click('[data-testid="tab-compare"]');
    expect(await page.textContent('[data-testid="compare-empty"]')).toContain("Select experiments");
    expect(await page.locator('[data-testid="tab-repository"]').count()).toBe(0);
    expect(record.errors).toEqual([]);
    await page.context().close();
  });
});

describe("a report of 10,000 experiments", () => {
  it("opens with the first rows drawn, keeps few rows in the DOM, and sorts and filters all of them", async () => {
    const large = await largeFixture(10_000);
    const project = await Project.open(join(large, "project.json"), { mode: "r" });
    const file = join(large, "report.html");
    await writeFile(file, await renderReport(project));
    const { page, record } = await recordedPage(browser);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('[data-testid="row"]');
    expect(await page.textContent('[data-testid="row-count"]')).toContain("10000 of 10000 shown");
    // Virtualised: a screenful of rows, not ten thousand.
    expect(await page.locator('[data-testid="row"]').count()).toBeLessThan(100);
    await page.locator('[data-testid="experiments-table"]').evaluate((el) => (el.scrollTop = 30 * 5000));
    await expect.poll(() => rowNames(page).then((names) => names.includes("run 5000"))).toBe(true);
    await page.click('[data-testid="sort"][data-column="p:param_1"]');
    await page.click('[data-testid="sort"][data-column="p:param_1"]');
    await page.locator('[data-testid="experiments-table"]').evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => columnTexts(page, "p:param_1").then((v) => v[0])).toBe("96");
    await page.fill('[data-testid="filter"]', "group-3 odd");
    expect(await page.textContent('[data-testid="row-count"]')).toContain("1000 of 10000 shown");
    // Compare the thousand shown (plus the five newest, selected at first): every chart still draws.
    await page.click('[data-testid="select-all"]');
    expect(await page.textContent('[data-testid="tab-compare"]')).toBe("Compare (1005)");
    await page.click('[data-testid="tab-compare"]');
    const charts = await drawnCharts(page);
    expect(charts.length).toBe(7); // five metrics, the scatter, the parallel coordinates
    expect(charts.filter((c) => !c.drawn)).toEqual([]);
    await screenshot(page, "compare-1005");
    expect(record.errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
