/**
 * The executable's contract outside any one store: help with an example on every command, exit
 * codes (0, 1, 2), errors without stacks unless --debug, colours only when asked for, and the
 * endpoint flags reaching an object store without the environment's endpoint variables.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestBucket as createS3Bucket, rawS3Client, s3Endpoint } from "../s3/s3-env.js";
import { createTestBucket as createGcsBucket, gcsEndpoint, gcsTestSettings, rawGcsClient } from "../gcs/gcs-env.js";
import { requireBuiltCli, runCli, writeFixture, type Fixture } from "./harness.js";

const COMMANDS = [
  ["experiments"],
  ["ls"],
  ["show"],
  ["compare"],
  ["artifacts"],
  ["versions"],
  ["diff"],
  ["expire"],
  ["promote"],
  ["release"],
  ["release", "create"],
  ["release", "list"],
  ["release", "from-config"],
  ["deploy"],
];

describe("lazyscribe usage", () => {
  let fx: Fixture;

  beforeAll(async () => {
    requireBuiltCli();
    fx = await writeFixture(await mkdtemp(join(tmpdir(), "lazyscribe-cli-usage-")));
  });

  it("prints help with an example for the program and every command, and its version", async () => {
    const runs = await Promise.all([runCli(["--help"]), runCli(["--version"]), ...COMMANDS.map((c) => runCli([...c, "--help"]))]);
    const [root, version, ...commands] = runs;
    expect(root!.code).toBe(0);
    expect(root!.stdout).toMatch(/^Usage: lazyscribe \[options\] \[command\]/);
    for (const name of ["experiments|ls", "show", "compare", "artifacts", "versions", "diff", "expire", "promote", "release", "deploy"])
      expect(root!.stdout).toContain(`  ${name} `);
    expect(version).toEqual({ code: 0, stdout: "0.1.0\n", stderr: "" });
    commands.forEach((run, i) => {
      expect(run.code, COMMANDS[i]!.join(" ")).toBe(0);
      expect(run.stdout, COMMANDS[i]!.join(" ")).toMatch(/\nExamples?:\n {2}\$ lazyscribe /);
    });
  });

  it("exits with 2 on usage errors, 1 on failures, and prints stacks only with --debug", async () => {
    const [noCommand, unknownCommand, unknownOption, missingArgument, badFilter, badLimit, oneSlug, badJson, failure, debug] =
      await Promise.all([
        runCli([]),
        runCli(["frobnicate"]),
        runCli(["ls", fx.project, "--frobnicate"]),
        runCli(["show", fx.project]),
        runCli(["ls", fx.project, "--filter", "auc"]),
        runCli(["ls", fx.project, "--limit", "-3"]),
        runCli(["compare", fx.project, "baseline"]),
        runCli(["ls", fx.project, "--storage-options", "[1]"]),
        runCli(["show", fx.project, "nope"]),
        runCli(["show", fx.project, "nope", "--debug"]),
      ]);
    for (const run of [noCommand, unknownCommand, unknownOption, missingArgument, badFilter, badLimit, oneSlug, badJson]) {
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
    }
    expect(unknownCommand.stderr).toContain("unknown command 'frobnicate'");
    const jsonUsage = await runCli(["ls", fx.project, "--frobnicate", "--json"]);
    expect(jsonUsage.code).toBe(2);
    expect(JSON.parse(jsonUsage.stderr)).toEqual({ error: { type: "UsageError", message: "unknown option '--frobnicate'", exit_code: 2 } });
    expect(badFilter.stderr).toContain('Invalid filter "auc": expected <field><op><value>');
    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe(`error: No experiment with slug or short slug "nope" in ${fx.project}.\n`);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/NotFoundError: No experiment with slug or short slug "nope"[\s\S]*\n\s+at /);
  });

  it("colours only with FORCE_COLOR and never with NO_COLOR or --no-color", async () => {
    const [plain, forced, noColor, flag] = await Promise.all([
      runCli(["diff", fx.repository, "config", "0", "1"]),
      runCli(["diff", fx.repository, "config", "0", "1"], { env: { FORCE_COLOR: "1" } }),
      runCli(["diff", fx.repository, "config", "0", "1"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }),
      runCli(["diff", fx.repository, "config", "0", "1", "--no-color"], { env: { FORCE_COLOR: "1" } }),
    ]);
    expect(plain.stdout).not.toContain("\u001b");
    // Removed and added lines in red and green, the changed words inverted.
    expect(forced.stdout).toContain("\u001b[31m-\u001b[39m\u001b[31mlr: 0.\u001b[39m\u001b[7m\u001b[31m1\u001b[39m\u001b[27m");
    expect(forced.stdout).toContain("\u001b[32m+\u001b[39m\u001b[32mlr: 0.\u001b[39m\u001b[7m\u001b[32m03\u001b[39m\u001b[27m");
    expect(noColor.stdout).toBe(plain.stdout);
    expect(flag.stdout).toBe(plain.stdout);
  });

  it("reaches S3 and GCS with --endpoint-url and --region instead of the environment", async () => {
    const s3Root = `s3://${await createS3Bucket(rawS3Client(), "cli-flags")}`;
    const gsRoot = `gs://${await createGcsBucket(rawGcsClient(), "cli-flags")}`;
    const [s3, gs] = await Promise.all([writeFixture(s3Root), writeFixture(gsRoot, gcsTestSettings())]);
    const withoutEndpoints = {
      AWS_ENDPOINT_URL_S3: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_REGION: undefined,
      STORAGE_EMULATOR_HOST: undefined,
    };
    const [s3Run, gsRun, s3Unset] = await Promise.all([
      runCli(["ls", s3.project, "--json", "--endpoint-url", s3Endpoint(), "--region", "us-east-1"], { env: withoutEndpoints }),
      runCli(["ls", gs.project, "--json", "--endpoint-url", gcsEndpoint()], { env: withoutEndpoints }),
      runCli(["artifacts", s3.repository, "--json", "--storage-options", JSON.stringify({ endpoint: s3Endpoint(), region: "us-east-1" })], {
        env: withoutEndpoints,
      }),
    ]);
    expect(s3Run.code, s3Run.stderr).toBe(0);
    expect(gsRun.code, gsRun.stderr).toBe(0);
    expect(s3Unset.code, s3Unset.stderr).toBe(0);
    expect((JSON.parse(s3Run.stdout) as { experiments: unknown[] }).experiments).toHaveLength(3);
    expect((JSON.parse(gsRun.stdout) as { experiments: unknown[] }).experiments).toHaveLength(3);
    expect((JSON.parse(s3Unset.stdout) as { artifacts: Array<{ name: string }> }).artifacts.map((a) => a.name)).toEqual(["config"]);
  });

  it("names the location when a bucket or container does not exist", async () => {
    const runs = await Promise.all(
      [
        "s3://lazyscribe-no-such-bucket/p/project.json",
        "gs://lazyscribe-no-such-bucket/p/project.json",
        "az://lazyscribe-no-such-container/p/project.json",
      ].map((location) => runCli(["ls", location], { env: { STORAGE_EMULATOR_HOST: gcsEndpoint() } })),
    );
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/lazyscribe-no-such-(bucket|container)\/p\/project\.json/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
