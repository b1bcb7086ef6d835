/** `lazyscribe artifacts <repository>` and `lazyscribe versions <repository> <name>`: what a repository holds. */
import { isoSeconds, now, safeJoin, type Artifact, type Repository } from "@lazyscribe/core";
import { displayDate } from "../query/fields.js";
import { terminalSafe } from "../render/sanitize.js";
import { displaySize } from "../render/values.js";
import { artifactFiles, type ArtifactFileJSON } from "../support/views.js";
import { examples, type CommandModule } from "./command-module.js";

/** One artifact name in `artifacts --json`. */
export interface ArtifactSummaryJSON {
  name: string;
  /** Handler of the newest version. */
  handler: string;
  /** Number of versions, expired ones included. */
  versions: number;
  /** Versions that have not expired. */
  live_versions: number;
  /** The newest live version (what loading without a version gives), or `null` when all expired. */
  latest_version: number | null;
  latest_created_at: string | null;
}

/** One version in `versions --json`: the file fields plus whether it has expired. */
export interface VersionJSON extends ArtifactFileJSON {
  expired: boolean;
}

const isLive = (a: Artifact, at: Date) => a.expiry === null || at.getTime() < a.expiry.getTime();

/** The versions of `name`, oldest first. */
function versionsOf(repository: Repository, name: string): Artifact[] {
  return repository.artifacts.filter((a) => a.name === name).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** `artifacts` and `versions`: what a repository holds. */
export const artifactsCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("artifacts")
      .summary("list the artifacts of a repository")
      .description("List the artifacts of a repository: versions, live versions, the newest live version and its handler.")
      .argument("<repository>", "repository.json path or URL")
      .addHelpText(
        "after",
        examples("lazyscribe artifacts registry/repository.json", "lazyscribe artifacts az://models/repository.json --json"),
      )
      .action(async (location, _options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location);
        const at = now();
        const names = [...new Set(repository.artifacts.map((a) => a.name))].sort();
        const summaries = names.map((name): ArtifactSummaryJSON => {
          const all = versionsOf(repository, name);
          const live = all.filter((a) => isLive(a, at));
          const latest = live.at(-1) ?? null;
          return {
            name,
            handler: (latest ?? all.at(-1)!).handler,
            versions: all.length,
            live_versions: live.length,
            latest_version: latest?.version ?? null,
            latest_created_at: latest ? isoSeconds(latest.createdAt) : null,
          };
        });
        if (ctx.flags.json) {
          ctx.printJson({ repository: location, artifacts: summaries });
          return;
        }
        if (summaries.length === 0) {
          ctx.note(`${terminalSafe(location)} holds no artifacts.`);
          return;
        }
        ctx.printTable({
          head: ["artifact", "handler", "versions", "live", "latest", "latest created"],
          rows: summaries.map((s) => [
            terminalSafe(s.name),
            terminalSafe(s.handler),
            String(s.versions),
            String(s.live_versions),
            s.latest_version === null ? ctx.colors.red("all expired") : String(s.latest_version),
            s.latest_created_at?.replace("T", " ") ?? "",
          ]),
          rightAligned: new Set([2, 3, 4]),
        });
      });

    program
      .command("versions")
      .summary("list the versions of one artifact")
      .description("List every version of an artifact: number, creation time, expiry, handler, file and size.")
      .argument("<repository>", "repository.json path or URL")
      .argument("<name>", "artifact name")
      .addHelpText("after", examples("lazyscribe versions registry/repository.json features"))
      .action(async (location, name, _options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location);
        repository.get(name); // NotFoundError naming the repository when there is no such artifact
        const list = versionsOf(repository, name);
        const folder = safeJoin(repository.dir, name, "artifact name");
        const at = now();
        const files = await artifactFiles(repository.storage, folder, list);
        const versions: VersionJSON[] = files.map((f, i) => ({ ...f, expired: !isLive(list[i]!, at) }));
        if (ctx.flags.json) {
          ctx.printJson({ repository: location, name, versions });
          return;
        }
        ctx.printTable({
          head: ["version", "created", "expiry", "handler", "file", "size"],
          rows: versions.map((v, i) => [
            String(v.version),
            displayDate(list[i]!.createdAt),
            v.expiry === null ? "" : v.expired ? ctx.colors.red(`expired ${v.expiry.replace("T", " ")}`) : v.expiry.replace("T", " "),
            terminalSafe(v.handler),
            terminalSafe(v.fname),
            v.size === null ? ctx.colors.red("missing") : displaySize(v.size),
          ]),
          rightAligned: new Set([0, 5]),
        });
      });
  },
};
