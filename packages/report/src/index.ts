/**
 * `@lazyscribe/report`: a project and repository as one self-contained HTML
 * file ({@link renderReport}), and a live, read-only local viewer of the same
 * page that refreshes when the store changes ({@link startViewer}).
 *
 * Open locations with the backends registered (import `lazyscribe`, or the
 * `@lazyscribe/*` backends you use) before calling these.
 *
 * @packageDocumentation
 */
export { collectReportData, releasesKey, type CollectOptions } from "./collect.js";
export { renderReport, type RenderReportOptions } from "./render-report.js";
export { renderPage, contentSecurityPolicy, DATA_ELEMENT_ID, LIVE_ELEMENT_ID } from "./page.js";
export { jsonForScriptElement, escapeHtml } from "./embed.js";
export { ReportAssetsMissingError, clientAssets, type ClientAssets } from "./client-assets.js";
export { startViewer, allowedHostHeaders, ViewerStartError, type Viewer, type ViewerOptions, type ViewerStats } from "./viewer.js";
export { runReportCommand, runUiCommand, type ReportCommandOptions, type UiCommandOptions } from "./commands.js";
export { toReportValue, toReportRecord } from "./values.js";
export type * from "./report-data.js";
