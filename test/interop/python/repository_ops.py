"""Repository and release operations run by the interop suite with the real Python lazyscribe.

stdin: ``{"ops": [op, ...]}``; stdout: one result per op (see ``_interop.run``).

A version spec (shared with ../harness.ts)::

    {"name", "handler", "value", "at": iso, "fname"?, "writer"?: {}}
    expiry spec: {"name", "version": int, "expiry": iso, "at": iso}
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from _interop import error, freeze, run, storage_options, to_table
from lazyscribe import Repository
from lazyscribe import release as rel


def open_repository(location: str, mode: str) -> Repository:
    return Repository(location, mode=mode, **storage_options(location))


def value_of(spec: dict[str, Any]) -> Any:
    return to_table(spec["value"]) if spec["handler"] in ("csv", "parquet") else spec["value"]


def op_write(op: dict[str, Any]) -> Any:
    """Opens ``path`` (mode w or w+), logs ``versions``, sets ``expiries``, saves; returns list(repo)."""
    repo = open_repository(op["path"], op.get("mode", "w"))
    for spec in op.get("versions") or []:
        freeze(spec["at"])
        repo.log_artifact(spec["name"], value_of(spec), handler=spec["handler"], fname=spec.get("fname"), **(spec.get("writer") or {}))
    freeze(None)
    for spec in op.get("expiries") or []:
        freeze(spec.get("at"))
        repo.set_artifact_expiry(spec["name"], version=spec["version"], expiry=spec["expiry"])
    freeze(None)
    repo.save()
    return list(repo)


def attempt(fn: Any) -> Any:
    try:
        return {"value": fn()}
    except Exception as exc:  # noqa: BLE001
        return error(exc)


def op_read(op: dict[str, Any]) -> Any:
    """Opens ``path`` (mode r) and reports entries, every version's value and the searches in ``queries``."""
    repo = open_repository(op["path"], op.get("mode", "r"))
    versions = []
    for art in repo.artifacts:
        entry: dict[str, Any] = {"name": art.name, "version": art.version, "expiry_type": type(art.expiry).__name__}
        entry["load"] = attempt(lambda art=art: repo.load_artifact(art.name, version=art.version))
        if op.get("raw"):
            with repo.fs.open(str(repo.dir / art.name / art.fname), "rb") as buf:
                entry["raw"] = base64.b64encode(buf.read()).decode()
        versions.append(entry)
    queries = []
    for q in op.get("queries") or []:
        freeze(q.get("clock"))
        kwargs = {k: q[k] for k in ("version", "match") if k in q}
        if q["kind"] == "load":
            queries.append(attempt(lambda: repo.load_artifact(q["name"], **kwargs)))
        elif q["kind"] == "metadata":
            queries.append(attempt(lambda: repo.get_artifact_metadata(q["name"], **kwargs)))
        elif q["kind"] == "diff":
            v = q["version"]
            queries.append(attempt(lambda: repo.get_version_diff(q["name"], tuple(v) if isinstance(v, list) else v)))
        freeze(None)
    return {"artifacts": list(repo), "versions": versions, "queries": queries}


def op_edit(op: dict[str, Any]) -> Any:
    """Opens ``path`` in w+, logs ``versions``, sets ``expiries``, saves; returns list(repo)."""
    return op_write({**op, "mode": "w+"})


def op_release(op: dict[str, Any]) -> Any:
    """create_release on ``path`` (mode r) at the frozen clock; writes ``out`` with release.dump
    (one line) when given; returns the release dict and ``dumps`` text."""
    repo = open_repository(op["path"], "r")
    release = rel.create_release(repo, op["tag"])
    releases = [release]
    if op.get("existing"):  # append to releases read from this file
        with repo.fs.open(op["existing"], "r") as buf:
            releases = rel.load(buf) + releases
    if op.get("out"):
        with repo.fs.open(op["out"], "w") as buf:
            rel.dump(releases, buf)
    return {"release": release.to_dict(), "dumps": rel.dumps(releases)}


def op_read_releases(op: dict[str, Any]) -> Any:
    """Reads a releases file and runs find_release ``queries`` on it."""
    repo_fs = open_repository(op["repository"], "r").fs
    with repo_fs.open(op["path"], "r") as buf:
        releases = rel.load(buf)
    found = []
    for q in op.get("queries") or []:
        from datetime import datetime

        version = q.get("version")
        if q.get("timestamp"):
            version = datetime.fromisoformat(version)
        found.append(attempt(lambda: rel.find_release(releases, version=version, match=q.get("match", "exact")).to_dict()))
    return {"releases": [r.to_dict() for r in releases], "found": found}


def op_release_from_toml(op: dict[str, Any]) -> Any:
    """release_from_toml(text) in ``cwd`` (local only: it uses plain open(), W18)."""
    before = os.getcwd()
    os.chdir(op["cwd"])
    try:
        rel.release_from_toml(op["toml"])
    finally:
        os.chdir(before)
    return "ok"


def op_minimal(op: dict[str, Any]) -> Any:
    """minimal_repository_from_release(Path(location), repo, release) with the release
    ``index`` of the releases file ``releases``."""
    repo = open_repository(op["path"], "r")
    with repo.fs.open(op["releases"], "r") as buf:
        releases = rel.load(buf)
    location = op["location"].split("://", 1)[-1]
    rel.minimal_repository_from_release(Path(location), repo, releases[op.get("index", -1)])
    return "ok"


if __name__ == "__main__":
    run(
        {
            "write": op_write,
            "read": op_read,
            "edit": op_edit,
            "release": op_release,
            "read_releases": op_read_releases,
            "release_from_toml": op_release_from_toml,
            "minimal": op_minimal,
        }
    )
