/**
 * The child of the crash suite, run on the BUILT packages and killed with SIGKILL at a random moment.
 *
 *   node saver.mjs '<json: { imports: string[] }>'   then one JSON line on stdin: { location, settings?, trial, maxSaves }
 *
 * It imports the packages first (the first entry exports the lazyscribe API) and only then waits
 * for its orders, so the parent can start the next child while the current trial runs.
 * Opens the project in mode "a", prints `{ event: "ready" }`, then logs experiments named
 * `t<trial>-e<k>` with a small and a larger json artifact each and saves after every one (every
 * third save carries two experiments), printing `{ event: "saved", names }` once save() resolved.
 * Stdout is a pipe, which node writes synchronously on Linux: a printed name was durably saved.
 *
 * With `afterEntry: true` the child instead dies between the pending write and the commit: before
 * its first manifest commit another writer's commit lands (a second project in the same child saves
 * an experiment of its own), so the save takes the pending-entry path; once
 * the entry is written the child prints `{ event: "pending", names }` and SIGKILLs itself.
 */
import { createInterface } from "node:readline";

const { imports } = JSON.parse(process.argv[2]);
const api = await import(imports[0]);
for (const extra of imports.slice(1)) await import(extra);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = await lines.next();
if (next.done) process.exit(0); // the parent no longer needs this child
const config = JSON.parse(next.value);

let storage = config.settings;
if (config.afterEntry) {
  const { storage: inner, path: manifestKey } = await api.resolveLocation(config.location, config.settings);
  let pendingNames = [];
  let bumped = false;
  storage = api.wrapStorage(inner, {
    async write(key, body, options) {
      if (key === manifestKey && options?.precondition && !bumped) {
        // A concurrent writer commits first (S3 versions are content hashes, so it must change the content).
        bumped = true;
        const other = await api.Project.open(config.location, { mode: "a", author: "concurrent", storage: inner });
        await other.log(`t${config.trial}-concurrent`, (e) => e.logMetric("k", 0));
        await other.save();
      }
      const result = await inner.write(key, body, options);
      if (key.includes("/.lazyscribe-pending/")) {
        console.log(JSON.stringify({ event: "pending", names: pendingNames }));
        process.kill(process.pid, "SIGKILL");
      }
      return result;
    },
  });
  globalThis.__pendingNames = (names) => (pendingNames = names);
}
const project = await api.Project.open(config.location, { mode: "a", author: `crash-${config.trial}`, storage });
console.log(JSON.stringify({ event: "ready" }));

const padding = "x".repeat(2048);
let k = 0;
for (let save = 0; save < config.maxSaves; save++) {
  const names = [];
  for (let n = save % 3 === 2 ? 2 : 1; n > 0; n--) {
    const name = `t${config.trial}-e${k++}`;
    names.push(name);
    await project.log(name, (e) => {
      e.logMetric("k", k);
      e.logArtifact("small", { name }, "json");
      e.logArtifact("large", { name, rows: Array.from({ length: 64 }, (_, i) => ({ i, padding })) }, "json");
    });
  }
  globalThis.__pendingNames?.(names);
  await project.save();
  console.log(JSON.stringify({ event: "saved", names }));
}
console.log(JSON.stringify({ event: "finished" }));
process.exit(0);
