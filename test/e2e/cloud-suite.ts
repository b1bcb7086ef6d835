/**
 * The end-to-end suite every cloud backend runs: a project with experiments, tests and
 * artifacts logged to a bucket, reopened in every mode, promoted into repositories on the
 * same and on another bucket (server-side), released, cut down to a minimal repository,
 * loaded by version, released from a package.json, and refused across protocols.
 *
 * It uses only the public `lazyscribe` API and `<protocol>://bucket/...` URLs; each cloud's
 * test file supplies fresh buckets (made with the raw SDK) and, where the environment alone
 * does not reach its emulator, backend settings.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ArtifactLogError,
  createRelease,
  getStorage,
  loadReleases,
  minimalRepositoryFromRelease,
  Project,
  releaseFromConfig,
  Repository,
  setClock,
  wrapStorage,
  type Release,
  type Storage,
  type StorageSettings,
} from "lazyscribe";

/** One cloud under test. */
export interface CloudEndToEndTarget {
  /** Display name in test titles. */
  name: string;
  /** URL scheme of the cloud (`s3`, `gs`, `az`). */
  protocol: string;
  /** Creates a fresh, empty bucket (or container) through the raw SDK and returns its name. */
  makeBucket(): Promise<string>;
  /** A `project.json` location on another protocol, for the mismatch check. @default a fresh `memory://` location */
  otherProtocolUrl?: () => Promise<string>;
  /** Settings for the cloud's backend, passed as `storage` to every open. @default {} (environment and default credentials) */
  storage?: StorageSettings;
}

/** What passed through the client: calls on the shared store, recorded by key. */
interface Traffic {
  reads: string[];
  writes: string[];
  copies: Array<[string, string]>;
}

/** The same store, recording every read, write and copy it is asked for. */
function recording(inner: Storage): { storage: Storage; traffic: Traffic; reset: () => void } {
  const traffic: Traffic = { reads: [], writes: [], copies: [] };
  const storage = wrapStorage(inner, {
    read: (key, options) => {
      traffic.reads.push(key);
      return inner.read(key, options);
    },
    readStream: (key, options) => {
      traffic.reads.push(key);
      return inner.readStream(key, options);
    },
    write: (key, body, options) => {
      traffic.writes.push(key);
      return inner.write(key, body, options);
    },
    copy: (from, to, options) => {
      traffic.copies.push([from, to]);
      return inner.copy(from, to, options);
    },
  });
  const reset = () => {
    traffic.reads.length = 0;
    traffic.writes.length = 0;
    traffic.copies.length = 0;
  };
  return { storage, traffic, reset };
}

const MANIFESTS = /(^|\/)(project|repository|releases)\.json$/;
const d = (iso: string) => new Date(`${iso}Z`);
const text = new TextDecoder();

/** A deterministic, non-trivial binary payload. */
function modelBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + seed * 17 + (i >> 9)) & 0xff;
  return out;
}

