/** Behaviours of Python's tests/test_release.py (spec sections 8 and 12, test_release), on memory and local disk. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  InvalidArgumentError,
  InvalidStateError,
  Release,
  Repository,
  VersionNotFoundError,
  createRelease,
  dumpReleases,
  findRelease,
  loadReleases,
  minimalRepositoryFromRelease,
  releaseFromConfig,
  resolveLocation,
  setClock,
} from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

/** A naive-UTC timestamp, as Python's `datetime(...)` without a zone. */
const d = (iso: string) => new Date(`${iso}Z`);

async function readText(location: string): Promise<string> {
  const { storage, path } = await resolveLocation(location);
  return new TextDecoder().decode(await storage.read(path));
}

async function writeText(location: string, text: string): Promise<void> {
  const { storage, path } = await resolveLocation(location);
  await storage.write(path, text);
}

/** Keys of every file under a folder location, relative to it, sorted. */
async function listFiles(folder: string): Promise<string[]> {
  const { storage, path } = await resolveLocation(folder);
  const keys: string[] = [];
  for await (const entry of storage.list(`${path}/`)) keys.push(entry.key.slice(path.length + 1));
  return keys.sort();
}

/** Runs `fn` and returns the process warnings of type `type` it emitted (emitWarning delivers them on a later tick). */
async function captureWarnings(type: string, fn: () => unknown): Promise<Error[]> {
  const warnings: Error[] = [];
  const listener = (w: Error) => warnings.push(w);
  process.on("warning", listener);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, 0));
  } finally {
    process.off("warning", listener);
  }
  return warnings.filter((w) => w.name === type);
}

const r1 = new Release("v0.1.0", [["my-data", 0]], d("2025-01-01T00:00:00"));
const r2 = new Release(
  "v0.2.0",
  [
    ["my-data", 1],
    ["my-features", 0],
  ],
  d("2025-02-01T00:00:00"),
);
const r3 = new Release("v0.3.0", [["my-data", 2]], d("2025-03-01T00:00:00"));
/** Deliberately out of order: findRelease sorts by created_at first. */
const releases = [r2, r3, r1];

