"""Slugs and default file names as Python lazyscribe computes them.

stdin: ``{"ops": [{"op": "names", "names": [...], "at": iso}]}``; stdout: per op
``{"ok": [{"short_slug", "slug", "json_fname", "pickle_fname", "handler_fnames": {alias: fname}}]}``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from _interop import run
from lazyscribe.artifacts import _get_handler
from lazyscribe.experiment import Experiment


def op_names(op: dict[str, Any]) -> Any:
    at = datetime.fromisoformat(op["at"])
    aliases = op.get("handlers") or ["json", "pickle"]
    out = []
    for name in op["names"]:
        exp = Experiment(name=name, project=Path("project.json"), created_at=at, last_updated=at, author="interop")
        fnames = {alias: _get_handler(alias).construct(name=name, created_at=at).fname for alias in aliases}
        out.append({"short_slug": exp.short_slug, "slug": exp.slug, "fnames": fnames, "path": str(exp.path)})
    return out


if __name__ == "__main__":
    run({"names": op_names})
