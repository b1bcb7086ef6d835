/**
 * The command-line suite every store runs: the real executable against a project and a
 * repository on that store, each command's text and `--json` output and exit code, read-only
 * commands leaving every stored byte alone, and promote, release and deploy writing what
 * they should.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseLocation, Repository, resolveLocation, type StorageSettings } from "lazyscribe";
import { HOSTILE_NAME, requireBuiltCli, runCli, runJson, runOk, writeFixture, type Fixture, type RunOptions } from "./harness.js";

/** One store under test. */
export interface CliTarget {
  /** Display name. */
  name: string;
  /** A fresh, empty folder location on the store (no trailing slash). */
  freshRoot(): Promise<string>;
  /** Backend settings for the test process's own reads and writes. */
  storage?: StorageSettings;
  /** Environment of the child processes (on top of the test process's). */
  env?: Record<string, string | undefined>;
  /** A destination on another protocol, for the mismatch check. */
  otherProtocolFolder(): Promise<string>;
}

/** Every stored key under a folder with its version token: proof that nothing was written. */
async function snapshot(folder: string, storage: StorageSettings): Promise<Record<string, string>> {
  const { storage: store, path } = await resolveLocation(folder, storage);
  const out: Record<string, string> = {};
  for await (const entry of store.list(path === "" ? "" : `${path}/`)) out[entry.key] = entry.version;
  return out;
}

async function storedSize(location: string, storage: StorageSettings): Promise<number | undefined> {
  const { storage: store, path } = await resolveLocation(location, storage);
  return (await store.stat(path))?.size;
}

const LS_PLAIN = [
  "short_slug                       name                                                  author  created              tags                auc  loss",
  "baseline                         Baseline                                              ana     2025-03-01 10:00:00  baseline           0.81  0.42",
  "tuned-model                      Tuned model                                           ana     2025-03-02 11:30:00  candidate, tuned   0.87  0.35",
  "evil-2j-31mred-0m-forged-row-1m  Evil \\e[2J\\e[31mred\\e[0m\\r\\nforged row\\u0007\\u009b1m  ana     2025-03-03 08:15:00  x\\e]0;pwned\\u0007   0.5",
].join("\n");

const CONFIG_DIFF = [
  "--- config v0 (2025-03-01T12:00:00)",
  "+++ config v1 (2025-03-02T12:00:00)",
  "@@ -1,3 +1,3 @@",
  "-lr: 0.1",
  "+lr: 0.03",
  " layers: 2",
  "-activation: relu",
  "+activation: gelu",
  "",
].join("\n");

