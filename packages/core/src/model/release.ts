/** Releases: named snapshots of a repository's latest versions (Python's `lazyscribe.release`). */
import pLimit from "p-limit";
import { parse as parseToml } from "smol-toml";
import { decodePythonJson, encodePythonJson, type PythonJsonEncodeOptions } from "../json/index.js";
import { InvalidArgumentError, InvalidStateError, ManifestError, VersionNotFoundError } from "../errors.js";
import { joinKey, parentKey, safeJoin } from "../storage/keys.js";
import { formatLocation, parseLocation } from "../storage/location.js";
import type { Storage } from "../storage/protocol.js";
import { getStorage, type StorageSettings } from "../storage/registry.js";
import { isStorageError } from "../storage/storage-error.js";
import { copyAcross } from "../storage/transfer.js";
import { isoSeconds, now, parseIsoTimestamp, pythonDateText } from "../time/index.js";
import { releaseEntrySchema, validateEntry } from "./manifest-schema.js";
import { Repository, type VersionMatch } from "./repository.js";

/** A release object as written to `releases.json` (keys in this order, not sorted). */
export interface ReleaseJSON {
  tag: string;
  artifacts: Array<[string, number]>;
  created_at: string;
}

/** A tagged set of `[name, version]` pairs. */
export class Release {
  /** Release tag, usually the project version. */
  readonly tag: string;
  /** Pinned `[name, version]` pairs, sorted by name when made by {@link createRelease}. */
  readonly artifacts: ReadonlyArray<readonly [string, number]>;
  /** When the release was made. */
  readonly createdAt: Date;

  constructor(tag: string, artifacts: ReadonlyArray<readonly [string, number]>, createdAt: Date = now()) {
    this.tag = tag;
    this.artifacts = artifacts;
    this.createdAt = createdAt;
  }

  /** The `releases.json` object. */
  toJSON(): ReleaseJSON {
    return { tag: this.tag, artifacts: this.artifacts.map(([n, v]) => [n, v]), created_at: isoSeconds(this.createdAt) };
  }

  /** Builds a release from its `releases.json` object. */
  static fromJSON(info: unknown, where = "release"): Release {
    const entry = validateEntry(releaseEntrySchema, info, where);
    return new Release(entry.tag, entry.artifacts as Array<[string, number]>, parseIsoTimestamp(entry.created_at, `${where} created_at`));
  }

  /** True when tag, pairs and creation time are equal. */
  equals(other: Release): boolean {
    return JSON.stringify(this.toJSON()) === JSON.stringify(other.toJSON()) && this.createdAt.getTime() === other.createdAt.getTime();
  }
}

/**
 * Pins the newest live version of every artifact name, in name order.
 *
 * @throws InvalidStateError unless the repository is in mode `r` with nothing unsaved.
 */
export function createRelease(repository: Repository, tag: string): Release {
  repository.assertFilterable("release");
  const names = [...new Set(repository.artifacts.map((a) => a.name))].sort();
  return new Release(
    tag,
    names.map((name) => [name, repository.search(name, null).version] as const),
  );
}

/**
 * Finds a release: the newest when `version` is omitted, by tag or creation time
 * with `exact`, or the newest at or before a time with `asof`.
 *
 * @throws VersionNotFoundError when none matches; InvalidArgumentError for an empty list or a bad combination.
 */
export function findRelease(releases: readonly Release[], version?: string | Date | null, match: VersionMatch = "exact"): Release {
  const sorted = [...releases].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  if (sorted.length === 0) throw new InvalidArgumentError("findRelease() was given no releases.");
  if (version === undefined || version === null) return sorted.at(-1)!;
  if (match === "exact" && typeof version === "string") {
    const found = sorted.find((r) => r.tag === version);
    if (!found) throw new VersionNotFoundError(`No release with tag "${version}".`);
    return found;
  }
  if (match === "exact" && version instanceof Date) {
    const found = sorted.find((r) => r.createdAt.getTime() === version.getTime());
    if (!found) throw new VersionNotFoundError(`No release was created at ${pythonDateText(version)}.`);
    return found;
  }
  if (match === "asof" && typeof version === "string") {
    throw new InvalidArgumentError(
      `match "asof" needs a Date, not the tag "${version}": tags have no order. Use match "exact" to find a tag.`,
    );
  }
  if (match === "asof" && version instanceof Date) {
    const eligible = sorted.filter((r) => r.createdAt.getTime() <= version.getTime());
    if (eligible.length === 0) {
      throw new VersionNotFoundError(
        `No release exists as of ${pythonDateText(version)}; the earliest is "${sorted[0]!.tag}", created at ${pythonDateText(sorted[0]!.createdAt)}.`,
      );
    }
    return eligible.at(-1)!;
  }
  throw new InvalidArgumentError(`Invalid parameters: use match "exact" with a tag or Date, or "asof" with a Date.`);
}

