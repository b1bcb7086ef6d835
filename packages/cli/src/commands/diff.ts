/**
 * `lazyscribe diff <repository> <name> <version> [<version>]`: a coloured unified diff of two
 * versions of a text artifact, with changed words highlighted on a terminal.
 */
import { Option } from "@commander-js/extra-typings";
import { findHandler, InvalidArgumentError, type ArtifactMetadata, type Repository, type VersionMatch } from "@lazyscribe/core";
import { diffHunks, renderUnifiedDiff } from "../render/diff.js";
import { terminalSafe } from "../render/sanitize.js";
import { examples, type CommandModule } from "./command-module.js";
import { nonNegativeInteger, versionSelector } from "./parsers.js";

/** One side of `diff --json`. */
export interface DiffSideJSON {
  version: number;
  created_at: string;
  fname: string;
}

/** One hunk of `diff --json`: unified-diff ranges and lines prefixed with " ", "-" or "+". */
export interface DiffHunkJSON {
  old_start: number;
  old_lines: number;
  new_start: number;
  new_lines: number;
  lines: string[];
}

/** `diff`: two versions of a text artifact. */
export const diffCommand: CommandModule = {
  register(program, runtime) {
    program
      .command("diff")
      .summary("diff two versions of a text artifact")
      .description(
        "Show a unified diff between two versions of a text artifact, older to newer. With one version, diff it " +
          "against the newest live version. A version is a number, `latest`, or a time YYYY-MM-DDTHH:MM:SS " +
          "(matched exactly, or with --match asof the newest version at or before it).",
      )
      .argument("<repository>", "repository.json path or URL")
      .argument("<name>", "artifact name")
      .argument("<version>", "version number, latest, or YYYY-MM-DDTHH:MM:SS")
      .argument("[other]", "the second version (default: the newest live version)")
      .addOption(new Option("--match <how>", "how a time selects a version").choices(["exact", "asof"] as const).default("exact" as const))
      .option("-U, --context <lines>", "unchanged lines shown around each change", nonNegativeInteger, 3)
      .addHelpText(
        "after",
        examples(
          "lazyscribe diff registry/repository.json features 0 2",
          "lazyscribe diff s3://ml-models/repository.json config 2025-03-01T00:00:00 --match asof",
        ),
      )
      .action(async (location, name, first, second, options, command) => {
        const ctx = runtime.contextFor(command);
        const repository = await ctx.openRepository(location);
        const match: VersionMatch = options.match;
        const a = repository.getArtifactMetadata(name, { version: versionSelector(first), match });
        const b = repository.getArtifactMetadata(name, { version: second === undefined ? null : versionSelector(second), match });
        const [from, to] = a.created_at <= b.created_at ? [a, b] : [b, a];
        const [fromText, toText] = await Promise.all([readText(repository, from), readText(repository, to)]);
        const label = (m: ArtifactMetadata) => `${name} v${m.version} (${m.created_at})`;
        const hunks = diffHunks({ label: label(from), text: fromText }, { label: label(to), text: toText }, options.context);
        if (ctx.flags.json) {
          const side = (m: ArtifactMetadata): DiffSideJSON => ({ version: m.version, created_at: m.created_at, fname: m.fname });
          ctx.printJson({
            repository: location,
            name,
            from: side(from),
            to: side(to),
            identical: hunks.length === 0,
            hunks: hunks.map((h): DiffHunkJSON => ({
              old_start: h.oldStart,
              old_lines: h.oldLines,
              new_start: h.newStart,
              new_lines: h.newLines,
              lines: h.lines.filter((l) => !l.startsWith("\\")),
            })),
          });
          return;
        }
        if (hunks.length === 0) {
          ctx.note(`Versions ${from.version} and ${to.version} of ${terminalSafe(name)} are identical.`);
          return;
        }
        ctx.io.stdout.write(
          renderUnifiedDiff({ label: label(from), text: fromText }, { label: label(to), text: toText }, hunks, ctx.colors),
        );
      });
  },
};

/** The text of one version; binary handlers and bytes that are not UTF-8 are refused. */
async function readText(repository: Repository, meta: ArtifactMetadata): Promise<string> {
  const handler = findHandler(meta.handler);
  if (handler?.binary) {
    throw new InvalidArgumentError(
      `Version ${meta.version} of "${meta.name}" uses the binary "${meta.handler}" handler; binary files cannot be diffed.`,
    );
  }
  const bytes = await repository.readArtifactBytes(meta.name, { version: meta.version });
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidArgumentError(
      `Version ${meta.version} of "${meta.name}" is not UTF-8 text (handler "${meta.handler}"); it cannot be diffed.`,
    );
  }
}
