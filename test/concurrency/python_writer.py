"""One writer of the Python baseline of the many-writers load test.

    python python_writer.py <project.json path> <writer> <experiments>

Does what a Python lazyscribe user does: Project(path, mode="a"), then for each experiment log it
with one small json artifact and save(). Prints one JSON line with the count of saves and of errors
(Python's save rewrites the file in place, so a concurrent open can read a half-written file).
"""

import json
import sys
import time

from lazyscribe import Project

path, writer, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
started = time.time()
errors = []
project = None
for _ in range(20):
    try:
        project = Project(path, mode="a", author=f"writer-{writer}")
        break
    except Exception as exc:  # a half-written project.json from another writer
        errors.append(f"open: {type(exc).__name__}: {exc}")
        time.sleep(0.01)
saves = 0
if project is not None:
    for j in range(count):
        with project.log(f"w{writer}-e{j}") as exp:
            exp.log_metric("j", j)
            exp.log_parameter("writer", writer)
            exp.log_artifact("data", {"writer": writer, "j": j}, handler="json")
        try:
            project.save()
            saves += 1
        except Exception as exc:
            errors.append(f"save: {type(exc).__name__}: {exc}")
print(json.dumps({"event": "done", "writer": writer, "saves": saves, "errors": errors[:5], "errorCount": len(errors), "ms": int((time.time() - started) * 1000)}))
