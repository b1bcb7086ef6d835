/**
 * `lazyscribe deploy <repository> <tag> <destination>`: the minimal repository of a release
 * (only its versions, then `repository.json`) built at a destination folder, with progress.
 */
import { findRelease, formatLocation, InvalidStateError, joinKey, minimalRepositoryFromRelease, parseLocation } from "@lazyscribe/core";
import { createProgress } from "../render/progress.js";
import { terminalSafe } from "../render/sanitize.js";
import { readReleases } from "../support/releases-file.js";
import { examples, type CommandModule } from "./command-module.js";
import { positiveInteger } from "./parsers.js";

/** `deploy`: the minimal repository of a release at a destination. */
export const deployCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("deploy")
      .summary("build the minimal repository of a release at a destination")
      .description(
        "Copy the versions pinned by a release, and a repository.json listing only them, into a destination folder. " +
          "Inside one store the files are copied server-side; between stores of one protocol they stream; a destination " +
          "on another protocol is refused. An existing repository.json at the destination is replaced only with --force.",
      )
      .argument("<repository>", "repository.json path or URL")
      .argument("<tag>", "release tag (see `lazyscribe release list`)")
      .argument("<destination>", "destination folder path or URL")
      .option("--force", "replace a repository.json already at the destination")
      .option("--concurrency <n>", "files copied at once", positiveInteger, 8)
      .addHelpText(
        "after",
        examples(
          "lazyscribe deploy registry/repository.json 1.0.0 build/models",
          "lazyscribe deploy s3://ml-registry/churn/repository.json 1.4.0 s3://ml-serving/churn",
        ),
      )
      .action(async (location, tag, destination, options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location);
        const stored = await readReleases(repository);
        if (stored.releases.length === 0) {
          throw new InvalidStateError(
            `${stored.location} holds no releases; create one with \`lazyscribe release create ${location} <tag>\`.`,
          );
        }
        const release = findRelease(stored.releases, tag);
        const target = parseLocation(destination);
        const manifest = formatLocation(target.protocol, joinKey(target.path, "repository.json"));
        // A destination on another protocol is left to the library, which refuses it with its own message.
        const sameProtocol = target.protocol === repository.protocol;
        const destinationStore = sameProtocol ? await ctx.stores.forProtocol(target.protocol) : undefined;
        if (destinationStore && !options.force && (await destinationStore.stat(joinKey(target.path, "repository.json")))) {
          throw new InvalidStateError(`${manifest} already exists; pass --force to replace it, or deploy to an empty folder.`);
        }
        const progress = createProgress(ctx.io.stderr, `Deploying ${terminalSafe(tag)}`);
        let files = 0;
        try {
          await minimalRepositoryFromRelease(destination, repository, release, {
            storage: destinationStore,
            concurrency: options.concurrency,
            onProgress: (p) => {
              files = p.files;
              progress.update(p.files, p.totalFiles);
            },
          });
        } finally {
          progress.stop();
        }
        const serverSide = destinationStore !== undefined && destinationStore.storeId === repository.storage.storeId;
        if (ctx.flags.json) {
          ctx.printJson({
            repository: location,
            release: release.toJSON(),
            destination,
            manifest,
            files,
            server_side: serverSide,
          });
          return;
        }
        ctx.print(
          `Deployed release ${terminalSafe(release.tag)} (${plural(release.artifacts.length, "artifact")}, ${plural(files, "file")}) to ${terminalSafe(manifest)}` +
            (serverSide ? "; files were copied inside the store." : "; files were streamed between stores."),
        );
        ctx.printTable({
          head: ["artifact", "version"],
          rows: release.artifacts.map(([name, version]) => [terminalSafe(name), String(version)]),
          rightAligned: new Set([1]),
        });
      });
  },
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
