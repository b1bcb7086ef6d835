/**
 * The report page: one HTML document with the client script, its stylesheet and
 * the data inlined, under a Content-Security-Policy that allows nothing but
 * those two inline blocks (by hash), so the page can make no request at all.
 */
import { createHash } from "node:crypto";
import { clientAssets } from "./client-assets.js";
import { escapeHtml, jsonForScriptElement } from "./embed.js";
import type { LivePageConfig, ReportData } from "./report-data.js";

/** Element ids the client reads its inputs from. */
export const DATA_ELEMENT_ID = "lazyscribe-data";
/** Element id of the live viewer's settings. */
export const LIVE_ELEMENT_ID = "lazyscribe-live";

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The Content-Security-Policy of a page: no source at all by default; the one
 * script and one style by hash; images only as `data:` (chart exports); in the
 * live viewer, requests to the page's own origin.
 */
export function contentSecurityPolicy(live: boolean): string {
  const { script, style } = clientAssets();
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "img-src data:",
    live ? "connect-src 'self'" : "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** Renders the page for `data`; with `live`, the page polls the viewer for changes. */
export function renderPage(data: ReportData, live?: LivePageConfig): string {
  const { script, style } = clientAssets();
  const parts = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(live !== undefined))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(data.title)} · lazyscribe</title>`,
    `<style>${style}</style>`,
    "</head>",
    "<body>",
    '<div id="app"><p class="loading">Loading…</p></div>',
    `<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScriptElement(data)}</script>`,
    live ? `<script type="application/json" id="${LIVE_ELEMENT_ID}">${jsonForScriptElement(live)}</script>` : "",
    `<script>${script}</script>`,
    "</body>",
    "</html>",
  ];
  return parts.join("\n");
}
