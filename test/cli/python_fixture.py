"""Writes a project, a repository and a release with the real Python lazyscribe, for the CLI's
interop test. Usage: python python_fixture.py <root location>, which prints the locations as JSON;
or python python_fixture.py --read <repository.json>, which prints the artifacts Python loads from it."""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop", "python"))

import fsspec  # noqa: E402
from _interop import freeze, storage_options  # noqa: E402
from lazyscribe import Project, Repository  # noqa: E402
from lazyscribe import release as lzr  # noqa: E402

if sys.argv[1] == "--read":
    location = sys.argv[2]
    repo = Repository(location, mode="r", **storage_options(location))
    names = sorted({entry.name for entry in repo.artifacts})
    print(json.dumps({name: repo.load_artifact(name) for name in names if name != "model"} | {"versions": [[a.name, a.version] for a in repo.artifacts]}))
    sys.exit(0)

root = sys.argv[1].rstrip("/")
project_path = f"{root}/runs/project.json"
repository_path = f"{root}/registry/repository.json"
options = storage_options(root)

freeze("2025-04-01T09:00:00")
project = Project(project_path, mode="w", author="py", **options)
freeze("2025-04-01T10:00:00")
with project.log("Baseline") as exp:
    exp.log_parameter("lr", 0.1)
    exp.log_parameter("layers", 2)
    exp.log_metric("auc", 0.8)
    exp.tag("baseline")
    exp.log_artifact(name="features", value={"cols": ["age", "income"]}, handler="json", indent=4)
    with exp.log_test("young", "age < 30") as test:
        test.log_metric("auc", 0.7)
freeze("2025-04-02T10:00:00")
with project.log("Tuned") as exp:
    exp.log_parameter("lr", 0.03)
    exp.log_parameter("layers", 2)
    exp.log_metric("auc", 0.9)
    exp.tag("candidate")
    exp.log_artifact(name="model", value={"weights": [1, 2, 3]}, handler="pickle")
project.save()

repository = Repository(repository_path, mode="w+", **options)
freeze("2025-04-01T12:00:00")
repository.log_artifact("config", {"lr": 0.1, "activation": "relu"}, handler="json", indent=4)
repository.save()
freeze("2025-04-02T12:00:00")
repository.log_artifact("config", {"lr": 0.03, "activation": "relu"}, handler="json", indent=4)
repository.save()
freeze("2025-04-03T08:00:00")
project = Project(project_path, mode="r", **options)
project["tuned"].promote_artifact(repository, "model")

freeze("2025-04-03T09:00:00")
released = Repository(repository_path, mode="r", **options)
fs, path = fsspec.core.url_to_fs(f"{root}/registry/releases.json", **options)
with fs.open(path, "w") as out:
    lzr.dump([lzr.create_release(released, "1.0.0")], out)
freeze(None)
print(json.dumps({"project": project_path, "repository": repository_path}))
