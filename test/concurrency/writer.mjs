/**
 * One writer of the many-writers load test, run as its own OS process on the BUILT packages.
 *
 *   node writer.mjs '<json config>'
 *
 * config: { imports: string[] (dist entries, the first exports the lazyscribe API), location, settings?,
 *           writer: number, experiments: number, batch: number }
 *
 * Opens the project in mode "a", logs `experiments` experiments named `w<writer>-e<j>` with one small
 * json artifact each, saving every `batch` experiments, and prints one JSON line
 * `{ event: "done", writer, saved, conflicts, saveRetries, ms }`. `conflicts` counts the manifest
 * writes refused by their precondition (each one sends that save through its pending entry, see
 * docs/concurrency.md).
 */
const config = JSON.parse(process.argv[2]);
const started = Date.now();
const api = await import(config.imports[0]);
for (const extra of config.imports.slice(1)) await import(extra);

const { storage: inner, path: manifestKey } = await api.resolveLocation(config.location, config.settings);
let conflicts = 0;
// Delegates to the real store, counting refused manifest preconditions.
const storage = api.wrapStorage(inner, {
  async write(key, body, options) {
    try {
      return await inner.write(key, body, options);
    } catch (err) {
      if (key === manifestKey && api.isStorageError(err, "PRECONDITION_FAILED")) conflicts++;
      throw err;
    }
  },
});

const project = await api.Project.open(config.location, { mode: "a", author: `writer-${config.writer}`, storage });
let saved = 0;
let saveRetries = 0;
async function save() {
  // save() does not give up on a race; a SaveError here is counted (the suite expects none) and the save repeated.
  for (let attempt = 1; ; attempt++) {
    try {
      await project.save();
      return;
    } catch (err) {
      if (!(err instanceof api.SaveError) || attempt >= 5) throw err;
      saveRetries++;
    }
  }
}
for (let j = 0; j < config.experiments; j++) {
  await project.log(`w${config.writer}-e${j}`, (e) => {
    e.logMetric("j", j);
    e.logParameter("writer", config.writer);
    e.logArtifact("data", { writer: config.writer, j }, "json");
  });
  if ((j + 1) % config.batch === 0 || j === config.experiments - 1) {
    await save();
    saved = j + 1;
  }
}
await inner.close?.();
console.log(JSON.stringify({ event: "done", writer: config.writer, saved, conflicts, saveRetries, ms: Date.now() - started }));
