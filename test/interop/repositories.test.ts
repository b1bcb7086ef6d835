/**
 * Repositories (several versions, expiries), releases (releases.json) and minimal
 * repositories, written by each side and read and changed by the other.
 */
import { describe, expect, it } from "vitest";
import {
  createRelease,
  dumpReleases,
  findRelease,
  loadReleases,
  minimalRepositoryFromRelease,
  ReadOnlyError,
  releaseFromConfig,
  Repository,
} from "@lazyscribe/core";
import { EXPIRIES, MORE_VERSIONS, VERSIONS } from "./cases.js";
import { at, canon, py, readText, snapshot, snapshotDiff, tsWriteRepository, utc, wipe, writeFile, type VersionSpec } from "./harness.js";
import { interopStores } from "./stores.js";

interface RepoView {
  artifacts: unknown[];
  versions: Array<{
    name: string;
    version: number;
    expiry_type: string;
    load: { value?: unknown; error?: { type: string; message: string } };
  }>;
  queries: Array<{ value?: unknown; error?: { type: string; message: string } }>;
}

/** The value each version should load as, in list order. */
const valuesOf = (versions: VersionSpec[]) => versions.map((v) => ({ name: v.name, value: v.value }));

describe.each(interopStores())("repositories on $name", (store) => {
  const env = () => store.pythonEnv();
  const settings = () => store.settings?.();
  const pyWrite = (path: string, versions: VersionSpec[], expiries = EXPIRIES, mode = "w") =>
    py<unknown[]>("repository_ops", { op: "write", path, versions, expiries, mode }, env());
  const pyRead = (path: string, queries: object[] = [], extra: object = {}) =>
    py<RepoView>("repository_ops", { op: "read", path, queries, ...extra }, env());
  const tsOpen = (path: string, mode: "r" | "w" | "w+" = "r") => Repository.open(path, { mode, storage: settings() });
  const tsValues = async (repo: Repository) =>
    Promise.all(repo.artifacts.map(async (a) => ({ name: a.name, value: await repo.loadArtifact(a.name, { version: a.version }) })));

  it("Python writes versions and expiries; TypeScript reads every entry, version and search; Python's own searches hit W9", async () => {
    const path = `${await store.freshRoot()}/repository.json`;
    const written = pyWrite(path, VERSIONS);
    const repo = await tsOpen(path);
    expect(canon(repo.toJSON())).toBe(canon(written));
    expect(canon(await tsValues(repo))).toBe(canon(valuesOf(VERSIONS)));
    expect(repo.get("features").expiry).toBeNull();
    expect(repo.artifacts[2]?.expiry).toEqual(utc("2025-01-25T00:00:00"));

    const queries = [
      { kind: "load", name: "features", version: 2 },
      { kind: "load", name: "features", version: "2025-01-21T13:23:30" },
      { kind: "load", name: "model-config", clock: "2025-02-01T00:00:00" },
      { kind: "load", name: "model-config", version: "2025-01-22T00:00:00", match: "asof" },
      { kind: "metadata", name: "model-config", version: 0 },
      { kind: "diff", name: "model-config", version: [0, 1] },
      // Python keeps a stored expiry as a string (W9): these searches compare it with a datetime.
      { kind: "load", name: "features", clock: "2025-02-01T00:00:00" },
      { kind: "load", name: "features", version: "2025-01-21T20:00:00", match: "asof" },
    ];
    const pyView = pyRead(path, queries);
    expect(pyView.versions.map((v) => v.expiry_type)).toEqual(["NoneType", "NoneType", "str", "NoneType", "NoneType"]);
    const ts = [
      await repo.loadArtifact("features", { version: 2 }),
      await repo.loadArtifact("features", { version: "2025-01-21T13:23:30" }),
      await at("2025-02-01T00:00:00", () => repo.loadArtifact("model-config")),
      await repo.loadArtifact("model-config", { version: "2025-01-22T00:00:00", match: "asof" }),
      repo.getArtifactMetadata("model-config", { version: 0 }),
      await repo.getVersionDiff("model-config", [0, 1]),
    ];
    expect(canon(pyView.queries.slice(0, 6).map((q) => q.value))).toBe(canon(ts));
    expect(pyView.queries.slice(6).map((q) => q.error?.type)).toEqual(["TypeError", "TypeError"]);
    // TypeScript parses the expiry and answers as Python intends.
    expect(await at("2025-02-01T00:00:00", () => repo.loadArtifact("features"))).toEqual({ version: 2 });
    expect(canon(await repo.loadArtifact("features", { version: "2025-01-21T20:00:00", match: "asof" }))).toBe(canon(VERSIONS[2]!.value));
  });

  it("TypeScript writes the same repository: identical bytes, and Python reads every version", async () => {
    const root = await store.freshRoot();
    const path = `${root}/repository.json`;
    pyWrite(path, VERSIONS);
    const fromPython = await snapshot(root);
    await wipe(root);
    const repo = await tsWriteRepository(path, VERSIONS, EXPIRIES, "w", settings());
    expect(snapshotDiff(fromPython, await snapshot(root))).toEqual([]);
    const pyView = pyRead(path);
    expect(canon(pyView.artifacts)).toBe(canon(repo.toJSON()));
    expect(canon(pyView.versions.map((v) => ({ name: v.name, value: v.load.value })))).toBe(canon(valuesOf(VERSIONS)));
  });

  it("each side adds versions and expiries to the other's repository in mode w+", async () => {
    const root = await store.freshRoot();
    const pyPath = `${root}/py/repository.json`;
    pyWrite(pyPath, VERSIONS);
    const repo = await tsOpen(pyPath, "w+");
    await tsWriteRepository(pyPath, MORE_VERSIONS, [{ name: "model-config", version: 0, expiry: "2025-03-01T00:00:00" }], "w+", settings());
    const tsView = await tsOpen(pyPath);
    expect(tsView.toJSON().map((a) => [a.name, a.version])).toEqual([
      ["features", 0],
      ["model-config", 0],
      ["features", 1],
      ["features", 2],
      ["model-config", 1],
      ["features", 3],
      ["new-name", 0],
    ]);
    expect(repo.artifacts).toHaveLength(5); // the earlier handle is unchanged
    const pyView = pyRead(pyPath);
    expect(canon(pyView.artifacts)).toBe(canon(tsView.toJSON()));
    expect(canon(pyView.versions.map((v) => ({ name: v.name, value: v.load.value })))).toBe(
      canon(valuesOf([...VERSIONS, ...MORE_VERSIONS])),
    );

    const tsPath = `${root}/ts/repository.json`;
    await tsWriteRepository(tsPath, VERSIONS, EXPIRIES, "w", settings());
    const edited = pyWrite(tsPath, MORE_VERSIONS, [{ name: "model-config", version: 0, expiry: "2025-03-01T00:00:00" }], "w+");
    const reread = await tsOpen(tsPath);
    expect(canon(reread.toJSON())).toBe(canon(edited));
    expect(canon(reread.toJSON())).toBe(canon(tsView.toJSON()));
    expect(canon(await tsValues(reread))).toBe(canon(valuesOf([...VERSIONS, ...MORE_VERSIONS])));
    await expect(reread.save()).rejects.toThrow(ReadOnlyError);
  });

  it("releases: create_release / dump on one side, load / findRelease on the other, same text", async () => {
    const root = await store.freshRoot();
    const path = `${root}/repository.json`;
    const releases = `${root}/releases.json`;
    // No stored expiries: Python's create_release cannot read them back (W9).
    pyWrite(path, VERSIONS, []);
    const fsPath = releases.replace(/^[a-z0-9]+:\/\//, "");
    const first = py<{ release: unknown; dumps: string }>(
      "repository_ops",
      { op: "release", path, tag: "v1.0.0", out: fsPath, clock: "2025-02-01T00:00:00" },
      env(),
    );
    const repo = await tsOpen(path);
    const tsRelease = await at("2025-02-01T00:00:00", () => createRelease(repo, "v1.0.0"));
    expect(canon(tsRelease.toJSON())).toBe(canon(first.release));
    expect(dumpReleases([tsRelease])).toBe(first.dumps);
    expect(await readText(releases)).toBe(first.dumps);

    // TypeScript appends a second release (through a w+ repository with a new version) in Python's one-line form.
    await tsWriteRepository(path, MORE_VERSIONS, [], "w+", settings());
    const second = await at("2025-02-02T00:00:00", async () => createRelease(await tsOpen(path), "v1.1.0"));
    const all = [...loadReleases(await readText(releases)), second];
    await writeFile(releases, dumpReleases(all));
    const queries = [
      {},
      { version: "v1.0.0" },
      { version: "2025-02-01T00:00:00", timestamp: true },
      { version: "2025-02-01T12:00:00", timestamp: true, match: "asof" },
      { version: "v9", match: "exact" },
      { version: "v1.0.0", match: "asof" },
    ];
    const pyView = py<{ releases: unknown[]; found: Array<{ value?: unknown; error?: { type: string } }> }>(
      "repository_ops",
      { op: "read_releases", repository: path, path: fsPath, queries },
      env(),
    );
    expect(canon(pyView.releases)).toBe(canon(all.map((r) => r.toJSON())));
    expect(canon(pyView.found.slice(0, 4).map((f) => f.value))).toBe(
      canon([
        findRelease(all).toJSON(),
        findRelease(all, "v1.0.0").toJSON(),
        findRelease(all, utc("2025-02-01T00:00:00")).toJSON(),
        findRelease(all, utc("2025-02-01T12:00:00"), "asof").toJSON(),
      ]),
    );
    expect(pyView.found.slice(4).map((f) => f.error?.type)).toEqual(["VersionNotFoundError", "ValueError"]);
    expect(() => findRelease(all, "v9")).toThrow(/v9/);
  });

  // Local disk only: Python's release_from_toml reads and writes with plain open(), whatever the protocol (W18).
  if (store.name === "local")
    it("release_from_toml and releaseFromConfig write the same releases.json (new file, append, existing tag)", async () => {
      const root = await store.freshRoot();
      const path = `${root}/repository.json`;
      const toml = (version: string) =>
        `[project]\nname = "demo"\nversion = "${version}"\n\n[tool.lazyscribe]\nrepositories = ["${path}"]\n`;
      pyWrite(path, VERSIONS, []);
      for (const [version, clock] of [
        ["1.0.0", "2025-02-01T00:00:00"],
        ["1.1.0", "2025-02-02T00:00:00"],
        ["1.1.0", "2025-02-03T00:00:00"],
      ] as const) {
        py("repository_ops", { op: "release_from_toml", toml: toml(version), cwd: root, clock }, env());
      }
      const fromPython = await snapshot(root);
      await wipe(root);
      await tsWriteRepository(path, VERSIONS, [], "w", settings());
      for (const [version, clock] of [
        ["1.0.0", "2025-02-01T00:00:00"],
        ["1.1.0", "2025-02-02T00:00:00"],
        ["1.1.0", "2025-02-03T00:00:00"],
      ] as const) {
        await at(clock, () => releaseFromConfig(toml(version)));
      }
      expect(snapshotDiff(fromPython, await snapshot(root))).toEqual([]);
      expect(loadReleases(await readText(`${root}/releases.json`)).map((r) => r.tag)).toEqual(["1.0.0", "1.1.0"]);
    });

  it("minimal repositories from a release: same manifest on both sides; Python copies nested fnames under their base name (W11)", async () => {
    const root = await store.freshRoot();
    const path = `${root}/repository.json`;
    const releases = `${root}/releases.json`;
    const fsReleases = releases.replace(/^[a-z0-9]+:\/\//, "");
    pyWrite(path, VERSIONS, []);
    // Pins features v2, whose fname is nested/features-v2.json, and model-config v1.
    py("repository_ops", { op: "release", path, tag: "v1", out: fsReleases, clock: "2025-02-01T00:00:00" }, env());
    py("repository_ops", { op: "minimal", path, releases: fsReleases, location: `${root}/py-min` }, env());
    const repo = await tsOpen(path);
    const [release] = loadReleases(await readText(releases));
    const minimal = await minimalRepositoryFromRelease(`${root}/ts-min`, repo, release!);
    const pyMin = await snapshot(`${root}/py-min`);
    const tsMin = await snapshot(`${root}/ts-min`);
    expect(new TextDecoder().decode(tsMin.get("repository.json"))).toBe(new TextDecoder().decode(pyMin.get("repository.json")));
    expect([...pyMin.keys()].sort()).toEqual([
      "features/features-v2.json",
      "model-config/model-config-20250123000000.json",
      "repository.json",
    ]);
    expect([...tsMin.keys()].sort()).toEqual([
      "features/nested/features-v2.json",
      "model-config/model-config-20250123000000.json",
      "repository.json",
    ]);
    // So Python cannot load its own copy of the nested version, and loads TypeScript's.
    const pyOwn = pyRead(`${root}/py-min/repository.json`);
    expect(pyOwn.versions.map((v) => v.load.error?.type ?? "ok")).toEqual(["FileNotFoundError", "ok"]);
    const pyOfTs = pyRead(`${root}/ts-min/repository.json`);
    expect(canon(pyOfTs.versions.map((v) => v.load.value))).toBe(canon([VERSIONS[3]!.value, VERSIONS[4]!.value]));
    expect(canon(await tsValues(minimal))).toBe(canon([VERSIONS[3], VERSIONS[4]].map((v) => ({ name: v!.name, value: v!.value }))));
  });
});
