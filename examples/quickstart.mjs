// The README quickstart: log experiments on local disk, promote an artifact,
// cut a release and build a minimal repository from it.
import { mkdir, readFile, rm } from "node:fs/promises";
import { Project, Repository, createRelease, minimalRepositoryFromRelease } from "lazyscribe";

const dir = process.argv[2] ?? "example-output";
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });

const project = await Project.open(`${dir}/project.json`, { mode: "w", author: "quickstart" });
for (const [name, lr] of [
  ["baseline", 0.1],
  ["tuned", 0.03],
]) {
  await project.log(name, async (exp) => {
    exp.logParameter("learning_rate", lr);
    exp.logMetric("auc", lr === 0.1 ? 0.81 : 0.87);
    exp.tag("demo");
    exp.logArtifact("features", ["age", "income", "tenure"], "json");
    await exp.logTest("young customers", "age < 30", (test) => test.logMetric("auc", 0.79));
  });
}
await project.save();

const repository = await Repository.open(`${dir}/repository/repository.json`, { mode: "w+" });
await project.get("tuned").promoteArtifact(repository, "features");

const readOnly = await Repository.open(`${dir}/repository/repository.json`, { mode: "r" });
const release = createRelease(readOnly, "1.0.0");
const minimal = await minimalRepositoryFromRelease(`${dir}/deploy`, readOnly, release);

console.log(`Wrote ${project.experiments.length} experiments to ${dir}/project.json:`);
for (const exp of project.experiments)
  console.log(`  ${exp.slug}  auc=${exp.metrics.auc}  artifacts=${exp.artifacts.map((a) => a.fname).join(", ")}`);
console.log(`Release ${release.tag}, created ${release.createdAt.toISOString().slice(0, 19)} UTC:`);
for (const [name, version] of release.artifacts) console.log(`  ${name} version ${version}`);
console.log(
  `Minimal repository at ${dir}/deploy with ${minimal.artifacts.length} artifact(s); features = ${JSON.stringify(await minimal.loadArtifact("features"))}`,
);
console.log(
  `\n${dir}/project.json starts with:\n${(await readFile(`${dir}/project.json`, "utf8")).split("\n").slice(0, 8).join("\n")}\n    ...`,
);
