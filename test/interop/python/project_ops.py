"""Project operations run by the interop suite with the real Python lazyscribe.

stdin: ``{"ops": [op, ...]}``; stdout: one result per op (see ``_interop.run``).

An experiment spec (shared with the TypeScript side, see ../harness.ts)::

    {"name": str, "at": iso, "updated": iso?, "metrics": {}, "parameters": {},
     "tags": [], "artifacts": [artifact], "tests": [test], "dependencies": [{"project": loc, "slug": s}]}
    artifact: {"name", "handler", "value", "fname"?, "writer"?: {json.dump / yaml.dump kwargs}}
    test: {"name", "description"?, "metrics"?, "parameters"?, "artifacts"?: [artifact]}

``at`` is the frozen clock while the experiment is created, ``updated`` (default ``at``)
while it is changed, so ``created_at`` and ``last_updated`` can differ.
"""

from __future__ import annotations

import base64
from typing import Any

from _interop import error, freeze, run, storage_options, to_table
from lazyscribe import Project
from lazyscribe.registry import registry


def open_project(location: str, mode: str, author: str | None = "interop") -> Project:
    return Project(location, mode=mode, author=author, **storage_options(location))


def artifact_value(spec: dict[str, Any]) -> Any:
    return to_table(spec["value"]) if spec["handler"] in ("csv", "parquet") else spec["value"]


def log_artifact(target: Any, spec: dict[str, Any], overwrite: bool | None = None) -> None:
    kwargs = dict(spec.get("writer") or {})
    if overwrite is not None:
        kwargs["overwrite"] = overwrite
    target.log_artifact(spec["name"], artifact_value(spec), handler=spec["handler"], fname=spec.get("fname"), **kwargs)


def apply_changes(exp: Any, spec: dict[str, Any], upstream: dict[str, Project]) -> None:
    for key, value in (spec.get("metrics") or {}).items():
        exp.log_metric(key, value)
    for key, value in (spec.get("parameters") or {}).items():
        exp.log_parameter(key, value)
    if "replace_tags" in spec:
        exp.tag(*spec["replace_tags"], overwrite=True)
    if spec.get("tags"):
        exp.tag(*spec["tags"])
    for art in spec.get("artifacts") or []:
        log_artifact(exp, art, overwrite=art.get("overwrite", False))
    for dep in spec.get("dependencies") or []:
        loc = dep["project"]
        if loc not in upstream:
            upstream[loc] = open_project(loc, "r", None)
        up = upstream[loc][dep["slug"]]
        exp.dependencies[up.short_slug] = up
    for test in spec.get("tests") or []:
        with exp.log_test(test["name"], test.get("description")) as t:
            for key, value in (test.get("metrics") or {}).items():
                t.log_metric(key, value)
            for key, value in (test.get("parameters") or {}).items():
                t.log_parameter(key, value)
            for art in test.get("artifacts") or []:
                log_artifact(t, art)


def log_experiment(project: Project, spec: dict[str, Any], upstream: dict[str, Project]) -> None:
    freeze(spec["at"])
    with project.log(spec["name"]) as exp:
        freeze(spec.get("updated") or spec["at"])
        apply_changes(exp, spec, upstream)
    freeze(None)


def register(op: dict[str, Any]) -> None:
    registry.projects.clear()
    for key, loc in (op.get("registry") or {}).items():
        registry.add_project(key, open_project(loc, "r", None))


def op_write(op: dict[str, Any]) -> Any:
    """Opens ``path`` in ``mode`` (default w), logs ``experiments``, saves; returns list(project)."""
    register(op)
    project = open_project(op["path"], op.get("mode", "w"), op.get("author", "interop"))
    upstream: dict[str, Project] = {}
    for spec in op.get("experiments") or []:
        log_experiment(project, spec, upstream)
    if op.get("save", True):
        freeze(op.get("save_at"))
        project.save()
    return list(project)


def load_all(target: Any, names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        try:
            out[name] = {"value": target.load_artifact(name)}
        except Exception as exc:  # noqa: BLE001
            out[name] = error(exc)
    return out


def op_read(op: dict[str, Any]) -> Any:
    """Opens ``path`` in ``mode`` (default r) and reports every field and artifact."""
    register(op)
    project = open_project(op["path"], op.get("mode", "r"), op.get("author"))
    result: dict[str, Any] = {"experiments": list(project), "classes": [], "test_classes": [], "artifacts": {}, "dependencies": {}}
    for exp in project.experiments:
        result["classes"].append(type(exp).__name__)
        result["test_classes"].append([type(t).__name__ for t in exp.tests])
        result["dependencies"][exp.slug] = {k: [v.slug, str(v.project)] for k, v in exp.dependencies.items()}
        if op.get("load", True):
            result["artifacts"][exp.slug] = {
                "experiment": load_all(exp, [a.name for a in exp.artifacts]),
                "tests": [load_all(t, [a.name for a in t.artifacts]) for t in exp.tests],
                "paths": {a.name: str(exp.path / a.fname) for a in exp.artifacts},
            }
    if op.get("raw"):  # base64 of artifact files, e.g. pickles
        raw: dict[str, str] = {}
        for exp in project.experiments:
            for a in exp.artifacts:
                with project.fs.open(str(exp.path / a.fname), "rb") as buf:
                    raw[f"{exp.slug}/{a.name}"] = base64.b64encode(buf.read()).decode()
        result["raw"] = raw
    if op.get("save"):
        try:
            project.save()
            result["save"] = "ok"
        except Exception as exc:  # noqa: BLE001
            result["save"] = error(exc)
    return result


def op_edit(op: dict[str, Any]) -> Any:
    """Opens ``path`` in ``mode`` (a or w+), applies ``edits`` to existing experiments and
    logs ``add``; saves; returns per-edit outcomes and list(project)."""
    register(op)
    project = open_project(op["path"], op["mode"], op.get("author", "interop"))
    upstream: dict[str, Project] = {}
    outcomes = []
    for edit in op.get("edits") or []:
        freeze(edit["at"])
        try:
            apply_changes(project[edit["slug"]], edit, upstream)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(error(exc))
        freeze(None)
    for spec in op.get("add") or []:
        log_experiment(project, spec, upstream)
    freeze(op.get("save_at"))
    project.save()
    return {"outcomes": outcomes, "experiments": list(project)}


def op_merge(op: dict[str, Any]) -> Any:
    """``projects[0].merge(*projects[1:])``; returns the merged list (and saves it when asked)."""
    projects = [open_project(loc, op.get("mode", "w+"), op.get("author", "interop")) for loc in op["paths"]]
    merged = projects[0].merge(*projects[1:])
    if op.get("save"):
        merged.save()
    return list(merged)


if __name__ == "__main__":
    run({"write": op_write, "read": op_read, "edit": op_edit, "merge": op_merge})
