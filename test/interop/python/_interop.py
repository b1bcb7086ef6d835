"""Shared helpers of the interop scripts: a frozen lazyscribe clock, storage options
for the emulators, JSON in (stdin) and out (stdout), and error capture.

Every script reads one JSON document ``{"ops": [...]}`` from stdin, runs the ops in
order and prints one JSON array with one result per op. An op that raises gives
``{"error": {"type": ..., "message": ...}}`` instead of stopping the script, so the
TypeScript side can assert on Python's exact exception types.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import traceback
from datetime import datetime
from typing import Any, Callable
from urllib.parse import urlparse

import lazyscribe._utils as _utils

# --- clock -----------------------------------------------------------------------------
# lazyscribe imports ``utcnow`` by name into many modules (and attrs captures it in
# ``Factory(utcnow)``), so patching the module attribute would miss most callers.
# Swapping the function's code object changes every reference at once; the new code
# reads ``_INTEROP_NOW`` from ``lazyscribe._utils``'s globals (the function's globals).
_utils._INTEROP_NOW = None  # type: ignore[attr-defined]
_REAL_CODE = _utils.utcnow.__code__


def _frozen_utcnow():  # pragma: no cover - only its code object is used
    return _INTEROP_NOW  # noqa: F821 - resolved in lazyscribe._utils' globals


def freeze(at: str | None) -> None:
    """Freezes lazyscribe's clock at the naive-UTC ISO time ``at`` (``None``: real clock)."""
    if at is None:
        _utils.utcnow.__code__ = _REAL_CODE
        return
    _utils._INTEROP_NOW = datetime.fromisoformat(at)  # type: ignore[attr-defined]
    _utils.utcnow.__code__ = _frozen_utcnow.__code__


# --- storage ---------------------------------------------------------------------------
def storage_options(location: str) -> dict[str, Any]:
    """fsspec options reaching the emulator that serves ``location``'s scheme."""
    scheme = urlparse(location).scheme
    if scheme == "s3":
        endpoint = os.environ["LAZYSCRIBE_TEST_S3_ENDPOINT"]
        return {
            "key": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
            "secret": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
            "client_kwargs": {"endpoint_url": endpoint, "region_name": os.environ.get("AWS_REGION", "us-east-1")},
        }
    if scheme in ("gs", "gcs"):
        # gcsfs reads the endpoint from STORAGE_EMULATOR_HOST (set by the caller, pythonGcsEnv).
        if "STORAGE_EMULATOR_HOST" not in os.environ:
            raise RuntimeError("STORAGE_EMULATOR_HOST is not set: pass pythonGcsEnv(endpoint) to this script")
        return {"token": "anon", "project": os.environ.get("GOOGLE_CLOUD_PROJECT", "lazyscribe-test")}
    if scheme in ("az", "abfs"):
        return {"connection_string": os.environ["LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING"]}
    return {}


# --- JSON ------------------------------------------------------------------------------
def to_jsonable(value: Any) -> Any:
    """Turns loaded artifact values into JSON: tables as columns, bytes as base64."""
    try:
        import pyarrow as pa

        if isinstance(value, pa.Table):
            return {
                "table": {
                    "columns": value.column_names,
                    "types": [str(t) for t in value.schema.types],
                    "rows": [[to_jsonable(v) for v in row.values()] for row in value.to_pylist()],
                }
            }
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (bytes, bytearray)):
        return {"base64": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def to_table(spec: dict[str, Any]):
    """Builds a pyarrow table from ``{"columns": {name: [values]}}`` (csv handler values)."""
    import pyarrow as pa

    return pa.table(spec["columns"])


def error(exc: BaseException) -> dict[str, Any]:
    cause = exc.__cause__
    return {
        "error": {
            "type": type(exc).__name__,
            "message": str(exc),
            "cause": None if cause is None else {"type": type(cause).__name__, "message": str(cause)},
            "trace": traceback.format_exc(limit=4),
        }
    }


def run(handlers: dict[str, Callable[[dict[str, Any]], Any]]) -> None:
    """Reads ``{"ops": [...]}`` from stdin, runs each op, prints the results as a JSON array."""
    doc = json.load(sys.stdin)
    results = []
    for op in doc["ops"]:
        freeze(op.get("clock"))
        try:
            results.append({"ok": to_jsonable(handlers[op["op"]](op))})
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            results.append(error(exc))
        finally:
            freeze(None)
    json.dump(results, sys.stdout, allow_nan=True)
