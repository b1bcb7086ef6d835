/** `renderReport`: a project (and repository) as one self-contained HTML file. */
import type { Project } from "@lazyscribe/core";
import { collectReportData, type CollectOptions } from "./collect.js";
import { renderPage } from "./page.js";

/** Options of {@link renderReport}; the same as {@link collectReportData}'s. */
export type RenderReportOptions = CollectOptions;

/**
 * One HTML document showing `project` (and `options.repository`): scripts, styles
 * and data inlined, no request leaves the page, so it works from `file://` offline.
 * It reads the stored size of each artifact file and the text of text-handler
 * repository versions, hence async.
 *
 * @throws StorageError when the store fails; ReportAssetsMissingError when the package was not built.
 */
export async function renderReport(project: Project, options: RenderReportOptions = {}): Promise<string> {
  return renderPage(await collectReportData(project, options));
}
