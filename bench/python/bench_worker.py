"""The Python contender: Python lazyscribe 2.2 through fsspec (s3fs, gcsfs, adlfs).

Reads one job as JSON on stdin (see ../src/jobs.ts), runs it, times the same phases as
the Node workers with ``time.perf_counter`` and prints one result as JSON on the last
line of stdout. Values and names mirror ../src/jobs.ts and ../src/lib-workloads.ts.

Workload 4 needs a streaming handler, which Python lazyscribe does not ship: the
``bytes`` handler below is a minimal one that writes an iterable of chunks to the
fsspec file and reads it back in 1 MiB chunks, so neither side holds the artifact in
memory.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

from attrs import define
from lazyscribe import Project, Repository
from lazyscribe._utils import utcnow
from lazyscribe.artifacts.base import Artifact
from lazyscribe.release import create_release, minimal_repository_from_release
from slugify import slugify

AUTHOR = "bench"
CHUNK = 1024 * 1024


@define(auto_attribs=True, getstate_setstate=False)
class StreamArtifact(Artifact):
    """A ``bytes`` handler that streams: write takes an iterable of chunks, read returns the byte count."""

    alias: ClassVar[str] = "bytes"
    suffix: ClassVar[str] = "bin"
    binary: ClassVar[bool] = True
    output_only: ClassVar[bool] = False

    @classmethod
    def construct(
        cls,
        name: str,
        value: Any = None,
        fname: str | None = None,
        created_at: datetime | None = None,
        expiry: datetime | None = None,
        writer_kwargs: dict[str, Any] | None = None,
        version: int = 0,
        dirty: bool = True,
        **kwargs: Any,
    ) -> StreamArtifact:
        created_at = created_at or utcnow()
        return cls(
            name=name,
            value=value,
            fname=fname or f"{slugify(name)}-{slugify(created_at.strftime('%Y%m%d%H%M%S'))}.{cls.suffix}",
            created_at=created_at,
            expiry=expiry,
            writer_kwargs=writer_kwargs or {},
            version=version,
            dirty=dirty,
        )

    @classmethod
    def read(cls, buf: Any, **kwargs: Any) -> int:
        total = 0
        while True:
            chunk = buf.read(CHUNK)
            if not chunk:
                return total
            total += len(chunk)

    @classmethod
    def write(cls, obj: Any, buf: Any, **kwargs: Any) -> None:
        for chunk in obj:
            buf.write(chunk)


def storage_options(location: str) -> dict[str, Any]:
    """fsspec options for the emulator serving ``location`` (as test/interop/python/_interop.py)."""
    scheme = urlparse(location).scheme
    if scheme == "s3":
        return {
            "key": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
            "secret": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
            "client_kwargs": {
                "endpoint_url": os.environ["LAZYSCRIBE_TEST_S3_ENDPOINT"],
                "region_name": os.environ.get("AWS_REGION", "us-east-1"),
            },
        }
    if scheme in ("gs", "gcs"):
        return {"token": "anon", "project": os.environ.get("GOOGLE_CLOUD_PROJECT", "lazyscribe-test")}
    if scheme in ("az", "abfs"):
        return {"connection_string": os.environ["LAZYSCRIBE_TEST_AZURE_CONNECTION_STRING"]}
    return {}


def at(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


def bare(location: str) -> str:
    """A location without its scheme (fsspec paths inside the filesystem)."""
    parsed = urlparse(location)
    return parsed.netloc + parsed.path if parsed.scheme else location


def small_payload(i: int, k: int) -> dict[str, Any]:
    return {
        "experiment": i,
        "artifact": k,
        "label": f"experiment {i} artifact {k}",
        "values": [i * 31 + k * 7 + j for j in range(16)],
    }


def stream_chunks(total: int):
    """The same 1 MiB pattern as ../src/jobs.ts, built now (not while timed), yielded up to ``total`` bytes."""
    pattern = bytes(((i * 131 + (i >> 10)) & 0xFF) for i in range(CHUNK))

    def chunks():
        sent = 0
        while sent < total:
            n = min(CHUNK, total - sent)
            yield pattern if n == CHUNK else pattern[:n]
            sent += n

    return chunks()


def peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def result(metrics: dict[str, float], **info: Any) -> dict[str, Any]:
    return {"metrics": metrics, "rssPeakBytes": peak_rss(), "info": info}


def save(job: dict[str, Any]) -> dict[str, Any]:
    sizes = job["sizes"]
    location = at(job["root"], "project.json")
    t0 = time.perf_counter()
    project = Project(location, mode="w", author=AUTHOR, **storage_options(location))
    for i in range(sizes["experiments"]):
        with project.log(f"exp-{i}") as exp:
            exp.log_metric("score", i / 7)
            exp.log_parameter("learning_rate", 0.01)
            exp.tag("bench")
            for k in range(sizes["artifactsPerExperiment"]):
                exp.log_artifact(f"a{k}", small_payload(i, k), handler="json")
    project.save()
    ms = (time.perf_counter() - t0) * 1000
    return result({"ms": ms, "dirtyArtifacts": sizes["experiments"] * sizes["artifactsPerExperiment"]})


def resave(job: dict[str, Any]) -> dict[str, Any]:
    location = job["inputs"]["project"]
    target = f"exp-{job['sizes']['experiments'] // 2}"
    t0 = time.perf_counter()
    project = Project(location, mode="w+", author=AUTHOR, **storage_options(location))
    exp = project[target]
    exp.log_metric("edited", 1)
    exp.log_artifact("a0", small_payload(-1, 0), handler="json", overwrite=True)
    project.save()
    return result({"ms": (time.perf_counter() - t0) * 1000})


def open_project(job: dict[str, Any]) -> dict[str, Any]:
    location = job["inputs"]["openProject"]
    slugs = job["inputs"]["slugs"]
    t0 = time.perf_counter()
    project = Project(location, mode="r", author=AUTHOR, **storage_options(location))
    open_ms = (time.perf_counter() - t0) * 1000
    found = sum(1 for slug in slugs if project[slug].slug == slug)
    ms = (time.perf_counter() - t0) * 1000
    if found != len(slugs):
        raise RuntimeError(f"found {found} of {len(slugs)} slugs")
    return result({"ms": ms, "openMs": open_ms, "lookupMs": ms - open_ms, "experiments": len(project.experiments)})


def stream(job: dict[str, Any]) -> dict[str, Any]:
    size = job["sizes"]["streamBytes"]
    location = at(job["root"], "project.json")
    options = storage_options(location)
    project = Project(location, mode="w", author=AUTHOR, **options)
    with project.log("stream") as exp:
        exp.log_artifact("blob", stream_chunks(size), handler="bytes")
    t0 = time.perf_counter()
    project.save()
    write_ms = (time.perf_counter() - t0) * 1000
    rss_after_write = peak_rss()
    t0 = time.perf_counter()
    reader = Project(location, mode="r", author=AUTHOR, **options)
    received = reader["stream"].load_artifact("blob", validate=False)
    read_ms = (time.perf_counter() - t0) * 1000
    if received != size:
        raise RuntimeError(f"read {received} bytes, expected {size}")
    return result({"writeMs": write_ms, "readMs": read_ms, "bytes": size, "rssAfterWrite": rss_after_write})


def release(job: dict[str, Any]) -> dict[str, Any]:
    inputs = job["inputs"]
    options = storage_options(inputs["releaseRepository"])
    repository = Repository(inputs["releaseRepository"], mode="r", **options)
    tagged = create_release(repository, "bench")
    t0 = time.perf_counter()
    minimal_repository_from_release(Path(bare(at(job["root"], "minimal"))), repository, tagged)
    minimal_ms = (time.perf_counter() - t0) * 1000

    project = Project(inputs["promoteProject"], mode="r", author=AUTHOR, **options)
    exp = project[inputs["promoteExperiment"]]
    target = Repository(at(job["root"], "promoted", "repository.json"), mode="w+", **options)
    t0 = time.perf_counter()
    for artifact in exp.artifacts:
        exp.promote_artifact(target, artifact.name)
    promote_ms = (time.perf_counter() - t0) * 1000
    if len(target.artifacts) != len(exp.artifacts):
        raise RuntimeError("promotion lost artifacts")
    return result({"minimalMs": minimal_ms, "promoteMs": promote_ms, "artifacts": len(tagged.artifacts)})


WORKLOADS = {"save": save, "resave": resave, "open": open_project, "stream": stream, "release": release}


def main() -> None:
    job = json.load(sys.stdin)
    try:
        out = WORKLOADS[job["workload"]](job)
    except Exception:  # noqa: BLE001 - reported to the orchestrator
        print(json.dumps({"error": traceback.format_exc()}))
        sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
