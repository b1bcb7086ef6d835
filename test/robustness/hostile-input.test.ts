/**
 * Hostile input: names that try to leave their folder are refused, and random or
 * mutated manifests either load or throw a LazyscribeError, never anything else.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isLazyscribeError, loadReleases, Project, Repository, resolveLocation, UnsafePathError, ManifestError } from "@lazyscribe/core";
import "@lazyscribe/local";

const FIXTURES = new URL("../../../shared/fixtures/upstream-python/", import.meta.url);
const fixtures = ["project.json", "merge_update.json", "project_with_test_artifacts.json", "down-project.json"].map((f) =>
  readFileSync(new URL(f, FIXTURES), "utf8"),
);
const repositoryFixture = readFileSync(new URL("repository.json", FIXTURES), "utf8");

const HOSTILE_PATHS = ["../escape.json", "a/../../escape.json", "..", ".", "/etc/passwd", "a\u0000b", "a//b", "", "a/./b"];

/** Names that look special elsewhere but stay inside their folder on POSIX disks and object stores (Python accepts them). */
const POSIX_SAFE_PATHS = [
  "C:\\Windows\\evil",
  "a\\..\\b",
  "%2e%2e/escape",
  "a%2fb",
  "..%5cescape",
  "C:a.json",
  "50%2e.json",
  "a\tb",
  "a\nb",
];

let n = 0;
const freshRoot = () => `memory://hostile-${process.pid}-${++n}`;

async function put(url: string, body: string): Promise<void> {
  const { storage, path } = await resolveLocation(url);
  await storage.write(path, body);
}

/** Loads `text` as each kind of manifest and returns the error thrown, if any. */
async function loadAll(text: string): Promise<unknown[]> {
  const root = freshRoot();
  await put(`${root}/project.json`, text);
  await put(`${root}/repository.json`, text);
  const errors: unknown[] = [];
  for (const load of [
    () => Project.open(`${root}/project.json`, { mode: "r" }),
    () => Project.open(`${root}/project.json`, { mode: "w+" }),
    () => Repository.open(`${root}/repository.json`, { mode: "r" }),
    async () => loadReleases(text),
  ]) {
    try {
      await load();
    } catch (err) {
      errors.push(err);
    }
  }
  return errors;
}

describe("hostile names from callers", () => {
  it.each(HOSTILE_PATHS)("refuses artifact file name %j", async (fname) => {
    const project = await Project.open(`${freshRoot()}/project.json`, { mode: "w" });
    await project.log("run", (e) => {
      expect(() => e.logArtifact("a", 1, "json", { fname })).toThrow(UnsafePathError);
    });
  });

  it.each(process.platform === "win32" ? [] : POSIX_SAFE_PATHS)("accepts artifact file name and repository name %j", async (name) => {
    const project = await Project.open(`${freshRoot()}/project.json`, { mode: "w" });
    await project.log("run", (e) => {
      e.logArtifact("a", 1, "json", { fname: name });
    });
    const repo = await Repository.open(`${freshRoot()}/repository.json`);
    repo.logArtifact(name, 1, "json");
    await repo.save();
    expect(await repo.loadArtifact(name)).toBe(1);
  });

  it.each(HOSTILE_PATHS)("refuses repository artifact name %j", async (name) => {
    const repo = await Repository.open(`${freshRoot()}/repository.json`);
    expect(() => repo.logArtifact(name, 1, "json")).toThrow(UnsafePathError);
    expect(repo.artifacts).toHaveLength(0);
  });

  it("keeps test folders inside the experiment whatever the test name", async () => {
    const project = await Project.open(`${freshRoot()}/project.json`, { mode: "w" });
    const exp = await project.log("run", async (e) => {
      for (const name of HOSTILE_PATHS) await e.logTest(name, () => {});
    });
    for (const t of exp.tests) expect(t.path.startsWith(`${exp.path}/`) || t.path === exp.path).toBe(true);
    for (const t of exp.tests) expect(t.path.slice(exp.path.length)).not.toContain("..");
  });
});

