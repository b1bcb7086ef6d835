#!/usr/bin/env node
// The deploy example, end to end, with one command (`npm run example:deploy`):
//
//   1. train.py (Python lazyscribe, lazyscribe-onnx, lazyscribe-arrow) trains a churn model, logs it
//      and its feature table in a project in the training bucket, promotes both to a repository
//      there and cuts release 1.0.0;
//   2. deploy.mjs builds the release's minimal repository in the deployment bucket;
//   3. service.mjs, a Node HTTP service, loads the model and the table from the deployment bucket;
//   4. this script asks the service for predictions and checks them against Python onnxruntime's.
//
// S3 is moto, started here on a free port, unless AWS_ENDPOINT_URL_S3 points at an S3 endpoint
// already (the test suite's emulator, LocalStack, MinIO). Needs `npm run tools` (the Python venv)
// and a built `lazyscribe` (`npm run example:deploy` does both).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { resolveLocation } from "lazyscribe";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const PYTHON = process.env.LAZYSCRIBE_PYTHON || join(ROOT, ".tools", "venv", "bin", "python");
const TOLERANCE = 1e-6;
const TAG = "1.0.0";

function step(text) {
  console.log(`\n== ${text}`);
}

/** Runs a child to completion, streaming its stderr; returns its stdout. */
function runChild(command, args) {
  const run = spawnSync(command, args, { cwd: HERE, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 26 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${run.status}:\n${run.stdout}`);
  return run.stdout;
}

/** Starts the service and resolves with its URL once it prints its "listening on" line. */
function startService(repositoryUrl) {
  const child = spawn(process.execPath, [join(HERE, "service.mjs"), repositoryUrl, "0"], {
    cwd: HERE,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the service did not start in 60 s:\n${out}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`the service exited with ${code} before listening:\n${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        console.log(out.trim());
        resolve({ url: match[1], stop: () => child.kill("SIGTERM") });
      }
    });
  });
}

async function call(url, init) {
  const res = await fetch(url, init);
  const body = await res.json();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

let emulator;
let service;
try {
  if (!existsSync(PYTHON)) throw new Error(`No Python venv at ${PYTHON}: run \`npm run tools\` first (or set LAZYSCRIBE_PYTHON).`);
  if (!process.env.AWS_ENDPOINT_URL_S3) {
    step("starting the S3 emulator (moto)");
    const { startEmulators } = await import("../../scripts/emulators/emulators.mjs");
    emulator = await startEmulators({ only: ["s3"] });
    Object.assign(process.env, emulator.env);
  }
  console.log(`S3 endpoint: ${process.env.AWS_ENDPOINT_URL_S3}`);
  const run = randomBytes(3).toString("hex");
  const training = `lazyscribe-training-${run}`;
  const deployment = `lazyscribe-deploy-${run}`;
  const s3 = new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? "us-east-1",
  });
  for (const bucket of [training, deployment]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  step(`1. Python trains, logs, promotes and releases ${TAG} (s3://${training})`);
  const trained = JSON.parse(
    runChild(PYTHON, [
      join(HERE, "train.py"),
      "--project",
      `s3://${training}/churn/project.json`,
      "--repository",
      `s3://${training}/registry/repository.json`,
      "--tag",
      TAG,
    ]),
  );
  console.log(`metrics ${JSON.stringify(trained.metrics)}; release ${trained.tag}: ${JSON.stringify(trained.release_artifacts)}`);

  step(`2. the minimal repository of ${TAG} in s3://${deployment}`);
  const target = `s3://${deployment}/churn`;
  // The same step as `lazyscribe deploy <repository> <tag> <target>` once packages/cli has it.
  const deployed = JSON.parse(runChild(process.execPath, [join(HERE, "deploy.mjs"), trained.repository, TAG, target]));
  const { storage, path } = await resolveLocation(target);
  const keys = [];
  for await (const entry of storage.list(`${path}/`)) keys.push(entry.key);
  console.log(`deployed ${JSON.stringify(deployed.artifacts)}; the bucket holds: ${keys.sort().join(", ")}`);

  step("3. the Node service loads the model and features from the deployment bucket");
  service = await startService(deployed.target);
  console.log(`health: ${JSON.stringify(await call(`${service.url}/health`))}`);

  step("4. predictions from the service against Python onnxruntime's");
  const { probabilities } = await call(`${service.url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rows: trained.probe.rows }),
  });
  const byCustomer = [];
  for (const id of trained.probe.customer_ids) byCustomer.push((await call(`${service.url}/customers/${id}/churn`)).probability);
  const pairs = [
    ...probabilities.map((p, i) => [`rows[${i}]`, p, trained.python.rows[i]]),
    ...byCustomer.map((p, i) => [`customer ${trained.probe.customer_ids[i]}`, p, trained.python.customers[i]]),
  ];
  if (probabilities.length !== trained.python.rows.length) throw new Error("the service answered a different number of predictions");
  for (const [what, node, python] of pairs) console.log(`${what.padEnd(16)} node ${node.toFixed(9)}  python ${python.toFixed(9)}`);
  const error = Math.max(...pairs.map(([, node, python]) => Math.abs(node - python)));
  console.log(`max prediction error: ${error} over ${pairs.length} predictions (tolerance ${TOLERANCE})`);
  if (!(error <= TOLERANCE)) throw new Error(`the service's predictions differ from Python's by ${error}`);
  const refused = await fetch(`${service.url}/predict`, { method: "POST", body: JSON.stringify({ rows: [["1", 2, 3]] }) });
  const unknown = await fetch(`${service.url}/customers/42/churn`);
  console.log(`bad rows: ${refused.status} ${(await refused.json()).error}; unknown customer: ${unknown.status}`);
  if (refused.status !== 400 || unknown.status !== 404) throw new Error("the service did not refuse bad requests with 400 and 404");
  console.log("\ndeploy example: OK");
} catch (err) {
  console.error(`\ndeploy example FAILED: ${err?.stack ?? err}`);
  process.exitCode = 1;
} finally {
  service?.stop();
  await emulator?.stop();
}
