/** Python's tests/smoke_test.py (spec section 12, smoke_test), on memory and local disk. */
import { describe, expect, it } from "vitest";
import { Project, Repository, resolveLocation } from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

describe.each(specBackends)("smoke test on $name", (backend) => {
  it("logs a metric, a list parameter and a json artifact, saves one experiment, promotes the artifact to a new w repository and loads it back", async () => {
    const root = await backend.freshRoot();
    const project = await Project.open(`${root}/project.json`, { mode: "w" });
    await project.log("Basic experiment", (exp) => {
      exp.logMetric("performance", 0.75);
      exp.logParameter("features", [0, 1, 2, 3, 4]);
      exp.logArtifact("feature-names", ["a", "b", "c", "d", "e"], "json");
    });
    await project.save();

    const { storage, path } = await resolveLocation(`${root}/project.json`);
    const saved = JSON.parse(new TextDecoder().decode(await storage.read(path))) as unknown[];
    expect(saved).toHaveLength(1);

    const repo = await Repository.open(`${root}/repository.json`, { mode: "w" });
    await project.get("basic-experiment").promoteArtifact(repo, "feature-names");
    expect(await repo.loadArtifact("feature-names")).toEqual(["a", "b", "c", "d", "e"]);
  });
});
