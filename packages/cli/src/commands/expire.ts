/** `lazyscribe expire <repository> <name> --version V --at DATE`: sets when a version expires. */
import { Option } from "@commander-js/extra-typings";
import { isoSeconds, type VersionMatch } from "@lazyscribe/core";
import { terminalSafe } from "../render/sanitize.js";
import { examples, type CommandModule } from "./command-module.js";
import { versionSelector } from "./parsers.js";

/** `expire`: when a version expires. */
export const expireCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("expire")
      .summary("set when an artifact version expires")
      .description(
        "Set the expiry of one version of an artifact and save the repository. An expired version is skipped when " +
          "the newest version is loaded and left out of new releases; its file stays.",
      )
      .argument("<repository>", "repository.json path or URL")
      .argument("<name>", "artifact name")
      .requiredOption("--version <version>", "version number, latest, or YYYY-MM-DDTHH:MM:SS")
      .addOption(
        new Option("--match <how>", "how a time selects the version").choices(["exact", "asof"] as const).default("exact" as const),
      )
      .option("--at <time>", "expiry time YYYY-MM-DDTHH:MM:SS (UTC), or now", "now")
      .addHelpText("after", examples("lazyscribe expire registry/repository.json features --version 1 --at 2025-06-30T00:00:00"))
      .action(async (location, name, options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location, "w+");
        const match: VersionMatch = options.match;
        const selector = { version: versionSelector(options.version), match };
        const { version } = repository.getArtifactMetadata(name, selector);
        repository.setArtifactExpiry(name, { version, expiry: options.at === "now" ? null : options.at });
        await repository.save();
        const expiry = repository.getArtifactMetadata(name, { version }).expiry ?? isoSeconds(new Date());
        if (ctx.flags.json) {
          ctx.printJson({ repository: location, name, version, expiry });
          return;
        }
        ctx.print(
          `Version ${version} of ${terminalSafe(name)} expires at ${expiry.replace("T", " ")} (saved to ${terminalSafe(location)}).`,
        );
      });
  },
};
