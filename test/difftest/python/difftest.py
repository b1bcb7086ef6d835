"""The Python half of the differential test (../run.ts): runs a batch of random
scenarios with the real lazyscribe in one process.

stdin: ``{"phase": "write" | "resave", "jobs": [...]}``; stdout: one result per job.

``write`` job: ``{"root": dir, "scenario": {...}}``. Inside ``root`` (the working
directory while it runs, so every path in the files is relative and the same on both
sides) it writes ``up/project.json`` (upstream experiments), ``proj/project.json``
(experiments, then an optional ``w+`` edit session), ``repo/repository.json``
(versions, promotions, expiries) and, when asked, ``repo/releases.json`` and a
minimal repository in ``minimal/``. The result lists each operation's outcome
("ok" or the exception type), so refusals are compared too.

``resave`` job: ``{"root": dir, "files": [{"kind": "project" | "repository", "path": p}], "at": iso}``:
opens each file in ``w+`` and saves it unchanged at the frozen clock.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "interop" / "python"))

from _interop import freeze, to_table  # noqa: E402
from lazyscribe import Project, Repository  # noqa: E402
from lazyscribe import release as rel  # noqa: E402

AUTHOR = "difftest"


def value_of(spec: dict[str, Any]) -> Any:
    return to_table(spec["value"]) if spec["handler"] == "csv" else spec["value"]


def outcome(fn: Any) -> str:
    try:
        fn()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - compared with the TypeScript side
        return type(exc).__name__


def log_artifact(target: Any, spec: dict[str, Any]) -> None:
    kwargs = dict(spec.get("writer") or {})
    target.log_artifact(
        spec["name"], value_of(spec), handler=spec["handler"], fname=spec.get("fname"), overwrite=spec.get("overwrite", False), **kwargs
    )


def apply_changes(exp: Any, spec: dict[str, Any], upstream: Project | None, outcomes: list[str]) -> None:
    for key, value in (spec.get("metrics") or {}).items():
        exp.log_metric(key, value)
    for key, value in (spec.get("parameters") or {}).items():
        exp.log_parameter(key, value)
    if "replace_tags" in spec:
        exp.tag(*spec["replace_tags"], overwrite=True)
    if spec.get("tags"):
        exp.tag(*spec["tags"])
    for art in spec.get("artifacts") or []:
        outcomes.append(outcome(lambda art=art: log_artifact(exp, art)))
    for slug in spec.get("dependencies") or []:
        up = upstream[slug]
        exp.dependencies[up.short_slug] = up
    for test in spec.get("tests") or []:
        with exp.log_test(test["name"], test.get("description")) as t:
            for key, value in (test.get("metrics") or {}).items():
                t.log_metric(key, value)
            for key, value in (test.get("parameters") or {}).items():
                t.log_parameter(key, value)
            for art in test.get("artifacts") or []:
                outcomes.append(outcome(lambda art=art: log_artifact(t, art)))


def log_experiment(project: Project, spec: dict[str, Any], upstream: Project | None, outcomes: list[str]) -> None:
    freeze(spec["at"])
    with project.log(spec["name"]) as exp:
        freeze(spec.get("updated") or spec["at"])
        apply_changes(exp, spec, upstream, outcomes)
    freeze(None)


def write(sc: dict[str, Any]) -> list[str]:
    outcomes: list[str] = []
    upstream = None
    if sc.get("upstream"):
        up = Project("up/project.json", mode="w", author=AUTHOR)
        for spec in sc["upstream"]:
            log_experiment(up, spec, None, outcomes)
        freeze(sc["save_at"])
        up.save()
        freeze(None)
        upstream = Project("up/project.json", mode="r")
    project = Project("proj/project.json", mode="w", author=AUTHOR)
    for spec in sc["experiments"]:
        log_experiment(project, spec, upstream, outcomes)
    freeze(sc["save_at"])
    outcomes.append(outcome(project.save))
    freeze(None)
    edit = sc.get("edit")
    if edit:
        project = Project("proj/project.json", mode="w+", author=edit["author"])
        for change in edit.get("changes") or []:
            freeze(change["at"])
            outcomes.append(outcome(lambda change=change: apply_changes(project[change["slug"]], change, upstream, outcomes)))
            freeze(None)
        for spec in edit.get("add") or []:
            log_experiment(project, spec, upstream, outcomes)
        freeze(edit["save_at"])
        outcomes.append(outcome(project.save))
        freeze(None)
    repo_sc = sc.get("repository")
    if repo_sc:
        repo = Repository("repo/repository.json", mode="w")
        for v in repo_sc.get("versions") or []:
            freeze(v["at"])
            outcomes.append(
                outcome(
                    lambda v=v: repo.log_artifact(v["name"], value_of(v), handler=v["handler"], fname=v.get("fname"), **(v.get("writer") or {}))
                )
            )
            freeze(None)
        if repo_sc.get("promotions"):
            source = Project("proj/project.json", mode="r")
            for p in repo_sc["promotions"]:
                freeze(p["at"])
                outcomes.append(outcome(lambda p=p: source[p["slug"]].promote_artifact(repo, p["artifact"])))
                freeze(None)
        for e in repo_sc.get("expiries") or []:
            freeze(e["at"])
            outcomes.append(outcome(lambda e=e: repo.set_artifact_expiry(e["name"], version=e["version"], expiry=e["expiry"])))
            freeze(None)
        freeze(repo_sc["save_at"])
        outcomes.append(outcome(repo.save))
        freeze(None)
        release = repo_sc.get("release")
        if release:
            freeze(release["at"])
            try:
                stored = Repository("repo/repository.json", mode="r")
                made = rel.create_release(stored, release["tag"])
                with open("repo/releases.json", "w") as buf:
                    rel.dump([made], buf)
                outcomes.append("ok")
                if release.get("minimal"):
                    outcomes.append(outcome(lambda: rel.minimal_repository_from_release(Path("minimal"), stored, made)))
            except Exception as exc:  # noqa: BLE001
                outcomes.append(type(exc).__name__)
            freeze(None)
    return outcomes


def resave(job: dict[str, Any]) -> list[str]:
    outcomes = []
    for f in job["files"]:
        freeze(job["at"])
        if f["kind"] == "project":
            outcomes.append(outcome(lambda f=f: Project(f["path"], mode="w+", author=AUTHOR).save()))
        else:
            outcomes.append(outcome(lambda f=f: Repository(f["path"], mode="w+").save()))
        freeze(None)
    return outcomes


def main() -> None:
    doc = json.load(sys.stdin)
    results = []
    home = os.getcwd()
    for job in doc["jobs"]:
        os.chdir(job["root"])
        try:
            results.append({"outcomes": write(job["scenario"]) if doc["phase"] == "write" else resave(job)})
        except Exception as exc:  # noqa: BLE001 - a whole-scenario failure is a result too
            results.append({"crash": f"{type(exc).__name__}: {exc}"})
        finally:
            freeze(None)
            os.chdir(home)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
