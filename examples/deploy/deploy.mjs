#!/usr/bin/env node
// Step 2 of the deploy example: build the minimal repository of one release in the
// deployment bucket, with the library. It is the same job as the `lazyscribe deploy`
// command (packages/cli), and takes the same three things, so run.mjs can call either:
//
//   node deploy.mjs <repository.json URL> <release tag> <deployment folder URL>
//
// It reads releases.json beside the repository (written by Python's lazyscribe.release.dump),
// finds the release by tag, and copies exactly the pinned versions (server-side inside S3).
import { fileURLToPath } from "node:url";
import { findRelease, loadReleases, minimalRepositoryFromRelease, Repository, resolveLocation } from "lazyscribe";

/** Builds the minimal repository of `tag` at `target`; returns its artifacts as `[name, version, fname]`. */
export async function deployRelease(repositoryUrl, tag, target) {
  const repository = await Repository.open(repositoryUrl, { mode: "r" });
  const releasesUrl = `${repositoryUrl.slice(0, repositoryUrl.lastIndexOf("/"))}/releases.json`;
  const { storage, path } = await resolveLocation(releasesUrl);
  const release = findRelease(loadReleases(new TextDecoder().decode(await storage.read(path)), releasesUrl), tag);
  const minimal = await minimalRepositoryFromRelease(target, repository, release);
  return minimal.artifacts.map((a) => [a.name, a.version, a.fname]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [repositoryUrl, tag, target] = process.argv.slice(2);
  if (!repositoryUrl || !tag || !target) {
    console.error("usage: node deploy.mjs <repository.json URL> <release tag> <deployment folder URL>");
    process.exit(2);
  }
  const deployed = await deployRelease(repositoryUrl, tag, target);
  console.log(JSON.stringify({ release: tag, target: `${target}/repository.json`, artifacts: deployed }));
}
