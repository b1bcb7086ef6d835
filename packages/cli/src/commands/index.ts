/** Every command of the `lazyscribe` executable, in the order `--help` lists them. */
import { artifactsCommand } from "./artifacts.js";
import type { CommandModule } from "./command-module.js";
import { compareCommand } from "./compare.js";
import { deployCommand } from "./deploy.js";
import { diffCommand } from "./diff.js";
import { experimentsCommand } from "./experiments.js";
import { expireCommand } from "./expire.js";
import { promoteCommand } from "./promote.js";
import { releaseCommand } from "./release.js";
import { reportCommand } from "./report.js";
import { showCommand } from "./show.js";
import { uiCommand } from "./ui.js";

/** The built-in commands. */
export const builtinCommands: readonly CommandModule[] = [
  experimentsCommand,
  showCommand,
  compareCommand,
  artifactsCommand,
  diffCommand,
  expireCommand,
  promoteCommand,
  releaseCommand,
  deployCommand,
  reportCommand,
  uiCommand,
];

export type { CommandModule } from "./command-module.js";
export { examples } from "./command-module.js";