/** Registers the suite for one store. */
export function runCliSuite(target: CliTarget): void {
  const storage = target.storage ?? {};
  const options: RunOptions = { env: target.env };
  const cli = (...args: string[]) => runCli(args, options);
  const ok = (...args: string[]) => runOk(args, options);
  const json = <T = Record<string, unknown>>(...args: string[]) => runJson<T>(args, options);

  describe(`lazyscribe command line on ${target.name}`, () => {
    let fx: Fixture;

    beforeAll(async () => {
      requireBuiltCli();
      fx = await writeFixture(await target.freshRoot(), storage);
    });

    it("lists, shows and compares experiments, and read commands write nothing", async () => {
      const before = await snapshot(fx.root, storage);
      const [plain, listed, csv, md, filtered, byParameter, dated, shown, detail, compared, changedOnly, compareText] = await Promise.all([
        ok("ls", fx.project),
        json<{ project: string; experiments: Array<Record<string, unknown>> }>("ls", fx.project),
        ok("experiments", fx.project, "--csv", "--columns", "short_slug,tags,auc"),
        ok("ls", fx.project, "--md", "--columns", "name,learning_rate,auc", "--filter", "auc>=0.8"),
        json<{ experiments: Array<{ slug: string }> }>("ls", fx.project, "-f", "auc>0.8", "-f", "tag=candidate"),
        json<{ experiments: Array<{ slug: string }> }>("ls", fx.project, "--filter", "learning_rate=0.1"),
        json<{ experiments: Array<{ slug: string }> }>(
          "ls",
          fx.project,
          "-f",
          "created>=2025-03-02",
          "-f",
          "author=ana",
          "--sort",
          "-auc",
          "--limit",
          "1",
        ),
        ok("show", fx.project, "tuned-model"),
        json<{
          experiment: Record<string, unknown> & { artifacts: Array<Record<string, unknown>>; tests: Array<Record<string, unknown>> };
        }>("show", fx.project, "tuned-model-20250302113000"),
        json<{ experiments: Array<{ slug: string }>; rows: Array<Record<string, unknown>> }>(
          "compare",
          fx.project,
          "baseline",
          "tuned-model",
          "--higher-is-better",
          "auc",
          "--lower-is-better",
          "loss",
        ),
        json<{ rows: Array<{ name: string }> }>("compare", fx.project, "baseline", "tuned-model", "--only-changed"),
        ok("compare", fx.project, "baseline", "tuned-model", "--higher-is-better", "auc"),
      ]);

      // Piped output is plain aligned text, the hostile name escaped onto its own single line.
      expect(plain).toBe(`${LS_PLAIN}\n`);
      expect(plain).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(listed.project).toBe(fx.project);
      expect(listed.experiments.map((e) => e.slug)).toEqual([
        "baseline-20250301100000",
        "tuned-model-20250302113000",
        expect.stringMatching(/^evil-.*-20250303081500$/),
      ]);
      expect(listed.experiments[1]).toEqual({
        slug: "tuned-model-20250302113000",
        short_slug: "tuned-model",
        name: "Tuned model",
        author: "ana",
        created_at: "2025-03-02T11:30:00",
        last_updated: "2025-03-02T11:30:00",
        last_updated_by: "ana",
        tags: ["candidate", "tuned"],
        metrics: { auc: 0.87, loss: 0.35 },
        parameters: { learning_rate: 0.03, optimizer: "sgd" },
      });
      // JSON keeps the hostile name exactly (escaped by JSON, not altered).
      expect(listed.experiments[2]!.name).toBe(HOSTILE_NAME);
      expect(csv).toBe(
        'short_slug,tags,auc\nbaseline,baseline,0.81\ntuned-model,"candidate, tuned",0.87\nevil-2j-31mred-0m-forged-row-1m,x\\e]0;pwned\\u0007,0.5\n',
      );
      expect(md).toBe("| name | learning_rate | auc |\n| --- | ---: | ---: |\n| Baseline | 0.1 | 0.81 |\n| Tuned model | 0.03 | 0.87 |\n");
      expect(filtered.experiments.map((e) => e.slug)).toEqual(["tuned-model-20250302113000"]);
      expect(byParameter.experiments.map((e) => e.slug)).toEqual(["baseline-20250301100000"]);
      expect(dated.experiments.map((e) => e.slug)).toEqual(["tuned-model-20250302113000"]);

      expect(shown).toContain("Tuned model  tuned-model-20250302113000");
      expect(shown).toMatch(/tags\s+candidate, tuned/);
      expect(shown).toMatch(/learning_rate\s+0\.03/);
      expect(shown).toMatch(/young customers\s+age < 30/);
      expect(shown).toMatch(/features\s+json\s+features-20250302113000\.json\s+\d+ B/);
      const features = detail.experiment.artifacts.find((a) => a.name === "features")!;
      expect(features).toMatchObject({
        handler: "json",
        fname: "features-20250302113000.json",
        version: 0,
        created_at: "2025-03-02T11:30:00",
      });
      expect(features.size).toBe(await storedSize(features.location as string, storage));
      expect(parseLocation(features.location as string).protocol).toBe(parseLocation(fx.project).protocol);
      expect(detail.experiment.tests).toEqual([
        { name: "young customers", description: "age < 30", metrics: { auc: 0.79 }, parameters: {}, artifacts: [] },
      ]);
      expect(detail.experiment.dependencies).toEqual([`${parseLocation(fx.project).path}|baseline-20250301100000`]);
      expect(shown).toContain(`dependencies ${parseLocation(fx.project).path}|baseline-20250301100000\n`);

      const row = (name: string, section = "metric") => compared.rows.find((r) => r.name === name && r.section === section);
      expect(compared.experiments.map((e) => e.slug)).toEqual(["baseline-20250301100000", "tuned-model-20250302113000"]);
      expect(row("learning_rate", "parameter")).toEqual({
        section: "parameter",
        test: null,
        name: "learning_rate",
        values: [0.1, 0.03],
        changed: true,
        better: null,
        best: [],
      });
      expect(row("optimizer", "parameter")).toMatchObject({ values: ["sgd", "sgd"], changed: false });
      expect(row("auc")).toMatchObject({ values: [0.81, 0.87], better: "higher", best: [1] });
      expect(row("loss")).toMatchObject({ values: [0.42, 0.35], better: "lower", best: [1] });
      expect(row("auc", "test metric")).toMatchObject({ test: "young customers", values: [0.74, 0.79], best: [1] });
      expect(changedOnly.rows.map((r) => r.name)).toEqual(["learning_rate", "auc", "loss", "auc"]);
      expect(compareText).toMatch(/metric\s+auc\s+0\.81\s+0\.87 \*/);
      expect(compareText).toMatch(/parameter\s+optimizer\s+sgd\s+sgd\n/);

      expect(await snapshot(fx.root, storage)).toEqual(before);
    });

    it("fails with exit code 1 and a message naming the location for a missing project, repository or experiment", async () => {
      const missing = `${fx.root}/nowhere/project.json`;
      const [project, repository, slug, json404] = await Promise.all([
        cli("ls", missing),
        cli("artifacts", `${fx.root}/nowhere/repository.json`),
        cli("show", fx.project, "no-such-run"),
        cli("show", missing, "x", "--json"),
      ]);
      expect(project.code).toBe(1);
      expect(project.stdout).toBe("");
      expect(project.stderr).toContain(`No project at ${fx.root}/nowhere/project.json`);
      expect(project.stderr).not.toMatch(/\n\s+at /);
      expect(repository.code).toBe(1);
      expect(repository.stderr).toContain("No repository at");
      expect(slug.code).toBe(1);
      expect(slug.stderr).toContain('No experiment with slug or short slug "no-such-run"');
      expect(JSON.parse(json404.stderr)).toEqual({
        error: { type: "NotFoundError", message: expect.stringContaining("No project at"), exit_code: 1 },
      });
      // Nothing was created by looking.
      expect(Object.keys(await snapshot(`${fx.root}/nowhere`, storage))).toEqual([]);
    });

    it("promotes, lists, diffs and expires artifact versions", async () => {
      const first = await json<{ version: number }>("promote", fx.project, "baseline", "features", fx.repository);
      const second = await json<{ version: number; fname: string }>("promote", fx.project, "tuned-model", "features", fx.repository);
      expect(first.version).toBe(0);
      expect(second).toMatchObject({ version: 1, fname: "features-20250302113000.json", artifact: "features" });
      const stale = await cli("promote", fx.project, "baseline", "features", fx.repository);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain("is not newer than version 1");

      const before = await snapshot(fx.root, storage);
      const [artifacts, versions, diffText, diffJson, asof, table] = await Promise.all([
        json<{ artifacts: Array<Record<string, unknown>> }>("artifacts", fx.repository),
        json<{ versions: Array<Record<string, unknown>> }>("versions", fx.repository, "features"),
        ok("diff", fx.repository, "config", "0", "1"),
        json<{ identical: boolean; from: object; to: object; hunks: object[] }>("diff", fx.repository, "config", "1", "0"),
        ok("diff", fx.repository, "config", "2025-03-01T18:00:00", "--match", "asof"),
        ok("versions", fx.repository, "config"),
      ]);
      expect(await snapshot(fx.root, storage)).toEqual(before);
      expect(artifacts.artifacts).toEqual([
        { name: "config", handler: "text", versions: 2, live_versions: 2, latest_version: 1, latest_created_at: "2025-03-02T12:00:00" },
        { name: "features", handler: "json", versions: 2, live_versions: 2, latest_version: 1, latest_created_at: "2025-03-02T11:30:00" },
      ]);
      expect(versions.versions.map((v) => [v.version, v.fname, v.expired])).toEqual([
        [0, "features-20250301100000.json", false],
        [1, "features-20250302113000.json", false],
      ]);
      for (const v of versions.versions) expect(v.size).toBe(await storedSize(v.location as string, storage));
      expect(diffText).toBe(CONFIG_DIFF);
      expect(asof).toBe(CONFIG_DIFF);
      expect(diffJson).toEqual({
        repository: fx.repository,
        name: "config",
        from: { version: 0, created_at: "2025-03-01T12:00:00", fname: "config-20250301120000.txt" },
        to: { version: 1, created_at: "2025-03-02T12:00:00", fname: "config-20250302120000.txt" },
        identical: false,
        hunks: [
          {
            old_start: 1,
            old_lines: 3,
            new_start: 1,
            new_lines: 3,
            lines: ["-lr: 0.1", "+lr: 0.03", " layers: 2", "-activation: relu", "+activation: gelu"],
          },
        ],
      });
      expect(table).toMatch(
        /^version\s+created\s+expiry\s+handler\s+file\s+size\n\s+0\s+2025-03-01 12:00:00\s+text\s+config-20250301120000\.txt\s+\d+ B\n/,
      );

      const binary = await cli("diff", fx.repository, "config", "7");
      expect(binary.code).toBe(1);
      expect(binary.stderr).toContain('No version 7 of "config"');

      const expired = await json("expire", fx.repository, "features", "--version", "1", "--at", "2025-03-05T00:00:00");
      expect(expired).toEqual({ repository: fx.repository, name: "features", version: 1, expiry: "2025-03-05T00:00:00" });
      const after = await json<{ artifacts: Array<Record<string, unknown>> }>("artifacts", fx.repository);
      expect(after.artifacts[1]).toMatchObject({ name: "features", versions: 2, live_versions: 1, latest_version: 0 });
      const reopened = await Repository.open(fx.repository, { mode: "r", storage });
      expect(reopened.getArtifactMetadata("features", { version: 1 }).expiry).toBe("2025-03-05T00:00:00");
    });

    it("creates and lists releases, from the command line and from a package.json", async () => {
      const created = await json<{ release: { tag: string; artifacts: unknown[] }; releases_file: string }>(
        "release",
        "create",
        fx.repository,
        "1.0.0",
      );
      expect(created.release).toMatchObject({
        tag: "1.0.0",
        artifacts: [
          ["config", 1],
          ["features", 0],
        ],
      });
      expect(created.releases_file).toBe(fx.repository.replace(/repository\.json$/, "releases.json"));
      const again = await cli("release", "create", fx.repository, "1.0.0");
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('Release "1.0.0" already exists');

      const configDir = await mkdtemp(join(tmpdir(), "lazyscribe-cli-config-"));
      const config = join(configDir, "package.json");
      await writeFile(config, JSON.stringify({ name: "churn", version: "1.1.0", lazyscribe: { repositories: [fx.repository] } }));
      const fromConfig = await json<{ releases: Array<{ created: boolean; release: { tag: string } }> }>("release", "from-config", config);
      expect(fromConfig.releases).toMatchObject([{ created: true, release: { tag: "1.1.0" } }]);
      const [listed, listText] = await Promise.all([
        json<{ releases: Array<{ tag: string; artifacts: unknown[] }> }>("release", "list", fx.repository),
        ok("release", "list", fx.repository),
      ]);
      expect(listed.releases.map((r) => [r.tag, r.artifacts])).toEqual([
        [
          "1.0.0",
          [
            ["config", 1],
            ["features", 0],
          ],
        ],
        [
          "1.1.0",
          [
            ["config", 1],
            ["features", 0],
          ],
        ],
      ]);
      expect(listText).toMatch(/^tag\s+created\s+artifacts\n1\.0\.0\s+\S+ \S+\s+config@1, features@0\n1\.1\.0/);
      // A pyproject.toml works too; a tag that exists is left alone with a warning.
      const pyproject = join(configDir, "pyproject.toml");
      await writeFile(
        pyproject,
        `[project]\nname = "churn"\nversion = "1.2.0"\n\n[tool.lazyscribe]\nrepositories = ["${fx.repository}"]\n`,
      );
      const [fromToml, repeated] = await Promise.all([
        json<{ releases: Array<{ created: boolean; release: { tag: string } }> }>("release", "from-config", pyproject),
        cli("release", "from-config", config),
      ]);
      expect(fromToml.releases).toMatchObject([{ created: true, release: { tag: "1.2.0" } }]);
      expect(repeated.code).toBe(0);
      expect(repeated.stdout).toContain("Already released 1.1.0");
      expect(repeated.stderr).toMatch(/^warning: Release "1\.1\.0" already exists for /);
    });

    it("deploys a release as a minimal repository, copying inside the store, and refuses what it must", async () => {
      const destination = `${fx.root}/serving/churn`;
      const deployRun = await cli("deploy", fx.repository, "1.0.0", destination, "--json");
      // Piped: no progress bar, nothing on stderr.
      expect(deployRun).toMatchObject({ code: 0, stderr: "" });
      const deployed = JSON.parse(deployRun.stdout) as { files: number; server_side: boolean; manifest: string; release: { tag: string } };
      expect(deployed).toMatchObject({
        files: 3,
        server_side: true,
        manifest: `${destination}/repository.json`,
        release: { tag: "1.0.0" },
      });
      const { path: servingPath } = parseLocation(destination);
      expect(
        Object.keys(await snapshot(destination, storage))
          .map((k) => k.slice(servingPath.length + 1))
          .sort(),
      ).toEqual(["config/config-20250302120000.txt", "features/features-20250301100000.json", "repository.json"]);
      const minimal = await Repository.open(`${destination}/repository.json`, { mode: "r", storage });
      expect(minimal.artifacts.map((a) => [a.name, a.version])).toEqual([
        ["config", 1],
        ["features", 0],
      ]);
      expect(await minimal.loadArtifact("config")).toBe("lr: 0.03\nlayers: 2\nactivation: gelu\n");

      const other = await target.otherProtocolFolder();
      const [again, unknownTag, otherProtocol] = await Promise.all([
        cli("deploy", fx.repository, "1.0.0", destination),
        cli("deploy", fx.repository, "9.9.9", `${fx.root}/serving/none`),
        cli("deploy", fx.repository, "1.0.0", other),
      ]);
      const forced = await cli("deploy", fx.repository, "1.1.0", destination, "--force");
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("already exists; pass --force");
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(
        /^Deployed release 1\.1\.0 \(2 artifacts, 3 files\) to .*repository\.json; files were copied inside the store\.\n/,
      );
      expect(unknownTag.code).toBe(1);
      expect(unknownTag.stderr).toContain('No release with tag "9.9.9"');
      expect(otherProtocol.code).toBe(1);
      expect(otherProtocol.stderr).toContain("the file systems use different protocols");
    });
  });
}