/** Registers the end-to-end suite for one cloud. */
export function runCloudEndToEnd(target: CloudEndToEndTarget): void {
  const { protocol } = target;
  const settings: StorageSettings = target.storage ?? {};

  describe(`end to end on ${target.name}`, () => {
    let clock = d("2025-03-01T09:00:00");
    let restoreClock: () => void = () => undefined;
    const travel = (iso: string) => {
      clock = d(iso);
    };
    let bucketA: string;
    let bucketB: string;
    let bucketC: string;
    let shared: ReturnType<typeof recording>;
    let projectUrl: string;
    let upstreamUrl: string;
    let sameBucketRepoUrl: string;
    let otherBucketRepoUrl: string;
    const model = modelBytes(300 * 1024, 1);
    const localDirs: string[] = [];

    /** Keys under a folder URL of this cloud, relative to it, sorted. */
    async function listKeys(folderUrl: string): Promise<string[]> {
      const path = folderUrl.slice(`${protocol}://`.length);
      const keys: string[] = [];
      for await (const entry of shared.storage.list(`${path}/`)) keys.push(entry.key.slice(path.length + 1));
      return keys.sort();
    }

    async function readJson(url: string): Promise<unknown> {
      return JSON.parse(text.decode(await shared.storage.read(url.slice(`${protocol}://`.length))));
    }

    beforeAll(async () => {
      restoreClock = setClock(() => new Date(clock.getTime()));
      [bucketA, bucketB, bucketC] = await Promise.all([target.makeBucket(), target.makeBucket(), target.makeBucket()]);
      shared = recording(await getStorage(protocol, settings));
      projectUrl = `${protocol}://${bucketA}/team/project.json`;
      upstreamUrl = `${protocol}://${bucketA}/upstream/project.json`;
      sameBucketRepoUrl = `${protocol}://${bucketA}/registry/repository.json`;
      otherBucketRepoUrl = `${protocol}://${bucketB}/models/repository.json`;

      // An upstream project in the same bucket, for a cross-project dependency.
      travel("2025-03-01T08:00:00");
      const upstreamProject = await Project.open(upstreamUrl, { mode: "w", author: "ana", storage: settings });
      const upstream = await upstreamProject.log("Feature build", (exp) => exp.logMetric("rows", 1000));
      await upstreamProject.save();

      // The project is written with backend settings (a store built by the registry), not the shared instance.
      const project = await Project.open(projectUrl, { mode: "w", author: "ana", storage: settings });
      travel("2025-03-01T10:00:00");
      await project.log("Baseline", async (exp) => {
        exp.logParameter("learning_rate", 0.1);
        exp.logParameter("features", ["a", "b"]);
        exp.logMetric("accuracy", 0.81);
        exp.tag("baseline", "cloud");
        exp.logArtifact("features", { columns: ["a", "b"], rows: 3 }, "json");
        exp.logArtifact("notes", "first try\n", "text");
        exp.logArtifact("model", model, "bytes");
        await exp.logTest("holdout", "The held-out split", (test) => {
          test.logMetric("auc", 0.77);
          test.logParameter("split", "2025-02");
          test.logArtifact(
            "confusion",
            [
              [5, 1],
              [2, 7],
            ],
            "json",
          );
        });
      });
      travel("2025-03-01T11:00:00");
      await project.log("Improved", (exp) => {
        exp.logParameter("learning_rate", 0.05);
        exp.logMetric("accuracy", 0.86);
        exp.addDependency(upstream);
      });
      await project.save();
    });

    afterAll(async () => {
      restoreClock();
      for (const dir of localDirs) await rm(dir, { recursive: true, force: true });
      await shared?.storage.close?.();
    });

    it("writes project.json and every artifact file into the bucket", async () => {
      const keys = await listKeys(`${protocol}://${bucketA}/team`);
      expect(keys).toContain("project.json");
      expect(keys.filter((k) => k.startsWith("baseline-20250301"))).toHaveLength(4);
      expect(keys.some((k) => /^baseline-\d+\/holdout\/confusion-\d+\.json$/.test(k))).toBe(true);
      const manifest = (await readJson(projectUrl)) as Array<{ name: string; slug: string; dependencies: string[] }>;
      expect(manifest.map((e) => e.name)).toEqual(["Baseline", "Improved"]);
      expect(manifest[1]!.dependencies).toEqual([`${bucketA}/upstream/project.json|feature-build-20250301080000`]);
    });

    it("reopens in mode r with every experiment, test and artifact intact", async () => {
      const project = await Project.open(projectUrl, { mode: "r", storage: settings });
      expect(project.experiments.map((e) => e.name)).toEqual(["Baseline", "Improved"]);
      const baseline = project.get("baseline");
      expect(baseline.parameters).toEqual({ learning_rate: 0.1, features: ["a", "b"] });
      expect(baseline.metrics).toEqual({ accuracy: 0.81 });
      expect([...baseline.tags]).toEqual(["baseline", "cloud"]);
      expect(baseline.author).toBe("ana");
      expect(await baseline.loadArtifact("features")).toEqual({ columns: ["a", "b"], rows: 3 });
      expect(await baseline.loadArtifact("notes")).toBe("first try\n");
      expect(Buffer.from((await baseline.loadArtifact("model")) as Uint8Array).equals(Buffer.from(model))).toBe(true);
      const chunks: Buffer[] = [];
      for await (const chunk of await baseline.openArtifact("model")) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(Buffer.from(model))).toBe(true);
      const holdout = baseline.tests[0]!;
      expect(holdout.name).toBe("holdout");
      expect(holdout.metrics).toEqual({ auc: 0.77 });
      expect(await holdout.loadArtifact("confusion")).toEqual([
        [5, 1],
        [2, 7],
      ]);
      const improved = project.get("improved");
      const [dependency] = [...improved.dependencies.values()];
      expect(dependency?.slug).toBe("feature-build-20250301080000");
      expect(dependency?.metrics).toEqual({ rows: 1000 });
      expect(() => project.get("improved").logMetric("x", 1)).toThrow();
    });

    it("mode a appends an experiment and keeps the others", async () => {
      travel("2025-03-02T09:00:00");
      const project = await Project.open(projectUrl, { mode: "a", author: "ben", storage: settings });
      await project.log("Third", (exp) => exp.logMetric("accuracy", 0.5));
      await project.save();
      const reread = await Project.open(projectUrl, { mode: "r", storage: settings });
      expect(reread.experiments.map((e) => e.name)).toEqual(["Baseline", "Improved", "Third"]);
      expect(reread.get("third").author).toBe("ben");
      expect(await reread.get("baseline").loadArtifact("notes")).toBe("first try\n");
    });

    it("mode w+ edits an existing experiment in place", async () => {
      travel("2025-03-02T10:00:00");
      const project = await Project.open(projectUrl, { mode: "w+", author: "cy", storage: settings });
      project.get("improved").logMetric("f1", 0.8);
      await project.save();
      const reread = await Project.open(projectUrl, { mode: "r", storage: settings });
      expect(reread.experiments.map((e) => e.name)).toEqual(["Baseline", "Improved", "Third"]);
      expect(reread.get("improved").metrics).toEqual({ accuracy: 0.86, f1: 0.8 });
      expect(reread.get("baseline").metrics).toEqual({ accuracy: 0.81 });
    });

    it("promotes into a repository on the same bucket with a server-side copy", async () => {
      const project = await Project.open(projectUrl, { mode: "r", storage: shared.storage });
      const repository = await Repository.open(sameBucketRepoUrl, { mode: "w+", storage: shared.storage });
      shared.reset();
      await project.get("baseline").promoteArtifact(repository, "features");
      await project.get("baseline").promoteArtifact(repository, "model");
      expect(shared.traffic.copies.map(([, to]) => to.split("/")[0])).toEqual([bucketA, bucketA]);
      // No artifact byte went through the client: only manifests were read or written.
      expect(shared.traffic.reads.filter((k) => !MANIFESTS.test(k))).toEqual([]);
      expect(shared.traffic.writes.filter((k) => !MANIFESTS.test(k))).toEqual([]);

      const reread = await Repository.open(sameBucketRepoUrl, { mode: "r", storage: settings });
      expect(reread.artifacts.map((a) => [a.name, a.version])).toEqual([
        ["features", 0],
        ["model", 0],
      ]);
      expect(await reread.loadArtifact("features")).toEqual({ columns: ["a", "b"], rows: 3 });
      expect(Buffer.from((await reread.loadArtifact("model")) as Uint8Array).equals(Buffer.from(model))).toBe(true);
      expect(await listKeys(`${protocol}://${bucketA}/registry`)).toEqual([
        "features/features-20250301100000.json",
        "model/model-20250301100000.bin",
        "repository.json",
      ]);
    });

    it("promotes into a repository on another bucket with a server-side copy, version after version", async () => {
      const repository = await Repository.open(otherBucketRepoUrl, { mode: "w+", storage: shared.storage });
      let project = await Project.open(projectUrl, { mode: "r", storage: shared.storage });
      shared.reset();
      await project.get("baseline").promoteArtifact(repository, "features");
      await project.get("baseline").promoteArtifact(repository, "model");

      // A retrained experiment logs newer versions of both artifacts.
      travel("2025-03-05T12:00:00");
      const writer = await Project.open(projectUrl, { mode: "a", author: "ana", storage: shared.storage });
      await writer.log("Retrained", (exp) => {
        exp.logArtifact("features", { columns: ["a", "b", "c"], rows: 4 }, "json");
        exp.logArtifact("model", modelBytes(200 * 1024, 2), "bytes");
      });
      await writer.save();
      project = await Project.open(projectUrl, { mode: "r", storage: shared.storage });
      shared.reset();
      await project.get("retrained").promoteArtifact(repository, "features");
      await project.get("retrained").promoteArtifact(repository, "model");
      expect(shared.traffic.copies).toHaveLength(2);
      for (const [from, to] of shared.traffic.copies) {
        expect(from.split("/")[0]).toBe(bucketA);
        expect(to.split("/")[0]).toBe(bucketB);
      }
      expect(shared.traffic.reads.filter((k) => !MANIFESTS.test(k))).toEqual([]);
      expect(shared.traffic.writes.filter((k) => !MANIFESTS.test(k))).toEqual([]);

      const reread = await Repository.open(otherBucketRepoUrl, { mode: "r", storage: settings });
      expect(reread.artifacts.map((a) => [a.name, a.version])).toEqual([
        ["features", 0],
        ["model", 0],
        ["features", 1],
        ["model", 1],
      ]);
    });

    it("loads artifacts by version: integer, Date and string, exact and asof", async () => {
      const repository = await Repository.open(otherBucketRepoUrl, { mode: "r", storage: settings });
      const v0 = { columns: ["a", "b"], rows: 3 };
      const v1 = { columns: ["a", "b", "c"], rows: 4 };
      expect(await repository.loadArtifact("features")).toEqual(v1);
      expect(await repository.loadArtifact("features", { version: 0 })).toEqual(v0);
      expect(await repository.loadArtifact("features", { version: 1 })).toEqual(v1);
      expect(await repository.loadArtifact("features", { version: d("2025-03-01T10:00:00") })).toEqual(v0);
      expect(await repository.loadArtifact("features", { version: "2025-03-05T12:00:00" })).toEqual(v1);
      expect(await repository.loadArtifact("features", { version: d("2025-03-03T00:00:00"), match: "asof" })).toEqual(v0);
      expect(await repository.loadArtifact("features", { version: "2025-03-06T00:00:00", match: "asof" })).toEqual(v1);
      const model1 = (await repository.loadArtifact("model", { version: 1 })) as Uint8Array;
      expect(Buffer.from(model1).equals(Buffer.from(modelBytes(200 * 1024, 2)))).toBe(true);
      await expect(repository.loadArtifact("features", { version: 7 })).rejects.toThrow();
      await expect(repository.loadArtifact("features", { version: d("2025-01-01T00:00:00"), match: "asof" })).rejects.toThrow();
    });

    let release: Release;

    it("creates a release from a repository opened in mode r", async () => {
      travel("2025-03-06T08:00:00");
      const repository = await Repository.open(otherBucketRepoUrl, { mode: "r", storage: shared.storage });
      release = createRelease(repository, "v1.0.0");
      expect(release.tag).toBe("v1.0.0");
      expect(release.artifacts).toEqual([
        ["features", 1],
        ["model", 1],
      ]);
      expect(release.toJSON().created_at).toBe("2025-03-06T08:00:00");
      const writable = await Repository.open(otherBucketRepoUrl, { mode: "w+", storage: shared.storage });
      expect(() => createRelease(writable, "v1.0.0")).toThrow();
    });

    it("builds a minimal repository from the release in another bucket, copying server-side", async () => {
      const repository = await Repository.open(otherBucketRepoUrl, { mode: "r", storage: shared.storage });
      shared.reset();
      const minimalUrl = `${protocol}://${bucketC}/minimal`;
      const minimal = await minimalRepositoryFromRelease(minimalUrl, repository, release);
      expect(shared.traffic.copies).toHaveLength(2);
      for (const [from, to] of shared.traffic.copies) {
        expect(from.split("/")[0]).toBe(bucketB);
        expect(to.split("/")[0]).toBe(bucketC);
      }
      expect(shared.traffic.reads.filter((k) => !MANIFESTS.test(k))).toEqual([]);
      expect(await listKeys(minimalUrl)).toEqual([
        "features/features-20250305120000.json",
        "model/model-20250305120000.bin",
        "repository.json",
      ]);
      expect(minimal.artifacts.map((a) => [a.name, a.version])).toEqual([
        ["features", 1],
        ["model", 1],
      ]);
      const reopened = await Repository.open(`${minimalUrl}/repository.json`, { mode: "r", storage: settings });
      expect(await reopened.loadArtifact("features")).toEqual({ columns: ["a", "b", "c"], rows: 4 });
    });

    it("releaseFromConfig writes releases.json beside the repository in the bucket", async () => {
      travel("2025-03-07T09:30:00");
      const packageJson = JSON.stringify({ name: "my-models", version: "1.2.3", lazyscribe: { repositories: [otherBucketRepoUrl] } });
      const outcomes = await releaseFromConfig(packageJson, { storage: settings });
      expect(outcomes.map((o) => [o.repository, o.release.tag, o.created])).toEqual([[otherBucketRepoUrl, "1.2.3", true]]);
      expect(outcomes[0]!.releasesFile).toBe(`${protocol}://${bucketB}/models/releases.json`);
      const releases = loadReleases(text.decode(await shared.storage.read(`${bucketB}/models/releases.json`)));
      expect(releases.map((r) => [r.tag, r.artifacts, r.toJSON().created_at])).toEqual([
        [
          "1.2.3",
          [
            ["features", 1],
            ["model", 1],
          ],
          "2025-03-07T09:30:00",
        ],
      ]);
      const again = await releaseFromConfig(packageJson, { storage: settings });
      expect(again[0]!.created).toBe(false);
      expect(loadReleases(text.decode(await shared.storage.read(`${bucketB}/models/releases.json`)))).toHaveLength(1);
    });

    it("refuses to promote from a project on another protocol into the cloud repository", async () => {
      const localDir = await mkdtemp(join(tmpdir(), "lazyscribe-e2e-"));
      localDirs.push(localDir);
      const others = [
        target.otherProtocolUrl ? await target.otherProtocolUrl() : `memory://e2e-${process.pid}-${Date.now()}/project.json`,
        join(localDir, "project.json"),
      ];
      travel("2025-03-08T09:00:00");
      for (const location of others) {
        const foreign = await Project.open(location, { mode: "w" });
        await foreign.log("Elsewhere", (exp) => exp.logArtifact("features", { columns: ["z"] }, "json"));
        await foreign.save();
        const project = await Project.open(location, { mode: "r" });
        const repository = await Repository.open(otherBucketRepoUrl, { mode: "w+", storage: shared.storage });
        const before = await listKeys(`${protocol}://${bucketB}/models`);
        await expect(project.get("elsewhere").promoteArtifact(repository, "features")).rejects.toBeInstanceOf(ArtifactLogError);
        expect(repository.artifacts).toHaveLength(4);
        expect(await listKeys(`${protocol}://${bucketB}/models`)).toEqual(before);
      }
    });

    it("mode w replaces the project with only the new experiments", async () => {
      travel("2025-03-09T09:00:00");
      const project = await Project.open(projectUrl, { mode: "w", author: "dee", storage: settings });
      expect(project.experiments).toHaveLength(0);
      await project.log("Fresh start", (exp) => exp.logMetric("accuracy", 0.9));
      await project.save();
      const reread = await Project.open(projectUrl, { mode: "r", storage: settings });
      expect(reread.experiments.map((e) => e.name)).toEqual(["Fresh start"]);
      // The repositories keep their own copies.
      const repository = await Repository.open(sameBucketRepoUrl, { mode: "r", storage: settings });
      expect(await repository.loadArtifact("features")).toEqual({ columns: ["a", "b"], rows: 3 });
    });
  });
}
