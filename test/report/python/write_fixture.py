"""Writes the report suite's fixture with the real Python lazyscribe: a project and a repository.

Usage: python write_fixture.py <folder>

The project has experiments with parameters, metrics, tags, tests (sub-populations) and
artifacts; the repository has several versions of two artifacts, one with an expiry, and a
releases.json with two releases. The clock is Python's own (the suite reads what it wrote).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from lazyscribe import Project, Repository
from lazyscribe import release as rel

folder = Path(sys.argv[1])
folder.mkdir(parents=True, exist_ok=True)

project = Project(folder / "project.json", mode="w", author="python-author")
runs = [
    ("baseline", {"learning_rate": 0.1, "depth": 3, "model": "tree"}, {"auc": 0.71, "loss": 0.52}, ["baseline"]),
    ("deeper", {"learning_rate": 0.1, "depth": 6, "model": "tree"}, {"auc": 0.78, "loss": 0.44}, ["candidate"]),
    ("tuned", {"learning_rate": 0.03, "depth": 6, "model": "tree"}, {"auc": 0.83, "loss": 0.39}, ["candidate", "best"]),
    ("boosted", {"learning_rate": 0.05, "depth": 4, "model": "gbm"}, {"auc": 0.81, "loss": 0.41}, ["candidate"]),
]
for name, params, metrics, tags in runs:
    with project.log(name) as exp:
        for k, v in params.items():
            exp.log_parameter(k, v)
        for k, v in metrics.items():
            exp.log_metric(k, v)
        exp.tag(*tags)
        exp.log_artifact(name="features", value={"columns": ["age", "income", "tenure"]}, handler="json")
        with exp.log_test("young customers", "age < 30") as test:
            test.log_metric("auc", metrics["auc"] - 0.05)
        with exp.log_test("older customers", "age >= 60") as test:
            test.log_metric("auc", metrics["auc"] - 0.02)
project.save()

repository = Repository(folder / "repository.json", mode="w")
repository.log_artifact("features", {"columns": ["age", "income"]}, handler="json", indent=4)
repository.log_artifact("thresholds", {"auc": 0.7}, handler="json", indent=4)
repository.save()
time.sleep(1.1)  # versions need distinct seconds
repository = Repository(folder / "repository.json", mode="w+")
repository.log_artifact("features", {"columns": ["age", "income", "tenure"]}, handler="json", indent=4)
repository.save()
read = Repository(folder / "repository.json", mode="r")
first = rel.create_release(read, "1.0.0")
time.sleep(1.1)
repository = Repository(folder / "repository.json", mode="w+")
repository.log_artifact("thresholds", {"auc": 0.75, "loss": 0.45}, handler="json", indent=4)
repository.save()
read = Repository(folder / "repository.json", mode="r")
second = rel.create_release(read, "1.1.0")
# After the releases: Python 2.2 cannot release a repository that holds a loaded expiry.
repository = Repository(folder / "repository.json", mode="w+")
repository.set_artifact_expiry("thresholds", version=0, expiry=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"))
repository.save()
with open(folder / "releases.json", "w") as fp:
    rel.dump([first, second], fp)
