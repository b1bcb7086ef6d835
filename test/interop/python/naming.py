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
    handlers = {alias: _get_handler(alias) for alias in aliases}  # entry-point scans are slow
    out = []
    for name in op["names"]:
        exp = Experiment(name=name, project=Path("project.json"), created_at=at, last_updated=at, author="interop")
        fnames = {alias: cls.construct(name=name, created_at=at).fname for alias, cls in handlers.items()}
        out.append({"short_slug": exp.short_slug, "slug": exp.slug, "fnames": fnames, "path": str(exp.path)})
    return out


def op_versions(op: dict[str, Any]) -> Any:
    """Versions of the Python packages the suite drives."""
    import importlib.metadata as md
    import sys

    out = {"python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for dist in op["packages"]:
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist] = None
    return out


if __name__ == "__main__":
    run({"names": op_names, "versions": op_versions})
