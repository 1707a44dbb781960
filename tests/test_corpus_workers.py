"""The corpus run's warm workers (scripts/corpus_workers.py) keep going through bad documents.

A generator worker generates document after document in one process; a worker killed in the
middle of a document, or one that takes too long, is reported for that document and started
again for the next. The importer checks each output in a child of its own, so an output that
crashes its interpreter or never finishes importing is that output's failure, not the run's.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from corpus_workers import Worker, WorkerDied

TINY = """\
openapi: 3.1.0
info: {title: Tiny, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {type: string}}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    spec = tmp_path / "tiny.yaml"
    spec.write_text(TINY, encoding="utf-8")
    return spec


def _request(spec: Path, tmp_path: Path, name: str) -> dict[str, str]:
    return {"spec": str(spec), "out": str(tmp_path / name), "package": name}


def test_one_worker_generates_many_documents(tiny: Path, tmp_path: Path) -> None:
    worker = Worker("generate")
    try:
        first = worker.call(_request(tiny, tmp_path, "a_api"), timeout=300)
        second = worker.call(_request(tiny, tmp_path, "b_api"), timeout=300)
    finally:
        worker.stop()
    assert first["exit"] == second["exit"] == 0
    assert worker.started == 1  # one process for both documents
    assert first["peak_mib"] > 0 and second["peak_mib"] > 0
    assert (tmp_path / "b_api" / "b_api" / "client" / "__init__.py").is_file()
    # An invalid document is a result like any other (exit 2, its located error), not a crash.
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    worker = Worker("generate")
    try:
        refused = worker.call(_request(broken, tmp_path, "c_api"), timeout=300)
    finally:
        worker.stop()
    assert refused["exit"] == 2 and "nothing to generate" in refused["errors"][0]


def test_a_worker_killed_mid_document_is_reported_and_restarted(tiny: Path, tmp_path: Path) -> None:
    worker = Worker("generate")
    try:
        worker.call(_request(tiny, tmp_path, "warm_api"), timeout=300)  # started and warm
        assert worker.proc is not None
        pid = worker.proc.pid
        killer = threading.Timer(0.05, os.killpg, (pid, signal.SIGKILL))
        killer.start()
        with pytest.raises(WorkerDied) as died:
            worker.call(_request(tiny, tmp_path, "killed_api"), timeout=300)
        killer.join()
        assert "SIGKILL" in died.value.reason and not died.value.timed_out
        again = worker.call(_request(tiny, tmp_path, "after_api"), timeout=300)
    finally:
        worker.stop()
    assert again["exit"] == 0
    assert worker.started == 2


def test_a_worker_over_the_time_limit_is_reported_and_restarted(tiny: Path, tmp_path: Path) -> None:
    worker = Worker("generate")
    try:
        with pytest.raises(WorkerDied) as died:
            worker.call(_request(tiny, tmp_path, "slow_api"), timeout=0.001)
        assert died.value.timed_out
        again = worker.call(_request(tiny, tmp_path, "next_api"), timeout=300)
    finally:
        worker.stop()
    assert again["exit"] == 0
    assert worker.started == 2


def _package(folder: Path, name: str, body: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "__init__.py").write_text(body, encoding="utf-8")
    (folder / name / "part.py").write_text("VALUE = 1\n", encoding="utf-8")


def test_the_importer_survives_an_output_that_crashes_or_hangs(tmp_path: Path) -> None:
    _package(tmp_path / "good", "good_pkg", "import json\n")
    _package(tmp_path / "bad", "bad_pkg", "raise ValueError('broken on purpose')\n")
    _package(tmp_path / "crash", "crash_pkg", "import os, signal\nos.kill(os.getpid(), 11)\n")
    _package(tmp_path / "hang", "hang_pkg", "import time\ntime.sleep(60)\n")
    importer = Worker("import")

    def check(name: str, timeout: float = 120) -> dict[str, object]:
        folder = tmp_path / name.removesuffix("_pkg")
        request = {"folder": str(folder), "package": name, "timeout": timeout}
        return importer.call(request, timeout + 60)

    try:
        good = check("good_pkg")
        bad = check("bad_pkg")
        crash = check("crash_pkg")
        hang = check("hang_pkg", timeout=1)
        again = check("good_pkg")
    finally:
        importer.stop()
    assert good == {"modules": 2, "import_failures": []} == again
    assert bad["import_failures"] == [["bad_pkg", "ValueError: broken on purpose"]]
    assert crash["import_failures"] == [["crash_pkg", "the importing process died (SIGSEGV)"]]
    assert hang["import_failures"] == [["hang_pkg", "importing took longer than 1 s"]]
    assert importer.started == 1  # every check forked from the same warm importer
