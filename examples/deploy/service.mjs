#!/usr/bin/env node
// Step 3 of the deploy example: a small Node HTTP service that serves the released model.
// At start it opens the minimal repository in the deployment bucket (read-only), loads the
// ONNX model as an onnxruntime-node InferenceSession and the feature table as an Apache Arrow
// table, then answers:
//
//   GET  /health                          the release it serves
//   POST /predict  {"rows": [[tenure_months, monthly_spend, support_calls], ...]}
//                                         -> {"probabilities": [...]}
//   GET  /customers/<id>/churn            the probability for a customer of the feature table
//
//   node service.mjs <deployment repository.json URL> [port]     (port 0: any free port)
//
// It prints "listening on http://127.0.0.1:<port>" once ready.
import { createServer } from "node:http";
import { Repository } from "lazyscribe";
import { Tensor } from "onnxruntime-node";

const FEATURES = ["tenure_months", "monthly_spend", "support_calls"];
const MAX_ROWS = 10_000;

const [repositoryUrl, port = "0"] = process.argv.slice(2);
if (!repositoryUrl) {
  console.error("usage: node service.mjs <deployment repository.json URL> [port]");
  process.exit(2);
}

const repository = await Repository.open(repositoryUrl, { mode: "r" });
const session = await repository.loadArtifact("churn-model");
const features = await repository.loadArtifact("features");
const model = repository.getArtifactMetadata("churn-model");

// customer_id -> row index, and the model's input columns as numbers.
const ids = features.getChild("customer_id");
const rowOf = new Map(Array.from({ length: features.numRows }, (_, i) => [Number(ids.get(i)), i]));
const columns = FEATURES.map((name) => features.getChild(name));

async function predict(rows) {
  const input = new Tensor("float32", Float32Array.from(rows.flat()), [rows.length, FEATURES.length]);
  const output = await session.run({ [session.inputNames[0]]: input });
  return Array.from(output[session.outputNames[0]].data);
}

/** The body's rows, checked: what a client sends is untrusted. */
function parseRows(body) {
  const rows = body?.rows;
  const valid =
    Array.isArray(rows) &&
    rows.length > 0 &&
    rows.length <= MAX_ROWS &&
    rows.every((r) => Array.isArray(r) && r.length === FEATURES.length && r.every((v) => typeof v === "number" && Number.isFinite(v)));
  if (!valid)
    throw new RequestError(400, `"rows" must be 1 to ${MAX_ROWS} arrays of ${FEATURES.length} finite numbers (${FEATURES.join(", ")}).`);
  return rows;
}

class RequestError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function readJson(req) {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 1 << 20) throw new RequestError(413, "The request body is over 1 MiB.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(400, "The request body is not JSON.");
  }
}

async function route(req) {
  const url = new URL(req.url, "http://localhost");
  if (req.method === "GET" && url.pathname === "/health")
    return { model: model.name, version: model.version, created_at: model.created_at, customers: features.numRows };
  if (req.method === "POST" && url.pathname === "/predict") return { probabilities: await predict(parseRows(await readJson(req))) };
  const customer = /^\/customers\/(\d{1,18})\/churn$/.exec(url.pathname);
  if (req.method === "GET" && customer) {
    const index = rowOf.get(Number(customer[1]));
    if (index === undefined) throw new RequestError(404, `No customer ${customer[1]} in the feature table.`);
    const row = columns.map((c) => Number(c.get(index)));
    return { customer_id: Number(customer[1]), features: row, probability: (await predict([row]))[0] };
  }
  throw new RequestError(404, `No route ${req.method} ${url.pathname}.`);
}

const server = createServer((req, res) => {
  route(req).then(
    (body) => send(res, 200, body),
    (err) =>
      send(res, err instanceof RequestError ? err.status : 500, { error: err instanceof RequestError ? err.message : "internal error" }),
  );
});
function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

server.listen(Number(port), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port} (${model.name} v${model.version}, ${features.numRows} customers)`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