describe("hostile names from a loaded manifest", () => {
  const base = JSON.parse(fixtures[2]!) as Array<Record<string, unknown>>;
  it.each(HOSTILE_PATHS)("refuses artifact fname %j in project.json before any read", async (fname) => {
    const entry = structuredClone(base[0]!) as { artifacts: Array<Record<string, unknown>> };
    entry.artifacts = [{ created_at: "2025-01-01T00:00:00", fname, handler: "json", name: "a", version: 0 }];
    const root = freshRoot();
    await put(`${root}/project.json`, JSON.stringify([entry]));
    const project = await Project.open(`${root}/project.json`, { mode: "r" });
    await expect(project.experiments[0]!.loadArtifact("a")).rejects.toBeInstanceOf(UnsafePathError);
  });

  it.each(["../x", "a/b", "..", ".", "a\\b"])("refuses slug %j", async (slug) => {
    const entry = { ...base[0]!, slug };
    const errors = await loadAll(JSON.stringify([entry]));
    expect(errors.slice(0, 2).every((e) => e instanceof ManifestError)).toBe(true);
  });

  it.each(["../up/project.json|s", "/etc/passwd|s", "a/%2e%2e/b.json|s", "a\u0000b|s", "a\\..\\b|s"])(
    "refuses dependency %j",
    async (dep) => {
      const entry = { ...base[0]!, dependencies: [dep] };
      const errors = await loadAll(JSON.stringify([entry]));
      expect(errors[0]).toBeInstanceOf(ManifestError);
    },
  );

  it.each(HOSTILE_PATHS.filter((p) => p !== ""))(
    "opens a repository with an entry named %j but refuses that entry's file",
    async (name) => {
      const entries = JSON.parse(repositoryFixture) as Array<Record<string, unknown>>;
      entries[0]!.name = name;
      const root = freshRoot();
      await put(`${root}/repository.json`, JSON.stringify(entries));
      const repo = await Repository.open(`${root}/repository.json`, { mode: "r" });
      await expect(repo.loadArtifact(name, { version: entries[0]!.version as number })).rejects.toBeInstanceOf(UnsafePathError);
    },
  );
});

describe("random and mutated manifests", () => {
  const json = fc.jsonValue({ maxDepth: 4 });

  it("random JSON values load or throw a LazyscribeError", async () => {
    await fc.assert(
      fc.asyncProperty(json, async (value) => {
        for (const err of await loadAll(JSON.stringify(value))) expect(isLazyscribeError(err), String(err)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("random text loads or throws a LazyscribeError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        for (const err of await loadAll(text)) expect(isLazyscribeError(err), String(err)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  /** Replaces one value somewhere in a fixture with an arbitrary JSON value. */
  function mutate(doc: unknown, path: number[], replacement: unknown): unknown {
    const copy = structuredClone(doc);
    let node: unknown = copy;
    for (let depth = 0; depth < path.length; depth++) {
      if (typeof node !== "object" || node === null) break;
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[path[depth]! % keys.length]!;
      const isLast = depth === path.length - 1 || typeof (node as Record<string, unknown>)[key] !== "object";
      if (isLast) {
        (node as Record<string, unknown>)[key] = replacement;
        break;
      }
      node = (node as Record<string, unknown>)[key];
    }
    return copy;
  }

  it("fixtures with one value replaced load or throw a LazyscribeError", async () => {
    const docs = [...fixtures, repositoryFixture].map((t) => JSON.parse(t) as unknown);
    await fc.assert(
      fc.asyncProperty(fc.nat(docs.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), json, async (i, path, replacement) => {
        const text = JSON.stringify(mutate(docs[i], path, replacement));
        for (const err of await loadAll(text)) expect(isLazyscribeError(err), String(err)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("deeply nested input is refused without hanging or overflowing the stack", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    for (const err of await loadAll(deep)) expect(isLazyscribeError(err), String(err)).toBe(true);
  });
});

describe("absolute dependency paths on local disk", () => {
  it("are refused outside the trusted folders, and followed once their folder is listed in dependencyRoots", async () => {
    const { mkdtemp, mkdir } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const base = await mkdtemp(join(tmpdir(), "lazyscribe-roots-"));
    await mkdir(join(base, "features"));
    await mkdir(join(base, "model"));
    const up = await Project.open(join(base, "features", "project.json"), { author: "ana" });
    const feats = await up.log("features", () => {});
    await up.save();
    const down = await Project.open(join(base, "model", "project.json"), { author: "ana" });
    await down.log("model", (e) => e.addDependency(feats));
    await down.save();
    const refused = await Project.open(join(base, "model", "project.json"), { mode: "r" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ManifestError);
    expect(String((refused as Error).message)).toContain("dependencyRoots");
    const trusted = await Project.open(join(base, "model", "project.json"), { mode: "r", dependencyRoots: [join(base, "features")] });
    expect(trusted.get("model").dependencies.get("features")?.slug).toBe(feats.slug);
  });
});