/** Serialises releases as Python's `json.dumps` does (one line by default). */
export function dumpReleases(releases: readonly Release[], options: PythonJsonEncodeOptions = {}): string {
  return encodePythonJson(
    releases.map((r) => r.toJSON()),
    options,
  );
}

/**
 * Parses releases from `releases.json` text.
 *
 * @throws ManifestError for malformed text or entries.
 */
export function loadReleases(text: string, where = "releases.json"): Release[] {
  let data: unknown;
  try {
    data = decodePythonJson(text);
  } catch (cause) {
    throw new ManifestError(`${where} is not valid JSON: ${(cause as Error).message}.`, { cause });
  }
  if (!Array.isArray(data)) throw new ManifestError(`${where} must hold a JSON array of releases.`);
  return data.map((r, i) => Release.fromJSON(r, `${where} entry ${i}`));
}

/** Options of {@link minimalRepositoryFromRelease}. */
export interface MinimalRepositoryOptions {
  /** Store for the destination when it differs from the repository's (same protocol only). */
  storage?: Storage | StorageSettings;
  /** Files copied at once. @default 8 */
  concurrency?: number;
  /** Called after each file is copied. */
  onProgress?: (progress: { files: number; totalFiles: number }) => void;
}

/**
 * Builds a minimal repository at `location` (a folder path or URL) holding only
 * the release's versions: each file is copied (server-side inside one store)
 * under its full file name, then `repository.json` is written.
 *
 * @throws InvalidStateError unless the repository is in mode `r`; ArtifactLogError when the protocols differ.
 */
export async function minimalRepositoryFromRelease(
  location: string,
  repository: Repository,
  release: Release,
  options: MinimalRepositoryOptions = {},
): Promise<Repository> {
  const { protocol, path: folder } = parseLocation(location);
  const chosen = repository.filter(release.artifacts);
  const destination =
    options.storage || protocol !== repository.protocol ? await getStorage(protocol, options.storage) : repository.storage;
  const limit = pLimit(options.concurrency ?? 8);
  let files = 0;
  const totalFiles = chosen.artifacts.length + 1;
  await Promise.all(
    chosen.artifacts.map((a) =>
      limit(async () => {
        const source = repository.fileKey(a); // checks the name and file name first
        const target = safeJoin(joinKey(folder, a.name), a.fname, `file name of artifact "${a.name}"`);
        await copyAcross(repository.storage, source, destination, target);
        options.onProgress?.({ files: ++files, totalFiles });
      }),
    ),
  );
  const manifestKey = joinKey(folder, "repository.json");
  await destination.write(manifestKey, encodePythonJson(chosen.toJSON(), { indent: 4, sortKeys: true }), {
    contentType: "application/json",
  });
  options.onProgress?.({ files: ++files, totalFiles });
  return Repository.open(formatLocation(protocol, manifestKey), { mode: "r", storage: destination });
}

/** Options of {@link releaseFromConfig}. */
export interface ReleaseFromConfigOptions {
  /** Store settings for the repositories' URLs. */
  storage?: Storage | StorageSettings;
}

/** What {@link releaseFromConfig} did for one repository. */
export interface ReleaseOutcome {
  /** The repository location from the config. */
  repository: string;
  /** The `releases.json` written or left alone. */
  releasesFile: string;
  /** The release, new or already present. */
  release: Release;
  /** False when a release with this tag already existed (the file was left unchanged). */
  created: boolean;
}

