/** Behaviours of Python's tests/test_promotion.py (spec sections 7 and 12, test_promotion), on memory and local disk. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ArtifactLoadError,
  ArtifactLogError,
  Project,
  ReadOnlyError,
  Repository,
  SaveError,
  resolveLocation,
  setClock,
  wrapStorage,
  type Storage,
} from "@lazyscribe/core";
import { specBackends } from "../support/backends.js";

/** A naive-UTC timestamp, as Python's `datetime(...)` without a zone. */
const d = (iso: string) => new Date(`${iso}Z`);

async function readText(location: string): Promise<string> {
  const { storage, path } = await resolveLocation(location);
  return new TextDecoder().decode(await storage.read(path));
}

async function exists(location: string): Promise<boolean> {
  const { storage, path } = await resolveLocation(location);
  return (await storage.stat(path)) !== null;
}

/** Keys of every file under a folder location, relative to it, sorted. */
async function listFiles(folder: string): Promise<string[]> {
  const { storage, path } = await resolveLocation(folder);
  const keys: string[] = [];
  for await (const entry of storage.list(`${path}/`)) keys.push(entry.key.slice(path.length + 1));
  return keys.sort();
}

/** The same store, except that every write of a `repository.json` fails (a full disk, a lost permission). */
function failingManifestWrites(inner: Storage): Storage {
  return wrapStorage(inner, {
    write: async (key, body, options) => {
      if (key.endsWith("repository.json")) throw new Error("simulated write failure");
      return inner.write(key, body, options);
    },
  });
}

const FEATURES_META = {
  name: "features",
  fname: "features-20250120132330.json",
  created_at: "2025-01-20T13:23:30",
  expiry: null,
  handler: "json",
};

