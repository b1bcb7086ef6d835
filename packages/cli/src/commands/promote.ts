/** `lazyscribe promote <project> <slug> <artifact> <repository>`: an experiment's artifact becomes the repository's next version. */
import { Repository } from "@lazyscribe/core";
import { terminalSafe } from "../render/sanitize.js";
import { examples, type CommandModule } from "./command-module.js";

/** `promote`: an experiment artifact into a repository. */
export const promoteCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("promote")
      .summary("promote an experiment's artifact into a repository")
      .description(
        "Copy an artifact of an experiment into a repository as its next version and save the repository (created " +
          "when absent). Inside one store the file is copied server-side. The project is only read.",
      )
      .argument("<project>", "project.json path or URL")
      .argument("<slug>", "the experiment's slug or short slug")
      .argument("<artifact>", "the artifact's name")
      .argument("<repository>", "repository.json path or URL (same protocol as the project)")
      .addHelpText("after", examples("lazyscribe promote runs/project.json tuned-model features registry/repository.json"))
      .action(async (projectLocation, slug, artifact, repositoryLocation, _options, command) => {
        const ctx = runtime.contextFor(command);
        const project = await ctx.openProject(projectLocation);
        const experiment = project.get(slug);
        const { storage } = await ctx.resolve(repositoryLocation);
        const repository = await Repository.open(repositoryLocation, { mode: "w+", storage });
        await experiment.promoteArtifact(repository, artifact);
        const promoted = repository.artifacts.filter((a) => a.name === artifact).reduce((x, y) => (y.version > x.version ? y : x));
        if (ctx.flags.json) {
          ctx.printJson({
            project: projectLocation,
            experiment: experiment.slug,
            artifact,
            repository: repositoryLocation,
            version: promoted.version,
            fname: promoted.fname,
          });
          return;
        }
        ctx.print(
          `Promoted ${terminalSafe(artifact)} of ${terminalSafe(experiment.slug)} to ${terminalSafe(repositoryLocation)} as version ${promoted.version}.`,
        );
      });
  },
};
