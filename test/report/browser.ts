/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use its DOM types.
/**
 * The real browser of the report suites: Debian's Chromium driven by
 * playwright-core. A missing Chromium fails the suite (never skips it) with
 * the command that installs it.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { beforeAll, beforeEach } from "vitest";

/** The Chromium binary; LAZYSCRIBE_CHROMIUM overrides it. */
export const CHROMIUM = process.env.LAZYSCRIBE_CHROMIUM || "/usr/bin/chromium";

/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL("../../test-output/screenshots/", import.meta.url));

/**
 * Runs a suite's setup once; if it throws (no Chromium, no Python), every test of the suite
 * fails with that error. (A failing `beforeAll` alone would report the tests as skipped.)
 */
export function setupOrFail(setup: () => Promise<void>): void {
  let failure: unknown = null;
  beforeAll(async () => {
    try {
      await setup();
    } catch (err) {
      failure = err;
    }
  });
  beforeEach(() => {
    if (failure !== null) throw failure;
  });
}

/** Launches Chromium headless, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The report suites need Chromium at ${CHROMIUM}. Run \`npm run tools\` as root (it installs it with apt-get), or on Debian or ` +
        "Ubuntu: sudo apt-get update && sudo apt-get install -y chromium; or set LAZYSCRIBE_CHROMIUM to a Chromium or Chrome binary.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"], headless: true });
}

/** What a page did: console errors, uncaught errors, dialogs and every request it made. */
export interface PageRecord {
  errors: string[];
  requests: string[];
  dialogs: string[];
}

/** A new page at a fixed laptop size, recording errors, dialogs and requests. */
export async function recordedPage(browser: Browser, size = { width: 1280, height: 800 }): Promise<{ page: Page; record: PageRecord }> {
  const context = await browser.newContext({ viewport: size });
  const page = await context.newPage();
  const record: PageRecord = { errors: [], requests: [], dialogs: [] };
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") record.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => record.errors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => record.requests.push(r.url()));
  page.on("dialog", (d) => {
    record.dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, record };
}

/** Saves a screenshot under test-output/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Waits until every chart container on the page holds a canvas with drawn (non-transparent) pixels; returns their ids. */
export async function drawnCharts(page: Page): Promise<Array<{ chart: string; drawn: boolean }>> {
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="chart"] canvas').length > 0);
  return page.$$eval('[data-testid="chart"]', (boxes) =>
    boxes.map((box) => {
      const canvas = box.querySelector("canvas");
      let drawn = false;
      if (canvas && canvas.width > 0 && canvas.height > 0) {
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4 * 7) {
          if (data[i] !== 0) {
            drawn = true;
            break;
          }
        }
      }
      return { chart: (box as HTMLElement).dataset.chart ?? "", drawn };
    }),
  );
}

/** The text of a column's cells in the rows shown, top to bottom. */
export async function columnTexts(page: Page, column: string): Promise<string[]> {
  return page.$$eval(`[data-testid="row"] td[data-column="${column}"]`, (cells) => cells.map((c) => c.textContent ?? ""));
}

/** The experiment names in the rows shown, top to bottom. */
export async function rowNames(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="row"] [data-testid="open"]', (cells) => cells.map((c) => c.textContent ?? ""));
}
