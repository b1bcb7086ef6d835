/** `lazyscribe release create|list|from-config`: releases of a repository, kept in `releases.json` beside it. */
import { Command } from "@commander-js/extra-typings";
import { createRelease, releaseFromConfig, type Release, type ReleaseJSON } from "@lazyscribe/core";
import { displayDate } from "../query/fields.js";
import { terminalSafe } from "../render/sanitize.js";
import { UsageError } from "../support/errors.js";
import type { CliContext } from "../support/context.js";
import { appendRelease, readReleases } from "../support/releases-file.js";
import { examples, type CommandModule } from "./command-module.js";

/** A release in `--json` output: the `releases.json` object. */
export type ReleaseOutputJSON = ReleaseJSON;

/** `release create`, `release list` and `release from-config`. */
export const releaseCommand: CommandModule = {
  register(program, runtime) {
    const release = new Command("release")
      .summary("create and list releases of a repository")
      .description("Create and list releases: named sets of artifact versions, kept in releases.json beside the repository.")
      .addHelpText(
        "after",
        examples("lazyscribe release create registry/repository.json 1.0.0", "lazyscribe release list registry/repository.json"),
      );

    release
      .command("create")
      .summary("release the newest live version of every artifact")
      .description("Pin the newest live version of every artifact under a tag and append it to releases.json.")
      .argument("<repository>", "repository.json path or URL")
      .argument("<tag>", "release tag, usually the project version")
      .addHelpText("after", examples("lazyscribe release create s3://ml-models/churn/repository.json 1.4.0"))
      .action(async (location, tag, _options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location);
        const stored = await appendRelease(repository, createRelease(repository, tag));
        const made = stored.releases.at(-1)!;
        if (ctx.flags.json) {
          ctx.printJson({ repository: location, releases_file: stored.location, release: made.toJSON() });
          return;
        }
        ctx.print(
          `Released ${terminalSafe(tag)} (${made.artifacts.length} artifact${made.artifacts.length === 1 ? "" : "s"}) in ${terminalSafe(stored.location)}.`,
        );
        releaseTable(ctx, [made]);
      });

    release
      .command("list")
      .summary("list the releases of a repository")
      .argument("<repository>", "repository.json path or URL")
      .addHelpText("after", examples("lazyscribe release list registry/repository.json --json"))
      .action(async (location, _options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location);
        const stored = await readReleases(repository);
        if (ctx.flags.json) {
          ctx.printJson({ repository: location, releases_file: stored.location, releases: stored.releases.map((r) => r.toJSON()) });
          return;
        }
        if (stored.releases.length === 0) {
          ctx.note(`No releases yet: ${terminalSafe(stored.location)} does not exist or is empty.`);
          return;
        }
        releaseTable(ctx, stored.releases);
      });

    release
      .command("from-config")
      .summary("release every repository listed in a package.json or pyproject.toml")
      .description(
        'Read the version and the lazyscribe repositories from a package.json ("version", "lazyscribe": {"repositories": [...]}) ' +
          "or a pyproject.toml ([project].version, [tool.lazyscribe].repositories) and release each repository under that " +
          "version. A tag that already exists is left alone. Stores are reached through the environment and --storage-options.",
      )
      .argument("<config>", "package.json or pyproject.toml path or URL")
      .addHelpText("after", examples("lazyscribe release from-config package.json", "lazyscribe release from-config pyproject.toml --json"))
      .action(async (location, _options, command) => {
        const ctx = runtime.contextFor(command);
        if (ctx.flags.endpointUrl !== undefined || ctx.flags.region !== undefined) {
          throw new UsageError(
            "--endpoint-url and --region do not apply to from-config, whose repositories may be on several stores; " +
              "set the endpoint in the environment (AWS_ENDPOINT_URL_S3, STORAGE_EMULATOR_HOST, AZURE_STORAGE_CONNECTION_STRING) or pass --storage-options.",
          );
        }
        const { storage, path } = await ctx.resolve(location);
        const text = new TextDecoder().decode(await storage.read(path));
        const outcomes = await releaseFromConfig(text, ctx.flags.storageOptions ? { storage: ctx.flags.storageOptions } : {});
        if (ctx.flags.json) {
          ctx.printJson({
            config: location,
            releases: outcomes.map((o) => ({
              repository: o.repository,
              releases_file: o.releasesFile,
              created: o.created,
              release: o.release.toJSON(),
            })),
          });
          return;
        }
        for (const o of outcomes) {
          const what = o.created ? "Released" : "Already released";
          ctx.print(
            `${what} ${terminalSafe(o.release.tag)} of ${terminalSafe(o.repository)} (${o.release.artifacts.length} artifact${o.release.artifacts.length === 1 ? "" : "s"}) in ${terminalSafe(o.releasesFile)}.`,
          );
        }
      });

    program.addCommand(release);
  },
};

function releaseTable(ctx: CliContext, releases: readonly Release[]): void {
  ctx.printTable({
    head: ["tag", "created", "artifacts"],
    rows: releases.map((r) => [
      terminalSafe(r.tag),
      displayDate(r.createdAt),
      r.artifacts.map(([name, version]) => `${terminalSafe(name)}@${version}`).join(", "),
    ]),
  });
}
