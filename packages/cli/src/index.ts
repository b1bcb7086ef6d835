/**
 * `@lazyscribe/cli`: the `lazyscribe` command line. The executable is `bin/lazyscribe.js`
 * (also exposed by the `lazyscribe` package); this module exports the pieces to run it in
 * process or to add commands.
 *
 * @packageDocumentation
 */
export { ExitCode, main, runCli } from "./main.js";
export { createProgram } from "./program.js";
export { builtinCommands, examples, type CommandModule } from "./commands/index.js";
export { CliContext, type CliIO, type GlobalFlags } from "./support/context.js";
export { Runtime } from "./support/runtime.js";
export { UsageError } from "./support/errors.js";
export { terminalSafe } from "./render/sanitize.js";
export type { ExperimentDetailJSON, ExperimentSummaryJSON, ArtifactFileJSON, TestJSON } from "./support/views.js";
export type { ComparedRowJSON, RowSection } from "./commands/compare.js";
export type { ArtifactSummaryJSON, VersionJSON } from "./commands/artifacts.js";
export type { DiffHunkJSON, DiffSideJSON } from "./commands/diff.js";
export { Stores, type ResolvedLocation, type StorageFlags } from "./support/stores.js";
export type { TableData, TableFormat } from "./render/table.js";