describe("findRelease", () => {
  it("with no version returns the newest release", () => {
    expect(findRelease(releases)).toBe(r3);
    expect(findRelease(releases, null, "asof")).toBe(r3);
  });

  it("finds an exact tag; a missing tag gives VersionNotFoundError naming it", () => {
    expect(findRelease(releases, "v0.2.0")).toBe(r2);
    expect(() => findRelease(releases, "v9.9.9")).toThrow(VersionNotFoundError);
    expect(() => findRelease(releases, "v9.9.9")).toThrow('"v9.9.9"');
  });

  it("finds an exact timestamp; a missing one gives VersionNotFoundError with the printed time", () => {
    expect(findRelease(releases, d("2025-02-01T00:00:00"))).toBe(r2);
    expect(() => findRelease(releases, d("2025-02-02T00:00:00"))).toThrow(VersionNotFoundError);
    expect(() => findRelease(releases, d("2025-02-02T00:00:00"))).toThrow("2025-02-02 00:00:00");
  });

  it("asof with a tag gives InvalidArgumentError explaining that asof needs a timestamp", () => {
    expect(() => findRelease(releases, "v0.2.0", "asof")).toThrow(InvalidArgumentError);
    expect(() => findRelease(releases, "v0.2.0", "asof")).toThrow(/asof.*Date.*v0\.2\.0/);
  });

  it("asof: before the first release VersionNotFoundError naming the earliest; between two the earlier; after all the latest", () => {
    const err = (() => {
      try {
        findRelease(releases, d("2024-12-31T00:00:00"), "asof");
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect(err!.message).toContain("2024-12-31 00:00:00");
    expect(err!.message).toContain('"v0.1.0"');
    expect(err!.message).toContain("2025-01-01 00:00:00");
    expect(findRelease(releases, d("2025-02-01T00:00:00"), "asof")).toBe(r2);
    expect(findRelease(releases, d("2025-02-15T00:00:00"), "asof")).toBe(r2);
    expect(findRelease(releases, d("2025-04-01T00:00:00"), "asof")).toBe(r3);
  });

  it("an invalid match gives InvalidArgumentError", () => {
    expect(() => findRelease(releases, d("2025-02-01T00:00:00"), "fake" as never)).toThrow(InvalidArgumentError);
    // With a tag, an invalid match lands in the same error, not in the asof-with-a-tag one.
    expect(() => findRelease(releases, "v0.2.0", "fake" as never)).toThrow(/Invalid parameters/);
    // Python raises IndexError for an empty list.
    expect(() => findRelease([])).toThrow(InvalidArgumentError);
  });
});

describe("release serialisation", () => {
  it("fromJSON builds an equal Release", () => {
    for (const release of releases) expect(Release.fromJSON(release.toJSON()).equals(release)).toBe(true);
    expect(Release.fromJSON({ tag: "v0.1.0", artifacts: [["my-data", 0]], created_at: "2025-01-01 00:00:00" }).equals(r1)).toBe(true);
  });

  it("dumpReleases gives Python's exact single-line json.dumps text", () => {
    // Verified with python3 3.11: json.dumps([r.to_dict() for r in releases]).
    expect(dumpReleases([r1, r2, r3])).toBe(
      '[{"tag": "v0.1.0", "artifacts": [["my-data", 0]], "created_at": "2025-01-01T00:00:00"}, ' +
        '{"tag": "v0.2.0", "artifacts": [["my-data", 1], ["my-features", 0]], "created_at": "2025-02-01T00:00:00"}, ' +
        '{"tag": "v0.3.0", "artifacts": [["my-data", 2]], "created_at": "2025-03-01T00:00:00"}]',
    );
  });

  it("loadReleases parses a list of releases from text", () => {
    const loaded = loadReleases(dumpReleases([r1, r2, r3]));
    expect(loaded).toHaveLength(3);
    loaded.forEach((release, i) => expect(release.equals([r1, r2, r3][i]!)).toBe(true));
    expect(loaded[1]!.artifacts).toEqual([
      ["my-data", 1],
      ["my-features", 0],
    ]);
  });
});

describe.each(specBackends)("releases on $name", (backend) => {
  let restore: () => void;
  let clock = d("2025-01-20T13:23:30");
  let root: string;
  let dir: string;
  let location: string;
  const travel = (iso: string) => {
    clock = d(iso);
  };

  beforeEach(async () => {
    clock = d("2025-01-20T13:23:30");
    restore = setClock(() => new Date(clock.getTime()));
    root = await backend.freshRoot();
    dir = `${root}/my-repository`;
    location = `${dir}/repository.json`;
  });
  afterEach(() => restore());

  const open = (mode: "r" | "w" | "w+" = "w+") => Repository.open(location, { mode });

  /** my-data v0 (01-20) and v1 (01-21), my-features v0 (01-20), saved. */
  async function populated(): Promise<void> {
    const repo = await open();
    travel("2025-01-20T13:23:30");
    repo.logArtifact("my-data", [{ a: 1 }], "json");
    repo.logArtifact("my-features", [0], "json");
    travel("2025-01-21T13:23:30");
    repo.logArtifact("my-data", [{ a: 2 }], "json");
    await repo.save();
  }

  const config = (lines: string[]) => [...lines, `repositories = ["${location}"]`].join("\n");

  it("dump writes the list of three {tag, artifacts, created_at} objects to a file, and load reads them back", async () => {
    await writeText(`${root}/releases.json`, dumpReleases([r1, r2, r3]));
    const text = await readText(`${root}/releases.json`);
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(3);
    for (const entry of parsed) expect(Object.keys(entry)).toEqual(["tag", "artifacts", "created_at"]);
    expect(parsed[0]).toEqual({ tag: "v0.1.0", artifacts: [["my-data", 0]], created_at: "2025-01-01T00:00:00" });
    const loaded = loadReleases(text);
    loaded.forEach((release, i) => expect(release.equals([r1, r2, r3][i]!)).toBe(true));
  });

  it("createRelease on an r repository pins the latest version per name, sorted by name; toJSON has ISO seconds and the pairs", async () => {
    await populated();
    await expect(open("w+").then((repo) => createRelease(repo, "v0.1.0"))).rejects.toBeInstanceOf(InvalidStateError);
    const repo = await open("r");
    travel("2025-06-01T00:00:00");
    const release = createRelease(repo, "v0.1.0");
    expect(
      release.equals(
        new Release("v0.1.0", [
          ["my-data", 1],
          ["my-features", 0],
        ]),
      ),
    ).toBe(true);
    expect(release.createdAt).toEqual(d("2025-06-01T00:00:00"));
    const json = release.toJSON();
    expect(Object.keys(json)).toEqual(["tag", "artifacts", "created_at"]);
    expect(json).toEqual({
      tag: "v0.1.0",
      artifacts: [
        ["my-data", 1],
        ["my-features", 0],
      ],
      created_at: "2025-06-01T00:00:00",
    });
  });

  it("filtering with a release's pairs after newer versions were logged gives the pinned versions", async () => {
    await populated();
    travel("2025-06-01T00:00:00");
    const release = createRelease(await open("r"), "v0.1.0");
    const writer = await open("w+");
    travel("2025-06-02T00:00:00");
    writer.logArtifact("my-features", [0, 1], "json");
    writer.logArtifact("my-metadata", { process_ver: 1.0 }, "json");
    await writer.save();
    const repo = await open("r");
    const filtered = repo.filter(release.artifacts);
    expect(filtered.artifacts).toHaveLength(2);
    expect(filtered.get("my-data")).toBe(repo.search("my-data", 1));
    expect(filtered.get("my-features")).toBe(repo.search("my-features", 0));
  });

  it("releaseFromConfig writes releases.json beside the repository with tag = project version and created_at = now", async () => {
    await populated();
    travel("2025-06-01T00:00:00");
    const outcomes = await releaseFromConfig(config(["[project]", 'version = "1.4.0"', "", "[tool.lazyscribe]"]));
    expect(outcomes.map((o) => [o.release.tag, o.created])).toEqual([["1.4.0", true]]);
    // Verified with python3 3.11: json.dumps([...], indent=4) of the release dict (no trailing newline).
    expect(await readText(`${dir}/releases.json`)).toBe(
      [
        "[",
        "    {",
        '        "tag": "1.4.0",',
        '        "artifacts": [',
        "            [",
        '                "my-data",',
        "                1",
        "            ],",
        "            [",
        '                "my-features",',
        "                0",
        "            ]",
        "        ],",
        '        "created_at": "2025-06-01T00:00:00"',
        "    }",
        "]",
      ].join("\n"),
    );
  });

  it("appends to an existing releases.json; a second run with the same tag warns once and leaves the file unchanged", async () => {
    await populated();
    await writeText(`${dir}/releases.json`, dumpReleases([r1], { indent: 4 }));
    travel("2025-06-01T00:00:00");
    const text = config(["[project]", 'version = "1.4.0"', "", "[tool.lazyscribe]"]);
    await releaseFromConfig(text);
    const after = await readText(`${dir}/releases.json`);
    expect(loadReleases(after).map((r) => [r.tag, r.createdAt])).toEqual([
      ["v0.1.0", d("2025-01-01T00:00:00")],
      ["1.4.0", d("2025-06-01T00:00:00")],
    ]);
    travel("2025-06-02T00:00:00");
    let outcomes: Awaited<ReturnType<typeof releaseFromConfig>> = [];
    const warnings = await captureWarnings("LazyscribeWarning", async () => {
      outcomes = await releaseFromConfig(text);
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('"1.4.0" already exists');
    expect(outcomes[0]!.created).toBe(false);
    expect(await readText(`${dir}/releases.json`)).toBe(after);
  });

  it("tool.lazyscribe.version with a format gives tag v2025.6.1 and exactly one DeprecationWarning", async () => {
    await populated();
    travel("2025-06-01T00:00:00");
    let outcomes: Awaited<ReturnType<typeof releaseFromConfig>> = [];
    const warnings = await captureWarnings("DeprecationWarning", async () => {
      outcomes = await releaseFromConfig(config(["[tool.lazyscribe]", 'version = "1.0.0"', 'format = "v{year}.{month}.{day}"']));
    });
    expect(outcomes[0]!.release.tag).toBe("v2025.6.1");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe("Version formats are deprecated since lazyscribe 2.0.1; 3.0 will use the project version directly.");
    expect(loadReleases(await readText(`${dir}/releases.json`)).map((r) => r.tag)).toEqual(["v2025.6.1"]);
  });

  it("minimalRepositoryFromRelease rejects a non-r repository, then writes a one-entry manifest (version 1) and copies exactly one file", async () => {
    const writer = await open();
    for (const [i, iso] of ["2025-01-20T13:23:30", "2025-01-21T13:23:30", "2025-01-22T13:23:30"].entries()) {
      travel(iso);
      writer.logArtifact("my-data", [{ a: i }], "json");
    }
    await writer.save();
    const release = new Release("v1", [["my-data", 1]]);
    const out = `${root}/minimal`;
    await expect(minimalRepositoryFromRelease(out, writer, release)).rejects.toBeInstanceOf(InvalidStateError);
    expect(await listFiles(out)).toEqual([]);

    const minimal = await minimalRepositoryFromRelease(out, await open("r"), release);
    expect(await listFiles(out)).toEqual(["my-data/my-data-20250121132330.json", "repository.json"]);
    expect(JSON.parse(await readText(`${out}/repository.json`))).toEqual([
      {
        created_at: "2025-01-21T13:23:30",
        expiry: null,
        fname: "my-data-20250121132330.json",
        handler: "json",
        name: "my-data",
        version: 1,
      },
    ]);
    expect(await minimal.loadArtifact("my-data")).toEqual([{ a: 1 }]);
  });

  it("minimalRepositoryFromRelease copies a sub-folder fname under its full path", async () => {
    // W11: Python copies to <name>/<basename> while the manifest keeps a/b/data.json, so loading fails.
    const writer = await open();
    writer.logArtifact("my-data", [1], "json", { fname: "a/b/data.json" });
    await writer.save();
    const out = `${root}/minimal`;
    const minimal = await minimalRepositoryFromRelease(out, await open("r"), new Release("v1", [["my-data", 0]]));
    expect(await listFiles(out)).toEqual(["my-data/a/b/data.json", "repository.json"]);
    expect(await minimal.loadArtifact("my-data")).toEqual([1]);
  });
});
