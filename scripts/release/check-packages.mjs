#!/usr/bin/env node
/**
 * Checks that every workspace package under packages/ is ready to publish, as a user would get it:
 *   - LICENSE (identical to the root one) and a README.md are in the tarball; the metadata a registry page
 *     needs is present (repository, homepage, bugs, keywords, publishConfig.access "public", engines.node);
 *   - every source map in the tarball points at sources that are in the tarball too;
 *   - publint and @arethetypeswrong/cli (ESM-only profile) report no problem;
 *   - `npm publish --dry-run` succeeds;
 *   - CommonJS users on Node 22.12+ can `require()` the package (require(esm)).
 * Packages must be built first (`npm run build`). Exits non-zero naming each problem.
 *
 * Usage: node scripts/release/check-packages.mjs [package-folder ...]
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, posix } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");
const rootLicense = readFileSync(join(ROOT, "LICENSE"), "utf8");
const folders =
  process.argv.slice(2).length > 0 ? process.argv.slice(2) : readdirSync(join(ROOT, "packages")).map((d) => join("packages", d));

const problems = [];
const problem = (pkg, what) => problems.push(`${pkg}: ${what}`);

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

for (const folder of folders) {
  const dir = join(ROOT, folder);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (pkg.private) continue;
  const name = pkg.name;
  process.stdout.write(`${name} `);

  for (const field of ["description", "license", "repository", "homepage", "bugs", "keywords", "engines"]) {
    if (pkg[field] === undefined) problem(name, `package.json has no "${field}"`);
  }
  if (pkg.publishConfig?.access !== "public")
    problem(name, 'publishConfig.access is not "public" (scoped packages would publish as restricted)');
  if (!/^>=22\.12/.test(pkg.engines?.node ?? "")) problem(name, `engines.node is "${pkg.engines?.node}", expected ">=22.12.0"`);

  const packed = run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], dir);
  if (!packed.ok) {
    problem(name, `npm pack failed:\n${packed.out}`);
    continue;
  }
  const files = new Set(JSON.parse(packed.out.slice(packed.out.indexOf("[")))[0].files.map((f) => f.path));
  if (!files.has("LICENSE")) problem(name, "the tarball has no LICENSE");
  else if (readFileSync(join(dir, "LICENSE"), "utf8") !== rootLicense) problem(name, "LICENSE differs from the root LICENSE");
  if (!files.has("README.md")) problem(name, "the tarball has no README.md");
  else {
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    if (!/^## Install/m.test(readme)) problem(name, 'README.md has no "## Install" section');
    if (!readme.includes("```ts")) problem(name, "README.md has no TypeScript example");
  }
  for (const file of files) {
    if (!file.endsWith(".map")) continue;
    const map = JSON.parse(readFileSync(join(dir, file), "utf8"));
    for (const source of map.sources ?? []) {
      const resolved = normalize(posix.join(posix.dirname(file), map.sourceRoot ?? "", source))
        .split("\\")
        .join("/");
      if (!files.has(resolved)) problem(name, `${file} points at ${source}, which is not in the tarball`);
    }
  }
  const bad = [...files].filter((f) => /\.test\.(ts|js)$|tsbuildinfo$/.test(f));
  if (bad.length > 0) problem(name, `the tarball ships test or build files: ${bad.join(", ")}`);

  const lint = run(join(BIN, "publint"), ["--strict", "--pack", "npm"], dir);
  if (!lint.ok || /warning|error|suggestion/i.test(lint.out.replace(/Running publint.*|Packing files.*|Linting\.\.\./g, "")))
    problem(name, `publint:\n${lint.out}`);
  const types = run(join(BIN, "attw"), ["--pack", ".", "--profile", "esm-only", "--format", "ascii"], dir);
  if (!types.ok) problem(name, `@arethetypeswrong/cli:\n${types.out}`);
  const dry = run("npm", ["publish", "--dry-run", "--ignore-scripts", "--workspace", name], ROOT);
  if (!dry.ok) problem(name, `npm publish --dry-run:\n${dry.out}`);
  if (pkg.exports?.["."]) {
    const cjs = run(process.execPath, ["-e", `require(${JSON.stringify(name)})`], ROOT);
    if (!cjs.ok) problem(name, `require() from CommonJS failed on Node ${process.version}:\n${cjs.out}`);
  }
  console.log(problems.some((p) => p.startsWith(`${name}:`)) ? "✗" : "✓");
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`\nAll ${folders.length} packages are ready to publish.`);
