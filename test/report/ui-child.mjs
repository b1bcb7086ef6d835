/**
 * The child of the viewer suite's Ctrl-C test, on the BUILT packages: what `lazyscribe ui` runs.
 *
 *   node ui-child.mjs <project> [repository]
 *
 * Prints one JSON line `{ "url": ... }` once listening, stops on SIGINT, prints `{ "stopped": true }`
 * and exits with code 0 (no open handle keeps it alive).
 */
import "lazyscribe";
import { runUiCommand } from "@lazyscribe/report";

const [project, repository] = process.argv.slice(2);
await runUiCommand({
  project,
  repository,
  port: 0,
  pollIntervalMs: 200,
  onListening: (viewer) => console.log(JSON.stringify({ url: viewer.url })),
});
console.log(JSON.stringify({ stopped: true }));
