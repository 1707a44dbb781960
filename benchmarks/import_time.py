"""Import time of a generated package, measured in a fresh interpreter each time.

Three cumulative steps are timed inside the child (interpreter start-up is excluded):
`import <package>`; then `from <package>.client import Client` and `Client(base_url=...)`;
then the first call of one resource method, answered by an in-process httpx mock transport
(so httpx, which the client imports on its first request, and the lazy loading of the resource
module and of the models it parses are counted there).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

_PROBE = r"""
import importlib, json, sys, time
cfg = json.loads(sys.argv[1])
t0 = time.perf_counter()
importlib.import_module(cfg["package"])
t1 = time.perf_counter()
client_mod = importlib.import_module(cfg["package"] + ".client")
client = client_mod.Client(base_url="http://127.0.0.1:9")  # as a user constructs it
t2 = time.perf_counter()
result = None
if cfg["resource"]:
    # The first call brings in httpx, the resource module and its models; an in-process mock
    # transport answers it (an injected client, so the request never leaves the process).
    import httpx
    body = cfg["body"].encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            cfg["status"], content=body, headers={"content-type": cfg["content_type"]}
        )
    )
    client = client_mod.Client(
        base_url="http://127.0.0.1:9", http_client=httpx.Client(transport=transport)
    )
    result = getattr(getattr(client, cfg["resource"]), cfg["method"])()
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "client": t2 - t0, "first_call": t3 - t0,
                  "result": type(result).__name__}))
"""


@dataclass(frozen=True)
class ImportProbe:
    """A package and the one call whose first use is timed."""

    label: str
    package: str
    path: Path  # the folder that holds the package
    resource: str = ""
    method: str = ""
    status: int = 200
    content_type: str = "application/json"
    body: str = "{}"


@dataclass
class ImportResult:
    probe: ImportProbe
    runs: list[dict[str, float]] = field(default_factory=list)
    error: str = ""

    def median(self, step: str) -> float:
        return statistics.median(r[step] for r in self.runs)

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.probe.label,
            "package": self.probe.package,
            "call": f"{self.probe.resource}.{self.probe.method}" if self.probe.resource else None,
            "error": self.error or None,
            "median_s": {s: round(self.median(s), 4) for s in ("import", "client", "first_call")}
            if self.runs
            else None,
            "runs": self.runs,
        }


def bench_import(probe: ImportProbe, *, repeat: int) -> ImportResult:
    """`repeat` fresh interpreters after one warm-up (which also writes the .pyc files)."""
    result = ImportResult(probe)
    env = {**os.environ, "PYTHONPATH": str(probe.path)}
    config = json.dumps(
        {
            "package": probe.package,
            "resource": probe.resource,
            "method": probe.method,
            "status": probe.status,
            "content_type": probe.content_type,
            "body": probe.body,
        }
    )
    for i in range(repeat + 1):
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, config],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            result.error = lines[-1] if lines else f"exit {done.returncode}"
            return result
        if i:  # the first run is the warm-up
            timings = json.loads(done.stdout.strip().splitlines()[-1])
            timings.pop("result", None)
            result.runs.append(timings)
    return result


_FLOOR = r"""
import json, time
t0 = time.perf_counter()
import httpx
print(json.dumps({"import": time.perf_counter() - t0}))
"""


def bench_floor(*, repeat: int) -> float:
    """`import httpx` alone, which the generated client needs on its first request (median)."""
    runs = []
    for i in range(repeat + 1):
        done = subprocess.run(
            [sys.executable, "-c", _FLOOR], capture_output=True, text=True, check=True, timeout=60
        )
        if i:
            runs.append(float(json.loads(done.stdout.strip().splitlines()[-1])["import"]))
    return statistics.median(runs)
