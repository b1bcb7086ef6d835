/**
 * The data a report page shows: plain JSON, built on the Node side by
 * `collectReportData` and read by the page's client code. Every string in it
 * comes from a store and is untrusted; the page renders it as text only.
 *
 * This module holds types only, so the browser bundle can share it.
 */

/** A metric or parameter value as the page shows it: numbers stay numbers, anything else becomes text. */
export type ReportValue = number | string | boolean | null;

/** An artifact of an experiment or test. */
export interface ReportArtifact {
  /** Artifact name. */
  name: string;
  /** Handler alias (`json`, `text`, `pickle`, ...). */
  handler: string;
  /** File name relative to the owner's folder. */
  fname: string;
  /** When it was logged (`YYYY-MM-DDTHH:MM:SS`). */
  createdAt: string;
  /** Stored size in bytes; `null` when the file is missing or sizes were not collected. */
  size: number | null;
}

/** A test (sub-population) of an experiment. */
export interface ReportTest {
  /** Test name. */
  name: string;
  /** Free-text description, or `null`. */
  description: string | null;
  /** Metrics by name. */
  metrics: Record<string, ReportValue>;
  /** Parameters by name. */
  parameters: Record<string, ReportValue>;
  /** Test artifacts. */
  artifacts: ReportArtifact[];
}

/** One experiment. */
export interface ReportExperiment {
  /** Display name. */
  name: string;
  /** Unique slug (name plus creation stamp). */
  slug: string;
  /** Slug of the name alone. */
  shortSlug: string;
  /** Who created it. */
  author: string;
  /** Who changed it last. */
  lastUpdatedBy: string;
  /** Creation time (`YYYY-MM-DDTHH:MM:SS`). */
  createdAt: string;
  /** Time of the last change (`YYYY-MM-DDTHH:MM:SS`). */
  lastUpdated: string;
  /** Tags in logging order. */
  tags: string[];
  /** Metrics by name. */
  metrics: Record<string, ReportValue>;
  /** Parameters by name. */
  parameters: Record<string, ReportValue>;
  /** Upstream experiments as `project|slug`. */
  dependencies: string[];
  /** Experiment artifacts. */
  artifacts: ReportArtifact[];
  /** Tests. */
  tests: ReportTest[];
}

/** Why a repository version's text is not in the report. */
export type TextOmission = "binary" | "too-large" | "unreadable" | "budget";

/** One version of a repository artifact. */
export interface ReportArtifactVersion {
  /** Artifact name. */
  name: string;
  /** Version number. */
  version: number;
  /** Handler alias. */
  handler: string;
  /** File name inside the artifact's folder. */
  fname: string;
  /** When it was logged (`YYYY-MM-DDTHH:MM:SS`). */
  createdAt: string;
  /** When it expires (`YYYY-MM-DDTHH:MM:SS`), or `null`. */
  expiry: string | null;
  /** Stored size in bytes, or `null` when missing. */
  size: number | null;
  /** The file's text, for diffs between versions; `null` with {@link ReportArtifactVersion.textOmitted} saying why. */
  text: string | null;
  /** Why `text` is `null`. */
  textOmitted?: TextOmission;
}

/** A release: tagged `[name, version]` pairs. */
export interface ReportRelease {
  /** Release tag. */
  tag: string;
  /** When it was made (`YYYY-MM-DDTHH:MM:SS`). */
  createdAt: string;
  /** Pinned versions. */
  artifacts: Array<[string, number]>;
}

/** A repository: artifact versions and releases. */
export interface ReportRepository {
  /** Where it is stored (URL or path). */
  location: string;
  /** Every version, in file order. */
  versions: ReportArtifactVersion[];
  /** Releases from `releases.json` beside the repository, oldest first. */
  releases: ReportRelease[];
}

/** Everything one report page shows. */
export interface ReportData {
  /** Format of this object, raised when it changes incompatibly. */
  format: 1;
  /** Page title. */
  title: string;
  /** When the data was read (ISO 8601, UTC). */
  generatedAt: string;
  /** The project. */
  project: {
    /** Where it is stored (URL or path). */
    location: string;
    /** Experiments in the project's order. */
    experiments: ReportExperiment[];
  };
  /** The repository, when one was given. */
  repository: ReportRepository | null;
}

/** Settings of a page served by the live viewer (absent in a static report). */
export interface LivePageConfig {
  /** Route answering `{ token }`, polled for changes. */
  versionUrl: string;
  /** Route answering the current {@link ReportData}. */
  dataUrl: string;
  /** Milliseconds between polls. */
  intervalMs: number;
  /** The token of the embedded data. */
  token: string;
}
