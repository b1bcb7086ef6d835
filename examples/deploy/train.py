"""The Python side of the deploy example: a training job that uses lazyscribe as a
team would. It trains a small churn model with numpy, exports it to ONNX with
onnx.helper, and logs it (lazyscribe-onnx) with the feature table it was trained on
(lazyscribe-arrow's parquet handler) in a lazyscribe project; then promotes both to
a repository and cuts a release, writing releases.json beside the repository.

    python train.py --project s3://BUCKET/churn/project.json \
                    --repository s3://BUCKET/registry/repository.json --tag 1.0.0

Storage is reached through fsspec (s3fs, gcsfs, adlfs), with the usual credentials;
for an S3 emulator set AWS_ENDPOINT_URL_S3. It prints one JSON object: the locations,
the metrics, and Python onnxruntime's predictions for a few probe inputs, which the
Node service must reproduce.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timedelta, timezone

import fsspec
import numpy as np
import onnx
import onnxruntime as ort
import pyarrow as pa
from lazyscribe import Project, Repository
from lazyscribe.release import create_release, dump
from onnx import TensorProto, helper, numpy_helper

FEATURES = ["tenure_months", "monthly_spend", "support_calls"]
PLANS = ["basic", "plus", "premium"]


def storage_options() -> dict:
    """s3fs options for an S3-compatible endpoint (emulators, MinIO); empty for AWS itself."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3")
    return {"client_kwargs": {"endpoint_url": endpoint}} if endpoint else {}


def customers(n: int, rng: np.random.Generator) -> pa.Table:
    """A synthetic customer table; churn is more likely with support calls and spend, less with tenure."""
    tenure = rng.integers(1, 73, n)
    spend = np.round(rng.uniform(20, 120, n), 2)
    calls = rng.poisson(1.5, n)
    logit = -0.06 * tenure + 0.025 * spend + 0.7 * calls - 1.2
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    signed_up = [start + timedelta(days=int(d)) for d in rng.integers(0, 1800, n)]
    return pa.table(
        {
            "customer_id": pa.array(np.arange(1000, 1000 + n), pa.int64()),
            "tenure_months": pa.array(tenure, pa.int64()),
            "monthly_spend": pa.array(spend, pa.float64()),
            "support_calls": pa.array(calls, pa.int64()),
            "plan": pa.array([PLANS[i] for i in rng.integers(0, 3, n)]).dictionary_encode(),
            "signed_up": pa.array(signed_up, pa.timestamp("us", tz="UTC")),
            "churned": pa.array(churned, pa.bool_()),
        }
    )


def train(x: np.ndarray, y: np.ndarray, steps: int = 800, rate: float = 0.5) -> tuple[np.ndarray, float, dict]:
    """Logistic regression by gradient descent on standardised features; weights returned for raw features."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= rate * z.T @ (p - y) / len(y)
        b -= rate * float(np.mean(p - y))
    p = 1 / (1 + np.exp(-(z @ w + b)))
    metrics = {
        "accuracy": float(np.mean((p > 0.5) == y)),
        "log_loss": float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),
    }
    # Fold the standardisation into the weights, so the model takes raw feature values.
    return w / std, b - float(np.sum(w * mean / std)), metrics


def to_onnx(weights: np.ndarray, bias: float) -> onnx.ModelProto:
    """probability = sigmoid(features @ weights + bias), float32 features [N, 3]."""
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["features", "weights"], ["score"]),
            helper.make_node("Add", ["score", "bias"], ["logit"]),
            helper.make_node("Sigmoid", ["logit"], ["probability"]),
        ],
        "churn",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", len(FEATURES)])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["N", 1])],
        initializer=[
            numpy_helper.from_array(weights.astype(np.float32).reshape(-1, 1), "weights"),
            numpy_helper.from_array(np.asarray([bias], dtype=np.float32), "bias"),
        ],
    )
    # Opset 17 / IR 8: runnable by onnxruntime-node 1.20 and later.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="churn-train")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def predict(model: onnx.ModelProto, rows: list[list[float]]) -> list[float]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    out = session.run(None, {"features": np.asarray(rows, dtype=np.float32)})[0]
    return [float(v) for v in out.reshape(-1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", required=True)
    parser.add_argument("--repository", required=True)
    parser.add_argument("--tag", default="1.0.0")
    args = parser.parse_args()
    options = storage_options()

    rng = np.random.default_rng(7)
    table = customers(2000, rng)
    x = np.column_stack([table[c].to_numpy().astype(np.float64) for c in FEATURES])
    y = table["churned"].to_numpy(zero_copy_only=False).astype(np.float64)
    weights, bias, metrics = train(x, y)
    model = to_onnx(weights, bias)

    project = Project(args.project, mode="w", author="training-job", **options)
    with project.log("logistic churn") as exp:
        exp.log_parameter("features", FEATURES)
        exp.log_parameter("steps", 800)
        for key, value in metrics.items():
            exp.log_metric(key, value)
        exp.log_artifact("churn-model", model, handler="onnx")
        exp.log_artifact("features", table, handler="parquet")
    project.save()

    repository = Repository(args.repository, mode="w+", **options)
    exp.promote_artifact(repository, "churn-model")
    exp.promote_artifact(repository, "features")

    released = Repository(args.repository, mode="r", **options)
    release = create_release(released, args.tag)
    releases_path = args.repository.rsplit("/", 1)[0] + "/releases.json"
    with fsspec.open(releases_path, "w", **options) as f:
        dump([release], f)

    ids = [1000, 1001, 1002, 1500, 2999]
    probe_rows = [[int(table["tenure_months"][i].as_py()), table["monthly_spend"][i].as_py(), int(table["support_calls"][i].as_py())] for i in [i - 1000 for i in ids]]
    extra_rows = [[1, 119.99, 6], [72, 20.0, 0], [24, 65.5, 2]]
    print(
        json.dumps(
            {
                "project": args.project,
                "repository": args.repository,
                "releases": releases_path,
                "tag": release.tag,
                "release_artifacts": [list(a) for a in release.artifacts],
                "metrics": metrics,
                "probe": {"customer_ids": ids, "rows": extra_rows},
                "python": {"customers": predict(model, probe_rows), "rows": predict(model, extra_rows)},
            }
        )
    )


if __name__ == "__main__":
    main()