describe.each(specBackends)("promotion on $name", (backend) => {
  let restore: () => void;
  let clock = d("2025-01-20T13:23:30");
  let root: string;
  let projectLocation: string;
  let repositoryLocation: string;
  const travel = (iso: string) => {
    clock = d(iso);
  };

  beforeEach(async () => {
    clock = d("2025-01-20T13:23:30");
    restore = setClock(() => new Date(clock.getTime()));
    root = `${await backend.freshRoot()}/my-project`;
    projectLocation = `${root}/project.json`;
    repositoryLocation = `${root}/repository.json`;
  });
  afterEach(() => restore());

  const openProject = (mode: "r" | "a" | "w" | "w+" = "a") => Project.open(projectLocation, { mode, author: "ana" });
  const openRepository = (mode: "r" | "w" | "w+" = "w+") => Repository.open(repositoryLocation, { mode });

  /** A saved project whose experiment "My experiment" has artifact `features` logged at 2025-01-20T13:23:30. */
  async function savedExperiment(options: { fname?: string } = {}): Promise<Project> {
    const project = await openProject();
    await project.log("My experiment", (exp) => {
      exp.logArtifact("features", [0, 1, 2], "json", options);
    });
    await project.save();
    return openProject("r");
  }

  it("promoting an unknown name gives ArtifactLoadError", async () => {
    const project = await savedExperiment();
    const repository = await openRepository();
    await expect(project.get("my-experiment").promoteArtifact(repository, "not-logged")).rejects.toBeInstanceOf(ArtifactLoadError);
    expect(repository.artifacts).toHaveLength(0);
  });

  it("promoting an artifact older than the repository's latest version gives ArtifactLogError", async () => {
    const repository = await openRepository();
    travel("2025-02-01T00:00:00");
    repository.logArtifact("features", [0], "json");
    await repository.save();
    const project = await savedExperiment();
    await expect(project.get("my-experiment").promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ArtifactLogError);
    expect(repository.artifacts).toHaveLength(1);
  });

  it("promoting an artifact with exactly the repository's latest created_at gives ArtifactLogError", async () => {
    const repository = await openRepository();
    repository.logArtifact("features", [0], "json");
    await repository.save();
    const project = await savedExperiment();
    expect(project.get("my-experiment").artifacts[0]!.createdAt).toEqual(repository.artifacts[0]!.createdAt);
    await expect(project.get("my-experiment").promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ArtifactLogError);
  });

  it("promoting an unsaved artifact only appends it (version 0, same metadata and value)", async () => {
    const repository = await openRepository();
    const project = await openProject();
    await project.log("My experiment", async (exp) => {
      exp.logArtifact("features", [0, 1, 2], "json");
      travel("2025-03-01T00:00:00");
      await exp.promoteArtifact(repository, "features");
    });
    expect(repository.getArtifactMetadata("features")).toEqual({ ...FEATURES_META, version: 0 });
    expect(repository.artifacts[0]!.value).toEqual(project.get("my-experiment").artifacts[0]!.value);
    // Nothing is written: the caller saves the repository later.
    expect(repository.artifacts[0]!.dirty).toBe(true);
    expect(await exists(repositoryLocation)).toBe(false);
    expect(await listFiles(root)).toEqual([]);
    await repository.save();
    expect(await (await openRepository("r")).loadArtifact("features")).toEqual([0, 1, 2]);
  });

  it("promoting a saved artifact into an empty repository copies the file, writes a one-entry manifest and gives version 0", async () => {
    const project = await savedExperiment();
    const repository = await openRepository();
    travel("2025-03-01T00:00:00");
    await project.get("my-experiment").promoteArtifact(repository, "features");
    expect(await exists(`${root}/features/features-20250120132330.json`)).toBe(true);
    expect(repository.getArtifactMetadata("features")).toEqual({ ...FEATURES_META, version: 0 });
    expect(JSON.parse(await readText(repositoryLocation))).toEqual([{ ...FEATURES_META, version: 0 }]);
    expect(await (await openRepository("r")).loadArtifact("features")).toEqual([0, 1, 2]);
  });

  it("promoting a newer saved artifact gives version 1; the manifest lists both and the file is copied", async () => {
    const repository = await openRepository();
    travel("2025-01-01T00:00:00");
    repository.logArtifact("features", [0, 1], "json");
    await repository.save();
    travel("2025-01-20T13:23:30");
    const project = await savedExperiment();
    const reloaded = await openRepository("w+");
    await project.get("my-experiment").promoteArtifact(reloaded, "features");
    expect(await exists(`${root}/features/features-20250120132330.json`)).toBe(true);
    expect(reloaded.getArtifactMetadata("features")).toEqual({ ...FEATURES_META, version: 1 });
    expect(JSON.parse(await readText(repositoryLocation))).toEqual([
      {
        name: "features",
        fname: "features-20250101000000.json",
        created_at: "2025-01-01T00:00:00",
        expiry: null,
        handler: "json",
        version: 0,
      },
      { ...FEATURES_META, version: 1 },
    ]);
  });

  it("a repository and an experiment on different protocols give ArtifactLogError", async () => {
    const project = await savedExperiment();
    const other = specBackends.find((b) => b.name !== backend.name)!;
    const repository = await Repository.open(`${await other.freshRoot()}/repository.json`);
    expect(repository.protocol).not.toBe(project.protocol);
    await expect(project.get("my-experiment").promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ArtifactLogError);
    expect(repository.artifacts).toHaveLength(0);
  });

  it("a save that fails during promotion gives SaveError; the copied file is deleted and the repository has no entries", async () => {
    const project = await savedExperiment();
    const { storage } = await resolveLocation(repositoryLocation);
    const repository = await Repository.open(repositoryLocation, { storage: failingManifestWrites(storage) });
    const err = await project
      .get("my-experiment")
      .promoteArtifact(repository, "features")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SaveError);
    expect(repository.artifacts).toHaveLength(0);
    expect(await exists(`${root}/features/features-20250120132330.json`)).toBe(false);
    expect(await exists(repositoryLocation)).toBe(false);
  });

  it("refuses to promote into a read-only repository, before copying anything", async () => {
    // W12: Python appends (unsaved) or copies the file before its save raises ReadOnlyError, and keeps both.
    const project = await savedExperiment();
    const repository = await openRepository("r");
    await expect(project.get("my-experiment").promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ReadOnlyError);
    expect(repository.artifacts).toHaveLength(0);
    expect(await exists(`${root}/features/features-20250120132330.json`)).toBe(false);
    const fresh = await openProject();
    await fresh.log("Unsaved", async (exp) => {
      exp.logArtifact("features", [9], "json");
      await expect(exp.promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ReadOnlyError);
    });
    expect(repository.artifacts).toHaveLength(0);
  });

  it("copies a sub-folder fname under its full path, so the promoted version loads", async () => {
    // W11: Python copies to <name>/<basename> but records a/b/features.json, so loading fails.
    const project = await savedExperiment({ fname: "a/b/features.json" });
    const repository = await openRepository();
    await project.get("my-experiment").promoteArtifact(repository, "features");
    expect(await exists(`${root}/features/a/b/features.json`)).toBe(true);
    expect(await exists(`${root}/features/features.json`)).toBe(false);
    expect(repository.getArtifactMetadata("features").fname).toBe("a/b/features.json");
    expect(await (await openRepository("r")).loadArtifact("features")).toEqual([0, 1, 2]);
  });

  it("compares with every version, expired ones included, and numbers after the highest", async () => {
    // W10: Python compares only with the newest non-expired version, so numbers repeat, an artifact older
    // than an expired newer version is accepted, and an all-expired name raises VersionNotFoundError.
    const repository = await openRepository();
    travel("2025-01-01T00:00:00");
    repository.logArtifact("features", [0], "json");
    repository.logArtifact("labels", [0], "json");
    travel("2025-03-01T00:00:00");
    repository.logArtifact("features", [1], "json");
    repository.setArtifactExpiry("features", { version: 1, expiry: "2025-03-02T00:00:00" });
    repository.setArtifactExpiry("labels", { version: 0, expiry: "2025-01-02T00:00:00" });
    await repository.save();

    const project = await openProject();
    travel("2025-02-01T00:00:00");
    const older = await project.log("Older", (exp) => {
      exp.logArtifact("features", [2], "json");
    });
    travel("2025-05-01T00:00:00");
    const newer = await project.log("Newer", (exp) => {
      exp.logArtifact("features", [3], "json");
      exp.logArtifact("labels", [3], "json");
    });
    await expect(older.promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ArtifactLogError);
    await newer.promoteArtifact(repository, "features");
    await newer.promoteArtifact(repository, "labels");
    expect(repository.toJSON().map((a) => [a.name, a.version])).toEqual([
      ["features", 0],
      ["labels", 0],
      ["features", 1],
      ["features", 2],
      ["labels", 1],
    ]);
  });
});