/**
 * The counterpart of Python's `release_from_toml`: reads the project version and
 * the `lazyscribe.repositories` list from a `package.json` (`version` and
 * `lazyscribe.repositories`) or a `pyproject.toml` (`[project].version` or
 * `[tool.lazyscribe].version`, and `[tool.lazyscribe].repositories`), releases
 * each repository, and appends it to `releases.json` beside the repository
 * through the storage protocol, so bucket URLs work. A tag that already exists
 * is skipped with a warning.
 *
 * @throws InvalidArgumentError when the version or repository list is missing.
 */
export async function releaseFromConfig(configText: string, options: ReleaseFromConfigOptions = {}): Promise<ReleaseOutcome[]> {
  const { version, repositories, format } = readConfig(configText);
  const outcomes: ReleaseOutcome[] = [];
  for (const location of repositories) {
    const repository = await Repository.open(location, { mode: "r", storage: options.storage });
    const created = now();
    const tag = format ? formatTag(format, version, created) : version;
    const release = new Release(tag, createRelease(repository, tag).artifacts, created);
    const releasesKey = joinKey(parentKey(repository.path), "releases.json");
    const where = formatLocation(repository.protocol, releasesKey);
    let existing: Release[] = [];
    let base: string | null = null;
    const info = await repository.storage.stat(releasesKey);
    if (info) {
      existing = loadReleases(new TextDecoder().decode(await repository.storage.read(releasesKey)), where);
      base = info.version;
    }
    const same = existing.find((r) => r.tag === tag);
    if (same) {
      process.emitWarning(`Release "${tag}" already exists for ${location}; ${where} is unchanged.`, { type: "LazyscribeWarning" });
      outcomes.push({ repository: location, releasesFile: where, release: same, created: false });
      continue;
    }
    try {
      await repository.storage.write(releasesKey, dumpReleases([...existing, release], { indent: 4 }), {
        precondition: base === null ? { ifNoneMatch: "*" } : { ifMatch: base },
        contentType: "application/json",
      });
    } catch (err) {
      if (isStorageError(err, "PRECONDITION_FAILED")) {
        throw new InvalidStateError(`${where} changed while this release was being written; run releaseFromConfig again.`, { cause: err });
      }
      throw err;
    }
    outcomes.push({ repository: location, releasesFile: where, release, created: true });
  }
  return outcomes;
}

function readConfig(text: string): { version: string; repositories: string[]; format?: string } {
  let data: Record<string, unknown>;
  let kind: "package.json" | "pyproject.toml";
  try {
    data = JSON.parse(text) as Record<string, unknown>;
    kind = "package.json";
  } catch {
    try {
      data = parseToml(text) as Record<string, unknown>;
      kind = "pyproject.toml";
    } catch (cause) {
      throw new InvalidArgumentError("The release config is neither a package.json nor a pyproject.toml.", { cause });
    }
  }
  const asRecord = (v: unknown) => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const tool = kind === "package.json" ? asRecord(data.lazyscribe) : asRecord(asRecord(data.tool)?.lazyscribe);
  const version = kind === "package.json" ? data.version : (asRecord(data.project)?.version ?? tool?.version);
  if (typeof version !== "string") {
    throw new InvalidArgumentError(
      kind === "package.json" ? `package.json has no "version".` : `pyproject.toml has no [project].version or [tool.lazyscribe].version.`,
    );
  }
  const repositories = tool?.repositories;
  if (!Array.isArray(repositories) || !repositories.every((r) => typeof r === "string")) {
    throw new InvalidArgumentError(
      kind === "package.json"
        ? `package.json has no "lazyscribe": { "repositories": [...] } list.`
        : `pyproject.toml has no [tool.lazyscribe].repositories list.`,
    );
  }
  const format = tool?.format;
  if (format !== undefined) {
    process.emitWarning("Version formats are deprecated since lazyscribe 2.0.1; 3.0 will use the project version directly.", {
      type: "DeprecationWarning",
    });
  }
  return { version, repositories: repositories as string[], format: typeof format === "string" ? format : undefined };
}

function formatTag(format: string, version: string, at: Date): string {
  const values: Record<string, string> = {
    version,
    year: String(at.getUTCFullYear()),
    month: String(at.getUTCMonth() + 1),
    day: String(at.getUTCDate()),
  };
  return format.replace(/\{(\w*)\}/g, (_, key: string) => {
    if (!(key in values)) throw new InvalidArgumentError(`Unknown placeholder {${key}} in the release format "${format}".`);
    return values[key]!;
  });
}
