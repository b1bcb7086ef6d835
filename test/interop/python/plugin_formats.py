"""The file formats of lazyscribe-yaml (PyYAML) and lazyscribe-arrow (csv), through the
plugins' own handler classes, so the TypeScript handlers can be compared with them.

stdin: ``{"ops": [...]}``; stdout: one result per op (see ``_interop.run``).
  yaml_dump: {"values": [...], "kwargs": {}}      -> [text]   (YAMLArtifact.write)
  yaml_load: {"texts": [...]}                     -> [value]  (YAMLArtifact.read)
  csv_write: {"tables": [{"columns": {name: [values]}}]} -> [text] (CSVArtifact.write)
  csv_read:  {"texts": [...]}                     -> [{"table": ...}] (CSVArtifact.read)
"""

from __future__ import annotations

import io
from typing import Any

from _interop import run, to_table
from lazyscribe_arrow import CSVArtifact
from lazyscribe_yaml import YAMLArtifact


def op_yaml_dump(op: dict[str, Any]) -> Any:
    out = []
    for value in op["values"]:
        buf = io.StringIO()
        YAMLArtifact.write(value, buf, **(op.get("kwargs") or {}))
        out.append(buf.getvalue())
    return out


def op_yaml_load(op: dict[str, Any]) -> Any:
    return [YAMLArtifact.read(io.StringIO(text)) for text in op["texts"]]


def op_csv_write(op: dict[str, Any]) -> Any:
    out = []
    for spec in op["tables"]:
        buf = io.BytesIO()
        CSVArtifact.write(to_table(spec), buf)
        out.append(buf.getvalue().decode("utf-8"))
    return out


def op_csv_read(op: dict[str, Any]) -> Any:
    return [CSVArtifact.read(io.BytesIO(text.encode("utf-8"))) for text in op["texts"]]


if __name__ == "__main__":
    run({"yaml_dump": op_yaml_dump, "yaml_load": op_yaml_load, "csv_write": op_csv_write, "csv_read": op_csv_read})
