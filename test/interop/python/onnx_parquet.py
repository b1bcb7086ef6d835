"""The ``onnx`` handler of lazyscribe-onnx and the ``parquet`` handler of lazyscribe-arrow,
driven through the real plugins (``ONNXArtifact``, ``ParquetArtifact``) and Python
lazyscribe, with onnxruntime for predictions.

stdin: ``{"ops": [...]}``; stdout: one result per op (see ``_interop.run``).

A table spec (shared with ../onnx-parquet.test.ts)::

    {"columns": [{"name": str, "type": str, "values": [...]}]}
    type: "int64" | "double" | "string" | "bool" | "null" | "dictionary"
          | "timestamp[<unit>]" | "timestamp[<unit>, tz=<zone>]"   (values: integers in <unit>)

Tables come back in the same shape, with pyarrow's type names (``str(field.type)``).
A model spec is ``{"weights": [...], "bias": float}`` (see onnx_models.logistic_model).

Ops:
  model:          {"model", "inputs"}                 -> {"model": base64, "predictions"}
  predict:        {"model": base64, "inputs"}         -> predictions (Python onnxruntime)
  parquet_write:  {"tables": [spec], "writer"?}      -> [base64]     (ParquetArtifact.write)
  parquet_read:   {"files": [base64]}                 -> [table]      (ParquetArtifact.read)
  write_project:  {"path", "at", "models": {name: model}, "tables": {name: spec}, "inputs"}
                  -> {"predictions": {name: [...]}}  (one experiment "Served", saved)
  read:           {"path", "kind": "project"|"repository", "inputs"}
                  -> {name: {"predictions": [...], "sha256"} | {"table": table}}
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from typing import Any

import onnx
import pyarrow as pa
from _interop import freeze, run, storage_options
from lazyscribe import Project, Repository
from lazyscribe_arrow import ParquetArtifact
from lazyscribe_onnx import ONNXArtifact
from onnx_models import logistic_model, predict

SIMPLE = {"int64": pa.int64(), "double": pa.float64(), "string": pa.string(), "bool": pa.bool_(), "null": pa.null()}
TIMESTAMP = re.compile(r"^timestamp\[(s|ms|us|ns)(?:, tz=(.+))?\]$")


def column_array(column: dict[str, Any]) -> pa.Array:
    kind, values = column["type"], column["values"]
    if kind in SIMPLE:
        return pa.array(values, SIMPLE[kind])
    if kind == "dictionary":
        return pa.array(values, pa.string()).dictionary_encode()
    match = TIMESTAMP.match(kind)
    if match:
        return pa.array(values, pa.int64()).cast(pa.timestamp(match.group(1), tz=match.group(2)))
    raise ValueError(f"unknown column type {kind!r}")


def table_of(spec: dict[str, Any]) -> pa.Table:
    return pa.table({c["name"]: column_array(c) for c in spec["columns"]})


def describe(table: pa.Table) -> dict[str, Any]:
    columns = []
    for field, column in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type):
            values = column.cast(pa.int64()).to_pylist()
        else:
            values = column.to_pylist()
        columns.append({"name": field.name, "type": str(field.type), "values": values})
    return {"columns": columns}


def model_of(spec: dict[str, Any]) -> onnx.ModelProto:
    return logistic_model(spec["weights"], spec["bias"])


def op_model(op: dict[str, Any]) -> Any:
    model = model_of(op["model"])
    buf = io.BytesIO()
    ONNXArtifact.write(model, buf)
    return {"model": base64.b64encode(buf.getvalue()).decode(), "predictions": predict(model, op["inputs"])}


def op_predict(op: dict[str, Any]) -> Any:
    model = ONNXArtifact.read(io.BytesIO(base64.b64decode(op["model"])))
    return predict(model, op["inputs"])


def op_parquet_write(op: dict[str, Any]) -> Any:
    out = []
    for spec in op["tables"]:
        buf = io.BytesIO()
        ParquetArtifact.write(table_of(spec), buf, **(op.get("writer") or {}))
        out.append(base64.b64encode(buf.getvalue()).decode())
    return out


def op_parquet_read(op: dict[str, Any]) -> Any:
    return [describe(ParquetArtifact.read(io.BytesIO(base64.b64decode(f)))) for f in op["files"]]


def op_write_project(op: dict[str, Any]) -> Any:
    path = op["path"]
    project = Project(path, mode="w", author="interop", **storage_options(path))
    freeze(op["at"])
    predictions = {}
    with project.log("Served") as exp:
        for name, spec in op["models"].items():
            model = model_of(spec)
            exp.log_artifact(name, model, handler="onnx")
            predictions[name] = predict(model, op["inputs"])
        for name, spec in op["tables"].items():
            exp.log_artifact(name, table_of(spec), handler="parquet")
    project.save()
    return {"predictions": predictions}


def op_read(op: dict[str, Any]) -> Any:
    path = op["path"]
    if op["kind"] == "project":
        project = Project(path, mode="r", **storage_options(path))
        exp = next(iter(project.experiments))
        artifacts = [(a.name, a.alias, lambda a=a: exp.load_artifact(a.name)) for a in exp.artifacts]
    else:
        repo = Repository(path, mode="r", **storage_options(path))
        artifacts = [(a.name, a.alias, lambda a=a: repo.load_artifact(a.name)) for a in repo.artifacts]
    out: dict[str, Any] = {}
    for name, handler, load in artifacts:
        value = load()
        if handler == "onnx":
            data = value.SerializeToString()
            out[name] = {
                "class": type(value).__name__,
                "predictions": predict(value, op["inputs"]),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        else:
            out[name] = {"class": type(value).__name__, "table": describe(value)}
    return out


if __name__ == "__main__":
    run(
        {
            "model": op_model,
            "predict": op_predict,
            "parquet_write": op_parquet_write,
            "parquet_read": op_parquet_read,
            "write_project": op_write_project,
            "read": op_read,
        }
    )
