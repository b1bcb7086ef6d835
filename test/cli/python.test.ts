/**
 * Projects, repositories and releases written by the real Python lazyscribe 2.2, shown by the
 * command line on every store; a release deployed by the command line, read back by Python.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { interopStores } from "../interop/stores.js";
import { PYTHON, requirePython } from "../interop/harness.js";
import { requireBuiltCli, runCli, runJson, runOk } from "./harness.js";

const SCRIPT = fileURLToPath(new URL("./python_fixture.py", import.meta.url));

function python(args: string[], env: Record<string, string>): Record<string, unknown> {
  requirePython();
  const run = spawnSync(PYTHON, [SCRIPT, ...args], { env: { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: "1" }, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python_fixture.py ${args.join(" ")} exited with ${run.status}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe.each(interopStores())("files written by Python lazyscribe on $name", (store) => {
  it("are listed, shown, diffed and deployed by the command line, and Python reads the deployment", async () => {
    requireBuiltCli();
    const root = await store.freshRoot();
    const env = store.pythonEnv?.() ?? {};
    const { project, repository } = python([root], env) as { project: string; repository: string };
    const [listed, tuned, baseline, versions, diff, pickleDiff, releases] = await Promise.all([
      runJson<{ experiments: Array<Record<string, unknown>> }>(["ls", project]),
      runJson<{ experiment: { artifacts: Array<Record<string, unknown>> } }>(["show", project, "tuned"]),
      runJson<{ experiment: { artifacts: Array<Record<string, unknown>>; tests: unknown[] } }>(["show", project, "baseline"]),
      runJson<{ versions: Array<Record<string, unknown>> }>(["versions", repository, "config"]),
      runOk(["diff", repository, "config", "0", "1"]),
      runCli(["diff", repository, "model", "0"]),
      runJson<{ releases: unknown[] }>(["release", "list", repository]),
    ]);
    expect(listed.experiments.map((e) => [e.slug, e.author, e.created_at, e.tags, e.metrics, e.parameters])).toEqual([
      ["baseline-20250401100000", "py", "2025-04-01T10:00:00", ["baseline"], { auc: 0.8 }, { lr: 0.1, layers: 2 }],
      ["tuned-20250402100000", "py", "2025-04-02T10:00:00", ["candidate"], { auc: 0.9 }, { lr: 0.03, layers: 2 }],
    ]);
    expect(tuned.experiment.artifacts).toEqual([
      expect.objectContaining({ name: "model", handler: "pickle", fname: "model-20250402100000.pkl", size: expect.any(Number) }),
    ]);
    expect(tuned.experiment.artifacts[0]!.size).toBeGreaterThan(0);
    expect(baseline.experiment.artifacts).toEqual([
      expect.objectContaining({ name: "features", handler: "json", fname: "features-20250401100000.json", size: expect.any(Number) }),
    ]);
    expect(baseline.experiment.tests).toEqual([
      { name: "young", description: "age < 30", metrics: { auc: 0.7 }, parameters: {}, artifacts: [] },
    ]);
    expect(versions.versions.map((v) => [v.version, v.created_at, v.handler])).toEqual([
      [0, "2025-04-01T12:00:00", "json"],
      [1, "2025-04-02T12:00:00", "json"],
    ]);
    expect(diff).toBe(
      [
        "--- config v0 (2025-04-01T12:00:00)",
        "+++ config v1 (2025-04-02T12:00:00)",
        "@@ -1,4 +1,4 @@",
        " {",
        '-    "lr": 0.1,',
        '+    "lr": 0.03,',
        '     "activation": "relu"',
        " }",
        "",
      ].join("\n"),
    );
    expect(pickleDiff.code).toBe(1);
    expect(pickleDiff.stderr).toContain('"model" is not UTF-8 text (handler "pickle"); it cannot be diffed');
    expect(releases.releases).toEqual([
      {
        tag: "1.0.0",
        artifacts: [
          ["config", 1],
          ["model", 0],
        ],
        created_at: "2025-04-03T09:00:00",
      },
    ]);

    const deployed = await runJson<{ manifest: string; files: number }>(["deploy", repository, "1.0.0", `${root}/serving`]);
    expect(deployed.files).toBe(3);
    expect(python(["--read", deployed.manifest], env)).toEqual({
      config: { lr: 0.03, activation: "relu" },
      versions: [
        ["config", 1],
        ["model", 0],
      ],
    });
  });
});
